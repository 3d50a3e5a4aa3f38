#ifndef REFERENCE_SERVER_SANDBOX_INIT_REQUEST_H_
#define REFERENCE_SERVER_SANDBOX_INIT_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "reference_server/sandbox/policy.h"
#include "reference_server/sandbox/run.h"

namespace sandbox {

// What a ready sandbox's init receives once a run is given to it: the
// files, steps, environment, artifacts and the limits that are applied per
// step. A sandbox is built (namespaces, cgroup, root, network) before its
// run is known, and its init (sandbox_init) shares no memory with the host:
// the run is sent on a socket, as a fixed header and a payload.
//
// Init decodes it in place, copying nothing: strings are used where they
// are in the payload, and the tables of pointers are carved from an arena
// whose size the header states. The decoder allocates nothing, so it also
// serves code that must not, like a clone of a multi-threaded process. The
// host is trusted, but the decoder still checks every length and count
// against the buffers it was given and never reads or writes outside them
// (init_request_fuzzer).

inline constexpr std::uint32_t kInitRequestMagic = 0x52514e49;  // "INQR"
inline constexpr std::uint32_t kInitRequestVersion = 1;
// Bounds the payload and the arena init maps for it.
inline constexpr std::uint64_t kMaxInitRequestBytes = std::uint64_t{1} << 30;

struct InitRequestHeader {
  std::uint32_t magic = kInitRequestMagic;
  std::uint32_t version = kInitRequestVersion;
  std::uint64_t payload_bytes = 0;
  std::uint64_t arena_bytes = 0;  // a multiple of sizeof(void*)
};

// One input file, pointing into the payload.
struct FileView {
  const char* name = nullptr;  // NUL-terminated
  std::size_t name_size = 0;
  const char* content = nullptr;  // may hold NULs
  std::size_t content_size = 0;
  bool executable = false;
};

// The decoded request. Every pointer is into the payload or the arena.
struct InitRequestView {
  // The limits init applies to each step it starts (the rest are fixed when
  // the sandbox is built: memory, processes, tmpfs sizes).
  std::uint64_t cpu_seconds = 0;
  std::uint64_t max_file_bytes = 0;
  std::uint64_t max_open_files = 0;
  std::uint64_t artifact_max_bytes = 0;
  // step_count argvs, each null-terminated; the first main_steps are the
  // steps, the rest after-steps.
  char* const* const* steps = nullptr;
  std::size_t step_count = 0;
  std::size_t main_steps = 0;
  char* const* envp = nullptr;  // "NAME=value" entries, null-terminated
  const FileView* files = nullptr;
  std::size_t file_count = 0;
  const char* const* artifacts = nullptr;  // names of /work files
  std::size_t artifact_count = 0;
};

// Host side: the header (its first sizeof(InitRequestHeader) bytes) and
// payload of a run. `environment` is the program's whole environment as
// "NAME=value" entries. `spec` must have passed CheckSpec.
std::string EncodeInitRequest(const RunSpec& spec, const std::vector<std::string>& environment,
                              const Limits& limits);

// Inside: 0 when `header` is well-formed and within the bounds, else EINVAL
// (wrong magic or version, arena not a multiple of a pointer) or E2BIG.
int CheckInitRequestHeader(const InitRequestHeader& header);

// Inside, no allocation: decodes `payload` (writable: argv and names are
// used in place), carving the pointer tables from `arena` (aligned for a
// pointer). Returns 0, or EINVAL when anything is malformed: a truncated
// field, a count the arena cannot hold, a string without its NUL or with
// one inside, an argv[0] that is not absolute, main_steps of 0 or over
// step_count, trailing bytes; or an arena not aligned for a pointer.
// `out` is only written on success.
int DecodeInitRequest(char* payload, std::size_t payload_bytes, void* arena,
                      std::size_t arena_bytes, InitRequestView& out);

// Inside, no allocation: reads a header and its payload from `fd` (into
// memory it maps, which stays mapped until init exits) and decodes them.
// Returns 0, or the errno of the first failure (EPIPE for a short read).
int ReceiveInitRequest(int fd, InitRequestView& out);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_INIT_REQUEST_H_
