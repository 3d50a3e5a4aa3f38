#ifndef FUZZ_REMOTE_SEEDS_H_
#define FUZZ_REMOTE_SEEDS_H_

#include <string>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "fuzz/remote/fuzz_case.h"
#include "fuzz/remote/rng.h"

namespace remote_fuzz {

// What the mutations start from: the requests of the conformance fixtures
// (built with the context's language and program), and the seed corpora of
// the in-process fuzzers (fixtures/fuzz/).
struct SeedPool {
  struct Fixture {
    std::string case_id;
    HttpRequest request;
  };
  std::vector<Fixture> fixtures;
  std::vector<std::string> json_bodies;                         // request_json_fuzzer
  std::vector<std::pair<std::string, std::string>> run_inputs;  // run_request_fuzzer: query, body
  std::vector<std::string> raw_requests;  // http_request_fuzzer, with the context's key and Host
};

// Reads fixtures/conformance/*.json and fixtures/fuzz/*/corpus under
// `fixtures_dir` into `pool`. A directory without fixtures or corpora is
// kNotFound, a fixture file that is not one kInvalidArgument; each names
// the directory or file. Fixture requests that cannot be built outside a
// case (they need a job id another step captured) are left out.
base::Status LoadSeeds(const std::string& fixtures_dir, const TargetContext& context,
                       SeedPool* pool);

// One seed, mutated: a fixture request or a corpus input with bytes
// flipped, inserted, removed, repeated or spliced from another seed.
FuzzCase MutateSeed(Rng& rng, const SeedPool& pool);

// `bytes` with 1 to 4 random edits (exposed for its test).
std::string MutateBytes(Rng& rng, std::string bytes, const std::vector<std::string>& tokens);

}  // namespace remote_fuzz

#endif  // FUZZ_REMOTE_SEEDS_H_
