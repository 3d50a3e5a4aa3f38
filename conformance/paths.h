#ifndef CONFORMANCE_PATHS_H_
#define CONFORMANCE_PATHS_H_

#include <string>

namespace conformance {

// A data file of the project, found in the binary's runfiles (RUNFILES_DIR,
// TEST_SRCDIR, argv0.runfiles), else under the current directory (a source
// tree); `relative` itself when neither has it.
std::string DataPath(const std::string& argv0, const std::string& relative);

// A path the user named: `bazel run` starts the binary in its runfiles, so
// a relative path is taken from where the user was (BUILD_WORKING_DIRECTORY).
std::string UserPath(const std::string& path);

}  // namespace conformance

#endif  // CONFORMANCE_PATHS_H_
