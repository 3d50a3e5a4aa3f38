#ifndef REFERENCE_SERVER_SANDBOX_INIT_H_
#define REFERENCE_SERVER_SANDBOX_INIT_H_

namespace sandbox {

// The descriptors of sandbox_init, the sandbox's init once exec'd: where
// LaunchInit puts them.
inline constexpr int kInitStatusFd = 3;   // ChildReport records
inline constexpr int kInitRequestFd = 4;  // the plan (init_plan.h), then the run
inline constexpr int kInitStdoutFd = 5;   // the program's output
inline constexpr int kInitStderrFd = 6;
inline constexpr int kInitArtifactFd = 7;  // framed artifacts
inline constexpr int kInitImageFd = 8;     // the sandbox_init image; closed by it

// The entry point clone() runs as pid 1 of the new namespaces, a copy of
// the host process; `plan` is a ChildPlan*. It keeps only its pipes, waits
// until the host has written its id maps, becomes root inside, and execs
// sandbox_init (plan->init_image) with the pipes at the descriptors above:
// from then on nothing of the host's memory is in the sandbox. Failures
// are reported on plan->status_write.
int LaunchInit(void* plan);

// sandbox_init's main: receives the plan, builds the sandbox and reports
// kReady, then waits for its run (init_request.h): writes the files, starts
// each step, reaps every process, and when a step ends kills whatever it
// left behind. It reports the program's status and exits.
[[noreturn]] void InitMain();

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_INIT_H_
