#include "reference_server/sandbox/cgroup_files.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace sandbox {

bool WriteCgroupFile(const std::string& path, const std::string& value) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
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

std::string MakeServerDirectory(const std::string& base, int pid, std::string& why) {
  const std::string dir = base + "/execprobe-" + std::to_string(pid);
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    why = dir + ": " + strerror(errno);
    return "";
  }
  return dir;
}

bool MakeRunDirectory(const std::string& dir, std::string& error) {
  if (mkdir(dir.c_str(), 0755) == 0) return true;
  error = dir + ": " + strerror(errno);
  return false;
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

}  // namespace sandbox
