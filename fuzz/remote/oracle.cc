#include "fuzz/remote/oracle.h"

#include "base/ascii.h"
#include "reference_server/api/content_type.h"
#include "reference_server/api/error.h"
#include "reference_server/api/execute_request.h"
#include "reference_server/api/run_request.h"

namespace remote_fuzz {

namespace {

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Whether the rule behind an error is the documentation's own (docs/API.md
// marks each rule documented or reference decision).
bool DocumentedRule(const api::ApiError& error) {
  using api::ErrorCode;
  const std::string& field = error.field;
  switch (error.code) {
    case ErrorCode::kInvalidFilename:
    case ErrorCode::kTooManyFiles:
    case ErrorCode::kFileTooLarge:
    case ErrorCode::kInvalidBase64:
    case ErrorCode::kMissingField:
      return true;
    case ErrorCode::kPayloadTooLarge:
      return StartsWith(field, "input_files");
    case ErrorCode::kWrongType:
      return field == "language" || field == "code" || field == "ttl" || field == "env" ||
             field == "input_files" || field == "network_mode" || field == "network";
    case ErrorCode::kInvalidValue:
      return field == "ttl" || field == "network_mode" || field == "network" ||
             field == "query.ttl";
    default:
      return false;
  }
}

// A file name the target may reserve for the program itself ("main.py",
// "Main.java", "main", "main.wasm"): servers name the source file as they
// like, so refusing these is the target's own business.
bool MaybeReserved(const std::vector<api::InputFile>& files) {
  for (const api::InputFile& file : files) {
    const std::string name = base::AsciiLowered(file.filename);
    if (name == "main" || StartsWith(name, "main.") || name == "a.out") return true;
  }
  return false;
}

}  // namespace

std::optional<Verdict> ReferenceVerdict(const FuzzCase& fuzz_case, const TargetContext& context) {
  if (fuzz_case.kind == Kind::kRaw) return std::nullopt;
  const HttpRequest& request = fuzz_case.http;
  if (request.method != "POST" || request.key != KeyUse::kPrimary) return std::nullopt;
  const std::size_t mark = request.target.find('?');
  const std::string path = request.target.substr(0, mark);
  const std::string query = mark == std::string::npos ? "" : request.target.substr(mark + 1);
  const bool json = path == "/execute" || path == "/execute/async";
  const bool run = path == "/run" || path == "/run/async";
  if (!json && !run) return std::nullopt;
  std::string content_type;
  int content_types = 0;
  for (const auto& [name, value] : request.headers) {
    // A second Authorization, or a header the oracle does not model, is
    // not a body the oracle can judge alone.
    if (base::EqualsIgnoreCase(name, "Authorization")) return std::nullopt;
    if (base::EqualsIgnoreCase(name, "Content-Type")) {
      content_type = value;
      ++content_types;
    }
  }
  if (content_types > 1) return std::nullopt;

  Verdict verdict;
  auto refuse = [&](const api::ApiError& error) {
    verdict.accept = false;
    verdict.status = error.http_status();
    verdict.code = std::string(api::ErrorCodeName(error.code));
    verdict.reason = error.Describe();
    verdict.documented = DocumentedRule(error);
    verdict.target_specific = error.code == api::ErrorCode::kUnsupportedLanguage;
    return verdict;
  };
  if (auto wrong = api::CheckContentType(
          content_type, json ? api::MediaType::kJson : api::MediaType::kTextPlain)) {
    return refuse(*wrong);
  }
  const api::ExecuteRequest* accepted = nullptr;
  std::optional<api::Result<api::ExecuteRequest>> parsed_json;
  std::optional<api::Result<api::RunRequest>> parsed_run;
  if (json) {
    parsed_json.emplace(api::ParseExecuteRequest(request.body));
    if (!parsed_json->ok()) return refuse(parsed_json->error());
    accepted = &parsed_json->value();
  } else {
    parsed_run.emplace(api::ParseRunRequest(request.body, query));
    if (!parsed_run->ok()) return refuse(parsed_run->error());
    accepted = &parsed_run->value().execute;
  }
  verdict.accept = true;
  verdict.status = 200;
  verdict.target_specific =
      context.languages.count(accepted->language) == 0 || MaybeReserved(accepted->input_files);
  return verdict;
}

}  // namespace remote_fuzz
