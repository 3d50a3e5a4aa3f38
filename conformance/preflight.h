#ifndef CONFORMANCE_PREFLIGHT_H_
#define CONFORMANCE_PREFLIGHT_H_

#include <string>

#include "conformance/target.h"

namespace conformance {

// Before any case: can the target be reached, does it take the keys, which
// languages and extensions does it have. Fills `target->languages` and
// `target->endpoints`. "" when the suite can run; else one plain sentence
// for the user (exit code 2), so that an unreachable target or a refused
// key is not reported as a hundred failures.
std::string Preflight(Target* target, std::string* notes);

}  // namespace conformance

#endif  // CONFORMANCE_PREFLIGHT_H_
