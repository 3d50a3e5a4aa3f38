// The network helper's own walls, tried by a stand-in that does what a
// compromised slirp4netns could: signal the server, reach the host's
// loopback or abstract sockets, send to private addresses, take pidfds.
// Also how starting a helper fails. Needs root (tagged no-sandbox); runs in
// a network namespace of its own, so nothing can leave the machine.
#include "reference_server/sandbox/network_helper.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "reference_server/sandbox/helper_filter.h"
#include "reference_server/sandbox/network.h"

namespace sandbox {
namespace {

// Enters a network namespace of its own with loopback up, before any thread.
class OwnNetworkEnvironment : public testing::Environment {
 public:
  void SetUp() override {
    ASSERT_EQ(unshare(CLONE_NEWNET), 0) << strerror(errno);
    const int error = BringUpLoopback();
    ASSERT_EQ(error, 0) << strerror(error);
  }
};
const auto* const kEnvironment = testing::AddGlobalTestEnvironment(new OwnNetworkEnvironment);

// What a failed start says; "" when it succeeded.
std::string Why(const base::Status& status) { return status.ok() ? "" : status.error().Describe(); }

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteExecutable(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  chmod(path.c_str(), 0755);
}

// Waits (bounded) for `pid` to exit, without reaping it.
bool WaitForExit(pid_t pid, std::chrono::seconds limit) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return false;
  pollfd p{pidfd, POLLIN, 0};
  const bool exited = poll(&p, 1, static_cast<int>(limit.count() * 1000)) == 1;
  close(pidfd);
  return exited;
}

// Every attempt prints "NAME allowed" or "NAME refused ERRNO". The script
// gets slirp4netns's arguments, and ignores them but for the ready
// descriptor (3): the supervisor judges everything from that byte on.
constexpr char kHostileHelper[] = R"py(#!/usr/bin/python3
import ctypes, errno, fcntl, os, resource, socket
libc = ctypes.CDLL(None, use_errno=True)
SERVER = @SERVER@
PUBLIC = ('203.0.113.10', 53)
results = []
def attempt(name, action):
    try:
        action()
        results.append(name + ' allowed')
    except OSError as e:
        results.append(name + ' refused ' + errno.errorcode.get(e.errno, str(e.errno)))
def syscall(number, *args):
    if libc.syscall(number, *[ctypes.c_long(a) for a in args]) < 0:
        raise OSError(ctypes.get_errno(), 'syscall')
def connect(family, kind, address, blocking=False):
    s = socket.socket(family, kind)
    s.setblocking(blocking)
    try:
        s.connect(address)
    except BlockingIOError:
        pass  # EINPROGRESS: the supervisor passed it on
    finally:
        s.close()
def sendto(address, flags=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try: s.sendto(b'x', flags, address)
    finally: s.close()
def sendmsg(address):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try: s.sendmsg([b'x'], [], 0, address)
    finally: s.close()
def setown():
    s = socket.socket()
    try: fcntl.fcntl(s, fcntl.F_SETOWN, SERVER)
    finally: s.close()
def ip_options():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try: s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, b'\x01' * 4)
    finally: s.close()
def open_socket(*args):
    socket.socket(*args).close()
def in_child(action):
    # The child has its own descriptor table: the supervisor must not look
    # its descriptor up in the helper's.
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            action()
            os.write(write, b'allowed')
        except OSError as e:
            os.write(write, ('refused ' + errno.errorcode.get(e.errno, str(e.errno))).encode())
        os._exit(0)
    os.close(write)
    word = os.read(read, 100).decode()
    os.waitpid(pid, 0)
    if word != 'allowed':
        raise OSError(getattr(errno, word.split()[1]), 'in child')

os.write(3, b'1')
# Released once the server has seen the ready byte: from then on it judges.
with open('@RELEASE@') as release:
    release.read(1)
attempt('kill-server', lambda: os.kill(SERVER, 0))
attempt('kill-everyone', lambda: os.kill(-1, 0))
attempt('kill-itself', lambda: os.kill(os.getpid(), 0))
attempt('unix-abstract', lambda: connect(socket.AF_UNIX, socket.SOCK_STREAM, '\0@ABSTRACT@'))
attempt('tcp-loopback', lambda: connect(socket.AF_INET, socket.SOCK_STREAM, ('127.0.0.1', @PORT@)))
attempt('tcp-mapped-loopback', lambda: connect(socket.AF_INET6, socket.SOCK_STREAM, ('::ffff:127.0.0.1', @PORT@)))
attempt('tcp-public', lambda: connect(socket.AF_INET, socket.SOCK_STREAM, ('203.0.113.10', 80)))
attempt('tcp-public-from-child', lambda: in_child(lambda: connect(socket.AF_INET, socket.SOCK_STREAM, ('203.0.113.10', 80))))
attempt('tcp-public-blocking', lambda: connect(socket.AF_INET, socket.SOCK_STREAM, ('203.0.113.10', 80), True))
attempt('udp-private', lambda: sendto(('10.1.2.3', 53)))
attempt('udp-metadata', lambda: sendto(('169.254.169.254', 80)))
attempt('udp-public', lambda: sendto(PUBLIC))
attempt('udp-public-zerocopy', lambda: sendto(PUBLIC, 0x4000000))
attempt('sendmsg-public', lambda: sendmsg(PUBLIC))
attempt('ip-options', ip_options)
attempt('sctp-socket', lambda: open_socket(socket.AF_INET, socket.SOCK_STREAM, 132))
attempt('alg-socket', lambda: open_socket(38, socket.SOCK_SEQPACKET, 0))
attempt('tkill-server', lambda: syscall(200, SERVER, 0))
attempt('tgkill-server', lambda: syscall(234, SERVER, SERVER, 0))
attempt('kill-server-from-child', lambda: in_child(lambda: os.kill(SERVER, 0)))
attempt('prlimit-server', lambda: resource.prlimit(SERVER, resource.RLIMIT_NOFILE))
attempt('setpriority-server', lambda: os.setpriority(os.PRIO_PROCESS, SERVER, os.getpriority(os.PRIO_PROCESS, SERVER)))
attempt('setaffinity-server', lambda: os.sched_setaffinity(SERVER, os.sched_getaffinity(SERVER)))
attempt('prlimit-itself', lambda: resource.prlimit(0, resource.RLIMIT_NOFILE))
attempt('pidfd-open', lambda: syscall(434, SERVER, 0))
attempt('ptrace-attach', lambda: syscall(101, 16, SERVER, 0, 0))
attempt('f-setown', setown)
attempt('io-uring', lambda: syscall(425, 1, 0))
with open('@RESULTS@', 'w') as f:
    f.write('\n'.join(results) + '\n')
)py";

void Replace(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
}

class NetworkHelperTest : public testing::Test {
 protected:
  void SetUp() override {
    auto filter = BuildHelperFilter();
    ASSERT_TRUE(filter.ok()) << filter.error().Describe();
    filter_ = std::move(filter).value();
  }

  HelperSettings Settings(const std::string& binary) {
    HelperSettings settings;
    settings.binary = binary;
    settings.ready_timeout = std::chrono::milliseconds(2000);
    return settings;
  }

  std::vector<sock_filter> filter_;
  CgroupHost cgroups_;
};

// What the hostile helper finds, attempt by attempt.
constexpr char kHostileVerdicts[] =
    "kill-server refused EPERM\n"
    "kill-everyone refused EPERM\n"
    "kill-itself allowed\n"
    "unix-abstract refused EACCES\n"
    "tcp-loopback refused EACCES\n"
    "tcp-mapped-loopback refused EACCES\n"
    // Passed on to the kernel, which has no route in this namespace.
    "tcp-public refused ENETUNREACH\n"
    "tcp-public-from-child refused EACCES\n"
    "tcp-public-blocking refused EACCES\n"
    "udp-private refused EACCES\n"
    "udp-metadata refused EACCES\n"
    "udp-public refused ENETUNREACH\n"
    "udp-public-zerocopy refused EINVAL\n"
    "sendmsg-public refused EACCES\n"
    "ip-options refused EPERM\n"
    "sctp-socket refused EPERM\n"
    "alg-socket refused EPERM\n"
    "tkill-server refused EPERM\n"
    "tgkill-server refused EPERM\n"
    "kill-server-from-child refused EPERM\n"
    "prlimit-server refused EPERM\n"
    "setpriority-server refused EPERM\n"
    "setaffinity-server refused EPERM\n"
    "prlimit-itself allowed\n"
    "pidfd-open refused EPERM\n"
    "ptrace-attach refused EPERM\n"
    "f-setown refused EPERM\n"
    "io-uring refused EPERM\n";

// What the hostile helper tries to reach on the host: a loopback listener
// and an abstract unix socket.
struct HostTargets {
  int tcp = -1;
  std::uint16_t port = 0;
  int unix_socket = -1;
  std::string abstract;
};

void OpenHostTargets(HostTargets& targets) {
  targets.tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in loopback{};
  loopback.sin_family = AF_INET;
  loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(targets.tcp, reinterpret_cast<sockaddr*>(&loopback), sizeof loopback), 0);
  ASSERT_EQ(listen(targets.tcp, 4), 0);
  socklen_t length = sizeof loopback;
  getsockname(targets.tcp, reinterpret_cast<sockaddr*>(&loopback), &length);
  targets.port = ntohs(loopback.sin_port);
  targets.abstract = "helper-test-" + std::to_string(getpid());
  targets.unix_socket = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un unix_address{};
  unix_address.sun_family = AF_UNIX;
  memcpy(unix_address.sun_path + 1, targets.abstract.data(), targets.abstract.size());
  const auto unix_length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + targets.abstract.size());
  ASSERT_EQ(bind(targets.unix_socket, reinterpret_cast<sockaddr*>(&unix_address), unix_length), 0);
  ASSERT_EQ(listen(targets.unix_socket, 4), 0);
}

TEST_F(NetworkHelperTest, ACompromisedHelperReachesNothingButPublicAddresses) {
  HostTargets targets;
  ASSERT_NO_FATAL_FAILURE(OpenHostTargets(targets));
  const int tcp = targets.tcp, unix_socket = targets.unix_socket;

  const std::string results = TempPath("hostile-results");
  unlink(results.c_str());
  std::string script = kHostileHelper;
  Replace(script, "@SERVER@", std::to_string(getpid()));
  Replace(script, "@ABSTRACT@", targets.abstract);
  Replace(script, "@PORT@", std::to_string(targets.port));
  Replace(script, "@RESULTS@", results);
  const std::string release = TempPath("hostile-release");
  unlink(release.c_str());
  ASSERT_EQ(mkfifo(release.c_str(), 0600), 0);
  Replace(script, "@RELEASE@", release);
  const std::string binary = TempPath("hostile-helper");
  WriteExecutable(binary, script);

  NetworkHelper helper;
  ASSERT_EQ(Why(helper.Start(Settings(binary), filter_, getpid(), cgroups_, "run-helper-test")),
            "");
  const pid_t pid = helper.pid();
  // Read-write: never blocks, and keeps the byte until the helper reads it.
  const int release_fd = open(release.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(release_fd, 0);
  ASSERT_EQ(write(release_fd, "g", 1), 1);
  if (cgroups_.memory()) {
    EXPECT_NE(ReadAll("/proc/" + std::to_string(pid) + "/cgroup").find("/run-helper-test"),
              std::string::npos)
        << "the helper is not in its own limited cgroup";
  }
  ASSERT_TRUE(WaitForExit(pid, std::chrono::seconds(30)));
  close(release_fd);
  EXPECT_EQ(ReadAll(results), kHostileVerdicts);
  const std::vector<std::string> refused = helper.supervisor()->refused();
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused.front(), "kill: signal to pid " + std::to_string(getpid()));
  bool said_loopback = false;
  for (const std::string& why : refused)
    said_loopback |= why.find("is loopback") != std::string::npos;
  EXPECT_TRUE(said_loopback);

  // Nothing reached the host's sockets.
  for (int fd : {tcp, unix_socket}) {
    pollfd p{fd, POLLIN, 0};
    EXPECT_EQ(poll(&p, 1, 0), 0) << "a connection arrived";
    close(fd);
  }
  helper.Stop();
  EXPECT_NE(kill(pid, 0), 0) << "the helper outlived Stop()";
}

TEST_F(NetworkHelperTest, AHelperThatCannotStartSaysWhyAndLeavesNothing) {
  NetworkHelper missing;
  const base::Status error = missing.Start(Settings("/nonexistent/slirp4netns"), filter_, getpid(),
                                           cgroups_, "run-missing");
  EXPECT_EQ(Why(error), "the helper exited (/nonexistent/slirp4netns: ENOENT)");
  EXPECT_EQ(error.error().code, base::ErrorCode::kUnavailable);
  EXPECT_EQ(missing.pid(), -1);

  NetworkHelper failing;
  EXPECT_EQ(Why(failing.Start(Settings("/bin/false"), filter_, getpid(), cgroups_, "run-false")),
            "the helper exited");

  // Never ready: killed at the deadline.
  const std::string binary = TempPath("silent-helper");
  WriteExecutable(binary, "#!/bin/sh\nexec sleep 600\n");
  NetworkHelper silent;
  const base::Status never_ready =
      silent.Start(Settings(binary), filter_, getpid(), cgroups_, "run-silent");
  EXPECT_EQ(Why(never_ready), "the helper's interface was not up within 2000 ms");
  EXPECT_EQ(never_ready.error().code, base::ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(silent.pid(), -1);
  for (const char* name : {"run-missing", "run-false", "run-silent"}) {
    if (cgroups_.memory()) {
      struct stat st;
      EXPECT_NE(stat((cgroups_.memory_parent() + "/" + name).c_str(), &st), 0) << name;
    }
  }
}

TEST_F(NetworkHelperTest, TheReaperKillsAtOnceAndReapsEverythingItIsHanded) {
  // Ready at once, then would live for ten minutes.
  const std::string binary = TempPath("lingering-helper");
  WriteExecutable(binary, "#!/bin/sh\nprintf 1 >&3\nexec sleep 600\n");
  std::vector<pid_t> pids;
  {
    HelperReaper reaper;
    for (int i = 0; i < 3; ++i) {
      auto helper = std::make_unique<NetworkHelper>();
      ASSERT_EQ(Why(helper->Start(Settings(binary), filter_, getpid(), cgroups_,
                                  "run-reaped-" + std::to_string(i))),
                "");
      pids.push_back(helper->pid());
      reaper.Bury(std::move(helper));
    }
    reaper.AwaitBuried();
    for (pid_t pid : pids) EXPECT_NE(kill(pid, 0), 0) << pid << " was not reaped";
    // A reaper destroyed with helpers still handed over reaps them first.
    auto last = std::make_unique<NetworkHelper>();
    ASSERT_EQ(Why(last->Start(Settings(binary), filter_, getpid(), cgroups_, "run-reaped-last")),
              "");
    pids.push_back(last->pid());
    reaper.Bury(std::move(last));
  }
  EXPECT_NE(kill(pids.back(), 0), 0) << "the last helper was not reaped";
  if (cgroups_.memory()) {
    for (const char* name : {"run-reaped-0", "run-reaped-1", "run-reaped-2", "run-reaped-last"}) {
      struct stat st;
      EXPECT_NE(stat((cgroups_.memory_parent() + "/" + name).c_str(), &st), 0) << name;
    }
  }
}

}  // namespace
}  // namespace sandbox
