#include "conformance/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <functional>
#include <optional>

#include "base/ascii.h"
#include "conformance/ca_file.h"

namespace conformance {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

// A finished job of the reference server serializes to at most ~12 MiB;
// more is refused, so that a hostile target cannot exhaust the runner.
constexpr std::uint64_t kMaxAnswerBytes = 16ull << 20;

using Message = bhttp::request<bhttp::string_body>;
using base::ErrorCode;
using base::MakeError;

// Sends `message` and reads its answer into `response` on `stream` (TCP or
// TLS). The answer is read while the request is written: a server may
// answer (413, 401) before reading a large body and close, which fails the
// write but leaves a perfectly good answer. `reusable` says whether the
// connection may carry another request.
template <class Stream>
base::Status Exchange(net::io_context& io, Stream& stream, beast::flat_buffer& buffer,
                      Message& message, std::chrono::milliseconds timeout, HttpResponse& response,
                      bool& reusable) {
  auto& lowest = beast::get_lowest_layer(stream);
  io.restart();
  lowest.expires_after(timeout);
  beast::error_code write_ec;
  bool written = false;
  bhttp::async_write(stream, message, [&](beast::error_code e, std::size_t) {
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
    bhttp::async_read(stream, buffer, *parser, [&](beast::error_code e, std::size_t) {
      read_ec = e;
      // 1xx answers (100 Continue, 103 Early Hints) precede the real one.
      const unsigned status = e ? 0 : parser->get().result_int();
      if (!e && status >= 100 && status < 200 && status != 101 && ++interim <= 8) {
        read_next();
        return;
      }
      // The answer is complete: a write still going on (a body the server
      // did not want) is abandoned with the connection.
      if (!written) lowest.socket().close();
    });
  };
  read_next();
  io.run();
  if (read_ec == beast::error::timeout) {
    return MakeError(ErrorCode::kDeadlineExceeded,
                     "no complete answer within " + std::to_string(timeout.count()) + " ms");
  }
  if (read_ec) {
    return MakeError(ErrorCode::kUnavailable,
                     write_ec ? "sending the request failed: " + write_ec.message()
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
  reusable = written && !write_ec && answer.keep_alive() && buffer.size() == 0;
  return base::Ok();
}

}  // namespace

std::optional<std::string> HttpResponse::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (base::EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

struct HttpClient::Tls {
  ssl::context context{ssl::context::tls_client};
};

struct HttpClient::Connection {
  net::io_context io;
  beast::tcp_stream plain{io};                                // http
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;  // https
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : plain; }
};

HttpClient::HttpClient(TargetUrl target) : target_(std::move(target)) {}

HttpClient::~HttpClient() = default;

base::Status HttpClient::LoadTls() {
  auto tls = std::make_unique<Tls>();
  if (target_.insecure) {
    tls->context.set_verify_mode(ssl::verify_none);
    tls_ = std::move(tls);
    return base::Ok();
  }
  tls->context.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (target_.ca_file.empty()) {
    tls->context.set_default_verify_paths(ec);
    if (ec) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "cannot load the system's certificate authorities: " + ec.message());
    }
  } else {
    if (base::Status readable = CheckCaFileReadable(target_.ca_file); !readable.ok()) {
      return readable;
    }
    tls->context.load_verify_file(target_.ca_file, ec);
    if (ec) return CaFileHoldsNoCertificate(target_.ca_file, ec.message());
  }
  tls_ = std::move(tls);
  return base::Ok();
}

base::Status HttpClient::Connect(std::chrono::milliseconds timeout) {
  if (target_.tls && !tls_) {
    if (base::Status loaded = LoadTls(); !loaded.ok()) return loaded;
  }
  auto connection = std::make_unique<Connection>();
  if (tls_) {
    connection->tls =
        std::make_unique<beast::ssl_stream<beast::tcp_stream>>(connection->io, tls_->context);
  }
  beast::error_code ec;
  tcp::resolver resolver(connection->io);
  const auto endpoints = resolver.resolve(target_.host, std::to_string(target_.port), ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot resolve " + target_.host + ": " + ec.message(), target_.host);
  }
  beast::tcp_stream& lowest = connection->lowest();
  lowest.expires_after(timeout);
  lowest.async_connect(endpoints, [&](beast::error_code e, auto) { ec = e; });
  connection->io.run();
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot connect to " + target_.ToString() + ": " + ec.message(),
                     target_.ToString());
  }
  lowest.socket().set_option(tcp::no_delay(true), ec);
  if (connection->tls) {
    if (base::Status shook = Handshake(*connection, timeout); !shook.ok()) return shook;
  }
  connection_ = std::move(connection);
  return base::Ok();
}

base::Status HttpClient::Handshake(Connection& connection, std::chrono::milliseconds timeout) {
  // The certificate must name the host: an IP address as an IP SAN, a
  // name as a DNS name (OpenSSL checks either during the handshake). SNI
  // is for names only (RFC 6066).
  SSL* handle = connection.tls->native_handle();
  beast::error_code not_ip;
  net::ip::make_address(target_.host, not_ip);
  if (not_ip) {
    SSL_set_tlsext_host_name(handle, target_.host.c_str());
    SSL_set1_host(handle, target_.host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), target_.host.c_str());
  }
  beast::error_code ec;
  connection.io.restart();
  connection.lowest().expires_after(timeout);
  connection.tls->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
  connection.io.run();
  if (!ec) return base::Ok();
  return MakeError(ErrorCode::kUnavailable,
                   "TLS handshake with " + target_.ToString() + " failed: " + ec.message() +
                       (target_.insecure ? "" : " (--ca-file FILE trusts a private authority)"),
                   target_.ToString());
}

HttpResponse HttpClient::Send(const HttpRequest& request, std::chrono::milliseconds timeout) {
  const auto start = std::chrono::steady_clock::now();
  HttpResponse response;
  auto finish = [&](const base::Status& status) {
    response.error = status.ok() ? "" : status.error().message;
    response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (!response.error.empty()) connection_.reset();
    return response;
  };

  // A kept-alive connection the server has closed (idle timeout) is
  // readable: reconnect rather than send into it, since a request cannot be
  // safely retried (a POST may have started a job). Over TLS 1.3 a session
  // ticket also makes it readable; that costs a new handshake, nothing more.
  if (connection_) {
    pollfd pfd{connection_->lowest().socket().native_handle(), POLLIN, 0};
    if (poll(&pfd, 1, 0) != 0) connection_.reset();
  }
  if (!connection_) {
    if (base::Status connected = Connect(timeout); !connected.ok()) return finish(connected);
  }

  Message message;
  message.method_string(request.method);
  message.target(target_.base_path + request.target);
  message.version(11);
  const bool default_port = target_.port == (target_.tls ? 443 : 80);
  message.set(bhttp::field::host,
              default_port ? target_.host : target_.host + ":" + std::to_string(target_.port));
  for (const auto& [name, value] : request.headers) message.insert(name, value);
  message.body() = request.body;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    message.prepare_payload();
  }

  // One timeout for the whole request: what connecting took is not given
  // again to the exchange.
  const auto left = std::max(std::chrono::milliseconds(1),
                             timeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - start));
  Connection& c = *connection_;
  bool reusable = false;
  const base::Status exchanged =
      c.tls ? Exchange(c.io, *c.tls, c.buffer, message, left, response, reusable)
            : Exchange(c.io, c.plain, c.buffer, message, left, response, reusable);
  if (!exchanged.ok()) return finish(exchanged);
  finish(base::Ok());
  if (!reusable) connection_.reset();
  return response;
}

}  // namespace conformance
