#include "reference_server/http/api_keys.h"

#include <cerrno>
#include <fstream>
#include <utility>

#include "base/ascii.h"
#include "base/system_error.h"

namespace http {

namespace {

constexpr std::size_t kMaxKeyBytes = 256;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Zero when equal. Runs over every byte of `presented` whatever `stored`
// holds, and compares lengths without branching on them.
unsigned Difference(std::string_view presented, const std::string& stored) {
  unsigned difference = static_cast<unsigned>(presented.size() ^ stored.size());
  const std::size_t stored_size = stored.size();
  for (std::size_t i = 0; i < presented.size(); ++i) {
    const unsigned char theirs = static_cast<unsigned char>(presented[i]);
    const unsigned char ours = static_cast<unsigned char>(stored[i % stored_size]);
    difference |= theirs ^ ours;
  }
  return difference;
}

}  // namespace

base::Status ApiKeys::Validate(std::string_view key, const std::string& where) {
  const auto invalid = [&where](std::string message) {
    return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(message), where);
  };
  if (key.empty()) return invalid("an API key must not be empty");
  if (key.size() > kMaxKeyBytes) {
    return invalid("an API key must be at most " + std::to_string(kMaxKeyBytes) + " bytes");
  }
  for (char c : key) {
    if (c <= ' ' || c > '~') {
      return invalid("an API key may hold only visible ASCII characters (no spaces)");
    }
  }
  return base::Ok();
}

base::Status ApiKeys::Add(std::string_view key, const std::string& where) {
  if (base::Status valid = Validate(key, where); !valid.ok()) return valid;
  for (const std::string& known : keys_) {
    if (known == key) return base::Ok();  // the same key twice is one key
  }
  keys_.emplace_back(key);
  return base::Ok();
}

base::Status ApiKeys::AddFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path);
  if (!in) return base::MakeError(base::CodeForErrno(errno), "cannot read the API keys file", path);
  std::string line;
  int number = 0;
  std::size_t added = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string_view key = Trim(line);
    if (key.empty() || key.front() == '#') continue;
    if (base::Status valid = Add(key, path + ":" + std::to_string(number)); !valid.ok()) {
      return valid;
    }
    ++added;
  }
  if (in.bad()) return base::MakeError(base::CodeForErrno(errno), "read error", path);
  if (added == 0) {
    return base::MakeError(base::ErrorCode::kInvalidArgument, "no API key in the file", path);
  }
  return base::Ok();
}

std::optional<std::string> ApiKeys::Authenticate(std::string_view authorization) const {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() + 1 ||
      !base::StartsWithIgnoreCase(authorization, kScheme) || authorization[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  const std::string_view presented = Trim(authorization.substr(kScheme.size() + 1));
  if (presented.empty() || presented.size() > kMaxKeyBytes) return std::nullopt;
  std::optional<std::size_t> match;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    // Every key is compared, not only up to the first match.
    const bool equal = Difference(presented, keys_[i]) == 0;
    if (equal) match = i;
  }
  if (!match) return std::nullopt;
  return "key-" + std::to_string(*match);
}

}  // namespace http
