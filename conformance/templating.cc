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

// A fixture error at `where` (a JSON path), which the message starts with.
base::Error At(const std::string& where, const std::string& message) {
  return base::MakeError(base::ErrorCode::kInvalidArgument, where + ": " + message, where);
}

// A template being expanded: the variables, where the values go, and the
// budget all of it shares.
struct Expansion {
  const Vars& vars;
  rapidjson::Document::AllocatorType& allocator;
  Budget& budget;
};

base::Status Expand(const rapidjson::Value& in, Expansion& x, const std::string& path,
                    rapidjson::Value* out);

bool CountOf(const rapidjson::Value& value, std::uint64_t* count) {
  if (!value.IsUint64() || value.GetUint64() > kMaxGeneratedBytes) return false;
  *count = value.GetUint64();
  return true;
}

base::Status SetText(const std::string& text, Expansion& x, rapidjson::Value* out) {
  out->SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), x.allocator);
  return base::Ok();
}

// {"$repeat": [text, count]} or {"$items": [template, count]}.
base::Status ExpandCounted(const std::string& name, const rapidjson::Value& argument, Expansion& x,
                           const std::string& where, rapidjson::Value* out) {
  std::uint64_t count = 0;
  if (!argument.IsArray() || argument.Size() != 2 || !CountOf(argument[1], &count)) {
    return At(where, "expected [value, count]");
  }
  if (name == "$repeat") {
    if (!argument[0].IsString()) return At(where, "the value to repeat must be a string");
    const base::Expected<std::string> unit = SubstituteVars(argument[0].GetString(), x.vars);
    if (!unit.ok()) return At(where, unit.error().message);
    if (count != 0 && unit->size() > kMaxGeneratedBytes / count) return At(where, "too large");
    if (!x.budget.Spend(unit->size() * count, 0)) {
      return At(where, "the template generates too much");
    }
    std::string text;
    text.reserve(unit->size() * count);
    for (std::uint64_t i = 0; i < count; ++i) text += *unit;
    return SetText(text, x, out);
  }
  out->SetArray();
  if (!x.budget.Spend(0, count)) return At(where, "the template generates too many items");
  Vars indexed = x.vars;
  Expansion item_expansion{indexed, x.allocator, x.budget};
  for (std::uint64_t i = 0; i < count; ++i) {
    indexed["i"] = std::to_string(i);
    rapidjson::Value item;
    if (base::Status made = Expand(argument[0], item_expansion, where, &item); !made.ok()) {
      return made;
    }
    out->PushBack(item, x.allocator);
  }
  return base::Ok();
}

// {"$base64": text}, {"$base64_zeros": count} or {"$json": template}.
base::Status ExpandText(const std::string& name, const rapidjson::Value& argument, Expansion& x,
                        const std::string& where, rapidjson::Value* out) {
  if (name == "$base64") {
    if (!argument.IsString()) return At(where, "expected a string");
    const base::Expected<std::string> text = SubstituteVars(argument.GetString(), x.vars);
    if (!text.ok()) return At(where, text.error().message);
    return SetText(Base64Encode(*text), x, out);
  }
  if (name == "$base64_zeros") {
    std::uint64_t count = 0;
    if (!CountOf(argument, &count)) return At(where, "expected a byte count");
    if (!x.budget.Spend(count / 3 * 4 + 4, 0)) return At(where, "the template generates too much");
    return SetText(Base64Encode(std::string(count, '\0')), x, out);
  }
  rapidjson::Document expanded;
  Expansion inner{x.vars, expanded.GetAllocator(), x.budget};
  if (base::Status made = Expand(argument, inner, where, &expanded); !made.ok()) return made;
  return SetText(ToJson(expanded), x, out);
}

base::Status ExpandGenerator(const rapidjson::Value& in, Expansion& x, const std::string& path,
                             rapidjson::Value* out) {
  const std::string name = in.MemberBegin()->name.GetString();
  const rapidjson::Value& argument = in.MemberBegin()->value;
  const std::string where = path + "/" + name;
  if (name == "$repeat" || name == "$items") return ExpandCounted(name, argument, x, where, out);
  if (name == "$base64" || name == "$base64_zeros" || name == "$json") {
    return ExpandText(name, argument, x, where, out);
  }
  return At(where, "unknown generator (known: $repeat, $items, $base64, $base64_zeros, $json)");
}

base::Status Expand(const rapidjson::Value& in, Expansion& x, const std::string& path,
                    rapidjson::Value* out) {
  if (IsGenerator(in)) return ExpandGenerator(in, x, path, out);
  if (in.IsString()) {
    const base::Expected<std::string> text =
        SubstituteVars(std::string_view(in.GetString(), in.GetStringLength()), x.vars);
    if (!text.ok()) return At(path.empty() ? "(root)" : path, text.error().message);
    return SetText(*text, x, out);
  }
  if (in.IsArray()) {
    out->SetArray();
    for (rapidjson::SizeType i = 0; i < in.Size(); ++i) {
      rapidjson::Value item;
      if (base::Status made = Expand(in[i], x, path + "/" + std::to_string(i), &item); !made.ok()) {
        return made;
      }
      out->PushBack(item, x.allocator);
    }
    return base::Ok();
  }
  if (in.IsObject()) {
    out->SetObject();
    for (const auto& member : in.GetObject()) {
      rapidjson::Value value;
      if (base::Status made = Expand(member.value, x, path + "/" + member.name.GetString(), &value);
          !made.ok()) {
        return made;
      }
      out->AddMember(rapidjson::Value(member.name, x.allocator), value, x.allocator);
    }
    return base::Ok();
  }
  out->CopyFrom(in, x.allocator);
  return base::Ok();
}

}  // namespace

base::Expected<std::string> SubstituteVars(std::string_view text, const Vars& vars) {
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
      return base::MakeError(base::ErrorCode::kInvalidArgument, "unknown variable ${" + name + "}",
                             "${" + name + "}");
    }
    result.append(text.substr(position, open - position));
    result += found->second;
    position = close + 1;
  }
  result.append(text.substr(position));
  return result;
}

base::Status ExpandTemplate(const rapidjson::Value& in, const Vars& vars,
                            rapidjson::Document::AllocatorType& allocator, rapidjson::Value* out) {
  Budget budget;
  Expansion expansion{vars, allocator, budget};
  return Expand(in, expansion, "", out);
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
