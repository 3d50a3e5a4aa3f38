#ifndef FUZZ_REFERENCE_BASE64_H_
#define FUZZ_REFERENCE_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace fuzz {

// A second, deliberately simple strict base64 decoder for differential
// fuzzing of api::DecodeBase64: decode every group of four the obvious way,
// then accept only if encoding the result gives back the very same text
// (canonical form). Slow and obviously right, written independently.
std::optional<std::string> ReferenceDecodeBase64(std::string_view text);

// The obvious encoder the reference decoder checks against.
std::string ReferenceEncodeBase64(std::string_view bytes);

}  // namespace fuzz

#endif  // FUZZ_REFERENCE_BASE64_H_
