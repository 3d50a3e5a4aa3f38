"""The fuzz part of tools/bench: exec/s of each libFuzzer target (built
with --config=fuzz, ASan+UBSan) on a copy of its seed corpus."""

import os
import re
import shutil

from bench_common import ROOT, BenchError, log, run

FUZZ_TARGETS = ("request_json_fuzzer", "base64_fuzzer", "filename_fuzzer", "run_request_fuzzer",
                "http_request_fuzzer", "init_request_fuzzer")


def measure(bench):
    """The part's JSON: each target run for --seconds with its options and
    dictionary."""
    seconds = bench.o.seconds
    out = {"seconds_per_target": seconds, "targets": {},
           "method": "bazel build --config=fuzz (clang, libFuzzer, ASan+UBSan); each target "
                     "-max_total_time=S on a copy of fixtures/fuzz/T/corpus with its options "
                     "and dictionary; stat::average_exec_per_sec"}
    fixtures = os.path.join(ROOT, "fixtures", "fuzz")
    for target in FUZZ_TARGETS:
        work = os.path.join(bench.tmp, "fuzz", target)
        shutil.copytree(os.path.join(fixtures, target, "corpus"), os.path.join(work, "corpus"))
        options = {}
        with open(os.path.join(fixtures, target, target + ".options")) as f:
            for line in f:
                if "=" in line and not line.startswith("["):
                    key, value = (part.strip() for part in line.split("=", 1))
                    options[key] = value
        argv = [os.path.join(bench.bin["fuzz"], target), "-max_total_time=%d" % seconds,
                "-print_final_stats=1", "-artifact_prefix=%s/" % work,
                "-dict=%s" % os.path.join(fixtures, target, target + ".dict")]
        argv += ["-%s=%s" % (k, options[k]) for k in ("max_len", "timeout", "rss_limit_mb")
                 if k in options]
        log("fuzz %s: %d s" % (target, seconds))
        done = run(argv + [os.path.join(work, "corpus")], seconds + 120, cwd=work)
        stats = dict(re.findall(r"^stat::(\w+):\s*(\d+)", done.stderr, re.M))
        if "average_exec_per_sec" not in stats:
            raise BenchError("%s printed no stats: %s" % (target, done.stderr[-500:]))
        out["targets"][target] = {
            "exec_per_s": int(stats["average_exec_per_sec"]),
            "peak_rss_mb": int(stats.get("peak_rss_mb", 0)) or None,
            "counts": {"executed_units": int(stats.get("number_of_executed_units", 0)),
                       "corpus_files": len(os.listdir(os.path.join(work, "corpus")))}}
        if out["targets"][target]["peak_rss_mb"] is None:
            del out["targets"][target]["peak_rss_mb"]
    return out

