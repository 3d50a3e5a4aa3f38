#include "conformance/http_client.h"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <charconv>
#include <functional>
#include <optional>

namespace conformance {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// A finished job of the reference server serializes to at most ~12 MiB;
// more is refused, so that a hostile target cannot exhaust the runner.
constexpr std::uint64_t kMaxAnswerBytes = 16ull << 20;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string TargetUrl::ToString() const {
  const bool bracket = host.find(':') != std::string::npos;
  return "http://" + (bracket ? "[" + host + "]" : host) + ":" + std::to_string(port) +
         base_path;
}

bool TargetUrl::IsLoopback() const {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string ParseTargetUrl(const std::string& text, TargetUrl* url) {
  constexpr std::string_view kScheme = "http://";
  if (text.rfind("https://", 0) == 0) {
    return "https is not supported yet: put a TLS-terminating proxy in front "
           "(e.g. `socat TCP-LISTEN:8080,fork OPENSSL:host:443`) and give its http:// URL";
  }
  if (text.rfind(kScheme, 0) != 0) return "the URL must start with http://";
  std::string rest = text.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.find_first_of("?#") != std::string::npos) {
    return "the URL must not have a query or fragment";
  }
  if (authority.empty()) return "the URL has no host";
  std::string host;
  std::string port_text;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) return "unclosed '[' in the host";
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return "junk after ']' in the host";
      port_text = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (host.empty()) return "the URL has no host";
  if (authority.find('@') != std::string::npos) return "credentials in the URL are not supported";
  std::uint16_t port = 80;
  if (!port_text.empty()) {
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0) {
      return "bad port '" + port_text + "'";
    }
  }
  url->host = host;
  url->port = port;
  url->base_path = path;
  return "";
}

std::optional<std::string> HttpResponse::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringCase(key, name)) return value;
  }
  return std::nullopt;
}

struct HttpClient::Connection {
  net::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(TargetUrl target) : target_(std::move(target)) {}
HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Send(const HttpRequest& request, std::chrono::milliseconds timeout) {
  const auto start = std::chrono::steady_clock::now();
  HttpResponse response;
  auto finish = [&](std::string error) {
    response.error = std::move(error);
    response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (!response.error.empty()) connection_.reset();
    return response;
  };

  // A kept-alive connection the server has closed (idle timeout) is
  // readable: reconnect rather than send into it, since a request cannot be
  // safely retried (a POST may have started a job).
  if (connection_) {
    pollfd pfd{connection_->stream.socket().native_handle(), POLLIN, 0};
    if (poll(&pfd, 1, 0) != 0) connection_.reset();
  }

  beast::error_code ec;
  if (!connection_) {
    auto connection = std::make_unique<Connection>();
    tcp::resolver resolver(connection->io);
    const auto endpoints =
        resolver.resolve(target_.host, std::to_string(target_.port), ec);
    if (ec) return finish("cannot resolve " + target_.host + ": " + ec.message());
    connection->stream.expires_after(timeout);
    connection->stream.async_connect(endpoints, [&](beast::error_code e, auto) { ec = e; });
    connection->io.run();
    if (ec) {
      return finish("cannot connect to " + target_.ToString() + ": " + ec.message());
    }
    connection->stream.socket().set_option(tcp::no_delay(true), ec);
    connection_ = std::move(connection);
  }

  bhttp::request<bhttp::string_body> message;
  message.method_string(request.method);
  message.target(target_.base_path + request.target);
  message.version(11);
  message.set(bhttp::field::host, target_.host + ":" + std::to_string(target_.port));
  for (const auto& [name, value] : request.headers) message.insert(name, value);
  message.body() = request.body;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    message.prepare_payload();
  }

  // The answer is read while the request is written: a server may answer
  // (413, 401) before reading a large body and close, which fails the write
  // but leaves a perfectly good answer to read.
  Connection& c = *connection_;
  c.io.restart();
  c.stream.expires_after(timeout);
  beast::error_code write_ec;
  bool written = false;
  bhttp::async_write(c.stream, message, [&](beast::error_code e, std::size_t) {
    write_ec = e;
    written = true;
  });
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  beast::error_code read_ec;
  int interim = 0;
  std::function<void()> read_next = [&] {
    parser.emplace();
    parser->body_limit(kMaxAnswerBytes);
    parser->header_limit(1 << 20);
    bhttp::async_read(c.stream, c.buffer, *parser, [&](beast::error_code e, std::size_t) {
      read_ec = e;
      // 1xx answers (100 Continue, 103 Early Hints) precede the real one.
      const unsigned status = e ? 0 : parser->get().result_int();
      if (!e && status >= 100 && status < 200 && status != 101 && ++interim <= 8) {
        read_next();
        return;
      }
      // The answer is complete: a write still going on (a body the server
      // did not want) is abandoned with the connection.
      if (!written) c.stream.socket().close();
    });
  };
  read_next();
  c.io.run();
  const bool reusable = written && !write_ec;
  if (read_ec == beast::error::timeout) {
    return finish("no complete answer within " + std::to_string(timeout.count()) + " ms");
  }
  if (read_ec) {
    return finish(write_ec ? "sending the request failed: " + write_ec.message()
                           : "reading the answer failed: " + read_ec.message());
  }

  const auto& answer = parser->get();
  response.status = static_cast<int>(answer.result_int());
  response.reason = std::string(answer.reason());
  for (const auto& field : answer) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = answer.body();
  // Bytes after the answer belong to no request of ours: never read them as
  // the next answer.
  const bool keep = answer.keep_alive() && reusable && c.buffer.size() == 0;
  finish("");
  if (!keep) connection_.reset();
  return response;
}

}  // namespace conformance
