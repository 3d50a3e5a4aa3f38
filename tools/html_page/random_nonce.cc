// RandomNonce: the Content-Security-Policy nonce of a page's script.
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <random>
#include <string>
#include <string_view>

#include "tools/html_page/html_page.h"

namespace html_page {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kLength = 24;

// Random bytes from getrandom(); from std::random_device (itself the
// kernel's source) should getrandom be refused, e.g. by a seccomp filter.
void FillRandom(std::array<unsigned char, 64>& bytes) {
  std::size_t filled = 0;
  for (int attempt = 0; attempt < 8 && filled < bytes.size(); ++attempt) {
    const ssize_t got = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (got > 0) filled += static_cast<std::size_t>(got);
    if (got < 0 && errno != EINTR) break;
  }
  if (filled == bytes.size()) return;
  std::random_device device;
  for (; filled < bytes.size(); ++filled) bytes[filled] = static_cast<unsigned char>(device());
}

}  // namespace

std::string RandomNonce() {
  // Bytes past the largest multiple of 62 are dropped so that every letter
  // is as likely (rejection sampling); 64 bytes nearly always suffice, and
  // the loop is bounded all the same.
  constexpr unsigned kLimit = 256 - 256 % kAlphabet.size();
  std::string nonce;
  std::array<unsigned char, 64> bytes{};
  for (int round = 0; round < 100 && nonce.size() < kLength; ++round) {
    FillRandom(bytes);
    for (unsigned char byte : bytes) {
      if (byte < kLimit && nonce.size() < kLength) nonce += kAlphabet[byte % kAlphabet.size()];
    }
  }
  return nonce;
}

}  // namespace html_page
