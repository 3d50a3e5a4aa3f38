#include "conformance/raw_step.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "conformance/expectation.h"
#include "conformance/json_text.h"
#include "conformance/request_builder.h"

namespace conformance {

namespace {

// What a fixture may send in one step: a 64 MiB body and some headers.
constexpr std::size_t kMaxRawBytes = (64u << 20) + (1u << 20);
// Repeats up to this size are spelled out in a reproducer.
constexpr std::size_t kInlineRepeatBytes = 64 * 1024;
constexpr double kDefaultTimeoutS = 30;

std::chrono::milliseconds Scaled(double milliseconds, const Target& target) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(milliseconds * target.timeout_scale));
}

std::string Hex(std::size_t n) {
  char text[32];
  std::snprintf(text, sizeof text, "%zx", n);
  return text;
}

// `bytes` for inside single quotes, as printf's format (`printf_format`)
// or as an operand of tr: escapes that both understand, and %% for printf.
std::string QuotedEscapes(std::string_view bytes, bool printf_format) {
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '%':
        out += printf_format ? "%%" : "%";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "'\\''";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20 || u >= 0x7f) {
          char octal[8];
          std::snprintf(octal, sizeof octal, "\\%03o", u);
          out += octal;
        } else {
          out += c;
        }
    }
  }
  return out;
}

// The keys a reproducer must not show, with the shell variables that stand
// for them; the longer first, in case one is a prefix of the other.
std::vector<std::pair<std::string, std::string>> Secrets(const Target& target) {
  std::vector<std::pair<std::string, std::string>> keys;
  if (!target.primary_key.empty()) keys.emplace_back(target.primary_key, "${API_KEY}");
  if (!target.second_key.empty()) keys.emplace_back(target.second_key, "${SECOND_API_KEY}");
  std::sort(keys.begin(), keys.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return keys;
}

// One printf command being assembled: its format and its arguments (the
// keys, as %s, so that they never appear in the line).
class Printf {
 public:
  explicit Printf(const Target& target) : secrets_(Secrets(target)) {}

  void Add(std::string_view bytes) {
    std::size_t literal = 0;
    for (std::size_t i = 0; i < bytes.size();) {
      bool secret = false;
      for (const auto& [key, variable] : secrets_) {
        if (bytes.compare(i, key.size(), key) == 0) {
          format_ += QuotedEscapes(bytes.substr(literal, i - literal), true) + "%s";
          arguments_ += " \"" + variable + "\"";
          i += key.size();
          literal = i;
          secret = true;
          break;
        }
      }
      if (!secret) ++i;
    }
    format_ += QuotedEscapes(bytes.substr(literal), true);
  }

  // The command, or "" when nothing was added; starts afresh.
  std::string Take() {
    std::string command = format_.empty() ? "" : "printf '" + format_ + "'" + arguments_;
    format_.clear();
    arguments_.clear();
    return command;
  }

 private:
  std::vector<std::pair<std::string, std::string>> secrets_;
  std::string format_;
  std::string arguments_;
};

std::string Printable(std::string_view bytes, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    if (u >= 0x20 && u < 0x7f) {
      out += bytes[i];
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    }
  }
  return bytes.size() > limit ? out + "..." : out;
}

}  // namespace

HttpResponse RawAnswerAsResponse(const RawAnswer& answer) {
  HttpResponse response;
  response.status = answer.status;
  response.reason = answer.reason;
  response.headers = answer.headers;
  response.body = answer.body;
  return response;
}

std::string HostHeader(const TargetUrl& url) {
  const std::string host =
      url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  const bool default_port = url.port == (url.tls ? 443 : 80);
  return default_port ? host : host + ":" + std::to_string(url.port);
}

namespace {

// What one part of raw.send adds to the plan.
class PlanBuilder {
 public:
  PlanBuilder(const Vars& vars, const Target& target, RawPlan& plan)
      : vars_(vars), target_(target), plan_(plan) {}

  // Adds send[i]; a fixture error at "raw/send/i" if it cannot be.
  base::Status AddPart(const rapidjson::Value& part, rapidjson::SizeType i) {
    const std::string where = "raw/send/" + std::to_string(i);
    const auto fail = [&](const std::string& message) {
      return base::MakeError(base::ErrorCode::kInvalidArgument, where + ": " + message, where);
    };
    std::optional<base::Error> error;
    const auto text = [&](const rapidjson::Value& value) {
      base::Expected<std::string> substituted =
          SubstituteVars(std::string_view(value.GetString(), value.GetStringLength()), vars_);
      if (substituted.ok()) return std::move(substituted).value();
      if (!error) error = substituted.error();
      return std::string();
    };
    RawPlan::Part described;
    if (part.IsString()) {
      described.text = text(part);
      Add(described.text);
    } else if (part.HasMember("repeat")) {
      described.kind = RawPlan::Part::Kind::kRepeat;
      described.text = text(part["repeat"]);
      described.times = part["times"].GetUint();
      if (described.text.size() * described.times > kMaxRawBytes) {
        return fail("the repeat is over " + std::to_string(kMaxRawBytes) + " bytes");
      }
      std::string bytes;
      bytes.reserve(described.text.size() * described.times);
      for (std::size_t n = 0; n < described.times; ++n) bytes += described.text;
      Add(std::move(bytes));
    } else if (part.HasMember("length_of")) {
      described.text = std::to_string(text(part["length_of"]).size());
      Add(described.text);
    } else if (part.HasMember("chunk")) {
      const std::string data = text(part["chunk"]);
      described.text = Hex(data.size()) + "\r\n" + data + "\r\n";
      Add(described.text);
    } else if (part.HasMember("pause_ms")) {
      described.kind = RawPlan::Part::Kind::kPause;
      pause_ += Scaled(part["pause_ms"].GetDouble(), target_);
      described.pause_ms = Scaled(part["pause_ms"].GetDouble(), target_).count();
      new_piece_ = true;
    } else {
      described.kind = RawPlan::Part::Kind::kAwait;
      await_ = new_piece_ = true;
    }
    if (error) return fail(error->message);
    if (plan_.bytes > kMaxRawBytes) {
      return fail("the step sends over " + std::to_string(kMaxRawBytes) + " bytes");
    }
    plan_.parts.push_back(std::move(described));
    return base::Ok();
  }

 private:
  void Add(std::string bytes) {
    plan_.bytes += bytes.size();
    if (new_piece_) {
      plan_.pieces.push_back(RawPiece{std::move(bytes), pause_, await_});
      pause_ = std::chrono::milliseconds(0);
      await_ = new_piece_ = false;
    } else {
      plan_.pieces.back().bytes += bytes;
    }
  }

  const Vars& vars_;
  const Target& target_;
  RawPlan& plan_;
  std::chrono::milliseconds pause_{0};
  bool await_ = false;
  bool new_piece_ = true;
};

}  // namespace

base::Expected<RawPlan> BuildRawPlan(const rapidjson::Value& raw, const Vars& vars,
                                     const Target& target) {
  RawPlan plan;
  PlanBuilder builder(vars, target, plan);
  const rapidjson::Value& send = raw["send"];
  for (rapidjson::SizeType i = 0; i < send.Size(); ++i) {
    if (base::Status added = builder.AddPart(send[i], i); !added.ok()) return added.error();
  }
  RawOptions& options = plan.options;
  if (const auto answers = raw.FindMember("answers"); answers != raw.MemberEnd()) {
    options.answers = answers->value.GetUint();
  }
  double timeout_s = kDefaultTimeoutS;
  if (const auto timeout = raw.FindMember("timeout_s"); timeout != raw.MemberEnd()) {
    timeout_s = timeout->value.GetDouble();
  }
  options.timeout = Scaled(timeout_s * 1000, target);
  if (const auto wait = raw.FindMember("close_wait_ms"); wait != raw.MemberEnd()) {
    options.close_wait = Scaled(wait->value.GetDouble(), target);
  }
  if (const auto head = raw.FindMember("head"); head != raw.MemberEnd()) {
    options.head = head->value.GetBool();
  }
  return plan;
}

std::string ReplayCommand(const RawPlan& plan, const Target& target) {
  std::vector<std::string> commands;
  std::string notes;
  Printf printf_command(target);
  const auto flush = [&] {
    if (std::string command = printf_command.Take(); !command.empty()) {
      commands.push_back(std::move(command));
    }
  };
  for (const RawPlan::Part& part : plan.parts) {
    switch (part.kind) {
      case RawPlan::Part::Kind::kText:
        printf_command.Add(part.text);
        break;
      case RawPlan::Part::Kind::kRepeat: {
        const std::size_t total = part.text.size() * part.times;
        if (total <= kInlineRepeatBytes) {
          for (std::size_t n = 0; n < part.times; ++n) printf_command.Add(part.text);
        } else if (part.text.size() == 1) {
          flush();
          commands.push_back("head -c " + std::to_string(part.times) + " /dev/zero | tr '\\000' '" +
                             QuotedEscapes(part.text, false) + "'");
        } else {
          const std::size_t shown = kInlineRepeatBytes / part.text.size();
          for (std::size_t n = 0; n < shown; ++n) printf_command.Add(part.text);
          notes += ": 'a repeat of " + std::to_string(total) + " bytes is cut to " +
                   std::to_string(shown * part.text.size()) + " here'; ";
        }
        break;
      }
      case RawPlan::Part::Kind::kPause: {
        flush();
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(part.pause_ms) / 1000);
        commands.push_back(std::string("sleep ") + seconds);
        break;
      }
      case RawPlan::Part::Kind::kAwait:
        flush();
        commands.push_back("sleep 1");
        if (notes.find("await") == std::string::npos) {
          notes += ": 'sleep 1 stands for waiting for an answer (await_answer)'; ";
        }
        break;
    }
  }
  flush();
  std::string sender;
  if (commands.size() == 1) {
    sender = commands[0];
  } else {
    sender = "{ ";
    for (const std::string& command : commands) sender += command + "; ";
    sender += "}";
  }
  const std::string port = std::to_string(target.url.port);
  if (target.url.tls) {
    // openssl s_client -quiet writes what it reads and, ignoring the end
    // of its input, keeps reading until the server closes.
    return "(" + notes + sender + ") | openssl s_client -quiet -connect " +
           ShellQuote(target.url.host + ":" + port) + " -servername " + ShellQuote(target.url.host);
  }
  // bash's /dev/tcp needs no other tool; cat shows the answers as they
  // come, while the bytes are still being sent, until the server closes.
  return "(" + notes + "exec 3<>/dev/tcp/" + target.url.host + "/" + port + "; cat <&3 & " +
         sender + " >&3; wait)";
}

std::string RawRequestLine(const RawPlan& plan, const Target& target) {
  std::string first = plan.pieces.empty() ? "" : plan.pieces[0].bytes;
  first = first.substr(0, first.find('\n'));
  if (!first.empty() && first.back() == '\r') first.pop_back();
  for (const auto& [key, variable] : Secrets(target)) {
    for (std::size_t at = first.find(key); at != std::string::npos; at = first.find(key, at)) {
      first.replace(at, key.size(), variable);
      at += variable.size();
    }
  }
  std::string line = Printable(first, 200) + "  [raw: " + std::to_string(plan.bytes) + " bytes";
  if (plan.pieces.size() > 1) line += " in " + std::to_string(plan.pieces.size()) + " pieces";
  return line + "]";
}

std::string SummarizeRawResult(const RawResult& result, const RawOptions& options) {
  std::string text;
  for (const RawAnswer& answer : result.answers) {
    text += (text.empty() ? "" : ", ") + std::to_string(answer.status) +
            (answer.reason.empty() ? "" : " " + answer.reason) +
            (answer.complete ? "" : " (incomplete)");
  }
  if (text.empty()) text = "no answer";
  if (result.interim > 0) text += "; " + std::to_string(result.interim) + " interim";
  if (result.closed) {
    text += result.answers.empty()
                ? "; closed"
                : "; closed after " + std::to_string(result.closed_after.count()) + " ms";
  }
  if (!result.closed && result.error.empty() && options.close_wait.count() > 0) {
    text += "; open after " + std::to_string(options.close_wait.count()) + " ms";
  }
  if (!result.error.empty()) text += "; " + result.error;
  return text;
}

std::string DescribeRawResult(const RawResult& result, const RawOptions& options,
                              std::size_t limit) {
  std::string text;
  for (std::size_t i = 0; i < result.answers.size(); ++i) {
    const RawAnswer& answer = result.answers[i];
    text += "answer " + std::to_string(i + 1) + ": " + std::to_string(answer.status) +
            (answer.reason.empty() ? "" : " " + answer.reason) +
            (answer.complete ? "" : " (incomplete)") + "\n";
  }
  if (result.interim > 0) {
    text += std::to_string(result.interim) + " interim (1xx) answer(s) before them\n";
  }
  if (result.closed && result.error.empty()) {
    text += "connection: closed by the server " + std::to_string(result.closed_after.count()) +
            " ms after the last answer\n";
  } else if (result.closed) {
    text += "connection: closed by the server\n";
  } else if (options.close_wait.count() > 0 && result.error.empty()) {
    text += "connection: still open " + std::to_string(options.close_wait.count()) +
            " ms after the last answer\n";
  }
  if (!result.send_error.empty()) text += "sending: " + result.send_error + "\n";
  if (!result.error.empty()) text += "error: " + result.error + "\n";
  if (!result.trailing.empty()) {
    text += "bytes after the last answer: " + Printable(result.trailing, 300) + "\n";
  }
  if (!result.answers.empty()) {
    text += "last answer:\n" + DescribeAnswer(RawAnswerAsResponse(result.answers.back()), limit);
  } else if (!text.empty()) {
    text.pop_back();
  }
  return text.empty() ? "no answer" : text;
}

}  // namespace conformance
