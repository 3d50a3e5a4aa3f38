#ifndef REFERENCE_SERVER_SANDBOX_NETWORK_H_
#define REFERENCE_SERVER_SANDBOX_NETWORK_H_

namespace sandbox {

// Inside a new network namespace: sets loopback up, so that a program can
// talk to itself on 127.0.0.1 and nowhere else. Returns errno or 0.
int BringUpLoopback();

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_NETWORK_H_
