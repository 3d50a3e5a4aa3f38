#include "reference_server/http/router.h"

#include <memory>

#include "reference_server/api/content_type.h"
#include "reference_server/api/error.h"
#include "reference_server/api/execute_request.h"
#include "reference_server/api/run_request.h"
#include "reference_server/api/serialize.h"
#include "reference_server/http/routes.h"

namespace http {

namespace {

using api::ErrorCode;
using api::MakeError;

Answer JsonAnswer(unsigned status, std::string body) {
  Answer answer;
  answer.status = status;
  answer.body = std::move(body);
  return answer;
}

Answer Unauthorized(bool key_presented) {
  Answer answer =
      ErrorAnswer(MakeError(ErrorCode::kUnauthorized, "Authorization",
                            key_presented ? "the API key is not valid"
                                          : "an API key is required: Authorization: Bearer KEY"));
  // RFC 6750 section 3: the challenge, and invalid_token when a key was
  // presented but refused.
  answer.headers.emplace_back(
      "WWW-Authenticate",
      key_presented ? R"(Bearer realm="api", error="invalid_token")" : R"(Bearer realm="api")");
  return answer;
}

Answer JobNotFound() {
  return ErrorAnswer(MakeError(ErrorCode::kNotFound, "job_id", "no such job"));
}

}  // namespace

Answer ErrorAnswer(const api::ApiError& error) {
  Answer answer = JsonAnswer(static_cast<unsigned>(error.http_status()), api::ToJson(error));
  answer.error_code = std::string(api::ErrorCodeName(error.code));
  return answer;
}

Router::Router(const ApiKeys& keys, const languages::Registry& registry, jobs::JobStore& store,
               RouterOptions options)
    : keys_(keys), registry_(registry), store_(store), options_(std::move(options)) {}

std::optional<Answer> Router::Screen(const std::string& method, const std::string& target,
                                     const std::string& authorization,
                                     const std::string& content_type) const {
  if (target.empty() || target.front() != '/') {
    return ErrorAnswer(MakeError(ErrorCode::kBadRequest, "",
                                 "the request target must be a path starting with '/'"));
  }
  const std::string_view path = PathOf(target);
  const std::optional<Route> route = MatchPath(path);
  // /health answers load balancers and probes, which hold no key.
  const bool open = route && route->endpoint == Endpoint::kHealth;
  if (!open && !keys_.Authenticate(authorization)) return Unauthorized(!authorization.empty());
  if (!route) {
    return ErrorAnswer(MakeError(ErrorCode::kNotFound, "",
                                 "no endpoint at " + api::Excerpt(path) +
                                     " (see GET /languages, POST /execute, POST /run, GET /jobs)"));
  }
  if (!MethodAllowed(route->endpoint, method)) {
    Answer answer =
        ErrorAnswer(MakeError(ErrorCode::kMethodNotAllowed, "",
                              api::Excerpt(method) + " is not allowed on " + std::string(path) +
                                  "; allowed: " + AllowedMethods(route->endpoint)));
    answer.headers.emplace_back("Allow", AllowedMethods(route->endpoint));
    return answer;
  }
  std::optional<api::ApiError> wrong_type;
  switch (route->endpoint) {
    case Endpoint::kExecute:
    case Endpoint::kExecuteAsync:
      wrong_type = api::CheckContentType(content_type, api::MediaType::kJson);
      break;
    case Endpoint::kRun:
    case Endpoint::kRunAsync:
      wrong_type = api::CheckContentType(content_type, api::MediaType::kTextPlain);
      break;
    default:
      break;
  }
  if (wrong_type) return ErrorAnswer(*wrong_type);
  return std::nullopt;
}

Router::Abandon Router::Handle(const Request& request, Reply reply) {
  if (auto answer =
          Screen(request.method, request.target, request.authorization, request.content_type)) {
    reply(std::move(*answer));
    return {};
  }
  const Route route = *MatchPath(PathOf(request.target));
  // Screen() authenticated every endpoint but /health.
  const std::string owner = keys_.Authenticate(request.authorization).value_or("");
  switch (route.endpoint) {
    case Endpoint::kExecute:
      return Execute(owner, request, false, reply);
    case Endpoint::kExecuteAsync:
      return Execute(owner, request, true, reply);
    case Endpoint::kRun:
      return Run(owner, request, false, reply);
    case Endpoint::kRunAsync:
      return Run(owner, request, true, reply);
    case Endpoint::kJobs:
      reply(JsonAnswer(200, api::ToJson(store_.ListActive(owner))));
      break;
    case Endpoint::kJob:
      if (request.method == "GET") {
        GetJob(owner, route.job_id, reply);
      } else {
        CancelJob(owner, route.job_id, reply);
      }
      break;
    case Endpoint::kLanguages:
      reply(Languages());
      break;
    case Endpoint::kHealth:
      reply(Health());
      break;
  }
  return {};
}

Router::Abandon Router::Execute(const std::string& owner, const Request& request, bool async,
                                Reply& reply) {
  const languages::Registry& registry = registry_;
  auto parsed = api::ParseExecuteRequest(
      request.body, options_.limits,
      [&registry](std::string_view language) { return registry.ReservedFilenames(language); });
  if (!parsed.ok()) {
    reply(ErrorAnswer(parsed.error()));
    return {};
  }
  auto language = registry_.Resolve(parsed.value().language);
  if (!language.ok()) {
    reply(ErrorAnswer(language.error()));
    return {};
  }
  jobs::JobSpec spec;
  spec.language = language.value()->name;
  spec.request = std::move(parsed).value();
  return Start(owner, std::move(spec), async, reply);
}

Router::Abandon Router::Run(const std::string& owner, const Request& request, bool async,
                            Reply& reply) {
  auto parsed = api::ParseRunRequest(request.body, QueryOf(request.target), options_.limits);
  if (!parsed.ok()) {
    reply(ErrorAnswer(parsed.error()));
    return {};
  }
  auto language = registry_.Resolve(parsed.value().execute.language);
  if (!language.ok()) {
    // The language came from the body's shebang, not from a field.
    api::ApiError error = language.error();
    error.field = "body";
    reply(ErrorAnswer(error));
    return {};
  }
  jobs::JobSpec spec;
  spec.language = language.value()->name;
  spec.detected_language = spec.language;
  spec.request = std::move(parsed).value().execute;
  return Start(owner, std::move(spec), async, reply);
}

Router::Abandon Router::Start(const std::string& owner, jobs::JobSpec spec, bool async,
                              Reply& reply) {
  jobs::JobStore::FinalCallback on_final;
  if (!async) {
    on_final = [reply](const api::JobView& view) {
      if (view.result->refused) {
        Answer answer = ErrorAnswer(*view.result->refused);
        answer.job_id = view.job_id;
        return reply(std::move(answer));
      }
      Answer answer = JsonAnswer(200, api::ToJson(*view.result));
      answer.job_id = view.job_id;
      reply(std::move(answer));
    };
  }
  auto id = store_.Submit(owner, std::move(spec), std::move(on_final));
  if (!id.ok()) {
    Answer answer = ErrorAnswer(id.error());
    if (id.error().code == ErrorCode::kQueueFull) {
      answer.headers.emplace_back("Retry-After", std::to_string(options_.retry_after_seconds));
    }
    reply(std::move(answer));
    return {};
  }
  if (async) {
    Answer answer = JsonAnswer(202, api::ToJson(api::AsyncAccepted{id.value()}));
    answer.headers.emplace_back("Location", "/jobs/" + id.value());
    answer.job_id = id.value();
    reply(std::move(answer));
    return {};
  }
  jobs::JobStore& store = store_;
  return [&store, owner, job_id = id.value()] {
    store.Cancel(owner, job_id, jobs::CancelReason::kClientGone, {});
  };
}

void Router::GetJob(const std::string& owner, const std::string& id, Reply& reply) {
  const std::optional<api::JobView> view = store_.Get(owner, id);
  if (!view) {
    reply(JobNotFound());
    return;
  }
  Answer answer = JsonAnswer(200, api::ToJson(*view));
  answer.job_id = id;
  reply(std::move(answer));
}

void Router::CancelJob(const std::string& owner, const std::string& id, Reply& reply) {
  store_.Cancel(
      owner, id, jobs::CancelReason::kUser, [reply, id](const jobs::CancelResult& cancel) {
        Answer answer;
        switch (cancel.status) {
          case jobs::CancelStatus::kNotFound:
            answer = JobNotFound();
            break;
          case jobs::CancelStatus::kAlreadyFinished:
            answer = ErrorAnswer(MakeError(ErrorCode::kJobFinished, "job_id",
                                           "the job has already ended with status " +
                                               std::string(api::JobStatusName(cancel.job.status))));
            break;
          case jobs::CancelStatus::kCancelled:
            answer = JsonAnswer(
                200, api::ToJson(api::CancelAnswer{"Job cancelled", id, cancel.job.result}));
            break;
        }
        answer.job_id = id;
        reply(std::move(answer));
      });
}

Answer Router::Languages() const {
  std::vector<api::LanguageInfo> list;
  for (const languages::Language* language : registry_.Installed()) {
    api::LanguageInfo info;
    info.name = language->name;
    info.aliases = language->aliases;
    info.compiled = !language->build.empty();
    if (!language->artifact.empty()) info.artifact = language->artifact;
    if (!language->wasm_artifact.empty()) info.wasm_artifact = language->wasm_artifact;
    list.push_back(std::move(info));
  }
  return JsonAnswer(200, api::ToJson(list));
}

Answer Router::Health() {
  const jobs::StoreStats stats = store_.Stats();
  api::HealthInfo health;
  health.status = draining_ ? "draining" : "ok";
  health.workers = options_.workers;
  health.pending = stats.pending;
  health.running = stats.running;
  health.queue_capacity = options_.queue_capacity;
  health.enforced = options_.enforced;
  if (options_.pool) health.pool = options_.pool();
  return JsonAnswer(200, api::ToJson(health));
}

}  // namespace http
