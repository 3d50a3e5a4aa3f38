#include "reference_server/sandbox/init_plan.h"

#include <errno.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "base/system_error.h"

// The payload, little-endian: the strings hostname, staging, dev_dir,
// proc_dir, tmp_dir, work_dir, old_root, root_options, dev_options,
// tmp_options, work_options; u64 step count, then per step u8 kind and the
// strings target and source; the limits as nine u64 (wall, cpu, memory,
// processes, file, open files, work, tmp, output); u8 rlimit_memory; u64
// last_capability; u64 filter length, then per instruction u16 code, u8 jt,
// u8 jf, u32 k. A string is a u64 length and its bytes.

namespace sandbox {
namespace {

constexpr std::uint64_t kMaxPlanBytes = 16 << 20;

class Writer {
 public:
  void U64(std::uint64_t value) { Raw(&value, sizeof value); }
  void U8(std::uint8_t value) { Raw(&value, sizeof value); }
  void String(std::string_view text) {
    U64(text.size());
    bytes_.append(text);
  }
  void Raw(const void* data, std::size_t size) {
    bytes_.append(static_cast<const char*>(data), size);
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool U64(std::uint64_t& value) { return Raw(&value, sizeof value); }
  bool U8(std::uint8_t& value) { return Raw(&value, sizeof value); }
  bool String(std::string& text) {
    std::uint64_t size = 0;
    if (!U64(size) || size > rest_.size()) return false;
    text.assign(rest_.substr(0, size));
    rest_.remove_prefix(size);
    return true;
  }
  bool Raw(void* data, std::size_t size) {
    if (rest_.size() < size) return false;
    std::memcpy(data, rest_.data(), size);
    rest_.remove_prefix(size);
    return true;
  }
  bool AtEnd() const { return rest_.empty(); }
  std::size_t left() const { return rest_.size(); }

 private:
  std::string_view rest_;
};

// The plan's strings in their wire order (const for the encoder).
template <typename Plan>
auto Strings(Plan& plan) {
  return std::array{&plan.hostname,    &plan.staging,     &plan.dev_dir,     &plan.proc_dir,
                    &plan.tmp_dir,     &plan.work_dir,    &plan.old_root,    &plan.root_options,
                    &plan.dev_options, &plan.tmp_options, &plan.work_options};
}

base::Error Malformed(std::string where) {
  return base::MakeError(base::ErrorCode::kInvalidArgument, "malformed sandbox plan",
                         std::move(where));
}

}  // namespace

std::string EncodeInitPlan(const ChildPlan& plan) {
  Writer out;
  for (const std::string* text : Strings(plan)) out.String(*text);
  out.U64(plan.steps.size());
  for (const MountStep& step : plan.steps) {
    out.U8(static_cast<std::uint8_t>(step.kind));
    out.String(step.target);
    out.String(step.source);
  }
  const Limits& l = plan.limits;
  for (const std::uint64_t value :
       {static_cast<std::uint64_t>(l.wall_seconds), static_cast<std::uint64_t>(l.cpu_seconds),
        std::uint64_t{l.memory_bytes}, static_cast<std::uint64_t>(l.max_processes),
        std::uint64_t{l.max_file_bytes}, static_cast<std::uint64_t>(l.max_open_files),
        std::uint64_t{l.work_dir_bytes}, std::uint64_t{l.tmp_bytes},
        std::uint64_t{l.max_output_bytes}}) {
    out.U64(value);
  }
  out.U8(plan.rlimit_memory ? 1 : 0);
  out.U64(static_cast<std::uint64_t>(plan.last_capability));
  const std::vector<sock_filter> none;
  const std::vector<sock_filter>& filter = plan.seccomp != nullptr ? *plan.seccomp : none;
  out.U64(filter.size());
  for (const sock_filter& instruction : filter) {
    out.Raw(&instruction.code, sizeof instruction.code);
    out.U8(instruction.jt);
    out.U8(instruction.jf);
    out.Raw(&instruction.k, sizeof instruction.k);
  }
  Writer message;
  message.U64(out.bytes().size());
  return message.bytes() + out.bytes();
}

base::Expected<std::unique_ptr<ReceivedPlan>> DecodeInitPlan(std::string_view payload) {
  auto received = std::make_unique<ReceivedPlan>();
  ChildPlan& plan = received->plan;
  Reader in(payload);
  for (std::string* text : Strings(plan)) {
    if (!in.String(*text)) return Malformed("strings");
  }
  std::uint64_t count = 0;
  // A step takes at least its kind and two lengths.
  if (!in.U64(count) || count > in.left() / 17) return Malformed("steps");
  plan.steps.resize(count);
  for (MountStep& step : plan.steps) {
    std::uint8_t kind = 0;
    if (!in.U8(kind) || kind > static_cast<std::uint8_t>(MountStep::Kind::kDevice) ||
        !in.String(step.target) || !in.String(step.source)) {
      return Malformed("steps");
    }
    step.kind = static_cast<MountStep::Kind>(kind);
  }
  std::uint64_t v[9];
  for (std::uint64_t& value : v) {
    if (!in.U64(value)) return Malformed("limits");
  }
  Limits& l = plan.limits;
  l.wall_seconds = static_cast<int>(v[0]);
  l.cpu_seconds = static_cast<int>(v[1]);
  l.memory_bytes = v[2];
  l.max_processes = static_cast<int>(v[3]);
  l.max_file_bytes = v[4];
  l.max_open_files = static_cast<int>(v[5]);
  l.work_dir_bytes = v[6];
  l.tmp_bytes = v[7];
  l.max_output_bytes = v[8];
  std::uint8_t rlimit_memory = 0;
  std::uint64_t last_capability = 0;
  if (!in.U8(rlimit_memory) || rlimit_memory > 1 || !in.U64(last_capability) ||
      last_capability > 63) {
    return Malformed("privileges");
  }
  plan.rlimit_memory = rlimit_memory == 1;
  plan.last_capability = static_cast<int>(last_capability);
  if (!in.U64(count) || count > in.left() / 8 || count > 4096) return Malformed("seccomp");
  received->seccomp.resize(count);
  for (sock_filter& instruction : received->seccomp) {
    in.Raw(&instruction.code, sizeof instruction.code);
    in.U8(instruction.jt);
    in.U8(instruction.jf);
    in.Raw(&instruction.k, sizeof instruction.k);
  }
  if (!in.AtEnd()) return Malformed("end");
  plan.seccomp = &received->seccomp;
  return received;
}

base::Expected<std::unique_ptr<ReceivedPlan>> ReceiveInitPlan(int fd) {
  const auto read_fully = [fd](char* data, std::size_t size) -> base::Status {
    while (size > 0) {
      const ssize_t n = read(fd, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return base::ErrnoError(errno, "the sandbox plan");
      if (n == 0) {
        return base::MakeError(base::ErrorCode::kUnavailable, "the host closed before the plan");
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
    return base::Ok();
  };
  std::uint64_t length = 0;
  if (base::Status got = read_fully(reinterpret_cast<char*>(&length), sizeof length); !got.ok()) {
    return std::move(got).error();
  }
  if (length > kMaxPlanBytes) return Malformed("length");
  std::string payload(length, '\0');
  if (base::Status got = read_fully(payload.data(), payload.size()); !got.ok()) {
    return std::move(got).error();
  }
  return DecodeInitPlan(payload);
}

}  // namespace sandbox
