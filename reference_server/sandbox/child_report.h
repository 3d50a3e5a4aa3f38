#ifndef REFERENCE_SERVER_SANDBOX_CHILD_REPORT_H_
#define REFERENCE_SERVER_SANDBOX_CHILD_REPORT_H_

#include <cstdint>
#include <string_view>

namespace sandbox {

// The steps of setting up a run, inside the new namespaces. A step that
// fails is reported by name with its errno.
enum class Stage : std::int32_t {
  kSync,
  kBecomeRoot,
  kExecInit,
  kPlan,
  kNotDumpable,
  kCgroupNamespace,
  kParentDeathSignal,
  kHostname,
  kLoopback,
  kMountPrivate,
  kMountRoot,
  kMountBind,
  kMountRemountReadOnly,
  kMakeDirectory,
  kMakeSymlink,
  kWriteFile,
  kMountDev,
  kMountProc,
  kMountTmp,
  kMountWork,
  kReady,  // not a failure: the sandbox is built and waits for its run
  kRequest,
  kWorkFiles,
  kPivotRoot,
  kDetachOldRoot,
  kRemountRootReadOnly,
  kFork,
  kChdir,
  kRlimits,
  kDropCapabilities,
  kNoNewPrivs,
  kSeccomp,
  kExec,
  kDone,  // not a failure: the program ran; wait_status is its status
};

std::string_view StageName(Stage stage);

// Fixed-size record written by the child processes on the status pipe:
// they cannot allocate (the host may be multi-threaded), so no strings.
struct ChildReport {
  Stage stage = Stage::kDone;
  std::int32_t error = 0;        // errno of the failed step
  std::int32_t wait_status = 0;  // with kDone: the step's wait status
  std::int32_t step = 0;         // with kDone: which step
  // With kDone: CPU time of init and every process it reaped, so that the
  // host need not wait for init's exit to know it.
  std::int64_t cpu_ms = 0;
};

// Precedes each artifact on the artifact pipe; `size` bytes follow when
// `error` is 0 (else it is the errno, or EINVAL for "not a regular file"
// and EFBIG for "too large").
struct ArtifactHeader {
  std::uint32_t error = 0;
  std::uint32_t reserved = 0;
  std::uint64_t size = 0;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_CHILD_REPORT_H_
