#include "reference_server/sandbox/init_request.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bit>
#include <cstring>
#include <new>
#include <string_view>

// The payload, little-endian (host and init are the same machine):
//
//   u64 cpu_seconds, u64 max_file_bytes, u64 max_open_files, u64 artifact_max_bytes
//   u64 step_count, u64 main_steps        1 <= main_steps <= step_count
//   step_count times: u64 argc (>= 1), then argc strings; argv[0] starts with '/'
//   u64 env_count, then env_count strings ("NAME=value")
//   u64 file_count, then per file: string name, u8 executable (0 or 1), blob content
//   u64 artifact_count, then artifact_count strings
//   and nothing after.
//
// A blob is a u64 length, that many bytes, then a NUL that the length does
// not count; a string is a blob with no NUL among its bytes, so that init
// uses both as C strings in place.
//
// The arena holds the pointer tables, carved in this order: the step table
// (step_count pointers), each step's argv (argc + 1, null-terminated), envp
// (env_count + 1, null-terminated), the FileView array (file_count), the
// artifact table (artifact_count). EncodeInitRequest states its exact size,
// which DecodeInitRequest needs at least.

namespace sandbox {
namespace {

static_assert(std::endian::native == std::endian::little, "the payload is little-endian");
static_assert(sizeof(InitRequestHeader) == 24, "the header is sent as its bytes");
// Every table is carved at a pointer-aligned offset, one after the other.
static_assert(alignof(FileView) <= alignof(void*) && sizeof(FileView) % alignof(void*) == 0);

constexpr std::size_t kPointer = sizeof(void*);
// The least a string or blob takes in the payload: its length and its NUL.
constexpr std::size_t kMinBlobBytes = sizeof(std::uint64_t) + 1;
constexpr std::size_t kMinFileBytes = 2 * kMinBlobBytes + 1;

// The unread rest of the payload. Every read checks what is left first, so
// a hostile length or count never moves past the end.
class Reader {
 public:
  Reader(char* at, std::size_t left) : at_(at), left_(left) {}

  bool U64(std::uint64_t& value) {
    if (left_ < sizeof value) return false;
    std::memcpy(&value, at_, sizeof value);
    Skip(sizeof value);
    return true;
  }

  bool Flag(bool& value) {
    if (left_ < 1 || static_cast<unsigned char>(*at_) > 1) return false;
    value = *at_ == 1;
    Skip(1);
    return true;
  }

  // A count of items that take at least `min_item_bytes` each: refused when
  // the rest of the payload cannot hold that many.
  bool Count(std::size_t min_item_bytes, std::size_t& count) {
    std::uint64_t value = 0;
    if (!U64(value) || value > left_ / min_item_bytes) return false;
    count = static_cast<std::size_t>(value);
    return true;
  }

  bool Blob(char*& data, std::size_t& size) {
    std::uint64_t length = 0;
    // length < left_: the bytes and their NUL fit.
    if (!U64(length) || length >= left_ || at_[length] != '\0') return false;
    data = at_;
    size = static_cast<std::size_t>(length);
    Skip(size + 1);
    return true;
  }

  bool String(char*& data, std::size_t& size) {
    return Blob(data, size) && std::memchr(data, '\0', size) == nullptr;
  }

  bool String(char*& data) {
    std::size_t size = 0;
    return String(data, size);
  }

  bool AtEnd() const { return left_ == 0; }

 private:
  void Skip(std::size_t bytes) {
    at_ += bytes;
    left_ -= bytes;
  }

  char* at_;
  std::size_t left_;
};

// The unused rest of the arena, handed out front to back.
class Arena {
 public:
  Arena(char* at, std::size_t left) : at_(at), left_(left) {}

  template <typename T>
  bool Carve(std::size_t count, T*& items) {
    if (count > left_ / sizeof(T)) return false;
    items = reinterpret_cast<T*>(at_);
    for (std::size_t i = 0; i < count; ++i) new (at_ + i * sizeof(T)) T{};
    at_ += count * sizeof(T);
    left_ -= count * sizeof(T);
    return true;
  }

 private:
  char* at_;
  std::size_t left_;
};

bool DecodeArgv(Reader& in, Arena& arena, char**& argv) {
  std::size_t argc = 0;
  if (!in.Count(kMinBlobBytes, argc) || argc == 0 || !arena.Carve(argc + 1, argv)) return false;
  for (std::size_t i = 0; i < argc; ++i) {
    if (!in.String(argv[i])) return false;
  }
  argv[argc] = nullptr;
  return argv[0][0] == '/';
}

bool DecodeSteps(Reader& in, Arena& arena, InitRequestView& view) {
  std::size_t count = 0;
  std::uint64_t main_steps = 0;
  // A step takes at least its argc and one string.
  if (!in.Count(sizeof(std::uint64_t) + kMinBlobBytes, count) || !in.U64(main_steps) ||
      main_steps == 0 || main_steps > count) {
    return false;
  }
  char*** steps = nullptr;
  if (!arena.Carve(count, steps)) return false;
  for (std::size_t i = 0; i < count; ++i) {
    if (!DecodeArgv(in, arena, steps[i])) return false;
  }
  view.steps = steps;
  view.step_count = count;
  view.main_steps = static_cast<std::size_t>(main_steps);
  return true;
}

// A table of `count` strings, then a null entry when `null_terminated`.
bool DecodeStrings(Reader& in, Arena& arena, bool null_terminated, char**& table,
                   std::size_t& count) {
  if (!in.Count(kMinBlobBytes, count) || !arena.Carve(count + (null_terminated ? 1 : 0), table)) {
    return false;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (!in.String(table[i])) return false;
  }
  if (null_terminated) table[count] = nullptr;
  return true;
}

bool DecodeFiles(Reader& in, Arena& arena, InitRequestView& view) {
  std::size_t count = 0;
  FileView* files = nullptr;
  if (!in.Count(kMinFileBytes, count) || !arena.Carve(count, files)) return false;
  for (std::size_t i = 0; i < count; ++i) {
    char* name = nullptr;
    char* content = nullptr;
    if (!in.String(name, files[i].name_size) || !in.Flag(files[i].executable) ||
        !in.Blob(content, files[i].content_size)) {
      return false;
    }
    files[i].name = name;
    files[i].content = content;
  }
  view.files = files;
  view.file_count = count;
  return true;
}

bool DecodeLimits(Reader& in, InitRequestView& view) {
  return in.U64(view.cpu_seconds) && in.U64(view.max_file_bytes) && in.U64(view.max_open_files) &&
         in.U64(view.artifact_max_bytes);
}

bool DecodeAll(Reader& in, Arena& arena, InitRequestView& view) {
  std::size_t env_count = 0;
  char** envp = nullptr;
  char** artifacts = nullptr;
  if (!DecodeLimits(in, view) || !DecodeSteps(in, arena, view) ||
      !DecodeStrings(in, arena, true, envp, env_count) || !DecodeFiles(in, arena, view) ||
      !DecodeStrings(in, arena, false, artifacts, view.artifact_count)) {
    return false;
  }
  view.envp = envp;
  view.artifacts = artifacts;
  return in.AtEnd();
}

// Reads exactly `size` bytes: EPIPE when the peer closes first.
int ReadFully(int fd, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = read(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EPIPE;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

std::size_t RoundUp(std::size_t value, std::size_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

// Builds the payload, counting the arena it will need.
class Encoder {
 public:
  void U64(std::uint64_t value) {
    char bytes[sizeof value];
    std::memcpy(bytes, &value, sizeof value);
    payload_.append(bytes, sizeof bytes);
  }

  void Flag(bool value) { payload_.push_back(value ? 1 : 0); }

  void Blob(std::string_view bytes) {
    U64(bytes.size());
    payload_.append(bytes);
    payload_.push_back('\0');
  }

  void Strings(const std::vector<std::string>& strings, bool null_terminated) {
    U64(strings.size());
    for (const std::string& s : strings) Blob(s);
    Reserve(strings.size() + (null_terminated ? 1 : 0), kPointer);
  }

  void Reserve(std::size_t count, std::size_t size) { arena_bytes_ += count * size; }

  const std::string& payload() const { return payload_; }
  std::uint64_t arena_bytes() const { return arena_bytes_; }

 private:
  std::string payload_;
  std::uint64_t arena_bytes_ = 0;
};

}  // namespace

std::string EncodeInitRequest(const RunSpec& spec, const std::vector<std::string>& environment,
                              const Limits& limits) {
  Encoder out;
  // The same conversions as setrlimit's callers made from Limits before.
  out.U64(static_cast<std::uint64_t>(limits.cpu_seconds));
  out.U64(limits.max_file_bytes);
  out.U64(static_cast<std::uint64_t>(limits.max_open_files));
  out.U64(limits.max_file_bytes);
  out.U64(spec.steps.size() + spec.after_steps.size());
  out.U64(spec.steps.size());
  out.Reserve(spec.steps.size() + spec.after_steps.size(), kPointer);
  for (const auto* steps : {&spec.steps, &spec.after_steps}) {
    for (const std::vector<std::string>& argv : *steps) out.Strings(argv, true);
  }
  out.Strings(environment, true);
  out.U64(spec.files.size());
  out.Reserve(spec.files.size(), sizeof(FileView));
  for (const WorkFile& file : spec.files) {
    out.Blob(file.name);
    out.Flag(file.executable);
    out.Blob(file.content);
  }
  out.Strings(spec.artifacts, false);

  InitRequestHeader header;
  header.payload_bytes = out.payload().size();
  header.arena_bytes = out.arena_bytes();
  std::string message(sizeof header, '\0');
  std::memcpy(message.data(), &header, sizeof header);
  return message + out.payload();
}

int CheckInitRequestHeader(const InitRequestHeader& header) {
  if (header.magic != kInitRequestMagic || header.version != kInitRequestVersion) return EINVAL;
  if (header.payload_bytes > kMaxInitRequestBytes || header.arena_bytes > kMaxInitRequestBytes ||
      header.payload_bytes + header.arena_bytes > kMaxInitRequestBytes) {
    return E2BIG;
  }
  if (header.arena_bytes % kPointer != 0) return EINVAL;
  return 0;
}

int DecodeInitRequest(char* payload, std::size_t payload_bytes, void* arena,
                      std::size_t arena_bytes, InitRequestView& out) {
  if (reinterpret_cast<std::uintptr_t>(arena) % alignof(void*) != 0) return EINVAL;
  Reader in(payload, payload_bytes);
  Arena tables(static_cast<char*>(arena), arena_bytes);
  InitRequestView view;
  if (!DecodeAll(in, tables, view)) return EINVAL;
  out = view;
  return 0;
}

int ReceiveInitRequest(int fd, InitRequestView& out) {
  InitRequestHeader header;
  if (const int error = ReadFully(fd, reinterpret_cast<char*>(&header), sizeof header)) {
    return error;
  }
  if (const int error = CheckInitRequestHeader(header)) return error;
  // Both are at most kMaxInitRequestBytes: nothing below overflows.
  const auto payload_bytes = static_cast<std::size_t>(header.payload_bytes);
  const auto arena_bytes = static_cast<std::size_t>(header.arena_bytes);
  const std::size_t arena_offset = RoundUp(payload_bytes, alignof(void*));
  const long page = sysconf(_SC_PAGESIZE);
  const std::size_t mapped =
      RoundUp(arena_offset + arena_bytes, page > 0 ? static_cast<std::size_t>(page) : 4096);
  if (mapped == 0) return EINVAL;
  void* memory = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return errno;
  char* base = static_cast<char*>(memory);
  int error = ReadFully(fd, base, payload_bytes);
  if (error == 0)
    error = DecodeInitRequest(base, payload_bytes, base + arena_offset, arena_bytes, out);
  if (error != 0) munmap(memory, mapped);
  return error;
}

}  // namespace sandbox
