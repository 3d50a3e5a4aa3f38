#ifndef REFERENCE_SERVER_API_SHEBANG_H_
#define REFERENCE_SERVER_API_SHEBANG_H_

#include <string>
#include <string_view>

#include "reference_server/api/result.h"

namespace api {

struct DetectedLanguage {
  std::string language;     // e.g. "python"
  std::string interpreter;  // the command named, e.g. "python3.11"
};

// Detects the language of /run code from its first line, "#!" followed by
// an interpreter path and arguments:
//   #!/usr/bin/python3.11            -> python    (interpreter python3.11)
//   #!/usr/bin/env python3           -> python    (env's operand is the command)
//   #!/usr/bin/env -S node --flag    -> javascript (env options are skipped:
//                                       -S, -i, -u NAME, --, NAME=value, ...)
// The command's basename, less any trailing version digits and dots
// ("python3.11" -> "python", "lua5.4" -> "lua"), is looked up in the table
// of docs/API.md. No "#!" line, or an interpreter missing from the table:
// kLanguageNotDetected.
Result<DetectedLanguage> DetectLanguageFromShebang(std::string_view code);

}  // namespace api

#endif  // REFERENCE_SERVER_API_SHEBANG_H_
