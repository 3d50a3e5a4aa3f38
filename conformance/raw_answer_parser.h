#ifndef CONFORMANCE_RAW_ANSWER_PARSER_H_
#define CONFORMANCE_RAW_ANSWER_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "conformance/raw_http.h"

namespace conformance {

// Parses one HTTP/1.1 answer as its bytes arrive. Incremental, so that a
// 16 MiB answer read 64 KiB at a time is parsed once, not re-parsed from
// its start after every read. Strict where RFC 9112 says MUST (CRLF line
// ends, no obsolete line folding, no space before a field's colon, one
// Content-Length value): a server under test that breaks them should be
// told so, not silently understood.
class RawAnswerParser {
 public:
  enum class State { kIncomplete, kDone, kMalformed };

  explicit RawAnswerParser(bool head) : head_(head) {}

  // `bytes` are the answer's bytes from its first, as received so far: each
  // call passes what the previous one did, maybe extended. `at_eof`: the
  // connection has closed, nothing more will come (it ends an answer framed
  // by the close).
  State Resume(std::string_view bytes, bool at_eof);

  std::size_t consumed() const { return position_; }  // the answer's length, once kDone
  bool has_status_line() const { return answer_.status != 0; }
  RawAnswer& answer() { return answer_; }
  // Why the answer is malformed, once Resume returned kMalformed. Kept as
  // state rather than returned as a base::Error: Resume's result is one of
  // three (incomplete is not a failure), the parser stays malformed for
  // every later call, and the exchange reads this text into its own result
  // (RawResult::error) next to the answers that did arrive.
  const std::string& error() const { return error_; }

 private:
  enum class Phase {
    kHead,
    kLength,
    kChunkSize,
    kChunkData,
    kChunkEnd,
    kTrailers,
    kUntilClose,
    kDone
  };

  // The next CRLF-terminated line from position_ (without the CRLF), or
  // false: incomplete, or malformed (error_ set) when over `limit` or ended
  // by a bare LF.
  bool NextLine(std::string_view bytes, std::size_t limit, std::string_view* line);
  bool StatusLine(std::string_view line);
  bool FieldLine(std::string_view line, bool trailer);
  bool StartBody();  // after the header section: picks the framing
  bool ChunkSizeLine(std::string_view line);
  State Fail(std::string error);

  bool head_;
  Phase phase_ = Phase::kHead;
  std::size_t position_ = 0;       // first byte not yet parsed
  std::size_t remaining_ = 0;      // body or chunk bytes still to come
  std::size_t section_bytes_ = 0;  // of the header section, or of the trailers
  RawAnswer answer_;
  std::string error_;
};

}  // namespace conformance

#endif  // CONFORMANCE_RAW_ANSWER_PARSER_H_
