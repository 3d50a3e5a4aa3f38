#ifndef REFERENCE_SERVER_JOBS_JOB_ID_H_
#define REFERENCE_SERVER_JOBS_JOB_ID_H_

#include <array>
#include <cstdint>
#include <string>

namespace jobs {

// A random UUID version 4 (RFC 9562 section 5.4) in its canonical
// lower-case form, "0f8fad5b-d9cb-469f-a165-70867728950e". The 122 random
// bits come from the kernel's CSPRNG (getrandom), so ids can be neither
// guessed nor enumerated. Aborts if the kernel cannot provide randomness:
// a predictable id would let one key reach another's jobs.
std::string NewJobId();

// The canonical text of 16 bytes with the version and variant bits set
// (separate so that tests can check the format on known bytes).
std::string FormatUuidV4(std::array<std::uint8_t, 16> bytes);

}  // namespace jobs

#endif  // REFERENCE_SERVER_JOBS_JOB_ID_H_
