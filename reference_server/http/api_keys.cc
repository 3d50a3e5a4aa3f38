#include "reference_server/http/api_keys.h"

#include <fstream>

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

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
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

std::optional<std::string> ApiKeys::Validate(std::string_view key, const std::string& where) {
  if (key.empty()) return where + ": an API key must not be empty";
  if (key.size() > kMaxKeyBytes) {
    return where + ": an API key must be at most " + std::to_string(kMaxKeyBytes) + " bytes";
  }
  for (char c : key) {
    if (c <= ' ' || c > '~') {
      return where + ": an API key may hold only visible ASCII characters (no spaces)";
    }
  }
  return std::nullopt;
}

std::optional<std::string> ApiKeys::Add(std::string_view key, const std::string& where) {
  if (auto error = Validate(key, where)) return error;
  for (const std::string& known : keys_) {
    if (known == key) return std::nullopt;  // the same key twice is one key
  }
  keys_.emplace_back(key);
  return std::nullopt;
}

std::optional<std::string> ApiKeys::AddFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return path + ": cannot read the API keys file";
  std::string line;
  int number = 0;
  std::size_t added = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string_view key = Trim(line);
    if (key.empty() || key.front() == '#') continue;
    if (auto error = Add(key, path + ":" + std::to_string(number))) return error;
    ++added;
  }
  if (in.bad()) return path + ": read error";
  if (added == 0) return path + ": no API key in the file";
  return std::nullopt;
}

std::optional<std::string> ApiKeys::Authenticate(std::string_view authorization) const {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() + 1 ||
      !EqualsIgnoringCase(authorization.substr(0, kScheme.size()), kScheme) ||
      authorization[kScheme.size()] != ' ') {
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
