#include "reference_server/sandbox/child_report.h"

namespace sandbox {

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kSync:
      return "waiting for the id maps";
    case Stage::kBecomeRoot:
      return "becoming root of the user namespace";
    case Stage::kExecInit:
      return "starting the sandbox's init";
    case Stage::kPlan:
      return "receiving the sandbox's plan";
    case Stage::kNotDumpable:
      return "making init non-dumpable";
    case Stage::kCgroupNamespace:
      return "entering a cgroup namespace";
    case Stage::kParentDeathSignal:
      return "setting the parent-death signal";
    case Stage::kHostname:
      return "setting the hostname";
    case Stage::kLoopback:
      return "bringing up loopback";
    case Stage::kMountPrivate:
      return "making mounts private";
    case Stage::kMountRoot:
      return "mounting the new root";
    case Stage::kMountBind:
      return "bind-mounting a host path";
    case Stage::kMountRemountReadOnly:
      return "remounting a bind read-only";
    case Stage::kMakeDirectory:
      return "creating a mount point";
    case Stage::kMakeSymlink:
      return "creating a symlink";
    case Stage::kWriteFile:
      return "writing a generated file";
    case Stage::kMountDev:
      return "building /dev";
    case Stage::kMountProc:
      return "mounting /proc";
    case Stage::kMountTmp:
      return "mounting /tmp";
    case Stage::kMountWork:
      return "mounting /work";
    case Stage::kReady:
      return "ready";
    case Stage::kRequest:
      return "receiving the run";
    case Stage::kWorkFiles:
      return "writing the work files";
    case Stage::kPivotRoot:
      return "pivot_root";
    case Stage::kDetachOldRoot:
      return "detaching the old root";
    case Stage::kRemountRootReadOnly:
      return "remounting the root read-only";
    case Stage::kFork:
      return "forking the program";
    case Stage::kChdir:
      return "entering /work";
    case Stage::kRlimits:
      return "setting resource limits";
    case Stage::kDropCapabilities:
      return "dropping capabilities";
    case Stage::kNoNewPrivs:
      return "setting no_new_privs";
    case Stage::kSeccomp:
      return "loading the seccomp filter";
    case Stage::kExec:
      return "executing the program";
    case Stage::kDone:
      return "done";
  }
  return "unknown step";
}

}  // namespace sandbox
