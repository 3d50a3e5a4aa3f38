#include "reference_server/api/request_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "reference_server/api/base64.h"

namespace api {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Request strings are valid UTF-8 (the parser checked), and RapidJSON
// escapes what JSON requires; NUL bytes in code survive as \u0000.
void String(Writer& w, const std::string& text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

}  // namespace

std::string ExecuteRequestToJson(const ExecuteRequest& request) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("language");
  String(w, request.language);
  w.Key("code");
  String(w, request.code);
  w.Key("env");
  w.StartObject();
  for (const auto& [name, value] : request.env) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    String(w, value);
  }
  w.EndObject();
  w.Key("network_mode");
  const std::string_view mode = NetworkModeName(request.network_mode);
  w.String(mode.data(), static_cast<rapidjson::SizeType>(mode.size()));
  w.Key("ttl");
  w.Int(request.ttl_seconds);
  w.Key("return_artifact");
  w.Bool(request.return_artifact);
  w.Key("return_wasm_artifact");
  w.Bool(request.return_wasm_artifact);
  w.Key("input_files");
  w.StartArray();
  for (const InputFile& file : request.input_files) {
    w.StartObject();
    w.Key("filename");
    String(w, file.filename);
    w.Key("content");
    String(w, EncodeBase64(file.content));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace api
