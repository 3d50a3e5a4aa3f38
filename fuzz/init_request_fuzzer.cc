// libFuzzer target: the decoder of a pooled sandbox's run request
// (sandbox::DecodeInitRequest), which init runs without allocating, on
// hostile bytes. Input: a little-endian u16 that sizes the arena (rounded
// down to a whole number of pointers, so at most 64 KiB), then the payload.
// Payload and arena are each allocated at exactly their size, so that
// ASan reports any access outside them. A decoded request
//  - has 1 <= main_steps <= step_count, and every table is inside the
//    arena;
//  - has every string (argv entries, env entries, file and artifact
//    names) inside the payload, NUL-terminated there, with argv[0]
//    absolute; every file's content and its NUL inside the payload;
//  - is exact: encoding it again (sandbox::EncodeInitRequest) gives the
//    input's payload byte for byte past the limits, and an arena of the
//    size its header states, which fits in the one given, and no smaller,
//    is enough to decode it.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "reference_server/sandbox/init_request.h"

namespace {

constexpr std::size_t kPointer = sizeof(void*);
constexpr std::size_t kLimitsBytes = 4 * sizeof(std::uint64_t);

// A copy of the payload and an arena, each of exactly its size (the arena
// is a whole number of pointers).
struct Buffers {
  Buffers(const std::string& payload, std::size_t arena_bytes)
      : payload(new char[payload.size()]), arena(new void*[arena_bytes / kPointer]) {
    std::memcpy(this->payload.get(), payload.data(), payload.size());
  }
  std::unique_ptr<char[]> payload;
  std::unique_ptr<void*[]> arena;
};

// [begin, end), compared as addresses (pointers into different objects).
struct Range {
  std::uintptr_t begin;
  std::uintptr_t end;
  Range(const void* at, std::size_t size)
      : begin(reinterpret_cast<std::uintptr_t>(at)), end(begin + size) {}
  bool Holds(const void* p, std::size_t size) const {
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    return at >= begin && at <= end && size <= end - at;
  }
};

// A string inside `payload` with its NUL: its length.
std::size_t CheckString(const Range& payload, const char* s) {
  FUZZ_CHECK(payload.Holds(s, 1), "a string starts inside the payload");
  const std::size_t size = std::strlen(s);
  FUZZ_CHECK(payload.Holds(s, size + 1), "a string and its NUL are inside the payload");
  return size;
}

// The strings of a null-terminated table inside `arena`.
std::vector<std::string> CheckTable(const Range& payload, const Range& arena, char* const* table) {
  std::vector<std::string> out;
  for (std::size_t i = 0;; ++i) {
    FUZZ_CHECK(arena.Holds(table + i, sizeof *table), "a table entry is inside the arena");
    if (table[i] == nullptr) return out;
    out.emplace_back(table[i], CheckString(payload, table[i]));
  }
}

// Walks every pointer of `view`, rebuilding what it describes.
sandbox::RunSpec CheckView(const Range& payload, const Range& arena,
                           const sandbox::InitRequestView& view,
                           std::vector<std::string>& environment) {
  sandbox::RunSpec spec;
  FUZZ_CHECK(view.main_steps >= 1 && view.main_steps <= view.step_count, "1 <= main <= steps");
  FUZZ_CHECK(arena.Holds(view.steps, view.step_count * kPointer), "the step table is in the arena");
  for (std::size_t i = 0; i < view.step_count; ++i) {
    std::vector<std::string> argv = CheckTable(payload, arena, view.steps[i]);
    FUZZ_CHECK(!argv.empty() && argv[0][0] == '/', "argv[0] is absolute");
    (i < view.main_steps ? spec.steps : spec.after_steps).push_back(std::move(argv));
  }
  environment = CheckTable(payload, arena, view.envp);
  FUZZ_CHECK(arena.Holds(view.files, view.file_count * sizeof(sandbox::FileView)),
             "the file table is in the arena");
  for (std::size_t i = 0; i < view.file_count; ++i) {
    const sandbox::FileView& file = view.files[i];
    FUZZ_CHECK(CheckString(payload, file.name) == file.name_size, "name_size is the name's length");
    FUZZ_CHECK(payload.Holds(file.content, file.content_size + 1), "content is in the payload");
    FUZZ_CHECK(file.content[file.content_size] == '\0', "content is followed by a NUL");
    spec.files.push_back({std::string(file.name, file.name_size),
                          std::string(file.content, file.content_size), file.executable});
  }
  FUZZ_CHECK(arena.Holds(view.artifacts, view.artifact_count * kPointer),
             "the artifact table is in the arena");
  for (std::size_t i = 0; i < view.artifact_count; ++i) {
    spec.artifacts.emplace_back(view.artifacts[i], CheckString(payload, view.artifacts[i]));
  }
  return spec;
}

int Decode(const std::string& payload, std::size_t arena_bytes) {
  Buffers buffers(payload, arena_bytes);
  sandbox::InitRequestView view;
  return sandbox::DecodeInitRequest(buffers.payload.get(), payload.size(), buffers.arena.get(),
                                    arena_bytes, view);
}

std::uint64_t LimitAt(const char* payload, std::size_t index) {
  std::uint64_t value = 0;
  std::memcpy(&value, payload + index * sizeof value, sizeof value);
  return value;
}

// Encodes `spec` again and compares with the input.
void CheckExact(const std::string& payload, std::size_t arena_bytes, const sandbox::RunSpec& spec,
                const std::vector<std::string>& environment, const sandbox::InitRequestView& view) {
  FUZZ_CHECK(view.cpu_seconds == LimitAt(payload.data(), 0) &&
                 view.max_file_bytes == LimitAt(payload.data(), 1) &&
                 view.max_open_files == LimitAt(payload.data(), 2) &&
                 view.artifact_max_bytes == LimitAt(payload.data(), 3),
             "the limits are the payload's first four words");
  const std::string message = sandbox::EncodeInitRequest(spec, environment, sandbox::Limits());
  sandbox::InitRequestHeader header;
  std::memcpy(&header, message.data(), sizeof header);
  FUZZ_CHECK(sandbox::CheckInitRequestHeader(header) == 0, "the header is valid");
  const std::string again = message.substr(sizeof header);
  FUZZ_CHECK(header.payload_bytes == payload.size() && again.size() == payload.size() &&
                 again.compare(kLimitsBytes, std::string::npos, payload, kLimitsBytes) == 0,
             "encoding the decoded request gives the input");
  FUZZ_CHECK(header.arena_bytes <= arena_bytes, "the stated arena fits in the one that sufficed");
  FUZZ_CHECK(Decode(payload, header.arena_bytes) == 0, "the stated arena is enough");
  FUZZ_CHECK(Decode(payload, header.arena_bytes - kPointer) == EINVAL,
             "one pointer less is not enough");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t arena_bytes = (data[0] | std::size_t{data[1]} << 8) / kPointer * kPointer;
  const std::string payload(reinterpret_cast<const char*>(data) + 2, size - 2);

  Buffers buffers(payload, arena_bytes);
  const Range payload_range(buffers.payload.get(), payload.size());
  const Range arena_range(buffers.arena.get(), arena_bytes);
  sandbox::InitRequestView view;
  const int error = sandbox::DecodeInitRequest(buffers.payload.get(), payload.size(),
                                               buffers.arena.get(), arena_bytes, view);
  if (error != 0) {
    FUZZ_CHECK(error == EINVAL, "a refusal is EINVAL");
    return 0;
  }
  std::vector<std::string> environment;
  const sandbox::RunSpec spec = CheckView(payload_range, arena_range, view, environment);
  CheckExact(payload, arena_bytes, spec, environment, view);
  return 0;
}
