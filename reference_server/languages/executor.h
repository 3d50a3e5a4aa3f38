#ifndef REFERENCE_SERVER_LANGUAGES_EXECUTOR_H_
#define REFERENCE_SERVER_LANGUAGES_EXECUTOR_H_

#include "reference_server/api/request.h"
#include "reference_server/api/response.h"
#include "reference_server/languages/registry.h"
#include "reference_server/sandbox/sandbox.h"

namespace languages {

// The sandbox run for `request` in `language`: the code written to the
// language's source file and the input files beside it in /work; the build
// step (if any), then the run step; `base` limits with the request's ttl as
// wall time and the language's floors (memory, processes, /tmp size).
sandbox::RunSpec MakeRunSpec(const Language& language, const api::ExecuteRequest& request);
sandbox::Limits MakeLimits(const Language& language, const api::ExecuteRequest& request,
                           const sandbox::Limits& base);

// The API's result object for a finished run (docs/API.md section 6):
// success only when every step ran and the program exited 0; `error` says
// why not (compile failure with the compiler's stderr, timeout, memory,
// signal, exit code). job_id and detected_language are the caller's.
api::ExecutionResult ToExecutionResult(const Language& language, const api::ExecuteRequest& request,
                                       const sandbox::Limits& limits,
                                       const sandbox::RunResult& run);

// How a run was cut short, if it was (the job status depends on it).
struct RunEnding {
  bool timed_out = false;
  bool cancelled = false;
  bool setup_failed = false;  // the sandbox could not run the program at all
};

// MakeRunSpec + Sandbox::Run + ToExecutionResult; `ending` (optional)
// receives how the run ended.
api::ExecutionResult Execute(const Language& language, const api::ExecuteRequest& request,
                             sandbox::Sandbox& sandbox, const sandbox::Limits& base,
                             int cancel_fd = -1, RunEnding* ending = nullptr);

}  // namespace languages

#endif  // REFERENCE_SERVER_LANGUAGES_EXECUTOR_H_
