// Hostile tests of the pool of ready sandboxes (sandbox.h, PoolOptions): a
// run given a sandbox built ahead finds nothing of any run before it, a
// burst never shares one, a run's limits class is its own, killing a run
// kills nothing ready, and a destroyed pool leaves nothing on the host.
// Needs root on the host (tagged no-sandbox: Bazel's own sandbox cannot map
// the runs' host uids). The test program runs in a network namespace of its
// own, with loopback only.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <latch>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "reference_server/sandbox/leftovers.h"
#include "reference_server/sandbox/sandbox.h"

namespace sandbox {
namespace {

// Host uids of this program's runs: a range no other test program uses
// (sandbox_test 300000.., semitrusted_test 400000.., languages_test and
// sandbox_runner_test 1.3e6.., server_test 1e6..4e8, the conformance tests
// 6e8.., the bench 9e8..), so that their runs are never taken for leftovers.
constexpr std::uint32_t kTestUids = 100;
// The first ones go to the pool-less reference Sandbox.
constexpr std::uint32_t kReferenceUids = 10;
constexpr auto kPoolWait = std::chrono::seconds(30);

std::uint32_t FirstTestUid() {
  return 450000000 + static_cast<std::uint32_t>(getpid() % 10000) * kTestUids;
}

UidRange TestUids() { return {FirstTestUid(), kTestUids}; }

// A Sandbox without a pool for the whole program: what a sandbox built
// from nothing shows, to compare a pooled one with. It also keeps the
// program's cgroup directories while each test's pool comes and goes.
Sandbox* reference = nullptr;
std::string environment_error = "not set up";

class PoolEnvironment : public testing::Environment {
 public:
  void SetUp() override {
    // Here, on the main thread before any other starts: a namespace is per
    // thread.
    environment_error = EnterLoopbackOnlyNetwork();
    if (!environment_error.empty()) return;
    Policy policy;
    policy.first_host_uid = FirstTestUid();
    policy.host_uid_count = kReferenceUids;
    PoolOptions none;
    none.per_class = 0;
    auto created = Sandbox::Create(policy, none);
    if (!created.ok()) {
      environment_error = created.error().Describe();
      return;
    }
    reference = std::move(created).value().release();
  }
  void TearDown() override {
    delete reference;
    reference = nullptr;
  }
};
const auto* const kEnvironment = testing::AddGlobalTestEnvironment(new PoolEnvironment);

Limits QuickLimits() {
  Limits limits;
  limits.wall_seconds = 20;
  limits.cpu_seconds = 10;
  return limits;
}

Limits SmallMemory() {
  Limits limits = QuickLimits();
  limits.memory_bytes = 256 * kMiB;
  return limits;
}

// Knobs of /proc/sys that run 1 sets: of its own uts, network and ipc
// namespaces (whether it may is not what is tested: only that nothing
// reaches the host or the next run), and one of the whole host.
constexpr const char* kSysctls[] = {"kernel/domainname", "net/ipv4/ip_forward", "fs/mqueue/msg_max",
                                    "kernel/pid_max"};

RunSpec Script(const std::string& script, std::vector<WorkFile> files = {}) {
  RunSpec spec;
  spec.steps = {{"/bin/sh", "-c", script}};
  spec.files = std::move(files);
  return spec;
}

// A script that reads or writes kSysctls ($SYSCTLS).
RunSpec SysctlScript(const std::string& script, std::vector<WorkFile> files = {}) {
  RunSpec spec = Script(script, std::move(files));
  std::string names;
  for (const char* name : kSysctls) names += (names.empty() ? "" : " ") + std::string(name);
  spec.env = {{"SYSCTLS", names}};
  return spec;
}

// A script's output split at its "== NAME" lines: NAME -> what followed.
std::map<std::string, std::string> Sections(const std::string& text) {
  std::map<std::string, std::string> sections;
  std::string* current = nullptr;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("== ")) {
      current = &sections[line.substr(3)];
    } else if (current != nullptr) {
      *current += line + "\n";
    }
  }
  return sections;
}

// The host uid a run's uid 0 maps to, from its uid_map ("0 HOST 1"); 0
// when the line says otherwise.
std::uint32_t HostUidOf(const std::string& uid_map) {
  std::istringstream fields(uid_map);
  std::uint32_t inside = 1, outside = 0, count = 0;
  fields >> inside >> outside >> count;
  return inside == 0 && count == 1 ? outside : 0;
}

// Every line of /proc/self/cgroup is "ID:CONTROLLERS:/": the run sees its
// cgroup namespace's root, which is its own cgroup.
bool AtItsCgroupRoot(const std::string& cgroup) {
  std::istringstream lines(cgroup);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    if (!line.ends_with(":/")) return false;
  }
  return count > 0;
}

// The write end makes the run's cancel_fd readable.
class CancelPipe {
 public:
  CancelPipe() {
    if (pipe2(fds_, O_CLOEXEC) != 0) fds_[0] = fds_[1] = -1;
  }
  ~CancelPipe() {
    for (const int fd : fds_) {
      if (fd >= 0) close(fd);
    }
  }
  CancelPipe(const CancelPipe&) = delete;
  CancelPipe& operator=(const CancelPipe&) = delete;

  int read_end() const { return fds_[0]; }
  bool Fire() { return write(fds_[1], "x", 1) == 1; }

 private:
  int fds_[2];
};

// Polls `done` every 10 ms, at most `attempts` times.
template <typename Condition>
bool Eventually(Condition done, int attempts = 2000) {
  for (int i = 0; i < attempts; ++i) {
    if (done()) return true;
    poll(nullptr, 0, 10);
  }
  return done();
}

// How many of `pids` are still processes of this program's runs.
int StillRunning(const std::vector<pid_t>& pids) {
  const std::vector<pid_t> now = RunPids(TestUids());
  const std::set<pid_t> running(now.begin(), now.end());
  int count = 0;
  for (const pid_t pid : pids) count += running.contains(pid) ? 1 : 0;
  return count;
}

// The names (comm) of the programs of this program's runs, one a line.
std::string ProgramNames() {
  std::string names;
  for (const pid_t pid : ProgramPids(TestUids())) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    names += name + "\n";
  }
  return names;
}

int HelpersAlive(const std::vector<pid_t>& helpers) {
  int count = 0;
  for (const pid_t pid : helpers) count += IsNetworkHelper(pid) ? 1 : 0;
  return count;
}

// Each test makes its own pooled Sandbox and destroys it before checking
// that nothing is left: no process of this program's uids, no network
// helper, no run cgroup, and the host's mounts as they were.
class PoolTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(environment_error, "");
    mounts_before_ = HostMounts();
    cgroup_parents_ = RunCgroupParents(reference->cgroups());
  }
  void TearDown() override {
    if (reference == nullptr) return;
    pool_.reset();
    ExpectNothingLeft();
  }

  // Null (and the test failed) when it cannot be made.
  Sandbox* MakePool(int per_class) {
    Policy policy;
    policy.first_host_uid = FirstTestUid() + kReferenceUids;
    policy.host_uid_count = kTestUids - kReferenceUids;
    PoolOptions options;
    options.per_class = per_class;
    auto created = Sandbox::Create(policy, options);
    EXPECT_TRUE(created.ok()) << created.error().Describe();
    if (created.ok()) pool_ = std::move(created).value();
    return pool_.get();
  }

  // Call with the pool destroyed.
  void ExpectNothingLeft() {
    // Helpers of the reference's runs are killed as their run ends, and
    // reaped off its path; the pool's went with its Sandbox.
    reference->AwaitReaped();
    EXPECT_EQ(RunProcesses(TestUids()), 0) << "a process of a run or a ready sandbox is left";
    EXPECT_EQ(NetworkHelpersOf(getpid()).size(), 0u) << "a network helper is left";
    EXPECT_EQ(RunCgroups(cgroup_parents_), 0) << "a run cgroup is left";
    EXPECT_EQ(HostMounts(), mounts_before_);
  }

  std::unique_ptr<Sandbox> pool_;
  std::vector<std::string> cgroup_parents_;

 private:
  std::string mounts_before_;
};

// The tests that hold in either network mode; semitrusted needs the
// network helper (/usr/bin/slirp4netns).
class PoolNetworkTest : public PoolTest, public testing::WithParamInterface<Network> {
 protected:
  void SetUp() override {
    PoolTest::SetUp();
    if (HasFatalFailure()) return;
    if (network() == Network::kSemiTrusted && !reference->semitrusted().ok()) {
      GTEST_SKIP() << reference->semitrusted().error().Describe();
    }
  }

  static Network network() { return GetParam(); }

  // Keeps runs like `spec` ready and waits until the pool is full.
  bool Fill(Sandbox& pool, const RunSpec& spec, const Limits& limits = QuickLimits()) {
    pool.KeepReady(spec, limits, network());
    return pool.AwaitPoolFull(kPoolWait);
  }
};

INSTANTIATE_TEST_SUITE_P(, PoolNetworkTest,
                         testing::Values(Network::kZeroTrust, Network::kSemiTrusted),
                         [](const testing::TestParamInfo<Network>& info) {
                           return info.param == Network::kZeroTrust ? "ZeroTrust" : "SemiTrusted";
                         });

// --- Nothing crosses to the next sandbox -------------------------------------

// What a run sees of its sandbox, section by section.
constexpr const char* kProbe =
    "echo '== work'; ls -A /work;"
    "echo '== tmp'; ls -A /tmp;"
    "echo '== processes'; n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo $n;"
    "echo '== hostname'; hostname;"
    "echo '== sysctl'; for f in $SYSCTLS; do cat /proc/sys/$f; done;"
    "echo '== unix'; grep -c pool-test-leak /proc/net/unix;"
    "echo '== cgroup'; cat /proc/self/cgroup;"
    "echo '== mounts'; awk '{print $5, $6}' /proc/self/mountinfo | sort;"
    "echo '== uid_map'; cat /proc/self/uid_map";

// Binds an abstract unix socket, leaves a child holding it, and says so.
constexpr const char* kListener =
    "import os, socket, time\n"
    "s = socket.socket(socket.AF_UNIX)\n"
    "s.bind('\\0pool-test-leak')\n"
    "s.listen()\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    time.sleep(1000)\n"
    "print('listening')\n";

// Waits at its gate, then tries to leave all it can for the next run.
constexpr const char* kLeaver =
    "mkfifo /work/gate && read go < /work/gate;"
    "kill -9 -1 2>/dev/null;"
    "setsid sh -c 'sleep 1000' </dev/null >/dev/null 2>&1 &"
    "(nohup sleep 1001 </dev/null >/dev/null 2>&1 &);"
    "echo leak > /work/leak; echo leak > /tmp/leak; mkfifo /work/fifo;"
    "ln -s /etc/passwd /work/link;"
    "mount -t tmpfs none /work 2>/dev/null && echo mounted || echo mount refused;"
    "hostname evil 2>/dev/null && echo hostname changed || echo hostname refused;"
    "(mount -t cgroup2 none /tmp || mount -t cgroup -o memory none /tmp) 2>/dev/null"
    "  && echo cgroups mounted || echo cgroups refused;"
    "python3 listener.py;"
    "escaped() { for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done 2>/dev/null |"
    "  grep -c '^sleep 100[01] '; };"
    "i=0; while [ $(escaped) -lt 2 ] && [ $i -lt 500 ]; do i=$((i+1)); sleep 0.01; done;"
    "echo escaped $(escaped);"
    "grep -c pool-test-leak /proc/net/unix;"
    "echo '== sysctl';"
    "for f in $SYSCTLS; do"
    "  (echo 7 > /proc/sys/$f) 2>/dev/null && echo $f written || echo $f refused;"
    "done;"
    "echo '== uid_map'; cat /proc/self/uid_map";

// Their values as this process sees them.
std::string HostSysctls() {
  std::string values;
  for (const char* name : kSysctls) {
    std::ifstream in(std::string("/proc/sys/") + name);
    std::string value;
    std::getline(in, value);
    values += std::string(name) + "=" + value + "\n";
  }
  return values;
}

// Opens the gate of the one run in progress (a FIFO in its /work, reached
// from the host through /proc/PID/root) once its shell waits at it; -1
// when it never does.
int OpenGate() {
  int gate = -1;
  Eventually([&gate] {
    for (const pid_t pid : ProgramPids(TestUids())) {
      const std::string path = "/proc/" + std::to_string(pid) + "/root/work/gate";
      gate = open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (gate >= 0) return true;
    }
    return false;
  });
  return gate;
}

// Runs `spec` (whose script begins at the gate) from the pool, letting it
// go on past its gate only once the pool has built the sandbox that the
// next run will get: that one sits ready while this run tries to leave
// things behind for it. Cancelled when it never reaches its gate.
RunResult RunGated(Sandbox& pool, const RunSpec& spec, Network network) {
  CancelPipe cancel;
  RunResult result;
  std::thread run([&] { result = pool.Run(spec, QuickLimits(), network, cancel.read_end()); });
  const int gate = OpenGate();
  if (gate < 0) {
    EXPECT_TRUE(cancel.Fire());
  } else {
    EXPECT_TRUE(pool.AwaitPoolFull(kPoolWait)) << "the next sandbox was not built meanwhile";
    EXPECT_EQ(write(gate, "go\n", 3), 3);
    close(gate);
  }
  run.join();
  EXPECT_GE(gate, 0) << "the run never reached its gate";
  return result;
}

// The memory and process limits of every run cgroup (those of ready
// sandboxes, here), one line each, sorted.
std::multiset<std::string> RunCgroupLimits(const std::vector<std::string>& parents) {
  std::multiset<std::string> limits;
  for (const std::string& parent : parents) {
    DIR* dir = opendir(parent.c_str());
    if (dir == nullptr) continue;
    while (dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (!name.starts_with("run-") || name.ends_with("-network")) continue;
      for (const char* file : {"memory.limit_in_bytes", "memory.max", "pids.max"}) {
        std::ifstream in(parent + "/" + name + "/" + file);
        std::string value;
        if (std::getline(in, value)) limits.insert(std::string(file) + " " + value);
      }
    }
    closedir(dir);
  }
  return limits;
}

// What `ready` sandboxes of the default class have, on this host's cgroups.
std::multiset<std::string> ExpectedLimits(std::int64_t ready) {
  std::multiset<std::string> limits;
  for (std::int64_t i = 0; i < ready; ++i) {
    if (reference->cgroups().memory()) {
      limits.insert(reference->cgroups().version() == 1
                        ? "memory.limit_in_bytes " + std::to_string(Limits{}.memory_bytes)
                        : "memory.max " + std::to_string(Limits{}.memory_bytes));
    }
    if (reference->cgroups().pids()) {
      limits.insert("pids.max " + std::to_string(Limits{}.max_processes));
    }
  }
  return limits;
}

TEST_P(PoolNetworkTest, NothingCrossesToTheNextSandbox) {
  Sandbox* const pool = MakePool(1);
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(Fill(*pool, SysctlScript(kProbe)));
  std::int64_t hits = pool->pool_stats().hits;
  const std::string host_sysctls = HostSysctls();
  const RunResult first =
      RunGated(*pool, SysctlScript(kLeaver, {{"listener.py", kListener, false}}), network());
  ASSERT_FALSE(HasFailure());
  EXPECT_GT(pool->pool_stats().hits, hits);
  // It did leave processes, files and a listener (of its own namespaces).
  EXPECT_EQ(first.stdout_text.substr(0, first.stdout_text.find("== ")),
            "mount refused\nhostname refused\ncgroups refused\nlistening\nescaped 2\n1\n")
      << first.stderr_text;
  EXPECT_NE(Sections(first.stdout_text)["sysctl"].find("kernel/pid_max refused\n"),
            std::string::npos)
      << first.stdout_text;
  EXPECT_EQ(HostSysctls(), host_sysctls);
  // Run 1's escaped processes died with it; only ready sandboxes remain
  // once its init is reaped (off the run's path).
  EXPECT_EQ(ProgramProcesses(TestUids()), 0);
  pool->AwaitReaped();
  EXPECT_EQ(RunProcesses(TestUids()), pool->pool_stats().ready);
  // Its cgroup is gone, and the ready sandboxes' still have their class's
  // limits.
  EXPECT_EQ(RunCgroupLimits(cgroup_parents_), ExpectedLimits(pool->pool_stats().ready))
      << "a run cgroup is left, or its limits changed";

  hits = pool->pool_stats().hits;
  const RunResult second = pool->Run(SysctlScript(kProbe), QuickLimits(), network());
  EXPECT_GT(pool->pool_stats().hits, hits) << "run 2 did not get the ready sandbox";
  const RunResult fresh = reference->Run(SysctlScript(kProbe), QuickLimits(), network());
  auto seen = Sections(second.stdout_text);
  auto fresh_seen = Sections(fresh.stdout_text);
  EXPECT_EQ(seen["work"], "");
  EXPECT_EQ(seen["tmp"], "");
  // Counted with builtins only: init and the shell, nothing else.
  EXPECT_EQ(seen["processes"], "2\n");
  EXPECT_EQ(seen["hostname"], "sandbox\n");
  EXPECT_EQ(seen["unix"], "0\n");
  EXPECT_TRUE(AtItsCgroupRoot(seen["cgroup"])) << seen["cgroup"];
  const std::uint32_t first_uid = HostUidOf(Sections(first.stdout_text)["uid_map"]);
  const std::uint32_t second_uid = HostUidOf(seen["uid_map"]);
  EXPECT_NE(first_uid, 0u);
  EXPECT_NE(second_uid, 0u);
  EXPECT_NE(first_uid, second_uid) << "run 2 got run 1's host uid";
  // Run 2 sees what a sandbox built from nothing sees, its uid aside.
  seen.erase("uid_map");
  fresh_seen.erase("uid_map");
  EXPECT_EQ(seen, fresh_seen) << second.stdout_text << "\nfresh:\n" << fresh.stdout_text;
}

// --- A burst never shares a sandbox --------------------------------------------

// Finds /work and /tmp empty, marks /work, and holds on so that the runs
// overlap; then only its own mark is there.
constexpr const char* kBurst =
    "echo '== work'; ls -A /work /tmp | grep -v ':$' | grep -v '^$';"
    "echo \"$MARK\" > /work/marker;"
    "echo '== uid_map'; cat /proc/self/uid_map;"
    "echo '== cgroup'; cat /proc/self/cgroup;"
    "sleep 0.5;"
    "echo '== marker'; ls -A /work; cat /work/marker";

TEST_P(PoolNetworkTest, ABurstNeverSharesASandbox) {
  constexpr int kRuns = 8;
  Sandbox* const pool = MakePool(2);
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(Fill(*pool, Script(kBurst)));
  const PoolStats before = pool->pool_stats();
  std::vector<RunResult> results(kRuns);
  std::latch start(kRuns);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRuns; ++i) {
    threads.emplace_back([&, i] {
      RunSpec spec = Script(kBurst);
      spec.env = {{"MARK", "run-" + std::to_string(i)}};
      start.arrive_and_wait();
      results[i] = pool->Run(spec, QuickLimits(), network());
    });
  }
  for (std::thread& thread : threads) thread.join();
  const PoolStats after = pool->pool_stats();
  EXPECT_EQ(after.hits - before.hits + after.misses - before.misses, kRuns);
  EXPECT_GT(after.hits, before.hits);
  std::set<std::uint32_t> uids;
  for (int i = 0; i < kRuns; ++i) {
    const RunResult& r = results[i];
    EXPECT_EQ(r.setup_error, "") << i;
    EXPECT_TRUE(r.exited && r.exit_code == 0) << i << ": " << r.stderr_text;
    auto seen = Sections(r.stdout_text);
    EXPECT_EQ(seen["work"], "") << i;
    EXPECT_EQ(seen["marker"], "marker\nrun-" + std::to_string(i) + "\n") << i;
    EXPECT_TRUE(AtItsCgroupRoot(seen["cgroup"])) << i << ": " << seen["cgroup"];
    uids.insert(HostUidOf(seen["uid_map"]));
  }
  EXPECT_EQ(uids.size(), static_cast<std::size_t>(kRuns)) << "two runs shared a host uid";
  EXPECT_FALSE(uids.contains(0u));
  EXPECT_TRUE(pool->AwaitPoolFull(kPoolWait)) << "the pool did not refill";
  const PoolStats refilled = pool->pool_stats();
  EXPECT_EQ(refilled.ready, 2 * refilled.classes);
  EXPECT_EQ(refilled.in_use, 0);
}

// --- A run's limits class is its own -------------------------------------------

TEST_F(PoolTest, ARunsLimitsClassIsItsOwn) {
  Sandbox* const pool = MakePool(1);
  ASSERT_NE(pool, nullptr);
  RunSpec allocate;
  allocate.steps = {{"/usr/bin/python3", "-c",
                     "try:\n  x = bytearray(400 * 1024 * 1024)\n  print(len(x))\n"
                     "except MemoryError:\n  print('refused')\n"}};
  pool->KeepReady(allocate, QuickLimits(), Network::kZeroTrust);
  pool->KeepReady(allocate, SmallMemory(), Network::kZeroTrust);
  ASSERT_TRUE(pool->AwaitPoolFull(kPoolWait));
  ASSERT_EQ(pool->pool_stats().classes, 2);
  const std::int64_t hits = pool->pool_stats().hits;
  const RunResult small = pool->Run(allocate, SmallMemory(), Network::kZeroTrust);
  const RunResult large = pool->Run(allocate, QuickLimits(), Network::kZeroTrust);
  EXPECT_EQ(pool->pool_stats().hits, hits + 2) << "a run did not get a ready sandbox";
  EXPECT_EQ(large.stdout_text, "419430400\n") << large.stderr_text << large.setup_error;
  EXPECT_FALSE(large.memory_limit_hit);
  if (pool->cgroups().memory()) {
    EXPECT_TRUE(small.memory_limit_hit) << small.stdout_text << small.stderr_text;
    EXPECT_EQ(small.signal, SIGKILL);
    EXPECT_EQ(small.stdout_text, "");
  } else {
    EXPECT_EQ(small.stdout_text, "refused\n") << small.stderr_text << small.setup_error;
  }
}

// --- Killing a sandbox's run kills nothing ready ------------------------------

// What is ready on the host while no run is in progress.
struct ReadyProcesses {
  std::vector<pid_t> inits;
  std::vector<pid_t> helpers;
};

ReadyProcesses ReadyNow() { return {RunPids(TestUids()), NetworkHelpersOf(getpid())}; }

class PoolKillTest : public PoolNetworkTest {
 protected:
  // After one run of `ready` was killed: every other ready sandbox and its
  // network helper is alive, and the next run gets one and succeeds.
  void ExpectTheOthersServe(Sandbox& pool, const ReadyProcesses& ready) {
    EXPECT_EQ(StillRunning(ready.inits), static_cast<int>(ready.inits.size()) - 1);
    pool.AwaitReaped();
    const int killed_helpers = network() == Network::kSemiTrusted ? 1 : 0;
    EXPECT_EQ(HelpersAlive(ready.helpers), static_cast<int>(ready.helpers.size()) - killed_helpers);
    const std::int64_t hits = pool.pool_stats().hits;
    const RunResult next = pool.Run(Script("echo next"), QuickLimits(), network());
    EXPECT_GT(pool.pool_stats().hits, hits) << "the next run did not get a ready sandbox";
    EXPECT_EQ(next.stdout_text, "next\n") << next.stderr_text << next.setup_error;
    EXPECT_EQ(next.exit_code, 0);
  }
};

INSTANTIATE_TEST_SUITE_P(, PoolKillTest,
                         testing::Values(Network::kZeroTrust, Network::kSemiTrusted),
                         [](const testing::TestParamInfo<Network>& info) {
                           return info.param == Network::kZeroTrust ? "ZeroTrust" : "SemiTrusted";
                         });

TEST_P(PoolKillTest, CancellingARunKillsNothingReady) {
  Sandbox* const pool = MakePool(2);
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(Fill(*pool, Script("true")));
  const ReadyProcesses ready = ReadyNow();
  CancelPipe cancel;
  RunResult cancelled;
  std::thread run([&] {
    cancelled = pool->Run(Script("echo started; exec sleep 60"), QuickLimits(), network(),
                          cancel.read_end());
  });
  // Cancelled mid-way: once its program is the sleep.
  const bool running = Eventually([] { return ProgramNames() == "sleep\n"; });
  EXPECT_TRUE(cancel.Fire());
  run.join();
  ASSERT_TRUE(running);
  EXPECT_TRUE(cancelled.cancelled);
  EXPECT_EQ(cancelled.stdout_text, "started\n");
  ExpectTheOthersServe(*pool, ready);
}

TEST_P(PoolKillTest, ATimedOutRunKillsNothingReady) {
  Sandbox* const pool = MakePool(2);
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(Fill(*pool, Script("true")));
  const ReadyProcesses ready = ReadyNow();
  Limits one_second = QuickLimits();
  one_second.wall_seconds = 1;  // the same class: wall time is the run's own
  const RunResult timed_out =
      pool->Run(Script("echo started; exec sleep 30"), one_second, network());
  EXPECT_TRUE(timed_out.timed_out);
  EXPECT_EQ(timed_out.stdout_text, "started\n");
  ExpectTheOthersServe(*pool, ready);
}

// A ready sandbox killed while it waits (by hand, by the host's OOM killer)
// is never a run's: the run that takes it gets one built at once instead.
TEST_P(PoolKillTest, AReadySandboxKilledWhileItWaitsIsReplaced) {
  Sandbox* const pool = MakePool(1);
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(Fill(*pool, Script("true")));
  // The usual class, and the run's when it is semitrusted: one init each.
  const ReadyProcesses ready = ReadyNow();
  ASSERT_EQ(ready.inits.size(), network() == Network::kSemiTrusted ? 2u : 1u);
  for (const pid_t init : ready.inits) ASSERT_EQ(kill(init, SIGKILL), 0);
  // Dead (a zombie, until the pool's Sandbox reaps it) before any run asks.
  const auto dead = [](pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const std::size_t end = text.rfind(')');
    return end != std::string::npos && text.compare(end + 1, 3, " Z ") == 0;
  };
  for (const pid_t init : ready.inits) {
    ASSERT_TRUE(Eventually([&] { return dead(init); })) << init;
  }
  const std::int64_t hits = pool->pool_stats().hits;
  const RunResult r = pool->Run(Script("echo fine"), QuickLimits(), network());
  EXPECT_EQ(r.setup_error, "");
  EXPECT_EQ(r.stdout_text, "fine\n") << r.stderr_text;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(pool->pool_stats().hits, hits + 1);  // it took the dead one, then built its own
  EXPECT_TRUE(pool->AwaitPoolFull(kPoolWait));
}

// --- A destroyed pool leaves nothing ------------------------------------------

// Semitrusted when its network can be had (each ready one then has a
// helper), otherwise another zerotrust class.
struct SecondClass {
  Network network;
  Limits limits;
};

SecondClass SecondClassFor(const Sandbox& pool) {
  if (pool.semitrusted().ok()) return {Network::kSemiTrusted, QuickLimits()};
  return {Network::kZeroTrust, SmallMemory()};
}

TEST_F(PoolTest, ADestroyedPoolLeavesNothing) {
  Sandbox* const pool = MakePool(2);  // keeps the policy's zerotrust class
  ASSERT_NE(pool, nullptr);
  const SecondClass second = SecondClassFor(*pool);
  pool->KeepReady(Script("true"), second.limits, second.network);
  ASSERT_TRUE(pool->AwaitPoolFull(kPoolWait));
  const PoolStats stats = pool->pool_stats();
  EXPECT_EQ(stats.classes, 2);
  EXPECT_EQ(stats.ready, 4);
  EXPECT_EQ(RunProcesses(TestUids()), 4);
  EXPECT_EQ(ProgramProcesses(TestUids()), 0);
  const bool semitrusted = second.network == Network::kSemiTrusted;
  EXPECT_EQ(NetworkHelpersOf(getpid()).size(), semitrusted ? 2u : 0u);
  if (pool->cgroups().memory() || pool->cgroups().pids()) {
    EXPECT_GE(RunCgroups(cgroup_parents_), 4);
  }
  pool_.reset();
  ExpectNothingLeft();
}

TEST_F(PoolTest, APoolDestroyedWhileBuildingLeavesNothing) {
  Sandbox* const pool = MakePool(4);  // 8 builds, one after the other
  ASSERT_NE(pool, nullptr);
  const SecondClass second = SecondClassFor(*pool);
  pool->KeepReady(Script("true"), second.limits, second.network);
  // Destroyed with sandboxes ready and one being built. A build takes a
  // few milliseconds: the pool's state is watched without pausing.
  bool caught = false;
  const auto deadline = std::chrono::steady_clock::now() + kPoolWait;
  while (!caught && std::chrono::steady_clock::now() < deadline) {
    const PoolStats stats = pool->pool_stats();
    caught = stats.ready > 0 && stats.building > 0;
    if (!caught) std::this_thread::yield();
  }
  EXPECT_TRUE(caught) << "the pool was never seen building with sandboxes ready";
  pool_.reset();
  ExpectNothingLeft();
}

}  // namespace
}  // namespace sandbox
