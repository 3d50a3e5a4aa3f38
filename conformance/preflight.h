#ifndef CONFORMANCE_PREFLIGHT_H_
#define CONFORMANCE_PREFLIGHT_H_

#include <string>

#include "base/expected.h"
#include "conformance/target.h"

namespace conformance {

// Before any case: can the target be reached, does it take the keys, which
// languages and extensions does it have. Fills `target->languages` and
// `target->endpoints`, and returns notes for the user (what the target
// lacks) when the suite can run. Otherwise one plain sentence for the user,
// so that an unreachable target (kUnavailable) or a refused key
// (kPermissionDenied, where = its flag) is not reported as a hundred
// failures.
base::Expected<std::string> Preflight(Target* target);

}  // namespace conformance

#endif  // CONFORMANCE_PREFLIGHT_H_
