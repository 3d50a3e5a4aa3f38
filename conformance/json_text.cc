#include "conformance/json_text.h"

#include <dirent.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace conformance {

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Shorten(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string ToValidUtf8(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t min = 0;
    if (c < 0x80)
      length = 1;
    else if (c >= 0xC2 && c <= 0xDF)
      length = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
      length = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
      length = 4, min = 0x10000;
    bool valid = length != 0 && i + length <= text.size();
    std::uint32_t code = length == 1 ? c : c & (0x7F >> length);
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      code = code << 6 | (next & 0x3F);
    }
    valid = valid && code >= min && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF);
    if (valid) {
      out.append(text, i, length);
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

namespace {

// A RapidJSON output stream that keeps only the first `limit` bytes (and
// counts the rest), so that describing a 16 MiB value costs no 16 MiB.
class PrefixBuffer {
 public:
  using Ch = char;
  explicit PrefixBuffer(std::size_t limit) : limit_(limit) {}
  void Put(char c) {
    if (text_.size() < limit_) text_ += c;
    ++size_;
  }
  void Flush() {}
  const std::string& text() const { return text_; }
  std::size_t size() const { return size_; }

 private:
  std::size_t limit_;
  std::string text_;
  std::size_t size_ = 0;
};

}  // namespace

std::string ToShortJson(const rapidjson::Value& value, std::size_t limit) {
  PrefixBuffer buffer(limit + 4);
  rapidjson::Writer<PrefixBuffer> writer(buffer);
  value.Accept(writer);
  if (buffer.size() <= limit) return buffer.text();
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(buffer.text()[cut]) & 0xC0) == 0x80) --cut;
  return buffer.text().substr(0, cut) + "... (" + std::to_string(buffer.size()) + " bytes)";
}

bool DepthExceeds(const rapidjson::Value& root, std::size_t limit) {
  std::vector<std::pair<const rapidjson::Value*, std::size_t>> pending = {{&root, 1}};
  while (!pending.empty()) {
    const auto [value, depth] = pending.back();
    pending.pop_back();
    if (!value->IsArray() && !value->IsObject()) continue;
    if (depth > limit) return true;
    if (value->IsArray()) {
      for (const auto& item : value->GetArray()) pending.emplace_back(&item, depth + 1);
    } else {
      for (const auto& member : value->GetObject()) pending.emplace_back(&member.value, depth + 1);
    }
  }
  return false;
}

base::Status ParseJson(const std::string& text, rapidjson::Document* document) {
  document->Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (document->HasParseError()) {
    return base::MakeError(base::ErrorCode::kInvalidArgument,
                           std::string(rapidjson::GetParseError_En(document->GetParseError())) +
                               " at byte " + std::to_string(document->GetErrorOffset()));
  }
  // Parsing is iterative, but writing, comparing and validating values are
  // recursive: a hostile answer nested 200 000 deep would overflow the stack.
  if (DepthExceeds(*document, kMaxJsonDepth)) {
    document->SetNull();
    return base::MakeError(base::ErrorCode::kInvalidArgument,
                           "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  return base::Ok();
}

const char* JsonTypeName(const rapidjson::Value& value) {
  if (value.IsNull()) return "null";
  if (value.IsBool()) return "boolean";
  if (value.IsInt64() || value.IsUint64()) return "integer";
  if (value.IsNumber()) return "number";
  if (value.IsString()) return "string";
  if (value.IsArray()) return "array";
  return "object";
}

std::string PointerText(const rapidjson::Pointer& pointer) {
  rapidjson::StringBuffer buffer;
  pointer.Stringify(buffer);
  return buffer.GetSize() == 0 ? "(root)" : std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<std::string> JsonFilesIn(const std::string& directory) {
  std::vector<std::string> names;
  if (DIR* dir = opendir(directory.c_str())) {
    while (const dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) names.push_back(name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

base::Expected<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return base::MakeError(base::ErrorCode::kNotFound, "cannot read " + path, path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

std::string XmlEscape(const std::string& raw) {
  const std::string text = ToValidUtf8(raw);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    // U+FFFE and U+FFFF are valid UTF-8 but not XML characters either.
    if (u == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
      out += "?";
      i += 2;
      continue;
    }
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        // XML 1.0 cannot carry most control characters, even escaped.
        if (u < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += "?";
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace conformance
