#include "reference_server/sandbox/user_namespace.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "base/system_error.h"
#include "reference_server/sandbox/work_files.h"

namespace sandbox {
namespace {

base::Status WriteProcFile(pid_t pid, const char* name, const std::string& content) {
  const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return base::ErrnoError(errno, path);
  const bool ok = WriteAll(fd, content.data(), content.size());
  const int saved = errno;
  close(fd);
  if (!ok) return base::ErrnoError(saved, path);
  return base::Ok();
}

}  // namespace

base::Status WriteIdMaps(pid_t pid, std::uint32_t host_id) {
  const std::string map = "0 " + std::to_string(host_id) + " 1\n";
  base::Status status = WriteProcFile(pid, "setgroups", "deny");
  if (status.ok()) status = WriteProcFile(pid, "uid_map", map);
  if (status.ok()) status = WriteProcFile(pid, "gid_map", map);
  return status;
}

int BecomeRootInside() {
  // Raw system calls: glibc's wrappers synchronise every thread of the
  // process, and this process is a copy of a multi-threaded host whose
  // other threads do not exist here (they would wait forever).
  if (syscall(SYS_setresgid, 0, 0, 0) != 0 || syscall(SYS_setresuid, 0, 0, 0) != 0) {
    return errno;
  }
  return 0;
}

}  // namespace sandbox
