#include "reference_server/api/json_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "reference_server/api/utf8.h"

namespace api {
namespace {

constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// Forwards SAX events to the document while enforcing what RapidJSON
// itself does not check: duplicate member names, NUL in names, depth.
class CheckingHandler {
 public:
  CheckingHandler(rapidjson::Document& document, std::size_t max_depth)
      : document_(document), max_depth_(max_depth) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool Int(int i) { return document_.Int(i); }
  bool Uint(unsigned u) { return document_.Uint(u); }
  bool Int64(int64_t i) { return document_.Int64(i); }
  bool Uint64(uint64_t u) { return document_.Uint64(u); }
  bool Double(double d) { return document_.Double(d); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool copy) {
    return document_.RawNumber(str, length, copy);
  }
  bool String(const char* str, rapidjson::SizeType length, bool copy) {
    if (!CheckDecodedUtf8(str, length)) return false;
    return document_.String(str, length, copy);
  }

  bool StartObject() {
    if (!Enter()) return false;
    object_keys_.emplace_back();
    return document_.StartObject();
  }
  bool Key(const char* str, rapidjson::SizeType length, bool copy) {
    const std::string_view key(str, length);
    if (!CheckDecodedUtf8(str, length)) return false;
    if (key.find('\0') != std::string_view::npos) {
      return Reject(ErrorCode::kMalformedJson, "member names must not contain NUL bytes");
    }
    if (!object_keys_.back().emplace(key).second) {
      return Reject(ErrorCode::kDuplicateKey,
                    "member \"" + Excerpt(key) + "\" appears twice in one object");
    }
    return document_.Key(str, length, copy);
  }
  bool EndObject(rapidjson::SizeType member_count) {
    object_keys_.pop_back();
    --depth_;
    return document_.EndObject(member_count);
  }
  bool StartArray() {
    if (!Enter()) return false;
    return document_.StartArray();
  }
  bool EndArray(rapidjson::SizeType element_count) {
    --depth_;
    return document_.EndArray(element_count);
  }

  // Set when this handler, not the grammar, stopped the parse.
  bool rejected() const { return rejected_; }
  ErrorCode code() const { return code_; }
  const std::string& reason() const { return reason_; }

 private:
  // RapidJSON validates the raw bytes but not what escapes decode to: it
  // refuses a lone high surrogate (\ud800) and lets a lone low one
  // (\udc00) through as the ill-formed bytes ED B0 80.
  bool CheckDecodedUtf8(const char* str, rapidjson::SizeType length) {
    if (IsValidUtf8(std::string_view(str, length))) return true;
    return Reject(ErrorCode::kMalformedJson,
                  "a string escape encodes an unpaired surrogate (not valid UTF-8)");
  }
  bool Enter() {
    if (++depth_ > max_depth_) {
      return Reject(ErrorCode::kMalformedJson,
                    "nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
    return true;
  }
  bool Reject(ErrorCode code, std::string reason) {
    rejected_ = true;
    code_ = code;
    reason_ = std::move(reason);
    return false;
  }

  rapidjson::Document& document_;
  const std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::vector<std::unordered_set<std::string>> object_keys_;
  bool rejected_ = false;
  ErrorCode code_ = ErrorCode::kMalformedJson;
  std::string reason_;
};

}  // namespace

Result<rapidjson::Document> ParseStrictJson(std::string_view text, std::string_view what,
                                            std::size_t max_depth) {
  rapidjson::Document document;
  rapidjson::Reader reader;
  CheckingHandler handler(document, max_depth);
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::ParseResult outcome;
  // Populate() hands the document itself to the generator and moves the
  // parsed root into place only when the generator reports success.
  auto generator = [&](rapidjson::Document&) {
    outcome = reader.Parse<kParseFlags>(stream, handler);
    // MemoryStream reports a NUL byte as the end of input, so RapidJSON
    // would accept "{}\0junk"; whatever follows must be rejected here.
    if (!outcome.IsError() && stream.Tell() != text.size()) {
      outcome.Set(rapidjson::kParseErrorDocumentRootNotSingular, stream.Tell());
    }
    return !outcome.IsError();
  };
  document.Populate(generator);

  if (!outcome.IsError()) return document;
  const std::string at = " at byte offset " + std::to_string(outcome.Offset());
  if (handler.rejected()) {
    return MakeError(handler.code(), std::string(what), handler.reason() + at);
  }
  return MakeError(
      ErrorCode::kMalformedJson, std::string(what),
      std::string("invalid JSON") + at + ": " + rapidjson::GetParseError_En(outcome.Code()));
}

}  // namespace api
