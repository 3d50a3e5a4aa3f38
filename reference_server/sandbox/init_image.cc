#include "reference_server/sandbox/init_image.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>

#include "base/system_error.h"

// Generated from //reference_server/sandbox:sandbox_init.
extern const unsigned char kSandboxInitImage[];
extern const std::size_t kSandboxInitImageSize;

namespace sandbox {

base::Expected<int> OpenInitImage() {
  const int fd = memfd_create("sandbox-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return base::ErrnoError(errno, "memfd_create");
  std::size_t at = 0;
  while (at < kSandboxInitImageSize) {
    const ssize_t n = write(fd, kSandboxInitImage + at, kSandboxInitImageSize - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      close(fd);
      return base::ErrnoError(error, "writing sandbox_init");
    }
    at += static_cast<std::size_t>(n);
  }
  if (fchmod(fd, 0555) != 0 ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) != 0) {
    const int error = errno;
    close(fd);
    return base::ErrnoError(error, "sealing sandbox_init");
  }
  return fd;
}

}  // namespace sandbox
