#include "conformance/target_url.h"

#include <charconv>
#include <string_view>

namespace conformance {

std::string TargetUrl::ToString() const {
  const bool bracket = host.find(':') != std::string::npos;
  return std::string(tls ? "https://" : "http://") + (bracket ? "[" + host + "]" : host) + ":" +
         std::to_string(port) + base_path;
}

bool TargetUrl::IsLoopback() const {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

namespace {

base::Error BadUrl(std::string why) {
  return base::MakeError(base::ErrorCode::kInvalidArgument, std::move(why));
}

}  // namespace

base::Expected<TargetUrl> ParseTargetUrl(const std::string& text) {
  const bool tls = text.rfind("https://", 0) == 0;
  if (!tls && text.rfind("http://", 0) != 0) {
    return BadUrl("the URL must start with http:// or https://");
  }
  std::string rest = text.substr(tls ? 8 : 7);
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.find_first_of("?#") != std::string::npos) {
    return BadUrl("the URL must not have a query or fragment");
  }
  if (authority.empty()) return BadUrl("the URL has no host");
  std::string host;
  std::string port_text;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) return BadUrl("unclosed '[' in the host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return BadUrl("junk after ']' in the host");
      port_text = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (host.empty()) return BadUrl("the URL has no host");
  if (authority.find('@') != std::string::npos) {
    return BadUrl("credentials in the URL are not supported");
  }
  std::uint16_t port = tls ? 443 : 80;
  if (!port_text.empty()) {
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0) {
      return BadUrl("bad port '" + port_text + "'");
    }
  }
  TargetUrl url;
  url.tls = tls;
  url.host = host;
  url.port = port;
  url.base_path = path;
  return url;
}

}  // namespace conformance
