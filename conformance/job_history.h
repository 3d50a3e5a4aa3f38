#ifndef CONFORMANCE_JOB_HISTORY_H_
#define CONFORMANCE_JOB_HISTORY_H_

#include <map>
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

  // The problems of the observed sequences: an unknown status, a status
  // going back (pending < running < final), a final status changing.
  // Polls can miss states, so pending -> completed is fine.
  std::vector<std::string> Violations() const;

  // Jobs whose last seen status is not final: what cleanup must cancel.
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

}  // namespace conformance

#endif  // CONFORMANCE_JOB_HISTORY_H_
