#include "conformance/coverage.h"

#include <map>

namespace conformance {

std::string CoverageTable(const std::vector<Case>& cases) {
  std::vector<std::string> sections;
  std::map<std::string, std::vector<const Case*>> by_section;
  for (const Case& c : cases) {
    auto& list = by_section[c.section];
    if (list.empty()) sections.push_back(c.section);
    list.push_back(&c);
  }
  std::string table = "| section | documented | reference | optional |\n|---|---|---|---|\n";
  for (const std::string& section : sections) {
    std::string columns[3];
    for (const Case* c : by_section[section]) {
      std::string& column = columns[static_cast<int>(c->level)];
      column += (column.empty() ? "" : ", ") + ("`" + c->id + "`");
    }
    table += "| " + section + " | " + columns[0] + " | " + columns[1] + " | " + columns[2] + " |\n";
  }
  return table;
}

}  // namespace conformance
