#include "reference_server/sandbox/cgroup_parse.h"

#include <cstdlib>

namespace sandbox {
namespace {

// The lines of `text`, one at a time.
template <typename Visit>
void ForEachLine(std::string_view text, Visit visit) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (visit(text.substr(0, end))) return;
    if (end == std::string_view::npos) return;
    text.remove_prefix(end + 1);
  }
}

bool ListHas(std::string_view list, std::string_view item) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (list.substr(0, comma) == item) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string OwnCgroupPath(std::string_view proc_self_cgroup, std::string_view controller) {
  std::string path;
  ForEachLine(proc_self_cgroup, [&](std::string_view line) {
    // "hierarchy-id:controller,list:/path"; v2's line has an empty list.
    const std::size_t first = line.find(':');
    const std::size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) return false;
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    const bool match = controller.empty() ? controllers.empty() : ListHas(controllers, controller);
    if (match) path = std::string(line.substr(second + 1));
    return match;
  });
  return path;
}

long KeyedValue(std::string_view text, std::string_view key) {
  long value = 0;
  ForEachLine(text, [&](std::string_view line) {
    if (line.size() <= key.size() || !line.starts_with(key) || line[key.size()] != ' ') {
      return false;
    }
    value = std::atol(std::string(line.substr(key.size() + 1)).c_str());
    return true;
  });
  return value;
}

std::string JoinCgroupPath(const std::string& hierarchy, const std::string& path) {
  return hierarchy + (path == "/" ? "" : path);
}

}  // namespace sandbox
