#ifndef CONFORMANCE_RAW_EXPECTATION_H_
#define CONFORMANCE_RAW_EXPECTATION_H_

#include <string>
#include <vector>

#include "conformance/matchers.h"
#include "conformance/raw_http.h"
#include "rapidjson/document.h"

namespace conformance {

// Checks a raw exchange against one expectation of a raw step ("expect",
// or one of its "alternatives"):
// - "answers": the statuses of all final answers, in order (their count
//   too: [] means none came, the server closed); without it, as many
//   answers as the step waited for must have come;
// - "status", "content_type", "headers", "json": the last answer, as for
//   a request step;
// - "interim": how many 1xx answers came before (a count or a list);
// - "connection": "closed" (the server closed within close_wait) or "open";
// - "trailing": operations on the bytes after the last answer.
// Appends what differs; true when nothing does. An exchange that failed
// otherwise than by an early close meets no expectation (the runner fails
// it with its error before judging).
bool MeetsRawExpectation(const rapidjson::Value& expectation, const RawResult& result,
                         const RawOptions& options, const MatchContext& context,
                         std::vector<std::string>* mismatches);

}  // namespace conformance

#endif  // CONFORMANCE_RAW_EXPECTATION_H_
