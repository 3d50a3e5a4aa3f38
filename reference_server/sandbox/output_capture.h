#ifndef REFERENCE_SERVER_SANDBOX_OUTPUT_CAPTURE_H_
#define REFERENCE_SERVER_SANDBOX_OUTPUT_CAPTURE_H_

#include <chrono>
#include <cstddef>
#include <string>

namespace sandbox {

// A stream's captured bytes: the first `cap` kept, the rest read and
// dropped, so that the writer is never blocked by a full pipe.
struct CappedText {
  std::string text;
  std::size_t cap = 0;
  bool truncated = false;

  void Append(const char* data, std::size_t size);
};

// What ended the pump.
enum class PumpEnd {
  kEndOfFile,  // every stream closed
  kDeadline,   // the deadline passed first
  kCancelled,  // cancel_fd became readable first
  kError,      // poll or read failed: the caller must not wait for the run
};

// A pipe to drain into `sink`; `fd` becomes -1 at end-of-file.
struct Stream {
  int fd = -1;
  CappedText* sink = nullptr;
};

// Reads every stream (poll) until all reach end-of-file, the deadline
// passes, or `cancel_fd` (may be -1) becomes readable.
PumpEnd PumpStreams(Stream* streams, int count, int cancel_fd,
                    std::chrono::steady_clock::time_point deadline);

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_OUTPUT_CAPTURE_H_
