#include "reference_server/sandbox/init_request.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "reference_server/sandbox/work_files.h"

// Counts C++ allocations on the thread that asks, so that a test can show
// that decoding allocates nothing (init may not: see init_request.h).
namespace {
thread_local bool counting_allocations = false;
std::atomic<int> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  if (counting_allocations) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// Not inlined: gcc would otherwise see free() applied to what operator new
// returned and call it a mismatch.
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace sandbox {
namespace {

constexpr std::uint64_t kHuge = std::uint64_t{1} << 63;
constexpr std::uint64_t kMax64 = ~std::uint64_t{0};
constexpr std::size_t kPointer = sizeof(void*);

// Payload bytes as the layout of init_request.cc describes them, written
// independently of the encoder.
class Payload {
 public:
  Payload& U64(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) bytes_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    return *this;
  }
  Payload& U8(std::uint8_t value) {
    bytes_.push_back(static_cast<char>(value));
    return *this;
  }
  Payload& Str(std::string_view s) {
    U64(s.size());
    bytes_.append(s);
    bytes_.push_back('\0');
    return *this;
  }
  Payload& Raw(std::string_view s) {
    bytes_.append(s);
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Limits, then `step_count` and `main_steps`.
Payload Start(std::uint64_t step_count, std::uint64_t main_steps) {
  return Payload().U64(1).U64(2).U64(3).U64(4).U64(step_count).U64(main_steps);
}

// The smallest valid payload: one step {"/bin/true"}, nothing else.
Payload Minimal() { return Start(1, 1).U64(1).Str("/bin/true").U64(0).U64(0).U64(0); }
// Its arena: the step table, argv and its null, envp's null.
constexpr std::size_t kMinimalArena = 4 * kPointer;

// A payload and an arena, each allocated at exactly its size (so that the
// sanitizers catch any access outside), and what decoding them gave.
struct Decoded {
  std::unique_ptr<char[]> payload;
  std::unique_ptr<void*[]> arena;
  InitRequestView view;
  int error = -1;
};

std::unique_ptr<Decoded> Decode(const std::string& payload, std::size_t arena_bytes) {
  auto out = std::make_unique<Decoded>();
  out->payload.reset(new char[payload.size()]);
  std::memcpy(out->payload.get(), payload.data(), payload.size());
  out->arena.reset(new void*[arena_bytes / kPointer]);
  counting_allocations = true;
  allocations = 0;
  out->error = DecodeInitRequest(out->payload.get(), payload.size(), out->arena.get(), arena_bytes,
                                 out->view);
  counting_allocations = false;
  EXPECT_EQ(allocations, 0) << "decoding allocated";
  return out;
}

InitRequestHeader HeaderOf(const std::string& message) {
  InitRequestHeader header;
  EXPECT_GE(message.size(), sizeof header);
  std::memcpy(&header, message.data(), sizeof header);
  return header;
}

std::string PayloadOf(const std::string& message) {
  return message.substr(sizeof(InitRequestHeader));
}

RunSpec RichSpec() {
  RunSpec spec;
  std::vector<std::string> compile = {"/usr/bin/cc", "", "-O2", "-o", "a.out", "main.c"};
  for (int i = 0; i < 40; ++i) compile.push_back("-Dflag" + std::to_string(i));
  compile.push_back("");
  spec.steps = {{"/bin/sh", "-c", "echo \"$1\"", "", "x y"}, compile, {"/work/a.out"}};
  spec.after_steps = {{"/usr/bin/strip", "a.out"}, {"/bin/true"}};
  spec.files = {{"main.c", std::string("int main() {}\0\0tail\0", 20), false},
                {"run.sh", "#!/bin/sh\nexit 0\n", true},
                {"empty", "", false},
                {"zeros", std::string(300, '\0'), true}};
  spec.artifacts = {"a.out", "log.txt", "empty"};
  spec.binds = {"/etc/ignored"};  // not part of the request: bound when the sandbox is built
  return spec;
}

std::vector<std::string> RichEnvironment() {
  return {"PATH=/usr/bin:/bin", "HOME=/work", "EMPTY=", "LANG=C.UTF-8"};
}

Limits SomeLimits() {
  Limits limits;
  limits.cpu_seconds = 7;
  limits.max_file_bytes = 12345;
  limits.max_open_files = 99;
  return limits;
}

// The strings of a null-terminated table, at most `bound` of them.
std::vector<std::string> Strings(char* const* table, std::size_t bound) {
  std::vector<std::string> out;
  for (std::size_t i = 0; table[i] != nullptr && i < bound; ++i) out.emplace_back(table[i]);
  return out;
}

void ExpectSame(const InitRequestView& view, const RunSpec& spec,
                const std::vector<std::string>& environment, const Limits& limits) {
  EXPECT_EQ(view.cpu_seconds, static_cast<std::uint64_t>(limits.cpu_seconds));
  EXPECT_EQ(view.max_file_bytes, limits.max_file_bytes);
  EXPECT_EQ(view.max_open_files, static_cast<std::uint64_t>(limits.max_open_files));
  EXPECT_EQ(view.artifact_max_bytes, limits.max_file_bytes);
  ASSERT_EQ(view.step_count, spec.steps.size() + spec.after_steps.size());
  EXPECT_EQ(view.main_steps, spec.steps.size());
  for (std::size_t i = 0; i < view.step_count; ++i) {
    const auto& want =
        i < spec.steps.size() ? spec.steps[i] : spec.after_steps[i - spec.steps.size()];
    EXPECT_EQ(Strings(view.steps[i], want.size() + 1), want) << "step " << i;
  }
  EXPECT_EQ(Strings(view.envp, environment.size() + 1), environment);
  ASSERT_EQ(view.file_count, spec.files.size());
  for (std::size_t i = 0; i < view.file_count; ++i) {
    const FileView& file = view.files[i];
    EXPECT_EQ(std::string(file.name), spec.files[i].name);
    EXPECT_EQ(file.name_size, spec.files[i].name.size());
    EXPECT_EQ(std::string(file.content, file.content_size), spec.files[i].content);
    EXPECT_EQ(file.content[file.content_size], '\0');
    EXPECT_EQ(file.executable, spec.files[i].executable);
  }
  ASSERT_EQ(view.artifact_count, spec.artifacts.size());
  for (std::size_t i = 0; i < view.artifact_count; ++i) {
    EXPECT_EQ(std::string(view.artifacts[i]), spec.artifacts[i]);
  }
}

TEST(InitRequestTest, LayoutIsTheDocumentedOne) {
  RunSpec spec;
  spec.steps = {{"/bin/echo", "hi"}};
  spec.after_steps = {{"/bin/true"}};
  spec.files = {{"f", std::string("a\0b", 3), true}};
  spec.artifacts = {"f"};
  Limits limits;
  limits.cpu_seconds = 1;
  limits.max_file_bytes = 2;
  limits.max_open_files = 3;
  const std::string message = EncodeInitRequest(spec, {"A=1"}, limits);

  const std::string payload = Payload()
                                  .U64(1)
                                  .U64(2)
                                  .U64(3)
                                  .U64(2)
                                  .U64(2)
                                  .U64(1)
                                  .U64(2)
                                  .Str("/bin/echo")
                                  .Str("hi")
                                  .U64(1)
                                  .Str("/bin/true")
                                  .U64(1)
                                  .Str("A=1")
                                  .U64(1)
                                  .Str("f")
                                  .U8(1)
                                  .Str(std::string("a\0b", 3))
                                  .U64(1)
                                  .Str("f")
                                  .bytes();
  EXPECT_EQ(PayloadOf(message), payload);
  const InitRequestHeader header = HeaderOf(message);
  EXPECT_EQ(header.magic, kInitRequestMagic);
  EXPECT_EQ(header.version, kInitRequestVersion);
  EXPECT_EQ(header.payload_bytes, payload.size());
  // Step table 2, argvs 3 + 2, envp 2, artifacts 1, and one FileView.
  EXPECT_EQ(header.arena_bytes, 10 * kPointer + sizeof(FileView));
  EXPECT_EQ(CheckInitRequestHeader(header), 0);
}

TEST(InitRequestTest, DecodesWhatWasEncoded) {
  const RunSpec spec = RichSpec();
  const std::string message = EncodeInitRequest(spec, RichEnvironment(), SomeLimits());
  const auto decoded = Decode(PayloadOf(message), HeaderOf(message).arena_bytes);
  ASSERT_EQ(decoded->error, 0);
  ExpectSame(decoded->view, spec, RichEnvironment(), SomeLimits());
}

TEST(InitRequestTest, DecodesAnEmptyEnvironmentAndNoFiles) {
  RunSpec spec;
  spec.steps = {{"/bin/true"}};
  const std::string message = EncodeInitRequest(spec, {}, Limits());
  // The same bytes past the four limits.
  EXPECT_EQ(PayloadOf(message).substr(32), Minimal().bytes().substr(32));
  EXPECT_EQ(HeaderOf(message).arena_bytes, kMinimalArena);
  const auto decoded = Decode(PayloadOf(message), kMinimalArena);
  ASSERT_EQ(decoded->error, 0);
  ExpectSame(decoded->view, spec, {}, Limits());
  EXPECT_EQ(decoded->view.envp[0], nullptr);
}

// Sends `bytes` from another thread (the socket's buffer may hold less),
// then closes the sending end.
class Sender {
 public:
  explicit Sender(std::string bytes) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    receive_fd_ = fds[0];
    thread_ = std::thread([fd = fds[1], bytes = std::move(bytes)] {
      EXPECT_TRUE(WriteAll(fd, bytes.data(), bytes.size()));
      close(fd);
    });
  }
  ~Sender() {
    thread_.join();
    close(receive_fd_);
  }
  int fd() const { return receive_fd_; }

 private:
  int receive_fd_ = -1;
  std::thread thread_;
};

TEST(InitRequestTest, ReceivesWhatWasSentOverASocket) {
  const RunSpec spec = RichSpec();
  Sender sender(EncodeInitRequest(spec, RichEnvironment(), SomeLimits()));
  InitRequestView view;
  counting_allocations = true;
  allocations = 0;
  const int error = ReceiveInitRequest(sender.fd(), view);
  counting_allocations = false;
  EXPECT_EQ(allocations, 0) << "receiving allocated";
  ASSERT_EQ(error, 0);
  ExpectSame(view, spec, RichEnvironment(), SomeLimits());
}

TEST(InitRequestTest, ReceivesALargeRequest) {
  RunSpec spec;
  spec.steps = {{"/bin/cat", "big"}};
  spec.files = {{"big", std::string(3 << 20, 'x'), false}};
  Sender sender(EncodeInitRequest(spec, {"A=b"}, SomeLimits()));
  InitRequestView view;
  ASSERT_EQ(ReceiveInitRequest(sender.fd(), view), 0);
  ExpectSame(view, spec, {"A=b"}, SomeLimits());
}

TEST(InitRequestTest, EveryTruncationIsRefused) {
  const std::string message = EncodeInitRequest(RichSpec(), RichEnvironment(), SomeLimits());
  const std::string payload = PayloadOf(message);
  for (std::size_t size = 0; size < payload.size(); ++size) {
    EXPECT_EQ(Decode(payload.substr(0, size), HeaderOf(message).arena_bytes)->error, EINVAL)
        << "prefix of " << size << " bytes";
  }
}

TEST(InitRequestTest, TheArenaMustHoldEveryTable) {
  const std::string message = EncodeInitRequest(RichSpec(), RichEnvironment(), SomeLimits());
  const std::size_t exact = HeaderOf(message).arena_bytes;
  EXPECT_EQ(Decode(PayloadOf(message), exact)->error, 0);
  EXPECT_EQ(Decode(PayloadOf(message), exact + kPointer)->error, 0);
  EXPECT_EQ(Decode(PayloadOf(message), exact - kPointer)->error, EINVAL);
  EXPECT_EQ(Decode(PayloadOf(message), 0)->error, EINVAL);
}

TEST(InitRequestTest, AMisalignedArenaIsRefused) {
  const std::string payload = Minimal().bytes();
  std::vector<char> payload_copy(payload.begin(), payload.end());
  alignas(void*) char arena[kMinimalArena + kPointer];
  InitRequestView view;
  EXPECT_EQ(DecodeInitRequest(payload_copy.data(), payload_copy.size(), arena, kMinimalArena, view),
            0);
  EXPECT_EQ(
      DecodeInitRequest(payload_copy.data(), payload_copy.size(), arena + 1, kMinimalArena, view),
      EINVAL);
}

struct Corruption {
  const char* what;
  std::string payload;
};

std::vector<Corruption> Corruptions() {
  const std::string with_nul("/bin/a\0b", 8);
  return {
      {"empty", ""},
      {"step_count 2^63", Start(kHuge, 1).bytes()},
      {"step_count 2^64-1", Start(kMax64, 1).bytes()},
      {"main_steps 2^64-1", Start(1, kMax64).U64(1).Str("/bin/true").U64(0).U64(0).U64(0).bytes()},
      {"argc 2^63", Start(1, 1).U64(kHuge).Str("/bin/true").U64(0).U64(0).U64(0).bytes()},
      {"argc 2^64-1", Start(1, 1).U64(kMax64).Str("/bin/true").U64(0).U64(0).U64(0).bytes()},
      {"length 2^63", Start(1, 1).U64(1).U64(kHuge).Raw("/bin/true").bytes()},
      {"length 2^64-1", Start(1, 1).U64(1).U64(kMax64).Raw("/bin/true").bytes()},
      {"env_count 2^63", Start(1, 1).U64(1).Str("/bin/true").U64(kHuge).bytes()},
      {"env_count 2^64-1", Start(1, 1).U64(1).Str("/bin/true").U64(kMax64).U64(0).U64(0).bytes()},
      {"file_count 2^63", Start(1, 1).U64(1).Str("/bin/true").U64(0).U64(kHuge).U64(0).bytes()},
      {"file_count 2^64-1", Start(1, 1).U64(1).Str("/bin/true").U64(0).U64(kMax64).bytes()},
      {"artifact_count 2^63", Start(1, 1).U64(1).Str("/bin/true").U64(0).U64(0).U64(kHuge).bytes()},
      {"artifact_count 2^64-1",
       Start(1, 1).U64(1).Str("/bin/true").U64(0).U64(0).U64(kMax64).bytes()},
      {"content 2^64-1", Start(1, 1)
                             .U64(1)
                             .Str("/bin/true")
                             .U64(0)
                             .U64(1)
                             .Str("f")
                             .U8(0)
                             .U64(kMax64)
                             .Raw("x")
                             .U64(0)
                             .bytes()},
      {"a missing NUL", Start(1, 1).U64(1).U64(9).Raw("/bin/trueX").U64(0).U64(0).U64(0).bytes()},
      {"a string running to the end", Start(1, 1).U64(1).U64(9).Raw("/bin/true").bytes()},
      {"a NUL inside argv[0]", Start(1, 1).U64(1).Str(with_nul).U64(0).U64(0).U64(0).bytes()},
      {"a NUL inside an argument", Start(1, 1)
                                       .U64(2)
                                       .Str("/bin/true")
                                       .Str(std::string("a\0b", 3))
                                       .U64(0)
                                       .U64(0)
                                       .U64(0)
                                       .bytes()},
      {"a NUL inside an env entry", Start(1, 1)
                                        .U64(1)
                                        .Str("/bin/true")
                                        .U64(1)
                                        .Str(std::string("A=\0", 3))
                                        .U64(0)
                                        .U64(0)
                                        .bytes()},
      {"a NUL inside a file name", Start(1, 1)
                                       .U64(1)
                                       .Str("/bin/true")
                                       .U64(0)
                                       .U64(1)
                                       .Str(std::string("f\0g", 3))
                                       .U8(0)
                                       .Str("")
                                       .U64(0)
                                       .bytes()},
      {"a NUL inside an artifact name",
       Start(1, 1).U64(1).Str("/bin/true").U64(0).U64(0).U64(1).Str(std::string("a\0", 2)).bytes()},
      {"a relative argv[0]", Start(1, 1).U64(1).Str("bin/true").U64(0).U64(0).U64(0).bytes()},
      {"an empty argv[0]", Start(1, 1).U64(1).Str("").U64(0).U64(0).U64(0).bytes()},
      {"an empty argv", Start(1, 1).U64(0).U64(0).U64(0).U64(0).bytes()},
      {"a relative argv[0] in an after-step",
       Start(2, 1).U64(1).Str("/bin/true").U64(1).Str("true").U64(0).U64(0).U64(0).bytes()},
      {"main_steps 0", Start(1, 0).U64(1).Str("/bin/true").U64(0).U64(0).U64(0).bytes()},
      {"main_steps over step_count",
       Start(1, 2).U64(1).Str("/bin/true").U64(0).U64(0).U64(0).bytes()},
      {"no steps", Start(0, 0).U64(0).U64(0).U64(0).bytes()},
      {"an executable flag of 2",
       Start(1, 1).U64(1).Str("/bin/true").U64(0).U64(1).Str("f").U8(2).Str("").U64(0).bytes()},
      {"a trailing byte", Minimal().Raw("x").bytes()},
      {"a trailing NUL", Minimal().Raw(std::string(1, '\0')).bytes()},
      {"a trailing count", Minimal().U64(0).bytes()},
  };
}

TEST(InitRequestTest, CorruptionsAreRefused) {
  for (const Corruption& corruption : Corruptions()) {
    // A large arena: only the payload's fault is tested here.
    const auto decoded = Decode(corruption.payload, 64 << 10);
    EXPECT_EQ(decoded->error, EINVAL) << corruption.what;
    EXPECT_EQ(decoded->view.steps, nullptr) << corruption.what << ": out was written";
  }
}

TEST(InitRequestTest, NulsInsideContentAreKept) {
  const std::string content("\0a\0", 3);
  const std::string payload =
      Start(1, 1).U64(1).Str("/bin/true").U64(0).U64(1).Str("f").U8(1).Str(content).U64(0).bytes();
  const auto decoded = Decode(payload, kMinimalArena + sizeof(FileView));
  ASSERT_EQ(decoded->error, 0);
  ASSERT_EQ(decoded->view.file_count, 1u);
  EXPECT_EQ(std::string(decoded->view.files[0].content, decoded->view.files[0].content_size),
            content);
  EXPECT_TRUE(decoded->view.files[0].executable);
}

TEST(InitRequestTest, CountsThePayloadHoldsButTheArenaDoesNotAreRefused) {
  Payload payload = Start(1, 1).U64(1).Str("/bin/true").U64(100);
  for (int i = 0; i < 100; ++i) payload.Str("A=" + std::to_string(i));
  payload.U64(0).U64(0);
  EXPECT_EQ(Decode(payload.bytes(), kMinimalArena + 100 * kPointer)->error, 0);
  EXPECT_EQ(Decode(payload.bytes(), kMinimalArena + 99 * kPointer)->error, EINVAL);
}

TEST(InitRequestTest, ChecksTheHeader) {
  InitRequestHeader header;
  header.payload_bytes = 100;
  header.arena_bytes = 8 * kPointer;
  EXPECT_EQ(CheckInitRequestHeader(header), 0);

  InitRequestHeader bad = header;
  bad.magic ^= 1;
  EXPECT_EQ(CheckInitRequestHeader(bad), EINVAL);
  bad = header;
  bad.version = kInitRequestVersion + 1;
  EXPECT_EQ(CheckInitRequestHeader(bad), EINVAL);
  bad = header;
  bad.arena_bytes = 8 * kPointer + 1;
  EXPECT_EQ(CheckInitRequestHeader(bad), EINVAL);
  bad = header;
  bad.payload_bytes = kMaxInitRequestBytes + 1;
  EXPECT_EQ(CheckInitRequestHeader(bad), E2BIG);
  bad = header;
  bad.payload_bytes = kMax64;
  EXPECT_EQ(CheckInitRequestHeader(bad), E2BIG);
  bad = header;
  bad.arena_bytes = kMaxInitRequestBytes + kPointer;
  EXPECT_EQ(CheckInitRequestHeader(bad), E2BIG);
  bad = header;
  bad.arena_bytes = kMax64 - (kPointer - 1);
  EXPECT_EQ(CheckInitRequestHeader(bad), E2BIG);
  bad.payload_bytes = kMaxInitRequestBytes;
  bad.arena_bytes = kPointer;
  EXPECT_EQ(CheckInitRequestHeader(bad), E2BIG);
  bad.payload_bytes = kMaxInitRequestBytes - kPointer;
  EXPECT_EQ(CheckInitRequestHeader(bad), 0);
}

int ReceiveFrom(std::string bytes) {
  Sender sender(std::move(bytes));
  InitRequestView view;
  return ReceiveInitRequest(sender.fd(), view);
}

std::string HeaderBytes(const InitRequestHeader& header) {
  return std::string(reinterpret_cast<const char*>(&header), sizeof header);
}

TEST(InitRequestTest, APeerThatClosesEarlyIsEpipe) {
  RunSpec spec;
  spec.steps = {{"/bin/true"}};
  const std::string message = EncodeInitRequest(spec, {}, Limits());
  EXPECT_EQ(ReceiveFrom(""), EPIPE);
  EXPECT_EQ(ReceiveFrom(message.substr(0, sizeof(InitRequestHeader) / 2)), EPIPE);
  EXPECT_EQ(ReceiveFrom(message.substr(0, sizeof(InitRequestHeader))), EPIPE);
  EXPECT_EQ(ReceiveFrom(message.substr(0, message.size() - 1)), EPIPE);
  EXPECT_EQ(ReceiveFrom(message), 0);
}

TEST(InitRequestTest, ReceivingRefusesABadHeaderOrPayload) {
  InitRequestHeader header;
  header.magic = 0;
  EXPECT_EQ(ReceiveFrom(HeaderBytes(header)), EINVAL);
  header = InitRequestHeader();
  header.payload_bytes = kMaxInitRequestBytes + 1;
  EXPECT_EQ(ReceiveFrom(HeaderBytes(header)), E2BIG);
  header = InitRequestHeader();
  EXPECT_EQ(ReceiveFrom(HeaderBytes(header)), EINVAL) << "nothing to map";
  const std::string payload = Minimal().bytes();
  header.payload_bytes = payload.size();
  header.arena_bytes = kMinimalArena - kPointer;
  EXPECT_EQ(ReceiveFrom(HeaderBytes(header) + payload), EINVAL);
  header.arena_bytes = kMinimalArena;
  EXPECT_EQ(ReceiveFrom(HeaderBytes(header) + payload), 0);
}

// A private directory to write files into, removed with what it holds.
class WorkFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/work_files_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    path_ = pattern;
    dir_ = open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(dir_, 0);
    old_umask_ = umask(022);
  }
  void TearDown() override {
    umask(old_umask_);
    close(dir_);
    std::filesystem::remove_all(path_);
  }

  static FileView View(const std::string& name, const std::string& content, bool executable) {
    return FileView{name.c_str(), name.size(), content.data(), content.size(), executable};
  }

  std::string Read(const std::string& name) {
    const int fd = openat(dir_, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    EXPECT_GE(fd, 0) << name;
    std::string out;
    char buffer[4096];
    for (int i = 0; i < 1024; ++i) {
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    close(fd);
    return out;
  }

  mode_t Mode(const std::string& name) {
    struct stat info {};
    EXPECT_EQ(fstatat(dir_, name.c_str(), &info, AT_SYMLINK_NOFOLLOW), 0) << name;
    return info.st_mode;
  }

  std::size_t Entries() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(path_)) ++count;
    return count;
  }

  std::string path_;
  int dir_ = -1;
  mode_t old_umask_ = 0;
};

TEST_F(WorkFilesTest, WritesContentAndMode) {
  const std::string names[] = {"main.c", "run.sh", "empty"};
  const std::string contents[] = {std::string("a\0b\0", 4), "#!/bin/sh\n", ""};
  const FileView files[] = {View(names[0], contents[0], false), View(names[1], contents[1], true),
                            View(names[2], contents[2], false)};
  ASSERT_EQ(WriteWorkFiles(dir_, files, 3), 0);
  EXPECT_EQ(Read("main.c"), contents[0]);
  EXPECT_EQ(Read("run.sh"), contents[1]);
  EXPECT_EQ(Read("empty"), "");
  EXPECT_TRUE(S_ISREG(Mode("main.c")));
  EXPECT_EQ(Mode("main.c") & 07777, 0644u);
  EXPECT_EQ(Mode("run.sh") & 07777, 0755u);
  EXPECT_EQ(Mode("empty") & 07777, 0644u);
  EXPECT_EQ(WriteWorkFiles(dir_, nullptr, 0), 0);
}

TEST_F(WorkFilesTest, RefusesNamesThatAreNotOneComponent) {
  const std::string content = "x";
  for (const std::string& name :
       {std::string(""), std::string("."), std::string(".."), std::string("a/b"),
        std::string("/abs"), std::string("a/"), std::string("a\0b", 3)}) {
    const FileView file = View(name, content, false);
    EXPECT_EQ(WriteWorkFiles(dir_, &file, 1), EINVAL) << name;
  }
  FileView unnamed = View("x", content, false);
  unnamed.name = nullptr;
  EXPECT_EQ(WriteWorkFiles(dir_, &unnamed, 1), EINVAL);
  EXPECT_EQ(Entries(), 0u);
}

TEST_F(WorkFilesTest, StopsAtTheFirstFailure) {
  const std::string good = "good", bad = "..", later = "later", content = "x";
  const FileView files[] = {View(good, content, false), View(bad, content, false),
                            View(later, content, false)};
  EXPECT_EQ(WriteWorkFiles(dir_, files, 3), EINVAL);
  EXPECT_EQ(Read("good"), "x");
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(WorkFilesTest, RefusesAnExistingName) {
  const std::string name = "taken", first = "first", second = "second";
  const FileView one = View(name, first, false);
  ASSERT_EQ(WriteWorkFiles(dir_, &one, 1), 0);
  const FileView two = View(name, second, true);
  EXPECT_EQ(WriteWorkFiles(dir_, &two, 1), EEXIST);
  EXPECT_EQ(Read("taken"), "first");
  EXPECT_EQ(Mode("taken") & 07777, 0644u);
}

TEST_F(WorkFilesTest, RefusesAPlantedSymlinkWithoutFollowingIt) {
  // One symlink to a file that does not exist yet, one to a file that does.
  const std::string absent = path_ + "/outside_absent";
  const std::string present = path_ + "/outside_present";
  const std::string present_name = "outside_present", kept = "kept";
  const FileView file = View(present_name, kept, false);
  ASSERT_EQ(WriteWorkFiles(dir_, &file, 1), 0);
  ASSERT_EQ(symlinkat(absent.c_str(), dir_, "dangling"), 0);
  ASSERT_EQ(symlinkat(present.c_str(), dir_, "pointing"), 0);
  const std::string content = "overwritten", dangling = "dangling", pointing = "pointing";
  const FileView through_dangling = View(dangling, content, false);
  const FileView through_pointing = View(pointing, content, false);
  EXPECT_EQ(WriteWorkFiles(dir_, &through_dangling, 1), EEXIST);
  EXPECT_EQ(WriteWorkFiles(dir_, &through_pointing, 1), EEXIST);
  EXPECT_FALSE(std::filesystem::exists(absent));
  EXPECT_EQ(Read("outside_present"), "kept");
  EXPECT_TRUE(S_ISLNK(Mode("dangling")));
  EXPECT_TRUE(S_ISLNK(Mode("pointing")));
}

}  // namespace
}  // namespace sandbox
