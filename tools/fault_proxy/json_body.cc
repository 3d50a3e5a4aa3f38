#include "tools/fault_proxy/json_body.h"

#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace fault_proxy {

namespace internal {

bool ParseObject(const std::string& text, rapidjson::Document& document) {
  // Iterative: a hostile body cannot overflow the stack. Default precision:
  // RapidJSON 1.1.0's full-precision mode crashes on some inputs.
  document.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  return !document.HasParseError() && document.IsObject();
}

}  // namespace internal

bool IsWellFormedJson(std::string_view text) {
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  rapidjson::BaseReaderHandler<> ignore;  // only the verdict matters: no DOM
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  return !reader.Parse<kFlags>(stream, ignore).IsError() && stream.Tell() == text.size();
}

std::string SerializeJson(const JsonValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

static bool NameIs(const JsonValue& name, std::string_view wanted) {
  return std::string_view(name.GetString(), name.GetStringLength()) == wanted;
}

bool EraseMembers(JsonValue& object, std::string_view name) {
  if (!object.IsObject()) return false;
  bool erased = false;
  for (auto it = object.MemberBegin(); it != object.MemberEnd();) {
    if (NameIs(it->name, name)) {
      it = object.EraseMember(it);
      erased = true;
    } else {
      ++it;
    }
  }
  return erased;
}

JsonValue* FindMember(JsonValue& object, std::string_view name) {
  if (!object.IsObject()) return nullptr;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (NameIs(it->name, name)) return &it->value;
  }
  return nullptr;
}

JsonValue JsonString(std::string_view text, JsonAllocator& allocator) {
  return JsonValue(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

void SetStringMember(JsonValue& object, std::string_view name, std::string_view value,
                     JsonAllocator& allocator) {
  if (JsonValue* existing = FindMember(object, name)) {
    *existing = JsonString(value, allocator);
    return;
  }
  object.AddMember(JsonString(name, allocator), JsonString(value, allocator), allocator);
}

}  // namespace fault_proxy
