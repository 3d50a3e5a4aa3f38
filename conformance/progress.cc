#include "conformance/progress.h"

#include <algorithm>

namespace conformance {

namespace {

// Back to the line's start, and erase it (ANSI: CSI K).
constexpr char kRewrite[] = "\r\x1b[K";

}  // namespace

Progress::Progress(std::ostream& out, bool live, std::size_t total, std::size_t width)
    : out_(out), live_(live), total_(total), width_(std::max<std::size_t>(width, 20)) {}

void Progress::Started(const std::string& id, double elapsed_s) {
  const std::lock_guard<std::mutex> lock(mutex_);
  running_.push_back(id);
  if (live_) DrawStatus(elapsed_s);
}

void Progress::Finished(const ReportedCase& reported, double elapsed_s) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto found = std::find(running_.begin(), running_.end(), reported.result.id);
  if (found != running_.end()) running_.erase(found);
  ++done_;
  if (reported.Regression()) ++failed_;
  const std::string line = ProgressLine(done_, total_, reported);
  if (!live_) {
    out_ << line << std::endl;
    return;
  }
  if (reported.result.grade != Grade::kOk) out_ << kRewrite << line << "\n";
  DrawStatus(elapsed_s);
}

void Progress::Tick(double elapsed_s) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (live_) DrawStatus(elapsed_s);
}

void Progress::Close() {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (live_) out_ << kRewrite << std::flush;
}

std::string Progress::StatusLine(double elapsed_s) const {
  std::string line = "[" + std::to_string(done_) + "/" + std::to_string(total_) + "] " +
                     std::to_string(failed_) + " failed, " + std::to_string(running_.size()) +
                     " running, elapsed " + std::to_string(static_cast<long>(elapsed_s)) + " s";
  if (!running_.empty()) line += ", current: " + running_.front();
  // One column spare: a line that fills the last column wraps on some
  // terminals.
  if (line.size() > width_ - 1) line.resize(width_ - 1);
  return line;
}

void Progress::DrawStatus(double elapsed_s) {
  out_ << kRewrite << StatusLine(elapsed_s) << std::flush;
}

}  // namespace conformance
