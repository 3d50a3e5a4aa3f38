#ifndef REFERENCE_SERVER_SANDBOX_RUN_H_
#define REFERENCE_SERVER_SANDBOX_RUN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sandbox {

struct WorkFile {
  std::string name;  // a single path component; see work_files.h
  std::string content;
  bool executable = false;
};

// What to run: steps one after the other in the same sandbox (build steps,
// then the program), each an argv whose [0] is an absolute path inside.
// A step that fails stops the run there.
struct RunSpec {
  std::vector<std::vector<std::string>> steps;
  // Run after the steps whatever their outcome (e.g. building an extra
  // artifact); their output joins stderr and their status is not reported.
  std::vector<std::vector<std::string>> after_steps;
  std::vector<std::pair<std::string, std::string>> env;  // added to the base env
  std::vector<WorkFile> files;                           // written into /work
  // Host paths bound read-only at the same place for this run, besides the
  // policy's, skipped when absent: what a language reads (its /etc files).
  std::vector<std::string> binds;
  // Files of /work to hand back after the run (e.g. the compiled binary),
  // read without following symlinks, regular files only.
  std::vector<std::string> artifacts;
};

struct ArtifactResult {
  std::string name;
  bool found = false;
  std::string content;
  // When not found: "was not produced", "is a symbolic link", "is not a
  // regular file", "is larger than the file size limit".
  std::string error;
};

struct RunResult {
  // How the program ended: exit_code when it exited, else the signal.
  // Index of the step the status belongs to: the last one, or the build
  // step that failed.
  int step = -1;
  bool exited = false;
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;  // wall time ran out; everything was killed
  bool cancelled = false;  // the caller cancelled; everything was killed
  std::string stdout_text;
  std::string stderr_text;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::int64_t wall_ms = 0;
  std::int64_t cpu_ms = 0;        // user + system, every process of the run
  bool memory_limit_hit = false;  // the cgroup's OOM killer struck
  // How memory and processes were bounded on this run, e.g.
  // "memory: cgroup v1; processes: cgroup v1 + RLIMIT_NPROC".
  std::string enforcement;
  // One per RunSpec::artifacts, in order (none when the run was killed).
  std::vector<ArtifactResult> artifacts;
  // Set when the sandbox itself could not be set up (not the program's
  // fault): e.g. "mount /usr: Permission denied".
  std::string setup_error;
  // The setup error is that a semitrusted run's network could not be made;
  // the program did not run (it never falls back to the host's network).
  bool network_unavailable = false;
  // Destinations the egress policy refused to a semitrusted run (a few),
  // e.g. "connect: 10.9.9.9:80: 10.9.9.9 is private (10.0.0.0/8)".
  std::vector<std::string> network_refusals;
};

}  // namespace sandbox

#endif  // REFERENCE_SERVER_SANDBOX_RUN_H_
