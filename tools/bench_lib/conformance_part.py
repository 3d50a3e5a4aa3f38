"""The conformance part of tools/bench: the conformance suite's wall time
against the bench's server (a few cases with --smoke, else every case)."""

import json
import os
import subprocess
import time

from bench_common import BenchError, log

# The cases of a smoke run: auth, a run, a failing run's exit code, an async job.
SMOKE_CASES = ["auth.missing_key", "execute.hello", "execute.exit_code.nonzero",
               "execute_async.completes"]


def measure(bench):
    """The part's JSON; failed cases are counted, not an error of the part."""
    report = os.path.join(bench.tmp, "conformance.json")
    argv = [bench.bin["conformance"], "--target", bench.server.url, "--api-key", bench.keys[0],
            "--second-api-key", bench.keys[1], "--json", report]
    cases = SMOKE_CASES if bench.o.smoke else []
    for case in cases:
        argv += ["--filter", case]
    log("conformance: %s" % ("%d cases" % len(cases) if cases else "every case"))
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired:
        raise BenchError("the conformance suite took over 1800 s")
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise BenchError("the conformance runner exited %d: %s"
                         % (done.returncode, done.stderr.strip()[-800:]))
    with open(report) as f:
        summary = json.load(f)["summary"]
    counts = {k: v for k, v in summary.items() if k != "duration_s"}
    out = {"wall_s": wall, "runner_duration_s": summary["duration_s"], "counts": counts,
           "command": "conformance --target URL --api-key KEY --second-api-key KEY2"
                      + "".join(" --filter " + c for c in cases)}
    return out
