#ifndef FUZZ_REMOTE_ORACLE_H_
#define FUZZ_REMOTE_ORACLE_H_

#include <optional>
#include <string>

#include "fuzz/remote/fuzz_case.h"

namespace remote_fuzz {

// What the reference validator (//reference_server/api) decides for a
// request: the differential check compares the target's decision with it.
struct Verdict {
  bool accept = false;
  int status = 0;      // the reference's refusal: 400, 413 or 415
  std::string code;    // its error code, e.g. "invalid_filename"
  std::string reason;  // "input_files[0].filename: must not contain '/'"
  // The rule broken is stated by the API documentation (file names, file
  // count and size, base64, ttl range, required fields and their types):
  // a target that accepts such a request is wrong. Otherwise it is a
  // reference decision, where a target may be more lenient.
  bool documented = false;
  // A refusal a target may make for reasons of its own that the reference
  // cannot know: an input file named like the language's source file
  // ("main.py"), or a language the target does not list.
  bool target_specific = false;
};

// The reference's verdict on a POST to /execute, /execute/async, /run or
// /run/async carrying a valid key and the case's Content-Type, query and
// body; nullopt for any other request (the oracle has nothing to say).
std::optional<Verdict> ReferenceVerdict(const FuzzCase& fuzz_case, const TargetContext& context);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_ORACLE_H_
