#ifndef TOOLS_FAULT_PROXY_QUERY_H_
#define TOOLS_FAULT_PROXY_QUERY_H_

#include <string>
#include <string_view>
#include <vector>

namespace fault_proxy {

// One '&'-separated part of a query string. `raw` is kept as received so
// that a fault rewriting one parameter leaves the others byte-for-byte;
// `name` and `value` are decoded (form-urlencoded: %XX and '+') only to
// recognise parameters the way the server does.
struct QueryPart {
  std::string raw;
  std::string name;
  std::string value;
};

std::vector<QueryPart> SplitQuery(std::string_view query);

// `path` followed by '?' and the parts joined by '&' (no '?' when there are
// no parts).
std::string JoinTarget(std::string_view path, const std::vector<QueryPart>& parts);

// A part whose raw text is `name=value` (both already safe in a query).
QueryPart MakeQueryPart(std::string_view name, std::string_view value);

// Keeps the raw name of `part` and gives it a new (already encoded) value.
void SetRawValue(QueryPart& part, std::string_view encoded_value);

std::string FormDecode(std::string_view text);

}  // namespace fault_proxy

#endif  // TOOLS_FAULT_PROXY_QUERY_H_
