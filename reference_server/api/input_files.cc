#include "reference_server/api/input_files.h"

#include <algorithm>
#include <unordered_map>

#include "reference_server/api/base64.h"
#include "reference_server/api/filename.h"
#include "reference_server/api/request_fields.h"

namespace api {
namespace {

std::string FilePath(std::size_t index) { return "input_files[" + std::to_string(index) + "]"; }

Result<std::string> FilenameFromJson(const rapidjson::Value& file, std::size_t index,
                                     const RequestLimits& limits) {
  const auto it = file.FindMember("filename");
  if (it == file.MemberEnd()) return std::to_string(index);
  const std::string path = FilePath(index) + ".filename";
  if (!it->value.IsString()) return WrongType(path, "a string", it->value);
  const std::string_view name(it->value.GetString(), it->value.GetStringLength());
  if (auto violation = FilenameViolation(name, limits.max_filename_bytes)) {
    return MakeError(ErrorCode::kInvalidFilename, path, std::move(*violation));
  }
  return std::string(name);
}

}  // namespace

Result<std::vector<InputFile>> InputFilesFromJson(const rapidjson::Value& value,
                                                  const RequestLimits& limits) {
  if (!value.IsArray()) return WrongType("input_files", "an array", value);
  if (value.Size() > limits.max_input_files) {
    return MakeError(ErrorCode::kTooManyFiles, "input_files",
                     "must hold at most " + std::to_string(limits.max_input_files) +
                         " files (has " + std::to_string(value.Size()) + ")");
  }
  std::vector<InputFile> files;
  files.reserve(value.Size());
  std::unordered_map<std::string, std::size_t> index_by_name;
  std::size_t total_bytes = 0;
  for (std::size_t index = 0; index < value.Size(); ++index) {
    const rapidjson::Value& file = value[static_cast<rapidjson::SizeType>(index)];
    const std::string path = FilePath(index);
    if (!file.IsObject()) return WrongType(path, "an object", file);

    auto name = FilenameFromJson(file, index, limits);
    if (!name) return name.error();
    const auto [existing, inserted] = index_by_name.emplace(name.value(), index);
    if (!inserted) {
      // A defaulted name is reported at the element: it has no filename field.
      const bool named = file.HasMember("filename");
      return MakeError(ErrorCode::kDuplicateFilename, named ? path + ".filename" : path,
                       std::string(named ? "" : "its default name ") + "\"" + name.value() +
                           "\" is already the name of " + FilePath(existing->second));
    }

    auto content = AliasedMember(file, path + ".", "content", "content_base64", JsonKind::kString);
    if (!content) return content.error();
    if (content.value() == nullptr) {
      return MakeError(ErrorCode::kMissingField, path + ".content",
                       "is required (base64 of the file's bytes)");
    }
    const std::string content_path =
        path + (file.HasMember("content") ? ".content" : ".content_base64");
    const std::string_view text(content.value()->GetString(), content.value()->GetStringLength());

    const std::size_t size = DecodedBase64Size(text);
    if (size > limits.max_file_bytes) {
      return MakeError(ErrorCode::kFileTooLarge, content_path,
                       "decodes to " + std::to_string(size) + " bytes, more than the " +
                           std::to_string(limits.max_file_bytes) + " allowed per file");
    }
    total_bytes += size;
    if (total_bytes > limits.max_total_file_bytes) {
      return MakeError(ErrorCode::kPayloadTooLarge, "input_files",
                       "files together decode to more than the " +
                           std::to_string(limits.max_total_file_bytes) + " bytes allowed");
    }
    Base64Error base64_error;
    auto bytes = DecodeBase64(text, base64_error);
    if (!bytes) {
      return MakeError(ErrorCode::kInvalidBase64, content_path,
                       "invalid base64 at offset " + std::to_string(base64_error.offset) + ": " +
                           base64_error.reason);
    }
    files.push_back(InputFile{std::move(name).value(), std::move(*bytes)});
  }
  return files;
}

std::optional<ApiError> CheckReservedFilenames(const std::vector<InputFile>& files,
                                               std::span<const std::string> reserved) {
  for (std::size_t index = 0; index < files.size(); ++index) {
    if (std::find(reserved.begin(), reserved.end(), files[index].filename) != reserved.end()) {
      return MakeError(ErrorCode::kInvalidFilename, FilePath(index) + ".filename",
                       "\"" + files[index].filename +
                           "\" is reserved: the server writes the program's own file there");
    }
  }
  return std::nullopt;
}

}  // namespace api
