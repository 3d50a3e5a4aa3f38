#ifndef REFERENCE_SERVER_SANDBOX_RUN_PIPES_H_
#define REFERENCE_SERVER_SANDBOX_RUN_PIPES_H_

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sandbox {

// A close-on-exec pipe that closes the ends it still holds when it goes
// out of scope.
struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() = default;
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  bool Open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
  // A stream socket pair used one way, from `write` to `read`: the writer
  // gets EPIPE (with MSG_NOSIGNAL), never SIGPIPE, when the reader is gone.
  bool OpenSocket() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
  void CloseRead() {
    if (read >= 0) close(read);
    read = -1;
  }
  void CloseWrite() {
    if (write >= 0) close(write);
    write = -1;
  }
};

// The pipes between the host and a sandbox's init: the program's output,
// the go signal, init's reports, the run's request and the artifacts.
struct RunPipes {
  Pipe out, err, go, status, artifact, request;
  bool Open() {
    return out.Open() && err.Open() && go.Open() && status.Open() && artifact.Open() &&
           request.OpenSocket();
  }
  // Once init is cloned, the host keeps only its own ends.
  void CloseChildEnds() {
    go.CloseRead();
    status.CloseWrite();
    out.CloseWrite();
    err.CloseWrite();
    artifact.CloseWrite();
    request.CloseRead();
  }
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_RUN_PIPES_H_
