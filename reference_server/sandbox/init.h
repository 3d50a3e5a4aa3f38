#ifndef REFERENCE_SERVER_SANDBOX_INIT_H_
#define REFERENCE_SERVER_SANDBOX_INIT_H_

namespace sandbox {

// The entry point clone() runs as pid 1 of the new namespaces; `plan` is a
// ChildPlan*. It builds the sandbox and reports kReady, then waits for its
// run on plan->request_read (init_request.h): writes the files, forks each
// step, reaps every process, and when a step ends kills whatever it left
// behind. It reports the program's status on plan->status_write and exits.
int RunInit(void* plan);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_INIT_H_
