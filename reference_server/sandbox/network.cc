#include "reference_server/sandbox/network.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sandbox {

int BringUpLoopback() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  ifreq request{};
  strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  int result = ioctl(fd, SIOCGIFFLAGS, &request);
  if (result == 0) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
    result = ioctl(fd, SIOCSIFFLAGS, &request);
  }
  const int saved = result == 0 ? 0 : errno;
  close(fd);
  return saved;
}

}  // namespace sandbox
