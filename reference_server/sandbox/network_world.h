#ifndef REFERENCE_SERVER_SANDBOX_NETWORK_WORLD_H_
#define REFERENCE_SERVER_SANDBOX_NETWORK_WORLD_H_

// A private network for a test of the sandbox's network modes, so that the
// test sends packets only to addresses it created, with no internet.
//
// The test process itself becomes "the host": it moves into a new network
// and mount namespace, so a Sandbox built afterwards treats them as the
// server's. A child process, "the outside", gets another network
// namespace, linked to the host by a veth pair:
//
//   host  lo 127.0.0.1, vhost 198.51.100.1/24, default via 198.51.100.2
//         /etc/resolv.conf (bind-mounted, this mount namespace only):
//         nameserver 10.9.9.53
//   outside vout 198.51.100.2/24; on lo: 203.0.113.10 (public),
//         10.9.9.9 (private), 169.254.169.254 (metadata),
//         10.9.9.53 (the resolver: private, like most real ones)
//
// Every listener counts what reaches it in memory shared with the test.

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/expected.h"

namespace sandbox::network_world {

inline constexpr char kPublicAddress[] = "203.0.113.10";
inline constexpr char kPrivateAddress[] = "10.9.9.9";
inline constexpr char kMetadataAddress[] = "169.254.169.254";
inline constexpr char kResolverAddress[] = "10.9.9.53";
inline constexpr char kHostAddress[] = "198.51.100.1";
// A name the resolver answers (with kPublicAddress); others are NXDOMAIN.
inline constexpr char kPublicName[] = "public.test";
// TCP: public, private and metadata answer "public\n", "private\n" and
// "metadata\n" there.
inline constexpr int kWebPort = 80;
// TCP on kPublicAddress: reads one line per connection, hands it to
// WaitForAnnouncement and holds the connection open until
// ReleaseAnnouncers, so a run can say it is ready and then wait.
inline constexpr int kAnnouncePort = 8000;
// UDP on kPrivateAddress: counts datagrams, never answers. Port 53 on
// purpose: the resolver exception must not open it to other addresses.
inline constexpr int kPrivateUdpPort = 53;

enum Counter : int {
  kPublicTcp,
  kPrivateTcp,
  kMetadataTcp,
  kPrivateUdp,
  kResolverQueries,
  kAnnouncements,
  kHostLoopbackTcp,   // 127.0.0.1:host_loopback_port(), answers "host-loopback\n"
  kHostInterfaceTcp,  // 198.51.100.1:host_interface_port(), answers "host-interface\n"
  kHostAbstractUnix,  // abstract_name(), answers "host-unix\n"
  kCounterCount,
};
const char* CounterName(Counter counter);

using Counts = std::array<int, kCounterCount>;

// What a process run by RunProcess did.
struct ProcessResult {
  bool finished = false;  // false: killed when the time ran out
  int status = -1;        // waitpid status
  std::string stdout_text;
};

// Runs argv[0] (an absolute path) with exactly `env`; its stderr goes to
// ours. Waits at most `timeout`, then kills it.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         std::chrono::milliseconds timeout);

class NetworkWorld {
 public:
  NetworkWorld() = default;
  NetworkWorld(const NetworkWorld&) = delete;
  NetworkWorld& operator=(const NetworkWorld&) = delete;
  ~NetworkWorld();  // kills and reaps the outside process

  // Builds the world, or says what failed. Needs root, and must run before
  // the process has a second thread: a namespace change would only move
  // the calling thread, and unshare(CLONE_NEWNS) refuses a shared fs.
  base::Status Build();

  Counts Snapshot() const;
  std::uint16_t host_loopback_port() const { return host_loopback_port_; }
  std::uint16_t host_interface_port() const { return host_interface_port_; }
  const std::string& abstract_name() const { return abstract_name_; }  // no leading NUL

  // Waits at most `timeout` for `line` (no newline) to be announced.
  // Lines announced earlier and not yet waited for count.
  bool WaitForAnnouncement(const std::string& line, std::chrono::milliseconds timeout);
  // Closes every announce connection held open.
  void ReleaseAnnouncers();

 private:
  // Build's phases: this process becomes the host (namespaces, resolver,
  // veth pair); the outside process starts with every listener; the veth's
  // far end moves to it, and the host routes through it.
  base::Status EnterHost();
  base::Status StartOutside();
  base::Status LinkOutside();
  bool ReadControlLine(std::string& line, std::chrono::steady_clock::time_point deadline);

  pid_t outside_ = -1;
  int control_ = -1;  // socketpair end to the outside process
  std::string control_buffer_;
  std::vector<std::string> announced_;
  std::string resolv_conf_;   // the file bound on /etc/resolv.conf
  void* counters_ = nullptr;  // MAP_SHARED, so the outside's increments show here
  std::uint16_t host_loopback_port_ = 0;
  std::uint16_t host_interface_port_ = 0;
  std::string abstract_name_;
};

}  // namespace sandbox::network_world

#endif  // REFERENCE_SERVER_SANDBOX_NETWORK_WORLD_H_
