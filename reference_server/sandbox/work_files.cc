#include "reference_server/sandbox/work_files.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

namespace sandbox {

bool WriteAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

int WriteWorkFiles(int dir_fd, const std::vector<WorkFile>& files) {
  for (const WorkFile& file : files) {
    const std::string& name = file.name;
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos) {
      return EINVAL;
    }
    const int fd =
        openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
               file.executable ? 0755 : 0644);
    if (fd < 0) return errno;
    const bool ok = WriteAll(fd, file.content.data(), file.content.size());
    const int saved = errno;
    close(fd);
    if (!ok) return saved;
  }
  return 0;
}

}  // namespace sandbox
