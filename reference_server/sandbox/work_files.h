#ifndef REFERENCE_SERVER_SANDBOX_WORK_FILES_H_
#define REFERENCE_SERVER_SANDBOX_WORK_FILES_H_

#include <cstddef>
#include <vector>

#include "reference_server/sandbox/run.h"

namespace sandbox {

// write(2) until everything is written or an error other than EINTR.
bool WriteAll(int fd, const char* data, std::size_t size);

// Writes each file into the directory `dir_fd` with
// openat(O_CREAT | O_EXCL | O_NOFOLLOW): a name that is not one plain path
// component ("", ".", "..", anything with '/') or that already exists, even
// as a symlink, is refused, whatever validation happened upstream. Returns 0
// or the errno of the first failure. Allocates nothing.
int WriteWorkFiles(int dir_fd, const std::vector<WorkFile>& files);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_WORK_FILES_H_
