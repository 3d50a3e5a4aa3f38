#include "reference_server/sandbox/network_world.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <new>
#include <utility>

#include "base/ascii.h"
#include "base/system_error.h"

namespace sandbox::network_world {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kIp[] = "/usr/sbin/ip";
constexpr char kOutsideAddress[] = "198.51.100.2";
constexpr std::chrono::milliseconds kStepTimeout{10000};

// Lives in MAP_SHARED memory: std::atomic<int> is lock-free, hence
// address-free, so both processes may update it.
struct SharedCounters {
  std::atomic<int> value[kCounterCount];
};
static_assert(std::atomic<int>::is_always_lock_free);

// The failed call's errno, at `what` (the call or the thing being made).
base::Error Failed(std::string what) { return base::ErrnoError(errno, std::move(what)); }

int MillisecondsLeft(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

bool WriteAll(int fd, const std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const ssize_t n = write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += static_cast<std::size_t>(n);
  }
  return true;
}

base::Status Ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kIp};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult result = RunProcess(argv, {"PATH=/usr/bin:/bin"}, kStepTimeout);
  if (result.finished && WIFEXITED(result.status) && WEXITSTATUS(result.status) == 0) {
    return base::Ok();
  }
  std::string command = "ip";
  for (const std::string& arg : args) command += " " + arg;
  return base::MakeError(base::ErrorCode::kInternal, command + " failed");
}

base::Status IpAll(const std::vector<std::vector<std::string>>& commands) {
  for (const std::vector<std::string>& command : commands) {
    if (base::Status status = Ip(command); !status.ok()) return status;
  }
  return base::Ok();
}

sockaddr_in Inet(const char* address, int port) {
  sockaddr_in inet{};
  inet.sin_family = AF_INET;
  inet.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, address, &inet.sin_addr);
  return inet;
}

// A bound socket (listening when TCP); port 0 picks one.
base::Expected<int> Bound(int type, const char* address, int port) {
  const int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  const int one = 1;
  const sockaddr_in inet = Inet(address, port);
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(fd, reinterpret_cast<const sockaddr*>(&inet), sizeof inet) != 0 ||
      (type == SOCK_STREAM && listen(fd, 64) != 0)) {
    const base::Error error =
        Failed(std::string("listening on ") + address + ":" + std::to_string(port));
    if (fd >= 0) close(fd);
    return error;
  }
  return fd;
}

std::uint16_t LocalPort(int fd) {
  sockaddr_in inet{};
  socklen_t length = sizeof inet;
  getsockname(fd, reinterpret_cast<sockaddr*>(&inet), &length);
  return ntohs(inet.sin_port);
}

base::Expected<int> AbstractListener(const std::string& name) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  memcpy(address.sun_path + 1, name.data(), name.size());  // sun_path[0] = 0: abstract
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (fd < 0 || bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      listen(fd, 64) != 0) {
    const base::Error error = Failed("listening on abstract unix socket @" + name);
    if (fd >= 0) close(fd);
    return error;
  }
  return fd;
}

// The reply to a DNS query: kPublicName has an A record, other names do not
// exist. "" for what is not a plain one-question query.
std::string DnsReply(const unsigned char* query, std::size_t length) {
  if (length < 12 || (query[2] & 0xf8) != 0 || query[4] != 0 || query[5] != 1) return "";
  std::size_t at = 12;
  std::string name;
  while (at < length && query[at] != 0) {
    const std::size_t label = query[at];
    if (label > 63 || at + 1 + label >= length) return "";
    if (!name.empty()) name += '.';
    for (std::size_t i = 1; i <= label; ++i) {
      name += base::AsciiLower(static_cast<char>(query[at + i]));
    }
    at += 1 + label;
  }
  if (at + 5 > length) return "";
  const int type = query[at + 1] << 8 | query[at + 2];
  at += 5;  // the root label, type and class
  const bool known = name == kPublicName;
  const bool answer = known && type == 1;                       // A
  std::string reply(reinterpret_cast<const char*>(query), at);  // header and question
  reply[2] = static_cast<char>(0x80 | (query[2] & 0x01));       // a response; RD echoed
  reply[3] = static_cast<char>(known ? 0x80 : 0x83);            // RA; NXDOMAIN
  reply[6] = 0;
  reply[7] = answer ? 1 : 0;
  for (int i = 8; i < 12; ++i) reply[i] = 0;
  if (answer) {
    const unsigned char record[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4};
    reply.append(reinterpret_cast<const char*>(record), sizeof record);
    in_addr address{};
    inet_pton(AF_INET, kPublicAddress, &address);
    reply.append(reinterpret_cast<const char*>(&address), 4);
  }
  return reply;
}

enum class Kind { kWord, kCountDatagram, kDns, kAnnounce };

struct Service {
  int fd;
  Kind kind;
  Counter counter;
  std::string word;
};

// An announce connection held open, with its line so far.
struct Held {
  int fd;
  std::string line;
};

// A readable service: a connection to answer or hold, or a datagram to
// count (and to answer, at the resolver).
void ServeOne(const Service& service, SharedCounters& counters, std::vector<Held>& held) {
  std::atomic<int>& counter = counters.value[service.counter];
  if (service.kind == Kind::kWord || service.kind == Kind::kAnnounce) {
    const int connection = accept4(service.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) return;
    ++counter;
    if (service.kind == Kind::kAnnounce) {
      held.push_back({connection, ""});
    } else {
      WriteAll(connection, service.word);
      close(connection);
    }
    return;
  }
  unsigned char buffer[512];
  sockaddr_storage from{};
  socklen_t from_length = sizeof from;
  const ssize_t n = recvfrom(service.fd, buffer, sizeof buffer, MSG_DONTWAIT,
                             reinterpret_cast<sockaddr*>(&from), &from_length);
  if (n < 0) return;
  ++counter;
  if (service.kind == Kind::kDns) {
    const std::string reply = DnsReply(buffer, static_cast<std::size_t>(n));
    if (!reply.empty()) {
      sendto(service.fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
             from_length);
    }
  }
}

// Reads the held connections whose `ready` entry fired, passing each full
// line on to the test; those the far end closed go. What is still held.
std::vector<Held> ReadHeld(std::vector<Held> held, const pollfd* ready, int control) {
  std::vector<Held> still_held;
  unsigned char buffer[512];
  for (std::size_t i = 0; i < held.size(); ++i) {
    Held& h = held[i];
    if (ready[i].revents != 0) {
      const ssize_t n = read(h.fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(h.fd);
        continue;
      }
      for (ssize_t j = 0; j < n; ++j) {
        if (buffer[j] != '\n') {
          if (h.line.size() < 200) h.line += static_cast<char>(buffer[j]);
          continue;
        }
        WriteAll(control, "announce " + h.line + "\n");
        h.line.clear();
      }
    }
    still_held.push_back(h);
  }
  return still_held;
}

// The outside's (and the host listeners') server, single-threaded. Control
// bytes from the test: 'r' closes the announce connections; end of file
// (the test is gone) ends it.
[[noreturn]] void Serve(const std::vector<Service>& services, int control,
                        SharedCounters& counters) {
  std::vector<Held> held;
  for (;;) {
    std::vector<pollfd> fds = {{control, POLLIN, 0}};
    for (const Service& service : services) fds.push_back({service.fd, POLLIN, 0});
    for (const Held& h : held) fds.push_back({h.fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      _exit(1);
    }
    // Services in their order: a counted datagram is counted before the
    // resolver answers a query that arrived after it (the probes use that
    // answer as a barrier). New connections are polled from the next turn.
    std::vector<Held> accepted;
    for (std::size_t i = 0; i < services.size(); ++i) {
      if (fds[1 + i].revents != 0) ServeOne(services[i], counters, accepted);
    }
    held = ReadHeld(std::move(held), &fds[1 + services.size()], control);
    held.insert(held.end(), accepted.begin(), accepted.end());
    if (fds[0].revents != 0) {
      char byte;
      const ssize_t n = read(control, &byte, 1);
      if (n == 0 || (n < 0 && errno != EINTR)) _exit(0);
      if (n == 1 && byte == 'r') {
        for (const Held& h : held) close(h.fd);
        held.clear();
      }
    }
  }
}

[[noreturn]] void Fail(int control, const base::Error& error) {
  WriteAll(control, "error: " + error.Describe() + "\n");
  _exit(1);
}

// The outside process: its own network namespace, configured once the test
// has moved the veth's far end in, then the server for every listener.
[[noreturn]] void RunOutside(int control, pid_t test, std::vector<Service> services,
                             SharedCounters& counters) {
  // Never outlive the test, even if it crashes before killing us.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != test) _exit(1);
  if (unshare(CLONE_NEWNET) != 0) Fail(control, Failed("unshare(CLONE_NEWNET)"));
  WriteAll(control, "unshared\n");
  char byte = 0;
  if (read(control, &byte, 1) != 1 || byte != 'm') _exit(1);
  const std::vector<std::vector<std::string>> commands = {
      {"link", "set", "lo", "up"},
      {"addr", "add", std::string(kPublicAddress) + "/32", "dev", "lo"},
      {"addr", "add", std::string(kPrivateAddress) + "/32", "dev", "lo"},
      {"addr", "add", std::string(kMetadataAddress) + "/32", "dev", "lo"},
      {"addr", "add", std::string(kResolverAddress) + "/32", "dev", "lo"},
      {"addr", "add", std::string(kOutsideAddress) + "/24", "dev", "vout"},
      {"link", "set", "vout", "up"},
  };
  if (base::Status configured = IpAll(commands); !configured.ok()) {
    Fail(control, configured.error());
  }
  struct Wanted {
    int type;
    const char* address;
    int port;
    Kind kind;
    Counter counter;
    const char* word;
  };
  // The private datagram counter comes before the resolver: see Serve.
  const Wanted wanted[] = {
      {SOCK_STREAM, kPublicAddress, kWebPort, Kind::kWord, kPublicTcp, "public\n"},
      {SOCK_STREAM, kPrivateAddress, kWebPort, Kind::kWord, kPrivateTcp, "private\n"},
      {SOCK_STREAM, kMetadataAddress, kWebPort, Kind::kWord, kMetadataTcp, "metadata\n"},
      {SOCK_DGRAM, kPrivateAddress, kPrivateUdpPort, Kind::kCountDatagram, kPrivateUdp, ""},
      {SOCK_DGRAM, kResolverAddress, 53, Kind::kDns, kResolverQueries, ""},
      {SOCK_STREAM, kPublicAddress, kAnnouncePort, Kind::kAnnounce, kAnnouncements, ""},
  };
  for (const Wanted& w : wanted) {
    const base::Expected<int> fd = Bound(w.type, w.address, w.port);
    if (!fd.ok()) Fail(control, fd.error());
    services.push_back({fd.value(), w.kind, w.counter, w.word});
  }
  WriteAll(control, "listening\n");
  Serve(services, control, counters);
}

// In this (private) mount namespace only: the resolver the world has.
// `path` must outlive the mount: a bind of an unlinked file (what runs do
// with /etc/resolv.conf) fails with ENOENT.
base::Status BindResolvConf(std::string& path) {
  const char* tmpdir = getenv("TEST_TMPDIR");
  path = std::string(tmpdir != nullptr ? tmpdir : "/tmp") + "/resolv.conf.XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) return Failed("mkstemp " + path);
  // Readable by a run's unprivileged host uid, in case it is bound inside.
  const bool written =
      fchmod(fd, 0644) == 0 && WriteAll(fd, std::string("nameserver ") + kResolverAddress + "\n");
  close(fd);
  if (written && mount(path.c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) == 0) {
    return base::Ok();
  }
  return Failed("bind-mounting " + path + " on /etc/resolv.conf");
}

}  // namespace

const char* CounterName(Counter counter) {
  static const char* const kNames[kCounterCount] = {
      "public tcp",        "private tcp",        "metadata tcp",
      "private udp",       "resolver queries",   "announcements",
      "host loopback tcp", "host interface tcp", "host abstract unix"};
  return kNames[counter];
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         std::chrono::milliseconds timeout) {
  ProcessResult result;
  const auto deadline = Clock::now() + timeout;
  std::vector<char*> arg_pointers, env_pointers;
  for (const std::string& arg : argv) arg_pointers.push_back(const_cast<char*>(arg.c_str()));
  for (const std::string& entry : env) env_pointers.push_back(const_cast<char*>(entry.c_str()));
  arg_pointers.push_back(nullptr);
  env_pointers.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return result;
  const pid_t pid = fork();
  if (pid == 0) {
    if (dup2(out[1], STDOUT_FILENO) < 0) _exit(126);
    execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
    _exit(127);
  }
  close(out[1]);
  if (pid < 0) {
    close(out[0]);
    return result;
  }
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  bool output_open = true, exited = pidfd < 0;  // no pidfd: rely on end of output
  while ((output_open || !exited) && MillisecondsLeft(deadline) > 0) {
    pollfd fds[2] = {{out[0], static_cast<short>(output_open ? POLLIN : 0), 0},
                     {pidfd, static_cast<short>(exited ? 0 : POLLIN), 0}};
    if (poll(fds, exited ? 1 : 2, MillisecondsLeft(deadline)) < 0 && errno != EINTR) break;
    if (fds[0].revents != 0) {
      char buffer[4096];
      const ssize_t n = read(out[0], buffer, sizeof buffer);
      if (n > 0) result.stdout_text.append(buffer, static_cast<std::size_t>(n));
      if (n == 0 || (n < 0 && errno != EINTR)) output_open = false;
    }
    if (!exited && fds[1].revents != 0) exited = true;
  }
  result.finished = !output_open && exited;
  if (!result.finished) kill(pid, SIGKILL);  // then the wait below is short
  while (waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {
  }
  close(out[0]);
  if (pidfd >= 0) close(pidfd);
  return result;
}

NetworkWorld::~NetworkWorld() {
  if (outside_ > 0) {
    kill(outside_, SIGKILL);
    while (waitpid(outside_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (control_ >= 0) close(control_);
  if (counters_ != nullptr) munmap(counters_, sizeof(SharedCounters));
  if (!resolv_conf_.empty()) unlink(resolv_conf_.c_str());
}

base::Status NetworkWorld::Build() {
  base::Status status = EnterHost();
  if (status.ok()) status = StartOutside();
  if (status.ok()) status = LinkOutside();
  return status;
}

base::Status NetworkWorld::EnterHost() {
  if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) {
    return Failed("unshare(CLONE_NEWNET | CLONE_NEWNS)");
  }
  // Keeps the resolv.conf bind away from the real host's mount namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return Failed("making / private");
  }
  if (base::Status bound = BindResolvConf(resolv_conf_); !bound.ok()) return bound;
  counters_ = mmap(nullptr, sizeof(SharedCounters), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (counters_ == MAP_FAILED) {
    counters_ = nullptr;
    return Failed("mmap");
  }
  new (counters_) SharedCounters{};
  return IpAll({{"link", "set", "lo", "up"},
                {"link", "add", "vhost", "type", "veth", "peer", "name", "vout"},
                {"addr", "add", std::string(kHostAddress) + "/24", "dev", "vhost"}});
}

base::Status NetworkWorld::StartOutside() {
  // Made here, so that they belong to the host's namespace for good (a
  // socket stays in the namespace it was created in), but served by the
  // outside process, so that this one needs no thread.
  abstract_name_ = "semitrusted-test-" + std::to_string(getpid());
  const base::Expected<int> loopback = Bound(SOCK_STREAM, "127.0.0.1", 0);
  if (!loopback.ok()) return loopback.error();
  const base::Expected<int> interface = Bound(SOCK_STREAM, kHostAddress, 0);
  if (!interface.ok()) return interface.error();
  const base::Expected<int> abstract = AbstractListener(abstract_name_);
  if (!abstract.ok()) return abstract.error();
  host_loopback_port_ = LocalPort(loopback.value());
  host_interface_port_ = LocalPort(interface.value());
  const std::vector<Service> host_services = {
      {loopback.value(), Kind::kWord, kHostLoopbackTcp, "host-loopback\n"},
      {interface.value(), Kind::kWord, kHostInterfaceTcp, "host-interface\n"},
      {abstract.value(), Kind::kWord, kHostAbstractUnix, "host-unix\n"},
  };

  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return Failed("socketpair");
  const pid_t test = getpid();
  outside_ = fork();
  if (outside_ == 0) {
    close(pair[0]);
    RunOutside(pair[1], test, host_services, *static_cast<SharedCounters*>(counters_));
  }
  close(pair[1]);
  control_ = pair[0];
  for (const Service& service : host_services) close(service.fd);
  if (outside_ < 0) return Failed("fork");
  return base::Ok();
}

base::Status NetworkWorld::LinkOutside() {
  const auto deadline = Clock::now() + kStepTimeout;
  std::string line;
  if (!ReadControlLine(line, deadline) || line != "unshared") {
    return base::MakeError(base::ErrorCode::kUnavailable,
                           "the outside process did not start: " + line);
  }
  if (base::Status moved = IpAll({{"link", "set", "vout", "netns", std::to_string(outside_)},
                                  {"link", "set", "vhost", "up"}});
      !moved.ok()) {
    return moved;
  }
  if (!WriteAll(control_, "m")) return Failed("writing to the outside process");
  if (!ReadControlLine(line, deadline) || line != "listening") {
    return base::MakeError(base::ErrorCode::kUnavailable,
                           "the outside process did not set up: " + line);
  }
  return Ip({"route", "add", "default", "via", kOutsideAddress});
}

Counts NetworkWorld::Snapshot() const {
  Counts counts{};
  const auto* counters = static_cast<const SharedCounters*>(counters_);
  if (counters == nullptr) return counts;
  for (int i = 0; i < kCounterCount; ++i) counts[i] = counters->value[i].load();
  return counts;
}

bool NetworkWorld::ReadControlLine(std::string& line, Clock::time_point deadline) {
  for (;;) {
    const std::size_t newline = control_buffer_.find('\n');
    if (newline != std::string::npos) {
      line = control_buffer_.substr(0, newline);
      control_buffer_.erase(0, newline + 1);
      return true;
    }
    pollfd fd = {control_, POLLIN, 0};
    const int ready = poll(&fd, 1, MillisecondsLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char buffer[512];
    const ssize_t n = read(control_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    control_buffer_.append(buffer, static_cast<std::size_t>(n));
  }
}

bool NetworkWorld::WaitForAnnouncement(const std::string& line, std::chrono::milliseconds timeout) {
  const std::string wanted = "announce " + line;
  const auto deadline = Clock::now() + timeout;
  for (auto it = announced_.begin(); it != announced_.end(); ++it) {
    if (*it == wanted) {
      announced_.erase(it);
      return true;
    }
  }
  std::string received;
  while (ReadControlLine(received, deadline)) {
    if (received == wanted) return true;
    announced_.push_back(received);
  }
  return false;
}

void NetworkWorld::ReleaseAnnouncers() { WriteAll(control_, "r"); }

}  // namespace sandbox::network_world
