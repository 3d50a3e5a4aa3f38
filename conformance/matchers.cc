#include "conformance/matchers.h"

#include <regex.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "conformance/json_text.h"
#include "rapidjson/pointer.h"

namespace conformance {

namespace {

bool HasType(const rapidjson::Value& value, const std::string& type) {
  return type == JsonTypeName(value) || (type == "number" && value.IsNumber());
}

std::string TypeList(const rapidjson::Value& types) {
  if (types.IsString()) return types.GetString();
  std::string text;
  for (const auto& type : types.GetArray()) {
    text += (text.empty() ? "" : " or ") + std::string(type.GetString());
  }
  return text;
}

// Deep equality where 1 and 1.0 are different values, at any depth: the
// API's types are strict, so an integer field sent as 1.0 is a mismatch.
bool SameJson(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (std::strcmp(JsonTypeName(a), JsonTypeName(b)) != 0) return false;
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!SameJson(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    for (const auto& member : a.GetObject()) {
      const auto other = b.FindMember(member.name);
      if (other == b.MemberEnd() || !SameJson(member.value, other->value)) return false;
    }
    return true;
  }
  return a == b;
}

// A bound is a number, null (open), or a "${var}" naming a number an
// earlier step captured (created_at <= started_at).
bool BoundOf(const rapidjson::Value& bound, const Vars& vars, double* value) {
  if (bound.IsNumber()) {
    *value = bound.GetDouble();
    return true;
  }
  const base::Expected<std::string> text = SubstituteVars(bound.GetString(), vars);
  if (!text.ok()) return false;
  char* end = nullptr;
  *value = std::strtod(text->c_str(), &end);
  return !text->empty() && end == text->c_str() + text->size();
}

// True when `number` is within the bounds; a bound that is not a number
// fails the check (and RangeText shows why).
bool InRange(const rapidjson::Value& bounds, double number, const Vars& vars) {
  double bound = 0;
  if (!bounds[0].IsNull() && (!BoundOf(bounds[0], vars, &bound) || number < bound)) return false;
  if (!bounds[1].IsNull() && (!BoundOf(bounds[1], vars, &bound) || number > bound)) return false;
  return true;
}

std::string RangeText(const rapidjson::Value& bounds, const Vars& vars) {
  auto text = [&](const rapidjson::Value& bound, const char* open) {
    if (bound.IsNull()) return std::string(open);
    double value = 0;
    if (bound.IsNumber()) return ToJson(bound);
    if (!BoundOf(bound, vars, &value)) return ToJson(bound) + " (not a number)";
    char number[64];
    std::snprintf(number, sizeof number, "%.17g", value);
    return ToJson(bound) + "=" + number;
  };
  return "[" + text(bounds[0], "-inf") + ", " + text(bounds[1], "+inf") + "]";
}

// Matches each element of an array against a list of matchers; the count
// of elements matching all of them.
std::size_t CountMatching(const rapidjson::Value& matchers, const rapidjson::Value& array,
                          const MatchContext& context) {
  std::size_t count = 0;
  for (const auto& element : array.GetArray()) {
    std::vector<std::string> ignored;
    if (CheckBody(matchers, element, context, &ignored)) ++count;
  }
  return count;
}

Vars EscapedVars(const Vars& vars) {
  Vars escaped;
  for (const auto& [name, value] : vars) {
    std::string text;
    for (const char c : value) {
      if (std::strchr(".[]{}()\\*+?|^$", c) != nullptr) text += '\\';
      text += c;
    }
    escaped[name] = text;
  }
  return escaped;
}

}  // namespace

namespace {

// A compiled POSIX extended regex, freed with it.
class Regex {
 public:
  // The pattern compiled; a bad one is a kInvalidArgument error saying why.
  static base::Expected<std::unique_ptr<Regex>> Compile(const std::string& pattern) {
    auto regex = std::unique_ptr<Regex>(new Regex);
    if (const int code = regcomp(&regex->compiled_, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
        code != 0) {
      char message[256];
      regerror(code, &regex->compiled_, message, sizeof message);
      regex->compiled_ok_ = false;
      return base::MakeError(base::ErrorCode::kInvalidArgument,
                             "bad regex /" + pattern + "/: " + message, pattern);
    }
    return regex;
  }
  ~Regex() {
    if (compiled_ok_) regfree(&compiled_);
  }
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // POSIX regexec stops at a NUL; program output may hold one, so a
  // string with NULs is matched piece by piece.
  bool Search(const std::string& text) const {
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find('\0', start), text.size());
      const std::string piece = text.substr(start, end - start);
      if (regexec(&compiled_, piece.c_str(), 0, nullptr, 0) == 0) return true;
      start = end + 1;
    }
    return false;
  }

 private:
  Regex() = default;
  regex_t compiled_{};
  bool compiled_ok_ = true;
};

}  // namespace

base::Status CheckRegex(const std::string& pattern) {
  if (const auto regex = Regex::Compile(pattern); !regex.ok()) return regex.error();
  return base::Ok();
}

base::Expected<bool> RegexMatches(const std::string& pattern, const std::string& text) {
  const auto regex = Regex::Compile(pattern);
  if (!regex.ok()) return regex.error();
  return (*regex)->Search(text);
}

namespace {

// Reports one broken operation.
using Fail = std::function<void(const std::string&)>;

// One operation of the table below: checks `actual` (present) against the
// operation's `want`. `got` describes `actual` for messages.
using CheckFunction = void (*)(std::string_view name, const rapidjson::Value& want,
                               const rapidjson::Value& actual, const std::string& got,
                               const MatchContext& context, const Fail& fail);

void CheckEquals(std::string_view, const rapidjson::Value& want, const rapidjson::Value& actual,
                 const std::string& got, const MatchContext& context, const Fail& fail) {
  rapidjson::Document expected;
  if (const base::Status expanded =
          ExpandTemplate(want, *context.vars, expected.GetAllocator(), &expected);
      !expanded.ok()) {
    fail("fixture error: " + expanded.error().message);
  } else if (!SameJson(expected, actual)) {
    fail("expected " + ToShortJson(expected) + ", " + got);
  }
}

void CheckType(std::string_view, const rapidjson::Value& want, const rapidjson::Value& actual,
               const std::string&, const MatchContext&, const Fail& fail) {
  bool any = false;
  if (want.IsString()) {
    any = HasType(actual, want.GetString());
  } else {
    for (const auto& type : want.GetArray()) any = any || HasType(actual, type.GetString());
  }
  if (!any) {
    fail("expected type " + TypeList(want) + ", got " + JsonTypeName(actual) + " " +
         ToShortJson(actual));
  }
}

void CheckText(std::string_view name, const rapidjson::Value& want, const rapidjson::Value& actual,
               const std::string& got, const MatchContext& context, const Fail& fail) {
  if (!actual.IsString()) return fail("expected a string, " + got);
  const bool regex = name == "regex";
  // In a regex, a captured value is matched literally.
  const base::Expected<std::string> pattern =
      regex ? SubstituteVars(want.GetString(), EscapedVars(*context.vars))
            : SubstituteVars(want.GetString(), *context.vars);
  if (!pattern.ok()) return fail("fixture error: " + pattern.error().message);
  const std::string text(actual.GetString(), actual.GetStringLength());
  if (regex) {
    const base::Expected<bool> matches = RegexMatches(*pattern, text);
    if (!matches.ok()) {
      fail("fixture error: " + matches.error().message);
    } else if (!*matches) {
      fail("expected to match /" + *pattern + "/, " + got);
    }
  } else if (text.find(*pattern) == std::string::npos) {
    fail("expected to contain \"" + *pattern + "\", " + got);
  }
}

void CheckOneOf(std::string_view, const rapidjson::Value& want, const rapidjson::Value& actual,
                const std::string& got, const MatchContext&, const Fail& fail) {
  bool any = false;
  for (const auto& option : want.GetArray()) any = any || SameJson(option, actual);
  if (!any) fail("expected one of " + ToShortJson(want) + ", " + got);
}

void CheckRange(std::string_view, const rapidjson::Value& want, const rapidjson::Value& actual,
                const std::string& got, const MatchContext& context, const Fail& fail) {
  if (!actual.IsNumber() || !InRange(want, actual.GetDouble(), *context.vars)) {
    fail("expected a number in " + RangeText(want, *context.vars) + ", " + got);
  }
}

void CheckLength(std::string_view, const rapidjson::Value& want, const rapidjson::Value& actual,
                 const std::string& got, const MatchContext& context, const Fail& fail) {
  double length = -1;
  if (actual.IsString()) length = actual.GetStringLength();
  if (actual.IsArray()) length = actual.Size();
  if (length < 0 || !InRange(want, length, *context.vars)) {
    fail("expected a string or array of length in " + RangeText(want, *context.vars) + ", " + got);
  }
}

void CheckSchema(std::string_view, const rapidjson::Value& want, const rapidjson::Value& actual,
                 const std::string&, const MatchContext& context, const Fail& fail) {
  if (const base::Status valid = context.schemas->Validate(want.GetString(), actual); !valid.ok()) {
    fail(valid.error().message);
  }
}

void CheckElements(std::string_view name, const rapidjson::Value& want,
                   const rapidjson::Value& actual, const std::string& got,
                   const MatchContext& context, const Fail& fail) {
  if (!actual.IsArray()) return fail("expected an array, " + got);
  const std::size_t matching = CountMatching(want, actual, context);
  if (name == "some" && matching == 0) {
    fail("no element matches " + ToShortJson(want) + "; " + got);
  } else if (name == "none" && matching != 0) {
    fail(std::to_string(matching) + " element(s) match " + ToShortJson(want) + ", none may; " +
         got);
  } else if (name == "every" && matching != actual.Size()) {
    fail(std::to_string(actual.Size() - matching) + " element(s) do not match " +
         ToShortJson(want) + "; " + got);
  }
}

struct Operation {
  std::string_view name;
  CheckFunction check;  // nullptr: "present" and "absent", which judge existence itself
};

// Every operation, in the order of docs/CONFORMANCE.md: the dispatch, the
// list MatcherOperations() gives, and what matchers_test compares with
// case_format.json all come from here.
constexpr Operation kOperations[] = {
    {"equals", CheckEquals},  {"type", CheckType},     {"regex", CheckText},
    {"contains", CheckText},  {"present", nullptr},    {"absent", nullptr},
    {"one_of", CheckOneOf},   {"range", CheckRange},   {"length", CheckLength},
    {"schema", CheckSchema},  {"some", CheckElements}, {"none", CheckElements},
    {"every", CheckElements},
};

const Operation* FindOperation(std::string_view name) {
  for (const Operation& operation : kOperations) {
    if (operation.name == name) return &operation;
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string>& MatcherOperations() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const Operation& operation : kOperations) names.emplace_back(operation.name);
    return names;
  }();
  return kNames;
}

const rapidjson::Value* ValueAt(const rapidjson::Value& root, const std::string& pointer) {
  if (pointer.empty()) return &root;
  const rapidjson::Pointer parsed(pointer.c_str(), pointer.size());
  if (!parsed.IsValid()) return nullptr;
  return parsed.Get(root);
}

bool CheckOperations(const rapidjson::Value& ops, const rapidjson::Value* actual,
                     const std::string& label, const MatchContext& context,
                     std::vector<std::string>* mismatches) {
  const std::size_t before = mismatches->size();
  const Fail fail = [&](const std::string& text) { mismatches->push_back(label + ": " + text); };
  const std::string got = actual == nullptr ? std::string("absent") : "got " + ToShortJson(*actual);

  for (const auto& op : ops.GetObject()) {
    const std::string name = op.name.GetString();
    const rapidjson::Value& want = op.value;
    if (name == "path" || name == "because") continue;
    const Operation* operation = FindOperation(name);
    if (operation == nullptr) {
      fail("fixture error: unknown operation '" + name + "'");
      continue;
    }
    if (operation->check == nullptr) {  // present, absent
      const bool must_exist = (name == "present") == want.GetBool();
      if (must_exist && actual == nullptr) fail("must be present, is absent");
      if (!must_exist && actual != nullptr) fail("must be absent, " + got);
      continue;
    }
    if (actual == nullptr) {
      fail("must be present (to check '" + name + "'), is absent");
      break;
    }
    operation->check(name, want, *actual, got, context, fail);
  }
  if (mismatches->size() != before) {
    if (const auto because = ops.FindMember("because"); because != ops.MemberEnd()) {
      mismatches->back() += " (" + std::string(because->value.GetString()) + ")";
    }
    return false;
  }
  return true;
}

bool CheckBody(const rapidjson::Value& matchers, const rapidjson::Value& body,
               const MatchContext& context, std::vector<std::string>* mismatches) {
  bool all = true;
  for (const auto& matcher : matchers.GetArray()) {
    std::string path;
    if (const auto found = matcher.FindMember("path"); found != matcher.MemberEnd()) {
      path = found->value.GetString();
    }
    const std::string label = path.empty() ? "body" : path;
    all = CheckOperations(matcher, ValueAt(body, path), label, context, mismatches) && all;
  }
  return all;
}

}  // namespace conformance
