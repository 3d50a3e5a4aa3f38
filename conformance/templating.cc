#include "conformance/templating.h"

#include <cstdint>

#include "conformance/json_text.h"

namespace conformance {

namespace {

// Generators may build bodies up to the size limits the suite probes
// (20 MiB of HTTP body), not more: a typo must not exhaust memory. The
// budget is for everything one template generates, nested or not.
constexpr std::uint64_t kMaxGeneratedBytes = 32ull << 20;
constexpr std::uint64_t kMaxGeneratedItems = 100'000;

struct Budget {
  std::uint64_t bytes = 0;
  std::uint64_t items = 0;
  bool Spend(std::uint64_t more_bytes, std::uint64_t more_items) {
    bytes += more_bytes;
    items += more_items;
    return bytes <= kMaxGeneratedBytes && items <= kMaxGeneratedItems;
  }
};

bool IsGenerator(const rapidjson::Value& value) {
  return value.IsObject() && value.MemberCount() == 1 &&
         value.MemberBegin()->name.GetStringLength() > 0 &&
         value.MemberBegin()->name.GetString()[0] == '$';
}

std::string Expand(const rapidjson::Value& in, const Vars& vars,
                   rapidjson::Document::AllocatorType& allocator, const std::string& path,
                   Budget& budget, rapidjson::Value* out);

std::string ExpandGenerator(const rapidjson::Value& in, const Vars& vars,
                            rapidjson::Document::AllocatorType& allocator, const std::string& path,
                            Budget& budget, rapidjson::Value* out) {
  const std::string name = in.MemberBegin()->name.GetString();
  const rapidjson::Value& argument = in.MemberBegin()->value;
  const std::string where = path + "/" + name;
  auto count_of = [&](const rapidjson::Value& value, std::uint64_t* count) {
    if (!value.IsUint64() || value.GetUint64() > kMaxGeneratedBytes) return false;
    *count = value.GetUint64();
    return true;
  };
  if (name == "$repeat" || name == "$items") {
    std::uint64_t count = 0;
    if (!argument.IsArray() || argument.Size() != 2 || !count_of(argument[1], &count)) {
      return where + ": expected [value, count]";
    }
    if (name == "$repeat") {
      if (!argument[0].IsString()) return where + ": the value to repeat must be a string";
      std::string error;
      const std::string unit = SubstituteVars(argument[0].GetString(), vars, &error);
      if (!error.empty()) return where + ": " + error;
      if (count != 0 && unit.size() > kMaxGeneratedBytes / count) return where + ": too large";
      if (!budget.Spend(unit.size() * count, 0)) return where + ": the template generates too much";
      std::string text;
      text.reserve(unit.size() * count);
      for (std::uint64_t i = 0; i < count; ++i) text += unit;
      out->SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
      return "";
    }
    out->SetArray();
    if (!budget.Spend(0, count)) return where + ": the template generates too many items";
    Vars indexed = vars;
    for (std::uint64_t i = 0; i < count; ++i) {
      indexed["i"] = std::to_string(i);
      rapidjson::Value item;
      if (std::string error = Expand(argument[0], indexed, allocator, where, budget, &item);
          !error.empty()) {
        return error;
      }
      out->PushBack(item, allocator);
    }
    return "";
  }
  if (name == "$base64" || name == "$base64_zeros" || name == "$json") {
    std::string text;
    if (name == "$base64") {
      if (!argument.IsString()) return where + ": expected a string";
      std::string error;
      text = Base64Encode(SubstituteVars(argument.GetString(), vars, &error));
      if (!error.empty()) return where + ": " + error;
    } else if (name == "$base64_zeros") {
      std::uint64_t count = 0;
      if (!count_of(argument, &count)) return where + ": expected a byte count";
      if (!budget.Spend(count / 3 * 4 + 4, 0)) return where + ": the template generates too much";
      text = Base64Encode(std::string(count, '\0'));
    } else {
      rapidjson::Document expanded;
      if (std::string error =
              Expand(argument, vars, expanded.GetAllocator(), where, budget, &expanded);
          !error.empty()) {
        return error;
      }
      text = ToJson(expanded);
    }
    out->SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
    return "";
  }
  return where + ": unknown generator (known: $repeat, $items, $base64, $base64_zeros, $json)";
}

std::string Expand(const rapidjson::Value& in, const Vars& vars,
                   rapidjson::Document::AllocatorType& allocator, const std::string& path,
                   Budget& budget, rapidjson::Value* out) {
  if (IsGenerator(in)) return ExpandGenerator(in, vars, allocator, path, budget, out);
  if (in.IsString()) {
    std::string error;
    const std::string text =
        SubstituteVars(std::string_view(in.GetString(), in.GetStringLength()), vars, &error);
    if (!error.empty()) return (path.empty() ? "(root)" : path) + ": " + error;
    out->SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
    return "";
  }
  if (in.IsArray()) {
    out->SetArray();
    for (rapidjson::SizeType i = 0; i < in.Size(); ++i) {
      rapidjson::Value item;
      if (std::string error =
              Expand(in[i], vars, allocator, path + "/" + std::to_string(i), budget, &item);
          !error.empty()) {
        return error;
      }
      out->PushBack(item, allocator);
    }
    return "";
  }
  if (in.IsObject()) {
    out->SetObject();
    for (const auto& member : in.GetObject()) {
      rapidjson::Value value;
      if (std::string error = Expand(member.value, vars, allocator,
                                     path + "/" + member.name.GetString(), budget, &value);
          !error.empty()) {
        return error;
      }
      out->AddMember(rapidjson::Value(member.name, allocator), value, allocator);
    }
    return "";
  }
  out->CopyFrom(in, allocator);
  return "";
}

}  // namespace

std::string SubstituteVars(std::string_view text, const Vars& vars, std::string* error) {
  std::string result;
  std::size_t position = 0;
  while (true) {
    const std::size_t open = text.find("${", position);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) break;
    const std::string name(text.substr(open + 2, close - open - 2));
    const auto found = vars.find(name);
    if (found == vars.end()) {
      *error = "unknown variable ${" + name + "}";
      return "";
    }
    result.append(text.substr(position, open - position));
    result += found->second;
    position = close + 1;
  }
  result.append(text.substr(position));
  return result;
}

std::string ExpandTemplate(const rapidjson::Value& in, const Vars& vars,
                           rapidjson::Document::AllocatorType& allocator, rapidjson::Value* out) {
  Budget budget;
  return Expand(in, vars, allocator, "", budget, out);
}

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16 |
                            static_cast<unsigned char>(bytes[i + 1]) << 8 |
                            static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

}  // namespace conformance
