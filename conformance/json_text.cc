#include "conformance/json_text.h"

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

std::string ToShortJson(const rapidjson::Value& value, std::size_t limit) {
  return Shorten(ToJson(value), limit);
}

std::string ParseJson(const std::string& text, rapidjson::Document* document) {
  document->Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (document->HasParseError()) {
    return std::string(rapidjson::GetParseError_En(document->GetParseError())) +
           " at byte " + std::to_string(document->GetErrorOffset());
  }
  return "";
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

}  // namespace conformance
