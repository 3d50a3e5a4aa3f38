"""What the bench ran on: the machine, its tools' versions and the commit."""

import os
import platform
import subprocess

from bench_common import ROOT


def first_line(argv):
    """A tool's first line of output (its version), or "not installed"."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]
    except OSError:
        return "not installed"


def machine_info():
    """The document's "machine" at the start (tools/bench adds loadavg_end)."""
    def git(*args):
        done = subprocess.run(["git", "-C", ROOT] + list(args), capture_output=True, text=True)
        return done.stdout.strip()
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return {"cores": len(os.sched_getaffinity(0)), "cpu": model, "memory_kib": mem_kib,
            "kernel": platform.release(), "bwrap": first_line(["bwrap", "--version"]),
            "wrk": first_line(["wrk", "-v"]), "gcc": first_line(["gcc", "--version"]),
            "python3": first_line(["/usr/bin/python3", "--version"]),
            "commit": git("rev-parse", "HEAD") or "unknown",
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "loadavg_start": load}
