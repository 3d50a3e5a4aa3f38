#ifndef REFERENCE_SERVER_API_INPUT_FILES_H_
#define REFERENCE_SERVER_API_INPUT_FILES_H_

#include <rapidjson/document.h>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reference_server/api/limits.h"
#include "reference_server/api/request.h"
#include "reference_server/api/result.h"

namespace api {

// Validates and decodes the `input_files` array of an /execute request:
// at most max_input_files objects, each with `content` (or its alias
// `content_base64`) in strict base64 (see base64.h) and an optional
// `filename` (see filename.h; default "0", "1", ... by index), unique names,
// decoded sizes within max_file_bytes each and max_total_file_bytes in all.
// Size limits are checked before decoding, so an oversized file costs no
// allocation.
Result<std::vector<InputFile>> InputFilesFromJson(const rapidjson::Value& value,
                                                  const RequestLimits& limits);

// The names the server itself writes into the work directory for a
// language: its source file ("main.py") and any build outputs. The server
// answers from its language registry; an empty function reserves nothing.
using ReservedFilenames = std::function<std::vector<std::string>(std::string_view language)>;

// An error when an input file would overwrite a file the server writes
// itself (the source file such as "main.py", build outputs): these names
// depend on the language, so the server calls this once it has resolved it.
std::optional<ApiError> CheckReservedFilenames(const std::vector<InputFile>& files,
                                               std::span<const std::string> reserved);

}  // namespace api

#endif  // REFERENCE_SERVER_API_INPUT_FILES_H_
