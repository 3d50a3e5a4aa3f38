#ifndef FUZZ_REMOTE_REPORT_H_
#define FUZZ_REMOTE_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fuzz/remote/findings.h"

namespace remote_fuzz {

// What a campaign did, for the summary and the reports.
struct RunStats {
  std::string target;
  bool embedded = false;     // the target was the embedded reference server
  std::string replay_flags;  // what --index needs besides the seed: " --validation-only", ...
  std::uint64_t seed = 0;
  double seconds = 0;
  std::size_t requests = 0;              // every request sent, sequences and clean-up included
  std::size_t cases = 0;                 // generated cases run
  std::map<int, std::size_t> by_status;  // answers by status (a pipelined request has
                                         // several); 0: requests without an answer
  std::map<std::string, std::size_t> by_kind;  // json, run, headers, raw, stateful
  std::map<std::string, std::size_t> checks_run;
  std::size_t canaries = 0;
  std::string stopped;  // why the campaign ended: "time", "requests", "target stopped answering"
  std::string options;  // the command line's choices, for the record
  double RequestsPerSecond() const { return seconds > 0 ? requests / seconds : 0; }
};

// "FAILED" for a strict finding, "NON-STRICT" otherwise: every report's
// grade of a finding.
std::string FindingGrade(const Finding& finding);

// `value` with `digits` decimals ("12.5").
std::string Fixed(double value, int digits);

// The text the tool prints at the end: figures, then one paragraph a finding.
std::string TextReport(const RunStats& stats, const std::vector<Finding>& findings);

// Machine-readable reports. Every string the target sent is made valid
// UTF-8 (JSON) or stripped of what XML cannot carry (JUnit).
std::string JsonReport(const RunStats& stats, const std::vector<Finding>& findings);
// One <testcase> per check, failed by its strict findings.
std::string JUnitReport(const RunStats& stats, const std::vector<Finding>& findings);

// The page of tools/html_page (--html): the figures, then the findings by
// check with their reproducers; every byte the target sent shown as text.
// The findings' requests are shown as they are: the caller replaces the
// keys in them first (main.cc), as the reports land in CI artifacts.
std::string HtmlReport(const RunStats& stats, const std::vector<Finding>& findings);

// The command that runs a finding's case again, as every report prints it.
std::string ReplayCommand(const RunStats& stats, const Finding& finding);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_REPORT_H_
