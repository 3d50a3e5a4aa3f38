#ifndef FUZZ_REMOTE_MINIMIZE_H_
#define FUZZ_REMOTE_MINIMIZE_H_

#include <chrono>
#include <cstddef>
#include <functional>

#include "fuzz/remote/fuzz_case.h"

namespace remote_fuzz {

struct MinimizeLimits {
  std::size_t attempts = 80;  // candidates sent at most
  std::chrono::milliseconds time{20000};
};

struct Minimized {
  FuzzCase reproducer;
  std::size_t attempts = 0;  // candidates tried
  std::size_t accepted = 0;  // of which still failed, and were kept
};

// Shrinks a case while `still_fails` holds for it: drops headers, query
// parameters, JSON members and array elements, shortens long strings, and
// removes lines and byte ranges (of raw bytes and of bodies that are not
// JSON); greedy, restarting after every success, bounded by `limits`. The
// original is returned when nothing smaller fails.
Minimized Minimize(const FuzzCase& original,
                   const std::function<bool(const FuzzCase&)>& still_fails,
                   const MinimizeLimits& limits);

// The smaller variants of a case that Minimize tries, biggest cuts first
// (exposed for its test).
std::vector<FuzzCase> SmallerVariants(const FuzzCase& c);

// Size of what a case sends, the measure Minimize reduces.
std::size_t CaseSize(const FuzzCase& c);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_MINIMIZE_H_
