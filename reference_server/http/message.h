#ifndef REFERENCE_SERVER_HTTP_MESSAGE_H_
#define REFERENCE_SERVER_HTTP_MESSAGE_H_

#include <string>
#include <utility>
#include <vector>

namespace http {

// What the router needs of a request, independent of Beast so that tests
// and fuzzers build one directly.
struct Request {
  std::string method;         // "GET", "POST", ... as sent
  std::string target;         // "/jobs/abc?x=1"
  std::string authorization;  // "" when absent
  std::string content_type;   // "" when absent
  std::string body;
};

// What the router answers. The session adds Content-Length, Connection and
// Server; everything else is here.
struct Answer {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;                                          // JSON
  std::string job_id;      // for the access log: the job the request touched
  std::string error_code;  // for the access log: the error code, if any
};

}  // namespace http

#endif  // REFERENCE_SERVER_HTTP_MESSAGE_H_
