#ifndef FUZZ_FUZZ_CHECK_H_
#define FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

// A property of the code under test that an input broke: says which, then
// aborts so that libFuzzer keeps the input as a crash. (assert() would
// vanish under NDEBUG, which the optimised builds define.)
#define FUZZ_CHECK(condition, what)                                                       \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "%s:%d: property broken: %s (%s)\n", __FILE__, __LINE__, what, \
                   #condition);                                                           \
      std::abort();                                                                       \
    }                                                                                     \
  } while (false)

#endif  // FUZZ_FUZZ_CHECK_H_
