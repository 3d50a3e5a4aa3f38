// What a semitrusted run may reach: public addresses and names, and nothing
// of the host, its private networks or another run. Fully offline: the test
// builds its own network (network_world.h) before any thread exists, plays
// the host in it, and checks both what programs print and what the
// listeners counted. Needs root (tagged no-sandbox).
#include <dirent.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "reference_server/sandbox/network_world.h"
#include "reference_server/sandbox/sandbox.h"

namespace sandbox {
namespace {

namespace world = network_world;
using namespace std::chrono_literals;

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kSlirp[] = "/usr/bin/slirp4netns";
// The addresses slirp4netns gives a run: its own, and the gateway (which
// stands for the host's loopback unless that is disabled).
constexpr char kRunAddress[] = "10.0.2.100";
constexpr char kGatewayAddress[] = "10.0.2.2";

// Set up by main before any thread exists.
world::NetworkWorld* the_world = nullptr;
std::string world_error = "not built";
Sandbox* the_sandbox = nullptr;
std::string sandbox_error = "not created";

// A host uid range of its own, so that other test programs' runs are not
// mistaken for leftovers.
Policy TestPolicy() {
  Policy policy;
  policy.first_host_uid = 400000 + static_cast<std::uint32_t>(getpid() % 10000) * 100;
  policy.host_uid_count = 100;
  return policy;
}

Limits QuickLimits() {
  Limits limits;
  limits.wall_seconds = 30;
  limits.cpu_seconds = 10;
  return limits;
}

// glibc waits 5 s per query, twice; a lost query must fail within the
// probe's budget instead.
const std::pair<std::string, std::string> kResolverOptions = {"RES_OPTIONS",
                                                              "timeout:2 attempts:1"};

// Prints one line per probe: "LABEL reached WORD", "LABEL resolved ADDRESS",
// "LABEL refused" (any quick OSError) or "LABEL timeout" (a hang: refusals
// must be quick). Details of failures go to stderr. A datagram's fate is
// told by the listener's counter, not here: "LABEL done" either way. The
// resolver's answer doubles as a barrier for an earlier datagram (see
// network_world.cc, Serve).
constexpr char kProbeScript[] = R"py(
import socket, sys
socket.setdefaulttimeout(3)
def say(*words): print(*words, flush=True)
def word(s):
    try: return s.recv(64).decode().strip() or '(closed)'
    except OSError: return '(silent)'
def listening_ports():
    ports = set()
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == '0A': ports.add(int(fields[1].rsplit(':', 1)[1], 16))
    return ports
for probe in sys.argv[1:]:
    label, kind, *args = probe.split(',')
    try:
        if kind == 'tcp':
            with socket.create_connection((args[0], int(args[1]))) as s:
                say(label, 'reached', word(s))
        elif kind == 'unix':
            with socket.socket(socket.AF_UNIX) as s:
                s.connect('\0' + args[0])
                say(label, 'reached', word(s))
        elif kind == 'name':
            say(label, 'resolved', socket.gethostbyname(args[0]))
        elif kind == 'udp':
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.sendto(b'probe', (args[0], int(args[1])))
            except OSError as e: print(label, repr(e), file=sys.stderr)
            say(label, 'done')
        elif kind == 'listening':
            shown = [p for p in args if int(p) in listening_ports()]
            say(label, *(['shown'] + shown if shown else ['hidden']))
        elif kind == 'unix-listed':
            with open('/proc/net/unix') as f: paths = [l.split()[-1] for l in f.readlines()[1:]]
            say(label, 'shown' if '@' + args[0] in paths else 'hidden')
    except TimeoutError as e:
        say(label, 'timeout'); print(label, repr(e), file=sys.stderr)
    except OSError as e:
        say(label, 'refused'); print(label, repr(e), file=sys.stderr)
)py";

// Run A of the concurrency test: listens on TCP and an abstract name, says
// "ready A" to the announce listener, waits there until the test releases
// it, then tells how many connections reached it.
constexpr char kListenerScript[] = R"py(
import socket, sys
port, name, host, announce_port = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
tcp = socket.socket()
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(('0.0.0.0', port)); tcp.listen(8)
unix = socket.socket(socket.AF_UNIX)
unix.bind('\0' + name); unix.listen(8)
with socket.create_connection((host, announce_port), timeout=3) as announce:
    announce.sendall(b'ready A\n')
    announce.settimeout(20)
    try: announce.recv(1)
    except TimeoutError: print('A was not released', flush=True)
def accepted(listener):
    listener.setblocking(False)
    count = 0
    while True:
        try: listener.accept()[0].close()
        except BlockingIOError: return count
        count += 1
print('A accepted tcp', accepted(tcp), 'unix', accepted(unix), flush=True)
)py";

std::string Tcp(const std::string& label, const std::string& address, int port) {
  return label + ",tcp," + address + "," + std::to_string(port);
}

std::vector<std::string> ProbeArgv(const std::vector<std::string>& probes) {
  std::vector<std::string> argv = {kPython, "-c", kProbeScript};
  argv.insert(argv.end(), probes.begin(), probes.end());
  return argv;
}

RunResult Probe(Network network, const std::vector<std::string>& probes) {
  RunSpec spec;
  spec.steps = {ProbeArgv(probes)};
  spec.env = {kResolverOptions};
  return the_sandbox->Run(spec, QuickLimits(), network);
}

// Processes on the host owned by the uids runs are given: none may remain.
int LeftoverProcesses() {
  const Policy& policy = the_sandbox->policy();
  int count = 0;
  DIR* proc = opendir("/proc");
  while (dirent* entry = readdir(proc)) {
    struct stat st;
    const std::string path = std::string("/proc/") + entry->d_name;
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9' || stat(path.c_str(), &st) != 0) continue;
    if (st.st_uid >= policy.first_host_uid &&
        st.st_uid < policy.first_host_uid + policy.host_uid_count) {
      ++count;
    }
  }
  closedir(proc);
  return count;
}

// slirp4netns processes this test's server started: its children, or any
// in this test's network namespace (which no one else uses).
int SlirpHelpers() {
  struct stat own_network;
  if (stat("/proc/self/ns/net", &own_network) != 0) return -1;
  int count = 0;
  DIR* proc = opendir("/proc");
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const std::string dir = std::string("/proc/") + entry->d_name;
    char exe[PATH_MAX];
    const ssize_t n = readlink((dir + "/exe").c_str(), exe, sizeof exe - 1);
    if (n <= 0 ||
        std::string(exe, static_cast<std::size_t>(n)).find("slirp4netns") == std::string::npos) {
      continue;
    }
    std::ifstream stat_file(dir + "/stat");
    std::string stat_text((std::istreambuf_iterator<char>(stat_file)), {});
    const std::size_t end_of_name = stat_text.rfind(')');
    int parent = 0;
    if (end_of_name != std::string::npos) {
      std::sscanf(stat_text.c_str() + end_of_name + 1, " %*c %d", &parent);
    }
    struct stat network;
    const bool same_network = stat((dir + "/ns/net").c_str(), &network) == 0 &&
                              network.st_ino == own_network.st_ino &&
                              network.st_dev == own_network.st_dev;
    if (parent == getpid() || same_network) ++count;
  }
  closedir(proc);
  return count;
}

class NetworkTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(world_error, "") << "the test's network could not be built";
    ASSERT_EQ(sandbox_error, "");
    before_ = the_world->Snapshot();
  }
  void TearDown() override {
    if (the_sandbox == nullptr) return;
    // Helpers are killed as their run ends, and reaped off its path.
    the_sandbox->AwaitReaped();
    EXPECT_EQ(LeftoverProcesses(), 0);
    EXPECT_EQ(SlirpHelpers(), 0) << "a run's slirp4netns outlived it";
  }

  int Delta(world::Counter counter) const {
    return the_world->Snapshot()[counter] - before_[counter];
  }
  // The strongest check of a refusal: no connection or datagram arrived.
  void ExpectNotReached(std::initializer_list<world::Counter> counters) const {
    for (world::Counter counter : counters) {
      EXPECT_EQ(Delta(counter), 0)
          << "the " << world::CounterName(counter) << " listener was reached";
    }
  }

  const std::string host_loopback_port_ = std::to_string(the_world->host_loopback_port());
  const std::string host_interface_port_ = std::to_string(the_world->host_interface_port());

 private:
  world::Counts before_{};
};

class SemitrustedTest : public NetworkTest {
 protected:
  void SetUp() override {
    NetworkTest::SetUp();
    if (HasFatalFailure()) return;
    if (access(kSlirp, X_OK) != 0) {
      GTEST_SKIP() << "slirp4netns is not installed (tools/setup installs it)";
    }
  }
};

// The control: every listener answers a process of the host, and the
// resolver answers it, so a refusal below is the sandbox's doing.
TEST_F(NetworkTest, TheWorldAnswersTheHostOutsideTheSandbox) {
  const world::ProcessResult r = world::RunProcess(
      ProbeArgv({Tcp("public", world::kPublicAddress, world::kWebPort),
                 Tcp("private", world::kPrivateAddress, world::kWebPort),
                 Tcp("metadata", world::kMetadataAddress, world::kWebPort),
                 Tcp("host-loopback", "127.0.0.1", the_world->host_loopback_port()),
                 Tcp("host-interface", world::kHostAddress, the_world->host_interface_port()),
                 "host-unix,unix," + the_world->abstract_name(),
                 "udp-private,udp," + std::string(world::kPrivateAddress) + "," +
                     std::to_string(world::kPrivateUdpPort),
                 std::string("dns,name,") + world::kPublicName,
                 Tcp("by-name", world::kPublicName, world::kWebPort),
                 "proc-net-tcp,listening," + host_loopback_port_ + "," + host_interface_port_,
                 "proc-net-unix,unix-listed," + the_world->abstract_name()}),
      {"PATH=/usr/bin:/bin", kResolverOptions.first + "=" + kResolverOptions.second}, 60s);
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.stdout_text,
            "public reached public\n"
            "private reached private\n"
            "metadata reached metadata\n"
            "host-loopback reached host-loopback\n"
            "host-interface reached host-interface\n"
            "host-unix reached host-unix\n"
            "udp-private done\n"
            "dns resolved 203.0.113.10\n"
            "by-name reached public\n"
            "proc-net-tcp shown " +
                host_loopback_port_ + " " + host_interface_port_ +
                "\n"
                "proc-net-unix shown\n");
  EXPECT_EQ(Delta(world::kPublicTcp), 2);
  EXPECT_EQ(Delta(world::kPrivateTcp), 1);
  EXPECT_EQ(Delta(world::kMetadataTcp), 1);
  EXPECT_EQ(Delta(world::kHostLoopbackTcp), 1);
  EXPECT_EQ(Delta(world::kHostInterfaceTcp), 1);
  EXPECT_EQ(Delta(world::kHostAbstractUnix), 1);
  EXPECT_EQ(Delta(world::kPrivateUdp), 1) << "so a datagram that gets through is counted";
  EXPECT_GE(Delta(world::kResolverQueries), 1);
}

TEST_F(SemitrustedTest, ReachesPublicAddressesAndResolvesNames) {
  const RunResult r =
      Probe(Network::kSemiTrusted, {Tcp("public", world::kPublicAddress, world::kWebPort),
                                    std::string("dns,name,") + world::kPublicName,
                                    Tcp("by-name", world::kPublicName, world::kWebPort)});
  EXPECT_EQ(r.setup_error, "");
  EXPECT_EQ(r.stdout_text,
            "public reached public\n"
            "dns resolved 203.0.113.10\n"
            "by-name reached public\n")
      << r.stderr_text;
  EXPECT_EQ(Delta(world::kPublicTcp), 2);
  EXPECT_GE(Delta(world::kResolverQueries), 1);
}

TEST_F(SemitrustedTest, ReachesNoHostOrPrivateAddress) {
  const RunResult r =
      Probe(Network::kSemiTrusted,
            {Tcp("host-loopback-via-gateway", kGatewayAddress, the_world->host_loopback_port()),
             Tcp("host-loopback", "127.0.0.1", the_world->host_loopback_port()),
             Tcp("host-interface", world::kHostAddress, the_world->host_interface_port()),
             Tcp("private", world::kPrivateAddress, world::kWebPort),
             Tcp("metadata", world::kMetadataAddress, world::kWebPort),
             // Port 53, but not to a resolver of the host's.
             "udp-private,udp," + std::string(world::kPrivateAddress) + "," +
                 std::to_string(world::kPrivateUdpPort),
             // The resolver itself is private, and allowed.
             std::string("dns,name,") + world::kPublicName});
  EXPECT_EQ(r.setup_error, "");
  EXPECT_EQ(r.stdout_text,
            "host-loopback-via-gateway refused\n"
            "host-loopback refused\n"
            "host-interface refused\n"
            "private refused\n"
            "metadata refused\n"
            "udp-private done\n"
            "dns resolved 203.0.113.10\n")
      << r.stderr_text;
  ExpectNotReached({world::kHostLoopbackTcp, world::kHostInterfaceTcp, world::kPrivateTcp,
                    world::kMetadataTcp, world::kPrivateUdp});
  // The supervisor said why (the gateway and the run's own 127.0.0.1 never
  // reach it: slirp4netns and the namespace refuse those).
  std::string refusals;
  for (const std::string& refusal : r.network_refusals) refusals += refusal + "\n";
  for (const std::string& expected :
       {world::kHostAddress + std::string(" is an address of this host"),
        world::kPrivateAddress + std::string(" is private (10.0.0.0/8)"),
        world::kMetadataAddress + std::string(" is link-local")}) {
    EXPECT_NE(refusals.find(expected), std::string::npos) << expected << " in:\n" << refusals;
  }
}

TEST_F(SemitrustedTest, SeesNoSocketOfTheHost) {
  const RunResult r =
      Probe(Network::kSemiTrusted,
            {"host-unix,unix," + the_world->abstract_name(),
             "proc-net-tcp,listening," + host_loopback_port_ + "," + host_interface_port_,
             "proc-net-unix,unix-listed," + the_world->abstract_name()});
  EXPECT_EQ(r.setup_error, "");
  EXPECT_EQ(r.stdout_text,
            "host-unix refused\n"
            "proc-net-tcp hidden\n"
            "proc-net-unix hidden\n")
      << r.stderr_text;
  ExpectNotReached({world::kHostAbstractUnix});
}

TEST_F(SemitrustedTest, ConcurrentRunsCannotReachEachOther) {
  constexpr int kPort = 7070;
  const std::string name = "semitrusted-run-a-" + std::to_string(getpid());
  RunSpec listener;
  listener.steps = {{kPython, "-c", kListenerScript, std::to_string(kPort), name,
                     world::kPublicAddress, std::to_string(world::kAnnouncePort)}};
  RunResult a, b;
  std::thread run_a([&] { a = the_sandbox->Run(listener, QuickLimits(), Network::kSemiTrusted); });
  // A is listening once it has announced itself; B runs meanwhile.
  const bool a_ready = the_world->WaitForAnnouncement("ready A", 20s);
  if (a_ready) {
    // Proves that the after-test check for helpers can see one.
    EXPECT_GE(SlirpHelpers(), 1) << "no slirp4netns found while run A is live";
    std::thread run_b([&] {
      b = Probe(Network::kSemiTrusted,
                {Tcp("a-via-own-address", kRunAddress, kPort),
                 Tcp("a-via-gateway", kGatewayAddress, kPort),
                 Tcp("a-via-host-interface", world::kHostAddress, kPort), "a-unix,unix," + name});
    });
    run_b.join();
  }
  the_world->ReleaseAnnouncers();
  run_a.join();
  ASSERT_TRUE(a_ready) << "run A never said it was ready: " << a.setup_error << a.stdout_text
                       << a.stderr_text;
  EXPECT_EQ(b.setup_error, "");
  EXPECT_EQ(b.stdout_text,
            "a-via-own-address refused\n"
            "a-via-gateway refused\n"
            "a-via-host-interface refused\n"
            "a-unix refused\n")
      << b.stderr_text;
  EXPECT_EQ(a.setup_error, "");
  EXPECT_EQ(a.stdout_text, "A accepted tcp 0 unix 0\n") << a.stderr_text;
}

TEST_F(NetworkTest, ZeroTrustReachesNothing) {
  const RunResult r =
      Probe(Network::kZeroTrust,
            {Tcp("public", world::kPublicAddress, world::kWebPort),
             std::string("dns,name,") + world::kPublicName,
             Tcp("host-loopback", "127.0.0.1", the_world->host_loopback_port()),
             Tcp("host-interface", world::kHostAddress, the_world->host_interface_port())});
  EXPECT_EQ(r.setup_error, "");
  EXPECT_EQ(r.stdout_text,
            "public refused\n"
            "dns refused\n"
            "host-loopback refused\n"
            "host-interface refused\n")
      << r.stderr_text;
  ExpectNotReached({world::kPublicTcp, world::kResolverQueries, world::kHostLoopbackTcp,
                    world::kHostInterfaceTcp});
}

}  // namespace
}  // namespace sandbox

int main(int argc, char** argv) {
  using namespace sandbox;
  // Before InitGoogleTest and any thread (see NetworkWorld::Build); the
  // sandbox after, so that it finds the world's /etc/resolv.conf.
  the_world = new world::NetworkWorld;
  if (const base::Status built = the_world->Build(); built.ok()) {
    world_error = "";
    // No pool: the leftover checks count every process of the uid range
    // (sandbox_test runs the battery pooled).
    PoolOptions no_pool;
    no_pool.per_class = 0;
    auto created = Sandbox::Create(TestPolicy(), no_pool);
    sandbox_error = created.ok() ? "" : created.error().Describe();
    if (created.ok()) the_sandbox = std::move(created).value().release();
  } else {
    world_error = built.error().Describe();
  }
  testing::InitGoogleTest(&argc, argv);
  const int result = RUN_ALL_TESTS();
  delete the_sandbox;  // removes its cgroup directories
  delete the_world;
  return result;
}
