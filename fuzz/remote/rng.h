#ifndef FUZZ_REMOTE_RNG_H_
#define FUZZ_REMOTE_RNG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace remote_fuzz {

// SplitMix64, seeded by (seed, index): every generated case has a stream
// of its own, so a finding replays from its seed and index alone, whatever
// ran before it and however many workers there were. Written out rather
// than std::uniform_int_distribution, whose results differ between
// standard libraries.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t index)
      : state_(seed * 0x9E3779B97F4A7C15ull ^ (index + 0x632BE59BD9B4E019ull)) {
    Next();
  }

  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); 0 when n is 0.
  std::size_t Below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(Next() % n); }
  // True with probability percent / 100.
  bool Percent(unsigned percent) { return Below(100) < percent; }
  template <class T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  std::uint64_t state_;
};

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_RNG_H_
