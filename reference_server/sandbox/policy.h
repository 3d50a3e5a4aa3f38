#ifndef REFERENCE_SERVER_SANDBOX_POLICY_H_
#define REFERENCE_SERVER_SANDBOX_POLICY_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sandbox {

inline constexpr std::size_t kMiB = 1024 * 1024;

// Every limit a run is held to. Defaults are docs/SANDBOX.md's.
struct Limits {
  int wall_seconds = 60;                    // the request's ttl
  int cpu_seconds = 60;                     // RLIMIT_CPU: SIGXCPU, then SIGKILL
  std::size_t memory_bytes = 512 * kMiB;    // RLIMIT_AS until cgroups exist
  int max_processes = 64;                   // RLIMIT_NPROC of the run's own uid
  std::size_t max_file_bytes = 16 * kMiB;   // RLIMIT_FSIZE: SIGXFSZ
  int max_open_files = 256;                 // RLIMIT_NOFILE
  std::size_t work_dir_bytes = 64 * kMiB;   // tmpfs size of /work
  std::size_t tmp_bytes = 64 * kMiB;        // tmpfs size of /tmp
  std::size_t max_output_bytes = 1 * kMiB;  // per stream; the rest is drained
};

enum class Network {
  kZeroTrust,  // a network namespace of its own, loopback only
  // A network namespace of its own too, with an outbound path through a
  // user-mode network stack, to public unicast addresses only
  // (network_helper.h, egress_policy.h).
  kSemiTrusted,
};

// How a semitrusted run's outbound path is made: slirp4netns, limited
// (docs/SANDBOX.md, "Semitrusted networking").
struct HelperSettings {
  std::string binary = "/usr/bin/slirp4netns";
  std::size_t memory_bytes = 64 * kMiB;
  int max_processes = 4;  // slirp4netns and its short-lived configuring child
  std::chrono::milliseconds ready_timeout{10000};
};

// The program's view of the outbound path, as slirp4netns --configure
// sets it: tap0 is 10.0.2.100/24, the gateway 10.0.2.2, the resolver:
inline constexpr const char* kHelperInterface = "tap0";
inline constexpr const char* kHelperResolver = "10.0.2.3";

// A path of the host made visible, read-only, at the same place inside.
struct Bind {
  std::string path;
  bool required = false;  // a missing optional path is skipped
};

struct Policy {
  Limits limits;
  std::string hostname = "sandbox";
  // Read-only binds; a host path that is a symlink (merged-/usr's /bin ->
  // usr/bin) is recreated as the same symlink instead.
  std::vector<Bind> binds = DefaultBinds();
  // Runs get distinct host uids, so that RLIMIT_NPROC counts one run's
  // processes only and no run can signal another's.
  std::uint32_t first_host_uid = 200000;
  std::uint32_t host_uid_count = 10000;
  // The user-mode network stack of semitrusted runs.
  HelperSettings network_helper;

  static std::vector<Bind> DefaultBinds();
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_POLICY_H_
