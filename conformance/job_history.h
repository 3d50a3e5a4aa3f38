#ifndef CONFORMANCE_JOB_HISTORY_H_
#define CONFORMANCE_JOB_HISTORY_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rapidjson/document.h"

namespace conformance {

// Every status a case saw for each job, in the order it saw them, from
// any answer that shows one (an async acknowledgement, GET /jobs/{id}, an
// entry of GET /jobs).
class JobHistory {
 public:
  // Records the job status(es) an answer shows, if any: a top-level
  // {"job_id", "status"} or a {"jobs": [...]} list. `where` says which step.
  void RecordAnswer(const rapidjson::Value& body, const std::string& where);
  void Record(const std::string& job_id, const std::string& status, const std::string& where);
  // A job the case made whose status it has not seen (an acknowledgement
  // with only a job_id, a Location: /jobs/{id}): unfinished until a final
  // status is seen, and recognised in job lists from now on.
  void Note(const std::string& job_id);

  // The problems of the observed sequences: an unknown status, a status
  // going back (pending < running < final), a final status changing.
  // Polls can miss states, so pending -> completed is fine.
  std::vector<std::string> Violations() const;

  // Jobs whose last seen status is not final, or that showed none: what
  // cleanup must cancel, in the order they were first seen.
  std::vector<std::string> Unfinished() const;

  // "pending, running x3, completed" for a job.
  std::string Describe(const std::string& job_id) const;

 private:
  struct Seen {
    std::string status;
    std::string where;
  };
  std::map<std::string, std::vector<Seen>> jobs_;
  std::vector<std::string> order_;
};

bool IsFinalStatus(const std::string& status);

// The job ids a successful answer names without a status: the top-level
// "job_id" of an answer that leaves the status out (an acknowledgement;
// not a run's result, which has stdout, stderr, exit_code or error: its
// run is over), and the id of a Location header /jobs/{id} (a path or an
// absolute URL, under the target's `base_path`).
std::vector<std::string> JobIdsWithoutStatus(const rapidjson::Value& body,
                                             const std::optional<std::string>& location,
                                             const std::string& base_path);

}  // namespace conformance

#endif  // CONFORMANCE_JOB_HISTORY_H_
