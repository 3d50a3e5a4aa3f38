#ifndef CONFORMANCE_HTML_REPORT_H_
#define CONFORMANCE_HTML_REPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "conformance/report.h"

namespace conformance {

// What the page says about the run besides its cases.
struct RunFacts {
  std::string target;
  std::string runner_version;  // the runner's build (tools/html_page shows it)
  std::string server_version;  // from GET /health when the target has it, else ""
  std::string options;         // the command line, keys left out
  std::string started;         // UTC, ISO 8601
};

// The HTML report (--html): one self-contained page, in the style of every
// report of the project (tools/html_page): the grades by level as in the
// text table, then every case in its section, each opening to its
// requirement, failing step, acceptable answers, differences, wire exchange
// and curl replay.
std::string HtmlReport(const std::vector<ReportedCase>& cases, const Summary& summary,
                       const RunFacts& facts);

}  // namespace conformance

#endif  // CONFORMANCE_HTML_REPORT_H_
