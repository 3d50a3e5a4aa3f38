#ifndef REFERENCE_SERVER_SANDBOX_INIT_H_
#define REFERENCE_SERVER_SANDBOX_INIT_H_

namespace sandbox {

// The entry point clone() runs as pid 1 of the new namespaces; `plan` is a
// ChildPlan*. It sets the namespaces up, forks the program, reaps every
// process, and when the program ends kills whatever it left behind, then
// reports the program's status on plan->status_write and exits.
int RunInit(void* plan);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_INIT_H_
