#ifndef CONFORMANCE_COVERAGE_H_
#define CONFORMANCE_COVERAGE_H_

#include <string>
#include <vector>

#include "conformance/fixture.h"

namespace conformance {

// The markdown table of docs/CONFORMANCE.md: for each documentation
// section (in the order the fixtures first name it), its case ids with
// their levels, so gaps are visible. A test keeps the document in step.
std::string CoverageTable(const std::vector<Case>& cases);

}  // namespace conformance

#endif  // CONFORMANCE_COVERAGE_H_
