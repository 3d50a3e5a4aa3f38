#ifndef FUZZ_REMOTE_RAW_CASES_H_
#define FUZZ_REMOTE_RAW_CASES_H_

#include <string>
#include <vector>

#include "fuzz/remote/fuzz_case.h"
#include "fuzz/remote/rng.h"

namespace remote_fuzz {

// Requests that attack HTTP/1.1 itself (RFC 9112): the request line,
// header syntax, message framing (Content-Length and Transfer-Encoding,
// smuggling attempts), truncation, pipelining and slow sends. Each is
// named; the name is the case's origin ("raw <name>").
FuzzCase GenerateRawCase(Rng& rng, const TargetContext& context);

// The names of every raw mutation, for --list and the tests.
std::vector<std::string> RawCaseNames();

// The raw case of that name (for tests and replay); its random parts drawn
// from `rng`.
FuzzCase RawCaseNamed(const std::string& name, Rng& rng, const TargetContext& context);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_RAW_CASES_H_
