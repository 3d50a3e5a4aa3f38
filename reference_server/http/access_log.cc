#include "reference_server/http/access_log.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>

#include "reference_server/api/error.h"
#include "reference_server/api/utf8.h"

namespace http {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Client-controlled text (method, path) is cut short and made valid UTF-8,
// so a hostile request cannot forge or bloat log lines.
void String(Writer& w, std::string_view text) {
  const std::string safe = api::ReplaceInvalidUtf8(text.size() > 256 ? api::Excerpt(text) : text);
  w.String(safe.data(), static_cast<rapidjson::SizeType>(safe.size()));
}

void Time(Writer& w) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  w.Key("time");
  w.Double(static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) /
           1000.0);
}

}  // namespace

void AccessLog::Request(const RequestRecord& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Time(w);
  w.Key("remote");
  String(w, r.remote);
  w.Key("method");
  String(w, r.method);
  w.Key("path");
  String(w, r.path);
  w.Key("status");
  w.Uint(r.status);
  w.Key("duration_ms");
  w.Int64(r.duration_ms);
  if (!r.job_id.empty()) {
    w.Key("job_id");
    String(w, r.job_id);
  }
  if (!r.error_code.empty()) {
    w.Key("error");
    String(w, r.error_code);
  }
  w.Key("request_bytes");
  w.Uint64(r.request_bytes);
  w.Key("response_bytes");
  w.Uint64(r.response_bytes);
  w.EndObject();
  WriteLine(std::string(buffer.GetString(), buffer.GetSize()));
}

void AccessLog::Event(std::string_view name,
                      const std::vector<std::pair<std::string, std::string>>& fields) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Time(w);
  w.Key("event");
  String(w, name);
  for (const auto& [key, value] : fields) {
    String(w, key);
    String(w, value);
  }
  w.EndObject();
  WriteLine(std::string(buffer.GetString(), buffer.GetSize()));
}

void AccessLog::WriteLine(const std::string& line) {
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace http
