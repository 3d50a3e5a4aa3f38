#ifndef CONFORMANCE_STEP_CHECKS_H_
#define CONFORMANCE_STEP_CHECKS_H_

#include <string>
#include <vector>

#include "rapidjson/document.h"

namespace conformance {

// What the format schema cannot say about a step of a case, by its kind:
// request and poll steps expect a status and none of the raw-only members
// (answers, connection, interim, trailing); a raw step's expectations fit
// what it waits for (no more answers than raw.answers, "connection" only
// with raw.close_wait_ms), its pauses and awaited answers come before
// something to send, an awaited answer is one the step waits for, its
// repeats stay under 64 MiB, and it captures nothing. Appends each problem
// as "<path>/...: what is wrong", `path` being the step's.
void CheckStep(const rapidjson::Value& step, const std::string& path,
               std::vector<std::string>* problems);

}  // namespace conformance

#endif  // CONFORMANCE_STEP_CHECKS_H_
