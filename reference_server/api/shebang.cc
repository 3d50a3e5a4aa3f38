#include "reference_server/api/shebang.h"

#include <array>
#include <utility>
#include <vector>

namespace api {
namespace {

// Interpreter name (as written, or without its version suffix) -> language.
// Keep docs/API.md's table in step with this one.
constexpr std::array<std::pair<std::string_view, std::string_view>, 44> kInterpreters = {{
    {"python", "python"},
    {"pypy", "python"},
    {"node", "javascript"},
    {"nodejs", "javascript"},
    {"bun", "javascript"},
    {"deno", "typescript"},
    {"ts-node", "typescript"},
    {"tsx", "typescript"},
    {"bash", "bash"},
    {"sh", "sh"},
    {"dash", "sh"},
    {"zsh", "zsh"},
    {"ksh", "ksh"},
    {"fish", "fish"},
    {"perl", "perl"},
    {"ruby", "ruby"},
    {"php", "php"},
    {"lua", "lua"},
    {"luajit", "lua"},
    {"Rscript", "r"},
    {"tclsh", "tcl"},
    {"awk", "awk"},
    {"gawk", "awk"},
    {"pwsh", "powershell"},
    {"groovy", "groovy"},
    {"elixir", "elixir"},
    {"escript", "erlang"},
    {"julia", "julia"},
    {"raku", "raku"},
    {"rakudo", "raku"},
    {"perl6", "raku"},
    {"runghc", "haskell"},
    {"runhaskell", "haskell"},
    {"ocaml", "ocaml"},
    {"guile", "scheme"},
    {"racket", "racket"},
    {"sbcl", "commonlisp"},
    {"clisp", "commonlisp"},
    {"crystal", "crystal"},
    {"swipl", "prolog"},
    {"gforth", "forth"},
    {"scala", "scala"},
    {"clojure", "clojure"},
    {"dart", "dart"},
}};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string_view> SplitBlanks(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !IsBlank(line[i])) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

std::string_view Basename(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// env(1) options that take the next word as their argument.
bool EnvOptionTakesArgument(std::string_view word) {
  return word == "-u" || word == "--unset" || word == "-C" || word == "--chdir" || word == "-P" ||
         word == "--default-signal" || word == "--ignore-signal" || word == "--block-signal";
}

// The word env(1) would run: options and NAME=value assignments skipped.
std::string_view EnvCommand(const std::vector<std::string_view>& words) {
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string_view word = words[i];
    if (word == "--") return i + 1 < words.size() ? words[i + 1] : std::string_view();
    if (EnvOptionTakesArgument(word)) {
      ++i;
      continue;
    }
    if (word.starts_with("-S") && word.size() > 2) return word.substr(2);  // -Spython3
    if (word.starts_with("--split-string=")) return word.substr(15);
    if (word.starts_with('-')) continue;
    if (word.find('=') != std::string_view::npos) continue;
    return word;
  }
  return {};
}

// "python3.11" -> "python", "guile-3.0" -> "guile" (the dash before a
// version goes with it).
std::string_view WithoutVersionSuffix(std::string_view name) {
  std::size_t end = name.size();
  while (end > 0 && ((name[end - 1] >= '0' && name[end - 1] <= '9') || name[end - 1] == '.')) {
    --end;
  }
  if (end > 1 && end < name.size() && name[end - 1] == '-') --end;
  return end == 0 ? name : name.substr(0, end);
}

// The language of an interpreter name, if the table has it.
std::string_view LanguageOf(std::string_view interpreter) {
  for (const auto& [name, language] : kInterpreters) {
    if (name == interpreter) return language;
  }
  return {};
}

ApiError NotDetected(std::string message) {
  return MakeError(ErrorCode::kLanguageNotDetected, "body", std::move(message));
}

}  // namespace

Result<DetectedLanguage> DetectLanguageFromShebang(std::string_view code) {
  if (!code.starts_with("#!")) {
    return NotDetected(
        "must start with a shebang line naming the interpreter, e.g. \"#!/usr/bin/env python3\"");
  }
  std::string_view line = code.substr(2);
  if (const std::size_t newline = line.find('\n'); newline != std::string_view::npos) {
    line = line.substr(0, newline);
  }
  if (line.ends_with('\r')) line.remove_suffix(1);

  const std::vector<std::string_view> words = SplitBlanks(line);
  if (words.empty()) return NotDetected("the shebang line names no interpreter");
  std::string_view command = Basename(words[0]);
  if (command == "env") {
    command = Basename(EnvCommand(words));
    if (command.empty()) return NotDetected("the shebang line runs env with no command");
  }
  // The name as written first ("perl6" is raku, not a perl 6), then
  // without its version ("python3.11").
  std::string_view language = LanguageOf(command);
  if (language.empty()) language = LanguageOf(WithoutVersionSuffix(command));
  if (!language.empty()) return DetectedLanguage{std::string(language), std::string(command)};
  return NotDetected("the shebang interpreter \"" + Excerpt(command) +
                     "\" is not one this server knows (see GET /languages)");
}

}  // namespace api
