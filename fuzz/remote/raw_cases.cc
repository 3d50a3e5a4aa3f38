#include "fuzz/remote/raw_cases.h"

#include <cstdio>
#include <functional>
#include <utility>

namespace remote_fuzz {

namespace {

struct Builder {
  const char* name;
  std::function<void(Rng&, const TargetContext&, FuzzCase&)> build;
};

std::string Line(const std::string& name, const std::string& value) {
  return name + ": " + value + "\r\n";
}

std::string HostLine(const TargetContext& context) { return Line("Host", context.host_header); }

std::string KeyLine(const TargetContext& context) {
  return Line("Authorization", "Bearer " + context.primary_key);
}

// A POST whose JSON body is refused by any server of the API (no code), so
// that a request the target does read costs it no run.
std::string RefusedJson() { return R"({"language":"python"})"; }

std::string Post(const TargetContext& context, const std::string& path, const std::string& framing,
                 const std::string& body) {
  return "POST " + context.base_path + path + " HTTP/1.1\r\n" + HostLine(context) +
         KeyLine(context) + Line("Content-Type", "application/json") + framing + "\r\n" + body;
}

std::string Get(const TargetContext& context, const std::string& path, bool key,
                const std::string& extra = "") {
  return "GET " + context.base_path + path + " HTTP/1.1\r\n" + HostLine(context) +
         (key ? KeyLine(context) : "") + extra + "\r\n";
}

std::string Chunked(const std::string& body) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx", body.size());
  return std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
}

void Set(FuzzCase& c, std::string bytes, bool asks_close = false) {
  c.raw_pieces = {std::move(bytes)};
  c.raw_asks_close = asks_close;
}

const std::vector<Builder>& Builders() {
  static const std::vector<Builder> kBuilders = {
      {"bad-method-byte",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, "G\x01T " + t.base_path + "/health HTTP/1.1\r\n" + HostLine(t) + "\r\n");
       }},
      {"lowercase-method",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, "get " + t.base_path + "/health HTTP/1.1\r\n" + HostLine(t) + "\r\n");
       }},
      {"no-version",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, "GET " + t.base_path + "/health\r\n\r\n");
         c.raw_half_close = true;
       }},
      {"unknown-version",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         const std::vector<std::string> versions = {"HTTP/1.2", "HTTP/2.0", "HTTP/9.9",
                                                    "HTTP/1",   "http/1.1", "HTTP/1.1x"};
         Set(c, "GET " + t.base_path + "/health " + rng.Pick(versions) + "\r\n" + HostLine(t) +
                    "\r\n");
       }},
      {"long-target",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         Set(c, Get(t, "/jobs/" + std::string(4000 + rng.Below(30000), 'a'), true));
       }},
      {"nul-in-target", [](Rng&, const TargetContext& t,
                           FuzzCase& c) { Set(c, Get(t, std::string("/health\0x", 9), false)); }},
      {"bare-lf",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, "GET " + t.base_path + "/health HTTP/1.1\nHost: " + t.host_header + "\n\n");
       }},
      {"no-host", [](Rng&, const TargetContext& t,
                     FuzzCase& c) { Set(c, "GET " + t.base_path + "/health HTTP/1.1\r\n\r\n"); }},
      {"two-hosts",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, "GET " + t.base_path + "/health HTTP/1.1\r\n" + HostLine(t) + Line("Host", "b") +
                    "\r\n");
       }},
      {"header-without-colon",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, Get(t, "/health", false, "X-Broken header\r\n"));
       }},
      {"obs-fold", [](Rng&, const TargetContext& t,
                      FuzzCase& c) { Set(c, Get(t, "/jobs", true, "X-Folded: a\r\n  b\r\n")); }},
      {"space-before-colon",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, Get(t, "/health", false, "X-Spaced : a\r\n"));
       }},
      {"huge-header",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         Set(c,
             Get(t, "/health", false, Line("X-Big", std::string(17000 + rng.Below(50000), 'h'))));
       }},
      {"many-headers",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         std::string headers;
         const std::size_t count = 100 + rng.Below(2000);
         for (std::size_t i = 0; i < count; ++i) headers += Line("X-H" + std::to_string(i), "v");
         Set(c, Get(t, "/health", false, headers));
       }},
      {"content-length-and-chunked",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         // A second request hidden where a Content-Length reader would stop.
         const std::string hidden = Get(t, "/health", false);
         const std::string body = Chunked(RefusedJson()) + hidden;
         Set(c, Post(t, "/execute",
                     Line("Content-Length", std::to_string(Chunked(RefusedJson()).size())) +
                         Line("Transfer-Encoding", "chunked"),
                     body));
         c.raw_linger_ms = 300;
       }},
      {"transfer-encoding-not-chunked",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         const std::vector<std::string> codings = {"gzip",     "chunked, gzip", "identity",
                                                   "xchunked", "chunked\x0b",   " chunked"};
         Set(c, Post(t, "/execute", Line("Transfer-Encoding", rng.Pick(codings)),
                     RefusedJson() + Get(t, "/health", false)));
         c.raw_linger_ms = 300;
       }},
      {"duplicate-content-length",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         const std::string body = RefusedJson();
         Set(c, Post(t, "/execute",
                     Line("Content-Length", std::to_string(body.size())) +
                         Line("Content-Length", std::to_string(body.size() + 5)),
                     body + "12345"));
         c.raw_linger_ms = 300;
       }},
      {"invalid-content-length",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         const std::vector<std::string> values = {
             "abc", "-1", "+21", "0x15", "21 21", "", "99999999999999999999999"};
         Set(c, Post(t, "/execute", Line("Content-Length", rng.Pick(values)), RefusedJson()));
         c.raw_half_close = true;
       }},
      {"bad-chunk-size",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         const std::vector<std::string> sizes = {"zz", "-1", "ffffffffffffffffff", "1 1", ""};
         Set(c, Post(t, "/execute", Line("Transfer-Encoding", "chunked"),
                     rng.Pick(sizes) + "\r\n" + RefusedJson() + "\r\n0\r\n\r\n"));
         c.raw_half_close = true;
       }},
      {"chunked-body",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         std::string body = RefusedJson();
         std::string chunks;
         // In pieces of random sizes, with an extension and a trailer now and then.
         for (std::size_t at = 0; at < body.size();) {
           const std::size_t n = std::min(body.size() - at, 1 + rng.Below(8));
           char size[32];
           std::snprintf(size, sizeof size, "%zx", n);
           chunks += std::string(size) + (rng.Percent(20) ? ";ext=1" : "") + "\r\n" +
                     body.substr(at, n) + "\r\n";
           at += n;
         }
         chunks += "0\r\n" + std::string(rng.Percent(30) ? "X-Trailer: t\r\n" : "") + "\r\n";
         Set(c, Post(t, "/execute", Line("Transfer-Encoding", "chunked"), chunks));
       }},
      {"truncated-header",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         const std::string full = Get(t, "/jobs", true);
         Set(c, full.substr(0, 1 + rng.Below(full.size() - 2)));
         c.raw_half_close = true;
       }},
      {"truncated-body",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         const std::string body = RefusedJson();
         Set(c, Post(t, "/execute", Line("Content-Length", std::to_string(body.size() + 50)),
                     body.substr(0, rng.Below(body.size()))));
         c.raw_half_close = true;
       }},
      {"pipelined",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         const std::vector<std::string> requests = {
             Get(t, "/health", false), Get(t, "/jobs", true), Get(t, "/nope", true),
             Get(t, "/jobs", false),
             Post(t, "/execute", Line("Content-Length", std::to_string(RefusedJson().size())),
                  RefusedJson())};
         std::string all;
         const std::size_t count = 2 + rng.Below(4);
         for (std::size_t i = 0; i < count; ++i) all += rng.Pick(requests);
         Set(c, all);
         c.raw_answers = count;
       }},
      {"slow-send",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         const std::string full =
             Post(t, "/execute", Line("Content-Length", std::to_string(RefusedJson().size())),
                  RefusedJson());
         const std::size_t pieces = 2 + rng.Below(4);
         c.raw_pieces.clear();
         for (std::size_t i = 0, at = 0; i < pieces; ++i) {
           const std::size_t end = i + 1 == pieces ? full.size() : at + full.size() / pieces;
           c.raw_pieces.push_back(full.substr(at, end - at));
           at = end;
         }
         c.slow_piece_ms = 20 + rng.Below(80);
       }},
      {"expect-continue",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, Post(t, "/execute",
                     Line("Content-Length", std::to_string(RefusedJson().size())) +
                         Line("Expect", "100-continue"),
                     RefusedJson()));
       }},
      {"absolute-form",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, "GET " + t.scheme + "://" + t.host_header + t.base_path + "/health HTTP/1.1\r\n" +
                    HostLine(t) + "\r\n");
       }},
      {"asterisk-form",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, "OPTIONS * HTTP/1.1\r\n" + HostLine(t) + "\r\n");
       }},
      {"connect",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c, "CONNECT " + t.host_header + " HTTP/1.1\r\n" + HostLine(t) + "\r\n");
       }},
      {"http10",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         const bool keep = rng.Percent(50);
         Set(c,
             "GET " + t.base_path + "/health HTTP/1.0\r\n" +
                 (keep ? Line("Connection", "keep-alive") : "") + "\r\n",
             !keep);
       }},
      {"close-on-early-answer",
       [](Rng& rng, const TargetContext& t, FuzzCase& c) {
         // Answers a server gives from the header alone, before any body.
         const std::vector<std::string> requests = {
             Get(t, "/jobs", false, Line("Connection", "close")),
             Get(t, "/nope", true, Line("Connection", "close")),
             Get(t, "/run", true, Line("Connection", "close")),
             "POST " + t.base_path + "/execute HTTP/1.1\r\n" + HostLine(t) + KeyLine(t) +
                 Line("Content-Type", "text/plain") + Line("Content-Length", "0") +
                 Line("Connection", "close") + "\r\n"};
         Set(c, rng.Pick(requests), true);
       }},
      {"over-body-limit",
       [](Rng&, const TargetContext& t, FuzzCase& c) {
         Set(c,
             Post(t, "/execute", Line("Content-Length", "300000000") + Line("Connection", "close"),
                  "{\"language\":"),
             true);
         // A server that reads on (a larger limit) sees the end at once.
         c.raw_half_close = true;
       }},
      {"garbage",
       [](Rng& rng, const TargetContext&, FuzzCase& c) {
         std::string bytes;
         const std::size_t length = 1 + rng.Below(300);
         for (std::size_t i = 0; i < length; ++i) bytes += static_cast<char>(rng.Below(256));
         Set(c, bytes);
         c.raw_half_close = true;
       }},
  };
  return kBuilders;
}

}  // namespace

std::vector<std::string> RawCaseNames() {
  std::vector<std::string> names;
  for (const Builder& builder : Builders()) names.emplace_back(builder.name);
  return names;
}

FuzzCase RawCaseNamed(const std::string& name, Rng& rng, const TargetContext& context) {
  FuzzCase c;
  c.kind = Kind::kRaw;
  c.origin = "raw " + name;
  for (const Builder& builder : Builders()) {
    if (name == builder.name) builder.build(rng, context, c);
  }
  return c;
}

FuzzCase GenerateRawCase(Rng& rng, const TargetContext& context) {
  const Builder& builder = Builders()[rng.Below(Builders().size())];
  return RawCaseNamed(builder.name, rng, context);
}

}  // namespace remote_fuzz
