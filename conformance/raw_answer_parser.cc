#include "conformance/raw_answer_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/ascii.h"

namespace conformance {

namespace {

// Far above any real server's header section, far below memory trouble.
constexpr std::size_t kMaxSectionBytes = 64 * 1024;
constexpr std::size_t kMaxChunkLineBytes = 4 * 1024;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// RFC 9110 section 5.6.2: tchar.
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A line for an error message: short, and every unprintable byte visible.
std::string Quote(std::string_view line) {
  std::string out = "'";
  for (std::size_t i = 0; i < line.size() && i < 80; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out + (line.size() > 80 ? "...'" : "'");
}

// Splits a comma-separated field value into its trimmed members.
std::vector<std::string_view> ListMembers(std::string_view value) {
  std::vector<std::string_view> members;
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view member = Trim(value.substr(0, comma));
    if (!member.empty()) members.push_back(member);
    if (comma == std::string_view::npos) return members;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

std::optional<std::string> RawAnswer::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (base::EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

RawAnswerParser::State RawAnswerParser::Fail(std::string error) {
  error_ = std::move(error);
  return State::kMalformed;
}

bool RawAnswerParser::NextLine(std::string_view bytes, std::size_t limit, std::string_view* line) {
  const std::size_t end = bytes.find('\n', position_);
  if (end == std::string_view::npos) {
    if (bytes.size() - position_ > limit) {
      error_ = "a line of the answer is over " + std::to_string(limit) + " bytes";
    }
    return false;
  }
  const std::string_view text = bytes.substr(position_, end - position_);
  if (text.empty() || text.back() != '\r') {
    error_ = "a line ends with a bare LF instead of CRLF: " + Quote(text);
    return false;
  }
  *line = text.substr(0, text.size() - 1);
  if (line->find('\r') != std::string_view::npos) {
    error_ = "a bare CR inside a line: " + Quote(*line);
    return false;
  }
  if (line->size() > limit) {
    error_ = "a line of the answer is over " + std::to_string(limit) + " bytes";
    return false;
  }
  // Chunk size lines are bounded one by one; the sections as a whole.
  if (phase_ == Phase::kHead || phase_ == Phase::kTrailers) section_bytes_ += text.size() + 1;
  if (section_bytes_ > kMaxSectionBytes) {
    error_ = (phase_ == Phase::kHead ? "the header section" : "the trailer section") +
             std::string(" is over ") + std::to_string(kMaxSectionBytes) + " bytes";
    return false;
  }
  position_ = end + 1;
  return true;
}

// RFC 9112 section 4: HTTP-version SP 3DIGIT SP [reason-phrase]. The SP
// before an empty reason is often missing in the wild; that alone is
// accepted.
bool RawAnswerParser::StatusLine(std::string_view line) {
  const auto digit = [&](std::size_t i) {
    return i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])) != 0;
  };
  if (line.substr(0, 5) != "HTTP/" || !digit(5) || line.size() < 8 || line[6] != '.' || !digit(7)) {
    error_ = "the status line does not start with HTTP/x.y: " + Quote(line);
    return false;
  }
  if (line[5] != '1') {
    error_ =
        "HTTP version " + std::string(line.substr(5, 3)) + " in an HTTP/1 answer: " + Quote(line);
    return false;
  }
  if (line.size() < 12 || line[8] != ' ' || !digit(9) || !digit(10) || !digit(11) ||
      (line.size() > 12 && line[12] != ' ')) {
    error_ = "the status line has no 3-digit status code: " + Quote(line);
    return false;
  }
  const int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (status < 100 || status > 599) {
    error_ = "status " + std::to_string(status) + " is outside 100..599 (RFC 9110 section 15)";
    return false;
  }
  const std::string_view reason = line.size() > 13 ? line.substr(13) : std::string_view();
  for (const char c : reason) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t') {
      error_ = "a control character in the reason phrase: " + Quote(line);
      return false;
    }
  }
  answer_.status = status;
  answer_.reason = std::string(reason);
  return true;
}

// RFC 9112 section 5: field-name ":" OWS field-value OWS.
bool RawAnswerParser::FieldLine(std::string_view line, bool trailer) {
  if (line.front() == ' ' || line.front() == '\t') {
    error_ = "obsolete line folding (a field line starts with whitespace): " + Quote(line);
    return false;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    error_ = "a field line without a colon: " + Quote(line);
    return false;
  }
  const std::string_view name = line.substr(0, colon);
  if (name.empty()) {
    error_ = "a field line with an empty name: " + Quote(line);
    return false;
  }
  if (name.back() == ' ' || name.back() == '\t') {
    error_ = "whitespace between a field name and its colon (RFC 9112 section 5.1): " + Quote(line);
    return false;
  }
  if (!std::all_of(name.begin(), name.end(), IsTokenChar)) {
    error_ = "a field name with a character a token cannot have: " + Quote(line);
    return false;
  }
  const std::string_view value = Trim(line.substr(colon + 1));
  if (value.find('\0') != std::string_view::npos) {
    error_ = "a NUL in a field value (RFC 9110 section 5.5): " + Quote(line);
    return false;
  }
  // Trailers are checked, not kept: nothing here reads them.
  if (!trailer) answer_.headers.emplace_back(std::string(name), std::string(value));
  return true;
}

// RFC 9112 section 6.3, for answers.
bool RawAnswerParser::StartBody() {
  const int status = answer_.status;
  if (head_ || status < 200 || status == 204 || status == 304) {
    phase_ = Phase::kDone;
    return true;
  }
  bool has_transfer_encoding = false;
  std::string last_coding;
  std::optional<std::string_view> length;
  for (const auto& [name, value] : answer_.headers) {
    if (base::EqualsIgnoreCase(name, "Transfer-Encoding")) {
      has_transfer_encoding = true;
      const auto codings = ListMembers(value);
      if (!codings.empty()) last_coding = std::string(codings.back());
    } else if (base::EqualsIgnoreCase(name, "Content-Length")) {
      for (const std::string_view member : ListMembers(value)) {
        if (length && *length != member) {
          error_ = "Content-Length values differ: '" + std::string(*length) + "' and '" +
                   std::string(member) + "'";
          return false;
        }
        length = member;
      }
      if (!length) {
        error_ = "an empty Content-Length";
        return false;
      }
    }
  }
  // Transfer-Encoding overrides Content-Length; without chunked last, the
  // body ends with the connection.
  if (has_transfer_encoding) {
    phase_ =
        base::EqualsIgnoreCase(last_coding, "chunked") ? Phase::kChunkSize : Phase::kUntilClose;
    return true;
  }
  if (!length) {
    phase_ = Phase::kUntilClose;
    return true;
  }
  if (length->size() > 18 || !std::all_of(length->begin(), length->end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    error_ = "Content-Length " + Quote(*length) + " is not a number of bytes";
    return false;
  }
  remaining_ = std::stoull(std::string(*length));
  phase_ = remaining_ == 0 ? Phase::kDone : Phase::kLength;
  return true;
}

// RFC 9112 section 7.1: chunk-size [chunk-ext] CRLF.
bool RawAnswerParser::ChunkSizeLine(std::string_view line) {
  std::size_t digits = 0;
  std::size_t size = 0;
  while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits])) != 0) {
    const char c = base::AsciiLower(line[digits]);
    const std::size_t value =
        c <= '9' ? static_cast<std::size_t>(c - '0') : static_cast<std::size_t>(c - 'a' + 10);
    if (size > (std::size_t{1} << 56)) {
      error_ = "the chunk size is too large: " + Quote(line);
      return false;
    }
    size = size * 16 + value;
    ++digits;
  }
  const std::string_view rest = Trim(line.substr(digits));
  if (digits == 0 || (!rest.empty() && rest.front() != ';')) {
    error_ = "a chunk size line that is not a hex number: " + Quote(line);
    return false;
  }
  remaining_ = size;
  if (size == 0) {
    phase_ = Phase::kTrailers;
    section_bytes_ = 0;
  } else {
    phase_ = Phase::kChunkData;
  }
  return true;
}

RawAnswerParser::State RawAnswerParser::Resume(std::string_view bytes, bool at_eof) {
  while (true) {
    std::string_view line;
    switch (phase_) {
      case Phase::kDone:
        answer_.complete = true;
        return State::kDone;
      case Phase::kHead:
        if (!NextLine(bytes, kMaxSectionBytes, &line)) break;
        if (!has_status_line()) {
          if (!StatusLine(line)) return Fail(error_);
        } else if (line.empty()) {
          if (!StartBody()) return Fail(error_);
        } else if (!FieldLine(line, false)) {
          return Fail(error_);
        }
        continue;
      case Phase::kLength:
      case Phase::kChunkData: {
        const std::size_t take = std::min(remaining_, bytes.size() - position_);
        answer_.body.append(bytes.data() + position_, take);
        position_ += take;
        remaining_ -= take;
        if (remaining_ != 0) return State::kIncomplete;
        phase_ = phase_ == Phase::kLength ? Phase::kDone : Phase::kChunkEnd;
        continue;
      }
      case Phase::kChunkEnd:
        if (bytes.size() - position_ < 2) return State::kIncomplete;
        if (bytes.substr(position_, 2) != "\r\n") {
          return Fail("chunk data is not followed by CRLF (a chunk longer than its size?)");
        }
        position_ += 2;
        phase_ = Phase::kChunkSize;
        continue;
      case Phase::kChunkSize:
        if (!NextLine(bytes, kMaxChunkLineBytes, &line)) break;
        if (!ChunkSizeLine(line)) return Fail(error_);
        continue;
      case Phase::kTrailers:
        if (!NextLine(bytes, kMaxSectionBytes, &line)) break;
        if (line.empty()) {
          phase_ = Phase::kDone;
        } else if (!FieldLine(line, true)) {
          return Fail(error_);
        }
        continue;
      case Phase::kUntilClose:
        answer_.body.append(bytes.data() + position_, bytes.size() - position_);
        position_ = bytes.size();
        if (!at_eof) return State::kIncomplete;
        phase_ = Phase::kDone;
        continue;
    }
    // A line was wanted and did not come whole: malformed, or not yet here.
    return error_.empty() ? State::kIncomplete : State::kMalformed;
  }
}

base::Expected<std::size_t> ParseRawAnswer(std::string_view bytes, bool head, RawAnswer* answer) {
  RawAnswerParser parser(head);
  const RawAnswerParser::State state = parser.Resume(bytes, false);
  *answer = std::move(parser.answer());
  if (state == RawAnswerParser::State::kMalformed) {
    return base::MakeError(base::ErrorCode::kInvalidArgument, parser.error());
  }
  return state == RawAnswerParser::State::kDone ? parser.consumed() : 0;
}

}  // namespace conformance
