// render_page: a report page from its JSON form, for reports written by
// scripts (tools/fault_matrix, tools/bench).
//
//   render_page [--in FILE] [--out FILE]
//
// Reads the page's JSON (html_page.h, PageFromJson) from FILE or stdin and
// writes the HTML to FILE or stdout. Exit status: 0; 2 for a bad flag or a
// bad page ("render_page: FILE: sections[1].items[0].title: must be a
// string"); 1 when a file cannot be read or written.
#include <cerrno>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/expected.h"
#include "base/system_error.h"
#include "tools/html_page/html_page.h"

namespace {

constexpr std::string_view kUsage = "usage: render_page [--in FILE] [--out FILE]\n";

struct Flags {
  std::string in;   // empty: stdin
  std::string out;  // empty: stdout
};

base::Expected<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    std::string* target = flag == "--in" ? &flags.in : flag == "--out" ? &flags.out : nullptr;
    if (target == nullptr) {
      return base::MakeError(base::ErrorCode::kInvalidArgument, "unknown flag", std::string(flag));
    }
    if (i + 1 >= argc || std::string_view(argv[i + 1]).empty()) {
      return base::MakeError(base::ErrorCode::kInvalidArgument, "wants a file name",
                             std::string(flag));
    }
    *target = argv[++i];
  }
  return flags;
}

base::Expected<std::string> ReadAll(const std::string& path) {
  std::ostringstream text;
  if (path.empty()) {
    text << std::cin.rdbuf();
    if (std::cin.bad()) return base::MakeError(base::ErrorCode::kInternal, "cannot read", "stdin");
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::ErrnoError(errno, path, "cannot read: ");
  text << in.rdbuf();
  if (in.bad()) return base::ErrnoError(errno, path, "cannot read: ");
  return text.str();
}

base::Status WriteAll(const std::string& path, const std::string& html) {
  if (path.empty()) {
    std::cout << html << std::flush;
    if (!std::cout) return base::MakeError(base::ErrorCode::kInternal, "cannot write", "stdout");
    return base::Ok();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return base::ErrnoError(errno, path, "cannot write: ");
  out << html;
  out.close();
  if (!out) return base::ErrnoError(errno, path, "cannot write: ");
  return base::Ok();
}

int Fail(const base::Error& error, std::string_view context = "") {
  std::cerr << "render_page: " << context << error.Describe() << "\n";
  return error.exit_status();
}

}  // namespace

int main(int argc, char** argv) {
  base::Expected<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) {
    std::cerr << kUsage;
    return Fail(flags.error());
  }
  base::Expected<std::string> json = ReadAll(flags->in);
  if (!json.ok()) return Fail(json.error());
  base::Expected<html_page::Page> page = html_page::PageFromJson(*json);
  // The input's name first: the error's own path is a member's.
  const std::string name = flags->in.empty() ? "stdin" : flags->in;
  if (!page.ok()) return Fail(page.error(), name + ": ");
  base::Status written = WriteAll(flags->out, html_page::Render(*page, html_page::RandomNonce()));
  return written.ok() ? 0 : Fail(written.error());
}
