#include "fuzz/remote/minimize.h"

#include "conformance/json_text.h"

namespace remote_fuzz {

namespace {

// Byte ranges removed: halves, quarters, ... down to single bytes for
// short texts (ddmin's granularity steps).
std::vector<std::string> WithRangesRemoved(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t chunk = text.size() / 2; chunk >= 1; chunk /= 2) {
    for (std::size_t at = 0; at < text.size(); at += chunk) {
      out.push_back(text.substr(0, at) + text.substr(std::min(text.size(), at + chunk)));
    }
    if (out.size() > 64) break;
  }
  return out;
}

// Lines (CRLF or LF ended) removed one at a time.
std::vector<std::string> WithLinesRemoved(const std::string& text) {
  std::vector<std::size_t> starts = {0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && i + 1 < text.size()) starts.push_back(i + 1);
  }
  std::vector<std::string> out;
  if (starts.size() < 2) return out;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const std::size_t end = i + 1 < starts.size() ? starts[i + 1] : text.size();
    // Keep the blank line that ends a header section.
    const std::string line = text.substr(starts[i], end - starts[i]);
    if (line == "\r\n" || line == "\n") continue;
    out.push_back(text.substr(0, starts[i]) + text.substr(end));
  }
  return out;
}

void Collect(rapidjson::Value& value, std::vector<rapidjson::Value*>& containers) {
  if (value.IsObject()) {
    containers.push_back(&value);
    for (auto& member : value.GetObject()) Collect(member.value, containers);
  } else if (value.IsArray()) {
    containers.push_back(&value);
    for (auto& element : value.GetArray()) Collect(element, containers);
  }
}

// JSON bodies with one member or element removed, or one long string
// shortened; none when the body is not JSON (or too deep to walk).
std::vector<std::string> JsonVariants(const std::string& body) {
  std::vector<std::string> out;
  rapidjson::Document document;
  if (!conformance::ParseJson(body, &document).ok() || conformance::DepthExceeds(document, 64)) {
    return out;
  }
  // Long strings cut to 8 bytes first: a 5 MiB file is rarely what
  // matters, and a large body is not copied once per member.
  std::vector<rapidjson::Value*> all;
  Collect(document, all);
  for (rapidjson::Value* container : all) {
    if (!container->IsObject()) continue;
    for (auto& member : container->GetObject()) {
      if (member.value.IsString() && member.value.GetStringLength() > 16) {
        const std::string saved(member.value.GetString(), member.value.GetStringLength());
        member.value.SetString(saved.substr(0, 8).c_str(), 8, document.GetAllocator());
        out.push_back(conformance::ToJson(document));
        member.value.SetString(saved.c_str(), static_cast<rapidjson::SizeType>(saved.size()),
                               document.GetAllocator());
      }
    }
  }
  if (body.size() > 64 * 1024) return out;
  std::vector<rapidjson::Value*> containers;
  Collect(document, containers);
  for (std::size_t c = 0; c < containers.size() && out.size() < 200; ++c) {
    const std::size_t size =
        containers[c]->IsObject() ? containers[c]->MemberCount() : containers[c]->Size();
    for (std::size_t i = 0; i < size; ++i) {
      rapidjson::Document copy;
      copy.CopyFrom(document, copy.GetAllocator());
      std::vector<rapidjson::Value*> copies;
      Collect(copy, copies);
      rapidjson::Value& target = *copies[c];
      if (target.IsObject()) {
        target.EraseMember(target.MemberBegin() + static_cast<std::ptrdiff_t>(i));
      } else {
        target.Erase(target.Begin() + static_cast<std::ptrdiff_t>(i));
      }
      out.push_back(conformance::ToJson(copy));
    }
  }
  return out;
}

}  // namespace

std::size_t CaseSize(const FuzzCase& c) {
  if (c.kind == Kind::kRaw) {
    std::size_t size = 0;
    for (const std::string& piece : c.raw_pieces) size += piece.size();
    return size + c.raw_pieces.size();
  }
  std::size_t size = c.http.method.size() + c.http.target.size() + c.http.body.size();
  for (const auto& [name, value] : c.http.headers) size += name.size() + value.size() + 4;
  return size + (c.http.close ? 19 : 0);
}

std::vector<FuzzCase> SmallerVariants(const FuzzCase& c) {
  std::vector<FuzzCase> out;
  if (c.kind == Kind::kRaw) {
    if (c.raw_pieces.size() > 1) {
      FuzzCase joined = c;
      joined.raw_pieces = {""};
      for (const std::string& piece : c.raw_pieces) joined.raw_pieces[0] += piece;
      joined.slow_piece_ms = 0;
      out.push_back(std::move(joined));
      return out;
    }
    if (c.raw_pieces.empty()) return out;
    for (auto* variants : {&WithLinesRemoved, &WithRangesRemoved}) {
      for (std::string& bytes : variants(c.raw_pieces[0])) {
        FuzzCase smaller = c;
        smaller.raw_pieces = {std::move(bytes)};
        // Cut bytes may leave a request unfinished, or fewer requests than
        // before: the end of the sending side tells a correct server there
        // is no more (else it would rightly wait, and the wait would look
        // like the finding), and extra or missing answers prove nothing.
        smaller.raw_half_close = true;
        smaller.raw_count_known = false;
        out.push_back(std::move(smaller));
      }
    }
    return out;
  }
  for (std::size_t i = 0; i < c.http.headers.size(); ++i) {
    FuzzCase smaller = c;
    smaller.http.headers.erase(smaller.http.headers.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(std::move(smaller));
  }
  if (const std::size_t mark = c.http.target.find('?'); mark != std::string::npos) {
    const std::string path = c.http.target.substr(0, mark);
    const std::string query = c.http.target.substr(mark + 1);
    std::vector<std::string> params;
    for (std::size_t at = 0; at <= query.size();) {
      const std::size_t amp = std::min(query.find('&', at), query.size());
      params.push_back(query.substr(at, amp - at));
      at = amp + 1;
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::string rest;
      for (std::size_t j = 0; j < params.size(); ++j) {
        if (j != i) rest += (rest.empty() ? "" : "&") + params[j];
      }
      FuzzCase smaller = c;
      smaller.http.target = path + (rest.empty() ? "" : "?" + rest);
      out.push_back(std::move(smaller));
    }
  }
  std::vector<std::string> bodies = JsonVariants(c.http.body);
  if (bodies.empty() && c.http.body.size() > 1) bodies = WithRangesRemoved(c.http.body);
  for (std::string& body : bodies) {
    FuzzCase smaller = c;
    smaller.http.body = std::move(body);
    out.push_back(std::move(smaller));
  }
  return out;
}

Minimized Minimize(const FuzzCase& original,
                   const std::function<bool(const FuzzCase&)>& still_fails,
                   const MinimizeLimits& limits) {
  Minimized result;
  result.reproducer = original;
  const auto deadline = std::chrono::steady_clock::now() + limits.time;
  bool progress = true;
  while (progress) {
    progress = false;
    for (const FuzzCase& candidate : SmallerVariants(result.reproducer)) {
      if (result.attempts >= limits.attempts || std::chrono::steady_clock::now() >= deadline) {
        return result;
      }
      if (CaseSize(candidate) >= CaseSize(result.reproducer)) continue;
      ++result.attempts;
      if (still_fails(candidate)) {
        result.reproducer = candidate;
        ++result.accepted;
        progress = true;
        break;
      }
    }
  }
  return result;
}

}  // namespace remote_fuzz
