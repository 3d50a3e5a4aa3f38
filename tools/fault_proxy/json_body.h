#ifndef TOOLS_FAULT_PROXY_JSON_BODY_H_
#define TOOLS_FAULT_PROXY_JSON_BODY_H_

#include <string>
#include <string_view>

#include "rapidjson/document.h"
#include "tools/fault_proxy/message.h"

namespace fault_proxy {

using JsonValue = rapidjson::Value;
using JsonAllocator = rapidjson::Document::AllocatorType;

// Parses the body as one JSON object and lets `edit` change it; the body is
// re-serialized only when `edit` returns true, so a body a fault has no
// business with stays byte-for-byte as it came (re-serializing can change
// number spellings). A body that is not a JSON object is left alone.
// Returns what `edit` returned (false for a body that is not an object).
template <typename Edit>
bool EditJsonObject(Message& message, Edit&& edit);

std::string SerializeJson(const JsonValue& value);

// Whether `text` is one JSON text (any value) and nothing else, read as the
// reference server reads request bodies: UTF-8 checked, and a NUL byte
// ends nothing (RapidJSON alone would take "{}\0junk" for "{}").
bool IsWellFormedJson(std::string_view text);

// Erases every member called `name` (a request may repeat one); keeps the
// order of the others. True if any was erased.
bool EraseMembers(JsonValue& object, std::string_view name);

// The first member called `name`, or null.
JsonValue* FindMember(JsonValue& object, std::string_view name);

// Sets member `name` to a string (adding it at the end when absent).
void SetStringMember(JsonValue& object, std::string_view name, std::string_view value,
                     JsonAllocator& allocator);

JsonValue JsonString(std::string_view text, JsonAllocator& allocator);

namespace internal {
bool ParseObject(const std::string& text, rapidjson::Document& document);
}  // namespace internal

template <typename Edit>
bool EditJsonObject(Message& message, Edit&& edit) {
  rapidjson::Document document;
  if (!internal::ParseObject(message.body, document)) return false;
  if (!edit(static_cast<JsonValue&>(document), document.GetAllocator())) return false;
  message.SetBody(SerializeJson(document));
  return true;
}

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_JSON_BODY_H_
