"""The latency part of tools/bench: per-run p50/p90/p99 of each trivial
program, bare, under unshare, under bwrap, through sandbox_run and through
POST /execute to the pooled server and to the unpooled one, interleaved by
exec_latency; for sh also the sandbox's in-process Run(), with and without
a pool (sandbox_latency). add_ratios() then puts each sandboxed p50 over
each baseline's, and each pooled p50 over its unpooled twin's, into the
document."""

import json
import os

from bench_check import LATENCY_POOLED_PAIRS
from bench_common import GOOD_RESULT, POOL, WORKLOADS, derived, log, pointer, run

# New namespaces alone, as the sandbox makes them: the cost of unsharing.
UNSHARE = ["unshare", "-U", "-r", "-p", "-f", "-m", "-i", "-u", "-n"]
# sandbox_latency's series, by the names the document gives them.
IN_PROCESS = {"bare exec": "bare", "zerotrust": "sandbox", "zerotrust pooled": "sandbox_pooled"}
def series_label(where):
    """"http", or "in-process sandbox" for an in-process series."""
    return where[-1] if where[0] == "series" else "in-process " + where[-1]


def http_series(bench, name, label, server, expect):
    return {"name": label, "http": {"url": server.url + "/execute",
                                    "body_file": os.path.join(bench.tmp, name + ".json"),
                                    "key_file": bench.key_files[0]},
            "expect": expect}


def measure(bench):
    """The part's JSON: each workload's six series, and sh's in-process three."""
    o = bench.o
    out = {"workloads": {}, "ratios": [],
           "method": "exec_latency --spec (one C++ process: posix_spawn + wait, or one "
                     "POST on a kept-alive connection; the six series interleaved, round "
                     "after round, after one warm-up run each; nearest-rank percentiles); "
                     "http: the server with --sandbox-pool %d, http_unpooled: the one with "
                     "--sandbox-pool 0; sandbox_latency --only zerotrust --pool %d for sh "
                     "in-process (its own interleaving and rounding of percentiles; a pooled "
                     "run is timed once its pool is full again)" % (POOL, POOL)}
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
            http_series(bench, name, "http", bench.server, expect_api),
            http_series(bench, name, "http_unpooled", bench.unpooled, expect_api),
        ]
        runs = o.runs if name != "c" else max(2, o.runs // 4)
        limit = 30 if o.smoke else 300
        log("latency %s: %d runs of each of %d series (at most %d s)"
            % (name, runs, len(series), limit))
        measured = bench.exec_latency(series, ["--runs", str(runs), "--seconds", str(limit)],
                                      timeout=limit + 600)
        out["workloads"][name] = {
            "command": " ".join(workload["argv"]) + " (%s in the sandbox)" % workload["file"],
            "series": measured}
    log("latency sh in-process: sandbox_latency --runs %d --only zerotrust --pool %d"
        % (o.runs, POOL))
    result_file = os.path.join(bench.tmp, "sandbox_latency.json")
    run([bench.bin["sandbox_latency"], "--runs", str(o.runs), "--only", "zerotrust",
         "--pool", str(POOL), "--json", result_file], timeout=600)
    with open(result_file) as f:
        result = json.load(f)
    out["workloads"]["sh"]["in_process"] = {
        "command": "sandbox_latency: Sandbox::Run of /bin/sh -c true without a pool and with "
                   "one of %d (timed once it is full again), and posix_spawn of it" % POOL,
        "series": {IN_PROCESS[s["name"]]: {"runs": result["runs"], "p50_ms": s["p50_ms"],
                                           "p90_ms": s["p90_ms"], "p99_ms": s["p99_ms"],
                                           "max_ms": s["max_ms"]}
                   for s in result["series"] if s["name"] in IN_PROCESS}}
    return out


def add_ratios(doc):
    """Each sandboxed p50 over each baseline's, and each pooled p50 over its
    unpooled twin's, as derived values (the checker recomputes them), in the
    latency part's "ratios"."""
    latency = doc["parts"]["latency"]
    if latency.get("status") != "ok":
        return
    for name in WORKLOADS:
        base = ("parts", "latency", "workloads", name)
        sandboxed = [("sandbox_run", base + ("series", "sandbox_run")),
                     ("http", base + ("series", "http")),
                     ("http_unpooled", base + ("series", "http_unpooled"))]
        if name == "sh":
            sandboxed += [("in-process sandbox", base + ("in_process", "series", "sandbox")),
                          ("in-process sandbox_pooled",
                           base + ("in_process", "series", "sandbox_pooled"))]
        for label, where in sandboxed:
            for baseline in ("bare", "unshare", "bwrap"):
                latency["ratios"].append(derived(
                    doc, "ratio", pointer(*where, "p50_ms"),
                    pointer(*base, "series", baseline, "p50_ms"),
                    label="%s %s p50 / %s p50" % (name, label, baseline)))
        if name == "sh":
            for series in ("sandbox", "sandbox_pooled"):
                latency["ratios"].append(derived(
                    doc, "ratio", pointer(*base, "in_process", "series", series, "p50_ms"),
                    pointer(*base, "in_process", "series", "bare", "p50_ms"),
                    label="sh in-process %s p50 / in-process bare p50" % series))
        for workloads, pooled, unpooled in LATENCY_POOLED_PAIRS:
            if name in workloads:
                latency["ratios"].append(derived(
                    doc, "ratio", pointer(*base, *pooled, "p50_ms"),
                    pointer(*base, *unpooled, "p50_ms"), kind="pooled over unpooled",
                    label="%s %s p50 / %s p50 (pooled over unpooled)"
                          % (name, series_label(pooled), series_label(unpooled))))
