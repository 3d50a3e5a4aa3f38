#ifndef TOOLS_FAULT_PROXY_MESSAGE_H_
#define TOOLS_FAULT_PROXY_MESSAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fault_proxy {

// HTTP messages as plain data, so that the faults are pure functions that a
// test can drive without sockets. Headers keep their order and duplicates:
// a transparent proxy must not merge what the client sent twice.
struct Header {
  std::string name;
  std::string value;
};

struct Message {
  std::vector<Header> headers;
  std::string body;

  // The first value of `name` (case-insensitive), if any.
  std::optional<std::string> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Replaces every `name` header by one with `value` (in place of the first,
  // else at the end).
  void Set(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  // Replaces the body and keeps a Content-Length header truthful.
  void SetBody(std::string body);
};

struct Request : Message {
  std::string method;
  std::string target;  // origin-form: path and query, as received

  std::string_view Path() const;
  std::string_view Query() const;  // after '?', without it; "" if none
};

struct Response : Message {
  int status = 200;
};

// Drops the headers that describe one connection rather than the message
// (RFC 9110 section 7.6.1), including those the Connection header names:
// the proxy frames each hop itself.
void RemoveHopByHopHeaders(Message& message);

// A response with a JSON body and its Content-Type.
Response JsonResponse(int status, std::string body);

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_MESSAGE_H_
