#include "reference_server/sandbox/mount_namespace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "reference_server/sandbox/work_files.h"

namespace sandbox {
namespace {

constexpr const char* kDevices[] = {"null", "zero", "full", "random", "urandom"};

// The generated /etc: one user (root, the only id mapped), loopback names.
std::string PasswdFile() {
  return "root:x:0:0:root:/work:/bin/sh\n"
         "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
}

}  // namespace

std::vector<MountStep> PlanRoot(const Policy& policy, const std::vector<std::string>& extra_binds,
                                Network network, const std::string& staging) {
  using Kind = MountStep::Kind;
  std::vector<MountStep> steps;
  std::vector<Bind> binds = policy.binds;
  for (const std::string& path : extra_binds) binds.push_back({path, false});
  for (const Bind& bind : binds) {
    struct stat st;
    if (lstat(bind.path.c_str(), &st) != 0) continue;  // required ones are checked at start-up
    const std::string target = staging + bind.path;
    if (S_ISLNK(st.st_mode)) {
      char link[PATH_MAX];
      const ssize_t n = readlink(bind.path.c_str(), link, sizeof link - 1);
      if (n <= 0) continue;
      steps.push_back({Kind::kSymlink, target, std::string(link, static_cast<std::size_t>(n))});
    } else if (S_ISDIR(st.st_mode)) {
      steps.push_back({Kind::kBindDirectory, target, bind.path});
    } else {
      steps.push_back({Kind::kBindFile, target, bind.path});
    }
  }
  steps.push_back({Kind::kFile, staging + "/etc/passwd", PasswdFile()});
  steps.push_back({Kind::kFile, staging + "/etc/group", "root:x:0:\nnogroup:x:65534:\n"});
  steps.push_back({Kind::kFile, staging + "/etc/hostname", policy.hostname + "\n"});
  steps.push_back({Kind::kFile, staging + "/etc/hosts",
                   "127.0.0.1\tlocalhost " + policy.hostname + "\n::1\tlocalhost\n"});
  if (network == Network::kSemiTrusted) {
    // The user-mode stack's resolver, which forwards to the host's.
    steps.push_back({Kind::kFile, staging + "/etc/resolv.conf",
                     std::string("nameserver ") + kHelperResolver + "\n"});
  }
  for (const char* device : kDevices) {
    steps.push_back({Kind::kDevice, staging + "/dev/" + device, std::string("/dev/") + device});
  }
  steps.push_back({Kind::kSymlink, staging + "/dev/fd", "/proc/self/fd"});
  steps.push_back({Kind::kSymlink, staging + "/dev/stdin", "/proc/self/fd/0"});
  steps.push_back({Kind::kSymlink, staging + "/dev/stdout", "/proc/self/fd/1"});
  steps.push_back({Kind::kSymlink, staging + "/dev/stderr", "/proc/self/fd/2"});
  return steps;
}

namespace {

// mkdir -p of the parent directories of `path`, without allocating.
bool MakeParents(const char* path) {
  char buffer[PATH_MAX];
  const std::size_t length = strnlen(path, sizeof buffer);
  if (length >= sizeof buffer) {
    errno = ENAMETOOLONG;
    return false;
  }
  memcpy(buffer, path, length + 1);
  for (std::size_t i = 1; i < length; ++i) {
    if (buffer[i] != '/') continue;
    buffer[i] = '\0';
    if (mkdir(buffer, 0755) != 0 && errno != EEXIST) return false;
    buffer[i] = '/';
  }
  return true;
}

bool MakeDirectory(const char* path) {
  return MakeParents(path) && (mkdir(path, 0755) == 0 || errno == EEXIST);
}

bool MakeEmptyFile(const char* path) {
  if (!MakeParents(path)) return false;
  const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  close(fd);
  return true;
}

bool WriteWholeFile(const char* path, const std::string& content) {
  if (!MakeParents(path)) return false;
  const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = WriteAll(fd, content.data(), content.size());
  close(fd);
  return ok;
}

constexpr unsigned long kReadOnlyFlags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV;

// Read-only, nosuid, nodev for the bind and every mount below it
// (mount_setattr with AT_RECURSIVE, Linux 5.12+); a kernel without it gets
// the top mount remounted.
bool MakeTreeReadOnly(const char* target) {
  mount_attr attributes{};
  attributes.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  if (mount_setattr(AT_FDCWD, target, AT_RECURSIVE, &attributes, sizeof attributes) == 0) {
    return true;
  }
  if (errno != ENOSYS) return false;
  return mount(nullptr, target, nullptr, kReadOnlyFlags, nullptr) == 0;
}

Stage CarryOut(const MountStep& step, int& error) {
  using Kind = MountStep::Kind;
  const char* target = step.target.c_str();
  const char* source = step.source.c_str();
  bool ok = true;
  Stage stage = Stage::kDone;
  switch (step.kind) {
    case Kind::kSymlink:
      stage = Stage::kMakeSymlink;
      ok = MakeParents(target) && symlink(source, target) == 0;
      break;
    case Kind::kFile:
      stage = Stage::kWriteFile;
      ok = WriteWholeFile(target, step.source);
      break;
    case Kind::kBindDirectory:
    case Kind::kBindFile:
      stage = Stage::kMakeDirectory;
      ok = step.kind == Kind::kBindDirectory ? MakeDirectory(target) : MakeEmptyFile(target);
      if (!ok) break;
      stage = Stage::kMountBind;
      ok = mount(source, target, nullptr, MS_BIND | MS_REC, nullptr) == 0;
      if (!ok) break;
      stage = Stage::kMountRemountReadOnly;
      ok = MakeTreeReadOnly(target);
      break;
    case Kind::kDevice:
      stage = Stage::kMountDev;
      ok = MakeEmptyFile(target) && mount(source, target, nullptr, MS_BIND, nullptr) == 0;
      break;
  }
  if (ok) return Stage::kDone;
  error = errno;
  return stage;
}

Stage Fail(Stage stage, int& error) {
  error = errno;
  return stage;
}

bool MountTmpfs(const std::string& dir, unsigned long flags, const std::string& options) {
  return MakeDirectory(dir.c_str()) &&
         mount("tmpfs", dir.c_str(), "tmpfs", flags, options.c_str()) == 0;
}

bool RemountReadOnly(const char* path) {
  return mount(nullptr, path, nullptr, kReadOnlyFlags, nullptr) == 0;
}

}  // namespace

Stage BuildRootAndPivot(const ChildPlan& plan, int& error) {
  // Nothing done here may propagate back to the host's mounts.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return Fail(Stage::kMountPrivate, error);
  }
  if (mount("tmpfs", plan.staging.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
            plan.root_options.c_str()) != 0) {
    return Fail(Stage::kMountRoot, error);
  }
  if (!MountTmpfs(plan.dev_dir, MS_NOSUID | MS_NOEXEC, plan.dev_options)) {
    return Fail(Stage::kMountDev, error);
  }
  for (const MountStep& step : plan.steps) {
    const Stage stage = CarryOut(step, error);
    if (stage != Stage::kDone) return stage;
  }
  if (!RemountReadOnly(plan.dev_dir.c_str())) return Fail(Stage::kMountDev, error);
  if (!MakeDirectory(plan.proc_dir.c_str()) ||
      mount("proc", plan.proc_dir.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) !=
          0) {
    return Fail(Stage::kMountProc, error);
  }
  if (!MountTmpfs(plan.tmp_dir, MS_NOSUID | MS_NODEV, plan.tmp_options)) {
    return Fail(Stage::kMountTmp, error);
  }
  if (!MountTmpfs(plan.work_dir, MS_NOSUID | MS_NODEV, plan.work_options)) {
    return Fail(Stage::kMountWork, error);
  }
  if (!MakeDirectory(plan.old_root.c_str())) return Fail(Stage::kPivotRoot, error);
  if (syscall(SYS_pivot_root, plan.staging.c_str(), plan.old_root.c_str()) != 0 ||
      chdir("/") != 0) {
    return Fail(Stage::kPivotRoot, error);
  }
  // The old root's path inside the new one is old_root less the staging prefix.
  const char* old_inside = plan.old_root.c_str() + plan.staging.size();
  if (umount2(old_inside, MNT_DETACH) != 0 || rmdir(old_inside) != 0) {
    return Fail(Stage::kDetachOldRoot, error);
  }
  if (!RemountReadOnly("/")) return Fail(Stage::kRemountRootReadOnly, error);
  return Stage::kDone;
}

}  // namespace sandbox
