#ifndef REFERENCE_SERVER_SERVER_FLAGS_H_
#define REFERENCE_SERVER_SERVER_FLAGS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/expected.h"
#include "reference_server/http/options.h"
#include "reference_server/jobs/job_store.h"
#include "reference_server/sandbox/policy.h"
#include "reference_server/sandbox/ready_pool.h"

namespace reference_server {

// Everything the command line sets. Each default is stated once, in the
// options struct the flag ends up in (http::ServerOptions and
// SessionOptions, jobs::StoreOptions, sandbox::Policy): the members below
// read it from a default-constructed one, and Usage() prints these members,
// so a default changed there changes the server and its --help together.
struct ServerFlags {
  bool help = false;
  std::string host = http::ServerOptions{}.host;
  std::uint16_t port = http::ServerOptions{}.port;
  std::vector<std::string> api_keys;
  std::vector<std::string> api_keys_files;
  int workers = 0;  // 0: the number of cores
  std::size_t max_queue = jobs::StoreOptions{}.max_pending;
  std::chrono::milliseconds job_retention = jobs::StoreOptions{}.retention;
  std::chrono::milliseconds shutdown_drain = http::ServerOptions{}.drain;
  std::chrono::milliseconds request_timeout = http::SessionOptions{}.request_timeout;
  std::chrono::milliseconds idle_timeout = http::SessionOptions{}.idle_timeout;
  std::size_t max_body_bytes = http::SessionOptions{}.max_body_bytes;
  std::size_t max_header_bytes = http::SessionOptions{}.max_header_bytes;
  std::size_t max_connections = http::ServerOptions{}.max_connections;
  std::size_t max_answer_bytes = http::ServerOptions{}.max_answer_bytes_in_flight;
  int io_threads = http::ServerOptions{}.io_threads;
  std::string languages_file;  // "": the one beside the binary
  std::size_t memory_mb = sandbox::Limits{}.memory_bytes / sandbox::kMiB;
  std::uint32_t sandbox_uid_base = sandbox::Policy{}.first_host_uid;
  std::string network_helper = sandbox::HelperSettings{}.binary;
  int sandbox_pool = sandbox::PoolOptions{}.per_class;
};

// The --help text: every flag of the table ParseServerFlags reads, with the
// defaults of ServerFlags.
const std::string& Usage();

// The flags, or a kInvalidArgument error whose `where` is the flag at fault
// and whose message is the rule it breaks and the value given ("--workers:
// must be a whole number from 1 to 1024, got 'x'" as Describe() puts it).
// A stray argument or an unknown flag has no `where`: its message names it.
// Arguments are argv[1..].
base::Expected<ServerFlags> ParseServerFlags(const std::vector<std::string>& args);

// "90" (seconds), "90s", "500ms", "15m", "2h", at most a week; else a
// kInvalidArgument error stating the rule, with no `where`.
base::Expected<std::chrono::milliseconds> ParseDuration(const std::string& text);

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "HOST:PORT" or "[IPV6]:PORT"; else a kInvalidArgument error stating the
// rule, with no `where`.
base::Expected<ListenAddress> ParseListenAddress(const std::string& text);

// What the flags set, in the options of the parts they configure.
int WorkersOf(const ServerFlags& flags);  // the number of cores for 0
http::ServerOptions ServerOptionsOf(const ServerFlags& flags);
jobs::StoreOptions StoreOptionsOf(const ServerFlags& flags);
sandbox::Policy PolicyOf(const ServerFlags& flags);
sandbox::PoolOptions PoolOf(const ServerFlags& flags);

}  // namespace reference_server

#endif  // REFERENCE_SERVER_SERVER_FLAGS_H_
