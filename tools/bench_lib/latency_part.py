"""The latency part of tools/bench: per-run p50/p90/p99 of each trivial
program, bare, under unshare, under bwrap, through sandbox_run and through
POST /execute, interleaved by exec_latency; for sh also the sandbox's
in-process Run() (sandbox_latency). add_ratios() then puts each sandboxed
p50 over each baseline's into the document."""

import json
import os

from bench_common import GOOD_RESULT, WORKLOADS, derived, log, pointer, run

# New namespaces alone, as the sandbox makes them: the cost of unsharing.
UNSHARE = ["unshare", "-U", "-r", "-p", "-f", "-m", "-i", "-u", "-n"]


def measure(bench):
    """The part's JSON: each workload's five series, and sh's in-process pair."""
    o = bench.o
    out = {"workloads": {}, "ratios": [],
           "method": "exec_latency --spec (one C++ process: posix_spawn + wait, or one "
                     "POST on a kept-alive connection; the five series interleaved, round "
                     "after round, after one warm-up run each; nearest-rank percentiles); "
                     "sandbox_latency --only zerotrust for sh in-process (its own "
                     "interleaving and rounding of percentiles)"}
    for name, workload in WORKLOADS.items():
        bench.check_by_hand(name)
        expect_out = [workload["stdout"]] if workload["stdout"] else []
        expect_api = GOOD_RESULT + (['"stdout":"hello\\n"'] if workload["stdout"] else [])
        series = [
            {"name": "bare", "argv": workload["argv"], "expect": expect_out},
            {"name": "unshare", "argv": UNSHARE + workload["argv"], "expect": expect_out},
            {"name": "bwrap", "argv": bench.bwrap(name), "expect": expect_out},
            {"name": "sandbox_run", "argv": [bench.bin["sandbox_run"], "--language", name,
                                             workload["file"]], "expect": expect_api},
            {"name": "http", "http": {"url": bench.server.url + "/execute",
                                      "body_file": os.path.join(bench.tmp, name + ".json"),
                                      "key_file": bench.key_files[0]},
             "expect": expect_api},
        ]
        runs = o.runs if name != "c" else max(2, o.runs // 4)
        limit = 30 if o.smoke else 300
        log("latency %s: %d runs of each of 5 series (at most %d s)" % (name, runs, limit))
        measured = bench.exec_latency(series, ["--runs", str(runs), "--seconds", str(limit)],
                                      timeout=limit + 600)
        out["workloads"][name] = {
            "command": " ".join(workload["argv"]) + " (%s in the sandbox)" % workload["file"],
            "series": measured}
    log("latency sh in-process: sandbox_latency --runs %d --only zerotrust" % o.runs)
    result_file = os.path.join(bench.tmp, "sandbox_latency.json")
    run([bench.bin["sandbox_latency"], "--runs", str(o.runs), "--only", "zerotrust",
         "--json", result_file], timeout=600)
    with open(result_file) as f:
        result = json.load(f)
    names = {"bare exec": "bare", "zerotrust": "sandbox"}
    out["workloads"]["sh"]["in_process"] = {
        "command": "sandbox_latency: Sandbox::Run of /bin/sh -c true, and posix_spawn of it",
        "series": {names[s["name"]]: {"runs": result["runs"], "p50_ms": s["p50_ms"],
                                      "p90_ms": s["p90_ms"], "p99_ms": s["p99_ms"],
                                      "max_ms": s["max_ms"]} for s in result["series"]}}
    return out


def add_ratios(doc):
    """Each sandboxed p50 over each baseline's, as derived values (the
    checker recomputes them), in the latency part's "ratios"."""
    latency = doc["parts"]["latency"]
    if latency.get("status") != "ok":
        return
    for name in WORKLOADS:
        base = ("parts", "latency", "workloads", name)
        sandboxed = [("sandbox_run", base + ("series", "sandbox_run")),
                     ("http", base + ("series", "http"))]
        if name == "sh":
            sandboxed.append(("in-process sandbox", base + ("in_process", "series", "sandbox")))
        for label, where in sandboxed:
            baselines = ["bare", "unshare", "bwrap"]
            for baseline in baselines:
                latency["ratios"].append(derived(
                    doc, "ratio", pointer(*where, "p50_ms"),
                    pointer(*base, "series", baseline, "p50_ms"),
                    label="%s %s p50 / %s p50" % (name, label, baseline)))
        if name == "sh":
            latency["ratios"].append(derived(
                doc, "ratio", pointer(*base, "in_process", "series", "sandbox", "p50_ms"),
                pointer(*base, "in_process", "series", "bare", "p50_ms"),
                label="sh in-process sandbox p50 / in-process bare p50"))
