#ifndef CONFORMANCE_EXPECTATIONS_H_
#define CONFORMANCE_EXPECTATIONS_H_

#include <string>
#include <vector>

#include "base/expected.h"
#include "conformance/case_runner.h"

namespace conformance {

// Known outcomes of one target, kept outside the fixtures (as WPT keeps
// its expectation metadata): a CI pipeline fails only on what changed.
//   {"target": "...", "expected": [
//      {"id": "jobs.list.*", "grades": ["FAILED"], "because": "issue 12"}]}
// "id" is a glob over case ids; "grades" the outcomes that are not news.
struct Expectation {
  std::string id_glob;
  std::vector<Grade> grades;
  std::string because;
};

// The expectations of an expectations file's text; a problem is a
// kInvalidArgument error starting with its JSON path (its `where`).
base::Expected<std::vector<Expectation>> ParseExpectations(const std::string& text);

// The first expectation whose glob matches `id`, or nullptr.
const Expectation* FindExpectation(const std::vector<Expectation>& expectations,
                                   const std::string& id);

// An expectations file recording every FAILED case of `results`, for
// --write-expectations: the baseline a team starts from.
std::string ExpectationsFor(const std::vector<CaseResult>& results, const std::string& target);

// Glob over case ids: '*' any run of characters, '?' one.
bool GlobMatches(const std::string& glob, const std::string& text);

}  // namespace conformance

#endif  // CONFORMANCE_EXPECTATIONS_H_
