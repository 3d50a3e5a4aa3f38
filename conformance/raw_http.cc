#include "conformance/raw_http.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "conformance/raw_answer_parser.h"
#include "conformance/tls_transport.h"

namespace conformance {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kTrailingLimit = 64 * 1024;
// Large pieces go out in slices, so that reading keeps up with writing.
constexpr std::size_t kSendSlice = 256 * 1024;

milliseconds Millis(Clock::duration duration) {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(duration));
}

// Milliseconds for poll(), rounded up so that a wake-up is never early.
int PollTimeout(Clock::time_point now, Clock::time_point until) {
  if (until <= now) return 0;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(until - now).count();
  return static_cast<int>(std::min<std::int64_t>((micros + 999) / 1000, 60'000));
}

// A non-blocking TCP connection to url, by `deadline`: its socket.
base::Expected<int> Connect(const TargetUrl& url, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(url.port);
  if (const int rc = getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return base::MakeError(base::ErrorCode::kUnavailable,
                           "cannot resolve " + url.host + ": " + gai_strerror(rc), url.host);
  }
  std::string why = "no address";
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int s = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) {
      why = std::strerror(errno);
      continue;
    }
    int error = connect(s, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    if (error == EINPROGRESS) {
      pollfd pfd{s, POLLOUT, 0};
      int ready;
      do {
        ready = poll(&pfd, 1, PollTimeout(Clock::now(), deadline));
      } while (ready < 0 && errno == EINTR);
      socklen_t length = sizeof error;
      if (ready <= 0) {
        error = ETIMEDOUT;
      } else if (getsockopt(s, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        error = errno;
      }
    }
    if (error == 0) {
      freeaddrinfo(found);
      return s;
    }
    why = std::strerror(error);
    close(s);
    if (Clock::now() >= deadline) break;
  }
  freeaddrinfo(found);
  return base::MakeError(base::ErrorCode::kUnavailable,
                         "cannot connect to " + url.ToString() + ": " + why, url.ToString());
}

// One exchange on a connected socket (plain or TLS: the transport hides
// which): sends the pieces while reading, as poll() says the socket is
// ready, until the answers are in or a bound is reached.
class Exchange {
 public:
  Exchange(const std::vector<RawPiece>& pieces, const RawOptions& options)
      : pieces_(pieces), options_(options), parser_(options.head) {
    std::size_t awaits = 0;
    for (const RawPiece& piece : pieces) {
      awaits += piece.await_answer ? 1 : 0;
      awaited_.push_back(awaits);
      total_bytes_ += piece.bytes.size();
    }
  }

  RawResult Run(const TargetUrl& url) {
    start_ = Clock::now();
    deadline_ = start_ + options_.timeout;
    auto fail = [&](const base::Error& error) {
      result_.error = error.message;
      result_.elapsed = Millis(Clock::now() - start_);
      return result_;
    };
    // A bad --ca-file is named before anything goes on the wire.
    if (url.tls) {
      if (base::Status usable = CheckTlsSettings(url); !usable.ok()) return fail(usable.error());
    }
    const base::Expected<int> fd = Connect(url, deadline_);
    if (!fd.ok()) return fail(fd.error());
    result_.connected = true;
    // Each piece goes out when it is due, not when Nagle's algorithm says.
    const int one = 1;
    setsockopt(*fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (url.tls) {
      base::Expected<std::unique_ptr<RawTransport>> tls = TlsTransport(url, *fd, deadline_);
      if (!tls.ok()) return fail(tls.error());
      transport_ = std::move(tls).value();
    } else {
      transport_ = PlainTransport(*fd);
    }
    ExchangeAnswers();
    if (result_.error.empty()) {
      result_.elapsed = Millis(last_answer_at_ - start_);
      WaitForClose();
    } else {
      result_.elapsed = Millis(Clock::now() - start_);
    }
    transport_.reset();
    return result_;
  }

 private:
  std::size_t Finals() const { return result_.answers.size(); }
  bool AllAnswered() const { return Finals() >= options_.answers; }

  // With no answer wanted, the exchange is over once everything is sent
  // (then close_wait tells whether the server closes).
  bool Done() const {
    return AllAnswered() &&
           (options_.answers > 0 || piece_ >= pieces_.size() || send_stopped_ || eof_);
  }

  void ExchangeAnswers() {
    while (!Done() && result_.error.empty()) {
      const Clock::time_point now = Clock::now();
      if (eof_) return ClosedEarly();
      if (now >= deadline_) return TimedOut();
      Clock::time_point wake = deadline_;
      const bool write = ReadyToSend(now, &wake);
      // Bytes TLS has buffered are readable though the socket may not be.
      const bool buffered = transport_->Buffered();
      pollfd pfd{transport_->fd(), transport_->PollEvents(write), 0};
      const int ready = poll(&pfd, 1, buffered ? 0 : PollTimeout(now, wake));
      if (ready < 0 && errno != EINTR) {
        result_.error = std::string("poll failed: ") + std::strerror(errno);
        return;
      }
      if (ready <= 0 && !buffered) continue;
      const short revents = ready > 0 ? pfd.revents : 0;
      if (buffered || transport_->RecvReady(revents)) Read();
      if (write && transport_->SendReady(revents) && result_.error.empty() && !Done()) Send();
    }
    if (options_.answers == 0) last_answer_at_ = Clock::now();
  }

  // Whether the current piece may go out now; else, when it will be due
  // (in `wake`). Awaited answers arrive through reads, which wake poll().
  bool ReadyToSend(Clock::time_point now, Clock::time_point* wake) {
    while (!send_stopped_ && piece_ < pieces_.size()) {
      const RawPiece& piece = pieces_[piece_];
      if (!armed_) {
        if (piece.await_answer && Finals() < awaited_[piece_]) return false;
        armed_ = true;
        send_at_ = now + piece.pause_before;
      }
      if (now < send_at_) {
        *wake = std::min(*wake, send_at_);
        return false;
      }
      if (!piece.bytes.empty()) return true;
      NextPiece();
    }
    return false;
  }

  void NextPiece() {
    ++piece_;
    offset_ = 0;
    armed_ = false;
    if (piece_ == pieces_.size() && options_.half_close) transport_->ShutdownWrite(deadline_);
  }

  void Send() {
    const std::string& bytes = pieces_[piece_].bytes;
    const std::size_t length = std::min(kSendSlice, bytes.size() - offset_);
    const RawTransport::Io io = transport_->Send(bytes.data() + offset_, length);
    if (io.status == RawTransport::Status::kOk) {
      offset_ += io.bytes;
      sent_ += io.bytes;
      if (offset_ == bytes.size()) NextPiece();
    } else if (io.status != RawTransport::Status::kWouldBlock) {
      // The server may have answered and closed: the answer is still to be
      // read, so this is noted, not fatal.
      result_.send_error = "sending piece " + std::to_string(piece_ + 1) + " failed after " +
                           std::to_string(sent_) + " of " + std::to_string(total_bytes_) +
                           " bytes: " + io.error;
      send_stopped_ = true;
    }
  }

  void Read() {
    char chunk[64 * 1024];
    const std::size_t room = std::min(sizeof chunk, options_.max_bytes + 1 - bytes_read_);
    const RawTransport::Io io = transport_->Recv(chunk, room);
    if (io.status == RawTransport::Status::kWouldBlock) return;
    if (io.status != RawTransport::Status::kOk) {
      eof_ = true;
      result_.closed = true;
      closed_at_ = Clock::now();
      close_reason_ = io.error;
      Parse(true);
      return;
    }
    bytes_read_ += io.bytes;
    if (bytes_read_ > options_.max_bytes) {
      result_.error = "the answers are over " + std::to_string(options_.max_bytes) + " bytes";
      return;
    }
    buffer_.append(chunk, io.bytes);
    Parse(false);
  }

  void Parse(bool at_eof) {
    while (!AllAnswered()) {
      const RawAnswerParser::State state = parser_.Resume(buffer_, at_eof);
      if (state == RawAnswerParser::State::kIncomplete) return;
      if (state == RawAnswerParser::State::kMalformed) {
        result_.error =
            "answer " + std::to_string(Finals() + 1) + " is malformed: " + parser_.error();
        return;
      }
      RawAnswer answer = std::move(parser_.answer());
      buffer_.erase(0, parser_.consumed());
      parser_ = RawAnswerParser(options_.head);
      // 1xx answers (100 Continue, 103 Early Hints) precede the final one;
      // 101 ends HTTP/1.1 on the connection, so it counts as final.
      if (answer.status < 200 && answer.status != 101) {
        ++result_.interim;
        continue;
      }
      result_.answers.push_back(std::move(answer));
      last_answer_at_ = Clock::now();
    }
    Trail(buffer_);
    buffer_.clear();
  }

  void Trail(std::string_view bytes) {
    result_.trailing.append(
        bytes.substr(0, kTrailingLimit - std::min(kTrailingLimit, result_.trailing.size())));
  }

  // What had arrived of the unfinished answer, for the error message.
  std::string Unfinished() {
    if (parser_.has_status_line()) {
      RawAnswer partial = std::move(parser_.answer());
      std::string text = " (its status line said " + std::to_string(partial.status) + "; " +
                         std::to_string(partial.body.size()) + " body bytes had arrived)";
      result_.answers.push_back(std::move(partial));
      return text;
    }
    if (!buffer_.empty())
      return " (" + std::to_string(buffer_.size()) + " bytes of it had arrived)";
    return "";
  }

  std::string Progress() const {
    if (piece_ >= pieces_.size() || send_stopped_) return "";
    std::string text =
        "; " + std::to_string(sent_) + " of " + std::to_string(total_bytes_) + " bytes sent";
    if (pieces_[piece_].await_answer && !armed_) {
      text += ", piece " + std::to_string(piece_ + 1) + " waiting for answer " +
              std::to_string(awaited_[piece_]);
    }
    return text;
  }

  void TimedOut() {
    const std::size_t got = Finals();
    const std::string progress = Progress();
    const std::string unfinished = Unfinished();
    result_.error = "no complete answer within " + std::to_string(options_.timeout.count()) +
                    " ms: " + std::to_string(got) + " of " + std::to_string(options_.answers) +
                    " answers" + unfinished + progress;
  }

  void ClosedEarly() {
    const std::size_t got = Finals();
    const bool midway = parser_.has_status_line() || !buffer_.empty();
    const std::string reason = close_reason_.empty() ? "" : " (" + close_reason_ + ")";
    if (midway) {
      const std::string unfinished = Unfinished();
      result_.error = "the server closed the connection" + reason + " in the middle of answer " +
                      std::to_string(got + 1) + unfinished;
    } else {
      result_.error = "the server closed the connection" + reason + " after " +
                      std::to_string(got) + " of " + std::to_string(options_.answers) + " answers";
      result_.early_close = true;
    }
  }

  // After the last answer: does the server close within close_wait?
  // Whatever else it sends meanwhile is kept as trailing bytes.
  void WaitForClose() {
    if (result_.closed) {
      result_.closed_after = Millis(closed_at_ - last_answer_at_);
      return;
    }
    Clock::time_point until = last_answer_at_ + options_.close_wait;
    if (options_.deadline) until = std::min(until, *options_.deadline);
    while (true) {
      const Clock::time_point now = Clock::now();
      if (now >= until) return;
      if (!transport_->Buffered()) {
        pollfd pfd{transport_->fd(), transport_->PollEvents(false), 0};
        if (poll(&pfd, 1, PollTimeout(now, until)) <= 0 || !transport_->RecvReady(pfd.revents)) {
          continue;
        }
      }
      char chunk[64 * 1024];
      const RawTransport::Io io = transport_->Recv(chunk, sizeof chunk);
      if (io.status == RawTransport::Status::kWouldBlock) continue;
      if (io.status != RawTransport::Status::kOk) {
        result_.closed = true;
        result_.closed_after = Millis(Clock::now() - last_answer_at_);
        return;
      }
      bytes_read_ += io.bytes;
      if (bytes_read_ > options_.max_bytes) return;
      Trail(std::string_view(chunk, io.bytes));
    }
  }

  const std::vector<RawPiece>& pieces_;
  const RawOptions& options_;
  std::vector<std::size_t> awaited_;  // per piece: final answers it waits for
  std::size_t total_bytes_ = 0;
  RawResult result_;
  RawAnswerParser parser_;
  std::unique_ptr<RawTransport> transport_;
  Clock::time_point start_, deadline_, send_at_, last_answer_at_, closed_at_;
  std::size_t piece_ = 0;   // the piece being sent
  std::size_t offset_ = 0;  // of it, bytes sent
  bool armed_ = false;      // its wait (answer, pause) has begun
  bool send_stopped_ = false;
  std::size_t sent_ = 0;
  std::size_t bytes_read_ = 0;
  std::string buffer_;  // received, not yet part of a parsed answer
  bool eof_ = false;
  std::string close_reason_;  // "" for an orderly close, else the socket error
};

}  // namespace

RawResult RawExchange(const TargetUrl& url, const std::vector<RawPiece>& pieces,
                      const RawOptions& options) {
  return Exchange(pieces, options).Run(url);
}

}  // namespace conformance
