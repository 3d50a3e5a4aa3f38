#include "reference_server/sandbox/cgroup_files.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "base/system_error.h"

namespace sandbox {

bool WriteCgroupFile(const std::string& path, const std::string& value) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
}

base::Status WriteLimit(const std::string& dir, const char* file, const std::string& value) {
  if (WriteCgroupFile(dir + "/" + file, value)) return base::Ok();
  return base::MakeError(base::ErrorCode::kInternal, std::string("setting ") + file + " failed",
                         dir);
}

std::string ReadCgroupFile(const std::string& path) {
  std::string text;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

bool CgroupFileExists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

base::Expected<std::string> MakeServerDirectory(const std::string& base, int pid) {
  const std::string dir = base + "/execprobe-" + std::to_string(pid);
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return base::ErrnoError(errno, dir);
  return dir;
}

base::Status MakeRunDirectory(const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0) return base::ErrnoError(errno, dir);
  return base::Ok();
}

void KillAndRemove(const std::string& dir) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::ifstream procs(dir + "/cgroup.procs");
    pid_t pid = 0;
    while (procs >> pid) kill(pid, SIGKILL);
    if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the kernel reaps the killed
  }
}

void RemoveRunDirectories(const CgroupDirs& dirs) {
  if (!dirs.memory.empty()) KillAndRemove(dirs.memory);
  if (!dirs.pids.empty() && dirs.pids != dirs.memory) KillAndRemove(dirs.pids);
}

}  // namespace sandbox
