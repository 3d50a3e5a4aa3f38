#ifndef REFERENCE_SERVER_SANDBOX_WORK_FILES_H_
#define REFERENCE_SERVER_SANDBOX_WORK_FILES_H_

#include <cstddef>

#include "reference_server/sandbox/init_request.h"

namespace sandbox {

// write(2) until everything is written or an error other than EINTR.
bool WriteAll(int fd, const char* data, std::size_t size);

// Writes each of the `count` files into the directory `dir_fd` with
// openat(O_CREAT | O_EXCL | O_NOFOLLOW), mode 0755 when executable, else
// 0644 (less the umask): a name that is not one plain path component ("",
// ".", "..", anything with '/' or a NUL among its name_size bytes) is
// EINVAL, and one that already exists, even as a symlink, EEXIST, whatever
// validation happened upstream. Returns 0 or the errno of the first
// failure; the files before it stay written. Allocates nothing.
int WriteWorkFiles(int dir_fd, const FileView* files, std::size_t count);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_WORK_FILES_H_
