#ifndef FUZZ_REMOTE_GRAMMAR_H_
#define FUZZ_REMOTE_GRAMMAR_H_

#include "fuzz/remote/fuzz_case.h"
#include "fuzz/remote/rng.h"

namespace remote_fuzz {

// Requests generated from the API's grammar (docs/API.md sections 3-5):
// every documented field, mostly valid, else one of its boundary values
// (the limit, the value just past it), a wrong type, null, an alias, a
// duplicate. Programs meant to run are the context's hello world, so that
// an accepted request costs the target one short run.

// A JSON body for POST /execute or /execute/async.
FuzzCase GenerateJsonCase(Rng& rng, const TargetContext& context);

// A /run or /run/async request: a query string and a body with a shebang.
FuzzCase GenerateRunCase(Rng& rng, const TargetContext& context);

// A well-formed request to any route with one thing changed: method, path,
// key, Content-Type, or a header.
FuzzCase GenerateHeaderCase(Rng& rng, const TargetContext& context);

// The body of an input_files element, or a whole list, as JSON text; exposed
// for the seed mutations.
std::string GenerateInputFiles(Rng& rng);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_GRAMMAR_H_
