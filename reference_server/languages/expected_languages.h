#ifndef REFERENCE_SERVER_LANGUAGES_EXPECTED_LANGUAGES_H_
#define REFERENCE_SERVER_LANGUAGES_EXPECTED_LANGUAGES_H_

// The languages languages.json must list, for the tests: the 17 of
// `tools/setup --languages core` first, then the rest of `all` (issue 16:
// the documentation's 42+, its own Zig example among them). Each has its
// hello world in fixtures/hello/.
namespace languages {

inline constexpr const char* kCoreLanguages[] = {
    "python", "bash", "sh",   "perl", "javascript", "ruby",    "lua",   "php",   "tcl",
    "c",      "cpp",  "rust", "go",   "java",       "fortran", "cobol", "pascal"};

inline constexpr const char* kMoreLanguages[] = {
    "typescript", "kotlin", "groovy", "scala",  "clojure", "csharp",     "haskell",
    "ocaml",      "erlang", "elixir", "racket", "scheme",  "commonlisp", "prolog",
    "forth",      "raku",   "r",      "d",      "nim",     "crystal",    "objc",
    "ada",        "zig",    "awk",    "zsh",    "ksh",     "fish"};

}  // namespace languages

#endif  // REFERENCE_SERVER_LANGUAGES_EXPECTED_LANGUAGES_H_
