#ifndef CONFORMANCE_PROGRESS_H_
#define CONFORMANCE_PROGRESS_H_

#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "conformance/report.h"

namespace conformance {

// The console while cases run. Plain (standard output is not a terminal:
// CI logs, tests): one line per case as it ends (ProgressLine), nothing
// else. Live (a terminal): one status line rewritten in place ("\r", then
// clear to the end of the line),
//   [12/109] 1 failed, 4 running, elapsed 12 s, current: jobs.list
// and every case that is not OK printed above it as a permanent line, so
// that the screen keeps what needs a look and not a hundred OK lines.
// "failed" counts unexpected failures (ReportedCase::Regression); "current"
// is the case that has run longest. Safe to call from several threads.
class Progress {
 public:
  // `width`: the terminal's columns; the status line is cut to fit, since
  // a wrapped line can no longer be rewritten in place.
  Progress(std::ostream& out, bool live, std::size_t total, std::size_t width = 80);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // A case began; `elapsed_s` is the run's time so far.
  void Started(const std::string& id, double elapsed_s);
  // A case ended (or was never run): its line, and the status line again.
  void Finished(const ReportedCase& reported, double elapsed_s);
  // Redraws the status line with the time so far (live only).
  void Tick(double elapsed_s);
  // Clears the status line (live only), so that what follows starts on an
  // empty line.
  void Close();

 private:
  std::string StatusLine(double elapsed_s) const;
  void DrawStatus(double elapsed_s);

  std::mutex mutex_;
  std::ostream& out_;
  const bool live_;
  const std::size_t total_;
  const std::size_t width_;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  std::vector<std::string> running_;  // in the order they started
};

}  // namespace conformance

#endif  // CONFORMANCE_PROGRESS_H_
