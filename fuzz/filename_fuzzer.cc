// libFuzzer target: the input file name rule (api::FilenameViolation)
// against its invariants. An accepted name
//  - is 1..255 bytes, with no '/', no "..", no NUL or other control
//    character (C0, DEL, C1), and is not ".";
//  - can really be created in a work directory, and resolves to a file
//    directly inside it (checked with the kernel's path resolution in a
//    private temporary directory, then removed).
// A refused name says why.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "reference_server/api/filename.h"
#include "reference_server/api/limits.h"

namespace {

struct WorkDirectory {
  std::string path;
  std::string resolved;
  int fd = -1;

  WorkDirectory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/filename_fuzzer_XXXXXX";
    FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr, "a private work directory");
    path = pattern;
    char real[PATH_MAX];
    FUZZ_CHECK(realpath(path.c_str(), real) != nullptr, "the work directory resolves");
    resolved = real;
    fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FUZZ_CHECK(fd >= 0, "the work directory opens");
  }
  ~WorkDirectory() {
    close(fd);
    rmdir(path.c_str());
  }
};

bool HasControlCharacter(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7F) return true;
    // C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < name.size()) {
      const auto next = static_cast<unsigned char>(name[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static WorkDirectory work;
  const std::string_view name(reinterpret_cast<const char*>(data), size);
  const std::size_t max_bytes = api::RequestLimits().max_filename_bytes;

  const auto violation = api::FilenameViolation(name, max_bytes);
  if (violation) {
    FUZZ_CHECK(!violation->empty(), "a refusal says why");
    return 0;
  }
  FUZZ_CHECK(!name.empty() && name.size() <= max_bytes, "1..255 bytes");
  FUZZ_CHECK(name.find('/') == std::string_view::npos, "no '/'");
  FUZZ_CHECK(name.find("..") == std::string_view::npos, "no '..'");
  FUZZ_CHECK(name != ".", "not '.'");
  FUZZ_CHECK(!HasControlCharacter(name), "no control character");

  const std::string file(name);
  const int fd =
      openat(work.fd, file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  FUZZ_CHECK(fd >= 0, "an accepted name can be created in the work directory");
  close(fd);
  // Resolved, then removed before any verdict, so that a broken property
  // leaves no file behind.
  char real[PATH_MAX];
  const bool resolved = realpath((work.path + "/" + file).c_str(), real) != nullptr;
  const bool removed = unlinkat(work.fd, file.c_str(), 0) == 0;
  FUZZ_CHECK(resolved, "it resolves");
  FUZZ_CHECK(std::string(real) == work.resolved + "/" + file,
             "it resolves to a file directly inside the work directory");
  FUZZ_CHECK(removed, "and can be removed");
  return 0;
}
