#include "reference_server/api/serialize.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>

#include "reference_server/api/base64.h"
#include "reference_server/api/utf8.h"

namespace api {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(Writer& w, std::string_view text) {
  if (IsValidUtf8(text)) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return;
  }
  const std::string repaired = ReplaceInvalidUtf8(text);
  w.String(repaired.data(), static_cast<rapidjson::SizeType>(repaired.size()));
}

void WriteKey(Writer& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void WriteStringMember(Writer& w, std::string_view key, const std::optional<std::string>& value) {
  if (!value) return;
  WriteKey(w, key);
  WriteString(w, *value);
}

void WriteInt64Member(Writer& w, std::string_view key, const std::optional<std::int64_t>& value) {
  if (!value) return;
  WriteKey(w, key);
  w.Int64(*value);
}

void WriteArtifact(Writer& w, const Artifact& artifact) {
  w.StartObject();
  WriteKey(w, "filename");
  WriteString(w, artifact.filename);
  WriteKey(w, "content_base64");
  const std::string encoded = EncodeBase64(artifact.content);
  w.String(encoded.data(), static_cast<rapidjson::SizeType>(encoded.size()));
  WriteKey(w, "size");
  w.Uint64(artifact.content.size());
  w.EndObject();
}

void WriteResult(Writer& w, const ExecutionResult& r) {
  w.StartObject();
  WriteKey(w, "success");
  w.Bool(r.success);
  WriteStringMember(w, "stdout", r.stdout_text);
  WriteStringMember(w, "stderr", r.stderr_text);
  if (r.exit_code) {
    WriteKey(w, "exit_code");
    w.Int(*r.exit_code);
  }
  if (r.error) {
    WriteKey(w, "error");
    if (*r.error) {
      WriteString(w, **r.error);
    } else {
      w.Null();
    }
  }
  WriteStringMember(w, "language", r.language);
  WriteStringMember(w, "detected_language", r.detected_language);
  WriteStringMember(w, "job_id", r.job_id);
  if (r.artifacts) {
    WriteKey(w, "artifacts");
    w.StartArray();
    for (const Artifact& artifact : *r.artifacts) WriteArtifact(w, artifact);
    w.EndArray();
  }
  WriteStringMember(w, "execution_mode", r.execution_mode);
  if (r.network_mode) {
    WriteKey(w, "network_mode");
    WriteString(w, NetworkModeName(*r.network_mode));
  }
  WriteInt64Member(w, "total_time_ms", r.total_time_ms);
  if (!r.warnings.empty()) {
    WriteKey(w, "warnings");
    w.StartArray();
    for (const std::string& warning : r.warnings) WriteString(w, warning);
    w.EndArray();
  }
  w.EndObject();
}

void WriteJobHeader(Writer& w, std::string_view job_id, JobStatus status) {
  WriteKey(w, "job_id");
  WriteString(w, job_id);
  WriteKey(w, "status");
  WriteString(w, JobStatusName(status));
}

// `value` (non-negative) in decimal, zero-padded to `width` digits.
void AppendDigits(std::string& out, std::int64_t value, int width) {
  char digits[20];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && count < 20);
  for (int pad = count; pad < width; ++pad) out += '0';
  while (count > 0) out += digits[--count];
}

template <class Fill>
std::string Serialize(Fill fill) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  fill(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string ToJson(const ExecutionResult& result) {
  return Serialize([&](Writer& w) { WriteResult(w, result); });
}

std::string ToJson(const AsyncAccepted& accepted) {
  return Serialize([&](Writer& w) {
    w.StartObject();
    WriteJobHeader(w, accepted.job_id, accepted.status);
    w.EndObject();
  });
}

std::string ToJson(const JobView& job) {
  return Serialize([&](Writer& w) {
    w.StartObject();
    WriteJobHeader(w, job.job_id, job.status);
    WriteInt64Member(w, "created_at", job.created_at);
    WriteInt64Member(w, "started_at", job.started_at);
    WriteInt64Member(w, "completed_at", job.completed_at);
    if (job.result) {
      WriteKey(w, "result");
      WriteResult(w, *job.result);
    }
    w.EndObject();
  });
}

std::string ToJson(const std::vector<JobSummary>& jobs) {
  return Serialize([&](Writer& w) {
    w.StartObject();
    WriteKey(w, "jobs");
    w.StartArray();
    for (const JobSummary& job : jobs) {
      w.StartObject();
      WriteJobHeader(w, job.job_id, job.status);
      WriteKey(w, "language");
      WriteString(w, job.language);
      WriteKey(w, "submitted_at");
      WriteString(w, FormatIso8601Utc(job.submitted_at));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

std::string ToJson(const CancelAnswer& answer) {
  return Serialize([&](Writer& w) {
    w.StartObject();
    WriteKey(w, "message");
    WriteString(w, answer.message);
    WriteKey(w, "job_id");
    WriteString(w, answer.job_id);
    if (answer.result) {
      WriteKey(w, "result");
      WriteResult(w, *answer.result);
    }
    w.EndObject();
  });
}

std::string ToJson(const ApiError& error) {
  return Serialize([&](Writer& w) {
    w.StartObject();
    WriteKey(w, "success");
    w.Bool(false);
    WriteKey(w, "error");
    WriteString(w, error.Describe());
    WriteKey(w, "code");
    WriteString(w, ErrorCodeName(error.code));
    if (!error.field.empty()) {
      WriteKey(w, "field");
      WriteString(w, error.field);
    }
    w.EndObject();
  });
}

std::string ToJson(const std::vector<LanguageInfo>& languages) {
  return Serialize([&](Writer& w) {
    w.StartObject();
    WriteKey(w, "languages");
    w.StartArray();
    for (const LanguageInfo& language : languages) {
      w.StartObject();
      WriteKey(w, "name");
      WriteString(w, language.name);
      WriteKey(w, "aliases");
      w.StartArray();
      for (const std::string& alias : language.aliases) WriteString(w, alias);
      w.EndArray();
      WriteKey(w, "compiled");
      w.Bool(language.compiled);
      WriteStringMember(w, "artifact", language.artifact);
      WriteStringMember(w, "wasm_artifact", language.wasm_artifact);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

std::string ToJson(const HealthInfo& health) {
  return Serialize([&](Writer& w) {
    w.StartObject();
    WriteKey(w, "status");
    WriteString(w, health.status);
    WriteKey(w, "workers");
    w.Int(health.workers);
    WriteKey(w, "pending");
    w.Uint64(health.pending);
    WriteKey(w, "running");
    w.Uint64(health.running);
    WriteKey(w, "queue_capacity");
    w.Uint64(health.queue_capacity);
    WriteKey(w, "enforced");
    w.StartObject();
    for (const auto& [limit, how] : health.enforced) {
      WriteKey(w, limit);
      WriteString(w, how);
    }
    w.EndObject();
    const PoolHealth& pool = health.pool;
    WriteKey(w, "pool");
    w.StartObject();
    WriteKey(w, "per_class");
    w.Int(pool.per_class);
    WriteKey(w, "classes");
    w.Int(pool.classes);
    for (const auto& [name, count] : {std::pair{"ready", pool.ready},
                                      {"building", pool.building},
                                      {"in_use", pool.in_use},
                                      {"hits", pool.hits},
                                      {"misses", pool.misses},
                                      {"refills", pool.refills},
                                      {"refill_failures", pool.refill_failures},
                                      {"discarded", pool.discarded}}) {
      WriteKey(w, name);
      w.Int64(count);
    }
    WriteKey(w, "last_failure");
    WriteString(w, pool.last_failure);
    w.EndObject();
    w.EndObject();
  });
}

std::string FormatIso8601Utc(std::int64_t unix_seconds) {
  constexpr std::int64_t kLastSecondOf9999 = 253402300799;
  const std::int64_t clamped = std::clamp<std::int64_t>(unix_seconds, 0, kLastSecondOf9999);
  using namespace std::chrono;
  const sys_seconds time{seconds{clamped}};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<seconds> clock{time - day};
  std::string text;
  AppendDigits(text, static_cast<int>(date.year()), 4);
  text += '-';
  AppendDigits(text, static_cast<unsigned>(date.month()), 2);
  text += '-';
  AppendDigits(text, static_cast<unsigned>(date.day()), 2);
  text += 'T';
  AppendDigits(text, clock.hours().count(), 2);
  text += ':';
  AppendDigits(text, clock.minutes().count(), 2);
  text += ':';
  AppendDigits(text, clock.seconds().count(), 2);
  text += 'Z';
  return text;
}

}  // namespace api
