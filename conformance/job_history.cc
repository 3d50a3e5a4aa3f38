#include "conformance/job_history.h"

#include <string_view>
#include <utility>

namespace conformance {

namespace {

// The documented statuses ranked by how far a job has gone; -1 for any
// other string.
int RankOf(const std::string& status) {
  if (status == "pending") return 0;
  if (status == "running") return 1;
  if (status == "completed" || status == "timeout" || status == "cancelled") return 2;
  return -1;
}

// The job id of a Location value naming /jobs/{id}, or "".
std::string JobIdInLocation(std::string location, const std::string& base_path) {
  if (const std::size_t scheme = location.find("://"); scheme != std::string::npos) {
    const std::size_t path = location.find('/', scheme + 3);
    location = path == std::string::npos ? "" : location.substr(path);
  }
  location = location.substr(0, location.find_first_of("?#"));
  if (!base_path.empty() && location.rfind(base_path + "/", 0) == 0) {
    location.erase(0, base_path.size());
  }
  constexpr std::string_view kPrefix = "/jobs/";
  if (location.rfind(kPrefix, 0) != 0) return "";
  const std::string id = location.substr(kPrefix.size());
  return id.find('/') == std::string::npos ? id : "";
}

}  // namespace

std::vector<std::string> JobIdsWithoutStatus(const rapidjson::Value& body,
                                             const std::optional<std::string>& location,
                                             const std::string& base_path) {
  std::vector<std::string> ids;
  if (body.IsObject() && !body.HasMember("status")) {
    const auto id = body.FindMember("job_id");
    bool result = false;
    // A run's result (stdout, ...), or a DELETE's answer carrying the
    // cancelled job's result: that job is over, nothing to cancel.
    for (const char* member : {"stdout", "stderr", "exit_code", "error", "result"}) {
      result = result || body.HasMember(member);
    }
    if (id != body.MemberEnd() && id->value.IsString() && id->value.GetStringLength() > 0 &&
        !result) {
      ids.emplace_back(id->value.GetString(), id->value.GetStringLength());
    }
  }
  if (location) {
    if (std::string id = JobIdInLocation(*location, base_path); !id.empty()) {
      ids.push_back(std::move(id));
    }
  }
  return ids;
}

bool IsFinalStatus(const std::string& status) { return RankOf(status) == 2; }

void JobHistory::Record(const std::string& job_id, const std::string& status,
                        const std::string& where) {
  auto [entry, added] = jobs_.try_emplace(job_id);
  if (added) order_.push_back(job_id);
  entry->second.push_back({status, where});
}

void JobHistory::Note(const std::string& job_id) {
  if (jobs_.try_emplace(job_id).second) order_.push_back(job_id);
}

void JobHistory::RecordAnswer(const rapidjson::Value& body, const std::string& where) {
  if (!body.IsObject()) return;
  const auto id = body.FindMember("job_id");
  const auto status = body.FindMember("status");
  if (id != body.MemberEnd() && status != body.MemberEnd() && id->value.IsString() &&
      status->value.IsString()) {
    Record(id->value.GetString(), status->value.GetString(), where);
  }
  const auto jobs = body.FindMember("jobs");
  if (jobs != body.MemberEnd() && jobs->value.IsArray()) {
    // Only jobs this case made: the list also shows other cases' jobs of
    // the same key, which this case must neither judge nor clean up.
    for (const auto& job : jobs->value.GetArray()) {
      if (!job.IsObject()) continue;
      const auto listed_id = job.FindMember("job_id");
      const auto listed_status = job.FindMember("status");
      if (listed_id != job.MemberEnd() && listed_status != job.MemberEnd() &&
          listed_id->value.IsString() && listed_status->value.IsString() &&
          jobs_.count(listed_id->value.GetString()) != 0) {
        Record(listed_id->value.GetString(), listed_status->value.GetString(),
               where + " (job list)");
      }
    }
  }
}

std::vector<std::string> JobHistory::Violations() const {
  std::vector<std::string> problems;
  for (const std::string& id : order_) {
    const std::vector<Seen>& seen = jobs_.at(id);
    for (std::size_t i = 0; i < seen.size(); ++i) {
      const int rank = RankOf(seen[i].status);
      if (rank < 0) {
        problems.push_back("job " + id + ": unknown status \"" + seen[i].status + "\" in " +
                           seen[i].where +
                           " (documented: pending, running, completed, timeout, cancelled)");
        continue;
      }
      if (i == 0) continue;
      const int before = RankOf(seen[i - 1].status);
      if (before < 0) continue;
      if (rank < before) {
        problems.push_back("job " + id + ": status went back from " + seen[i - 1].status + " to " +
                           seen[i].status + " in " + seen[i].where + " (seen: " + Describe(id) +
                           ")");
      } else if (rank == 2 && before == 2 && seen[i].status != seen[i - 1].status) {
        problems.push_back("job " + id + ": final status changed from " + seen[i - 1].status +
                           " to " + seen[i].status + " in " + seen[i].where);
      }
    }
  }
  return problems;
}

std::vector<std::string> JobHistory::Unfinished() const {
  std::vector<std::string> ids;
  for (const std::string& id : order_) {
    const std::vector<Seen>& seen = jobs_.at(id);
    if (seen.empty() || !IsFinalStatus(seen.back().status)) ids.push_back(id);
  }
  return ids;
}

std::string JobHistory::Describe(const std::string& job_id) const {
  const auto found = jobs_.find(job_id);
  if (found == jobs_.end()) return "(nothing)";
  if (found->second.empty()) return "(no status seen)";
  std::string text;
  const std::vector<Seen>& seen = found->second;
  for (std::size_t i = 0; i < seen.size();) {
    std::size_t run = 1;
    while (i + run < seen.size() && seen[i + run].status == seen[i].status) ++run;
    text +=
        (text.empty() ? "" : ", ") + seen[i].status + (run > 1 ? " x" + std::to_string(run) : "");
    i += run;
  }
  return text;
}

}  // namespace conformance
