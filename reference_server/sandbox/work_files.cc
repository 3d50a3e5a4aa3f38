#include "reference_server/sandbox/work_files.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace sandbox {
namespace {

// The name is exactly one component below the directory, and the C string
// openat sees is the whole name.
bool IsPlainName(const FileView& file) {
  const char* name = file.name;
  const std::size_t size = file.name_size;
  if (name == nullptr || size == 0 || name[size] != '\0') return false;
  if (std::memchr(name, '\0', size) != nullptr || std::memchr(name, '/', size) != nullptr) {
    return false;
  }
  return std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0;
}

}  // namespace

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

int WriteWorkFiles(int dir_fd, const FileView* files, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const FileView& file = files[i];
    if (!IsPlainName(file)) return EINVAL;
    const int fd = openat(dir_fd, file.name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                          file.executable ? 0755 : 0644);
    if (fd < 0) return errno;
    const bool ok = WriteAll(fd, file.content, file.content_size);
    const int saved = errno;
    close(fd);
    if (!ok) return saved;
  }
  return 0;
}

}  // namespace sandbox
