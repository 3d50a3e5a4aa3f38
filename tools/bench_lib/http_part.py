"""The http part of tools/bench: executions/s of sh `true` through POST
/execute with wrk at each concurrency (and of python `pass` at as many
connections as cores), the async submit-to-completed rate, and as
baselines the rates of bwrap sh and bare python by as many parallel loops
as cores (exec_latency --parallel). wrk() also serves the memory part."""

import http.client
import json
import os
import re
import time

from bench_common import GOOD_RESULT, WORKLOADS, BenchError, log, run
from bench_server import RssSampler


def wrk(bench, name, connections, seconds):
    """wrk at `connections` for `seconds` with tools/bench_lib/wrk_post.lua."""
    threads = min(connections, bench.cores)
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", "%ds" % seconds,
            "--timeout", "30s", "--latency", "-s", bench.bin["wrk_lua"],
            bench.server.url + "/execute", "--",
            os.path.join(bench.tmp, "%s.json" % name), bench.key_files[0]] + GOOD_RESULT
    done = run(argv, seconds + 90)
    match = re.search(r"^bench-wrk: (\{.*\})$", done.stdout, re.M)
    if not match:
        raise BenchError("wrk printed no result: %s" % done.stdout[-500:])
    r = json.loads(match.group(1))
    latency, errors = r["latency_us"], r["errors"]
    counts = {"requests": r["requests"], "good": r["good"], "non_2xx": r["non_2xx"],
              "bad_body": r["bad_body"], "socket_connect": errors["connect"],
              "socket_read": errors["read"], "socket_write": errors["write"],
              "socket_timeout": errors["timeout"]}
    seconds_run = r["duration_us"] / 1e6
    entry = {"connections": connections, "threads": threads, "seconds": seconds_run,
             "rate_per_s": r["good"] / seconds_run}
    for p in ("min", "p50", "p90", "p99", "max", "mean"):
        entry["%s_ms" % p] = latency[p] / 1000.0
    entry["counts"] = counts
    bad = counts["non_2xx"] + counts["bad_body"] + sum(errors.values()) - errors["status"]
    if bad:
        log("wrk %s at %d connections: %d error(s): %s" % (name, connections, bad, counts))
    return entry


def measure(bench, sample_memory):
    """The part's JSON. With `sample_memory`, the server's VmRSS is sampled
    during the wrk run at the top concurrency, into bench.peak for the
    memory part; bench.server_idle_kib is read before any load."""
    o = bench.o
    out = {"check": bench.check_by_hand("sh"), "concurrency": []}
    loops = bench.cores
    log("baselines: bwrap sh and bare python, %d parallel loops, %d s each" % (loops, o.seconds))
    rounds = 1 if o.smoke else 2
    baselines = bench.exec_latency(
        [{"name": "bwrap_sh", "argv": bench.bwrap("sh")},
         {"name": "bare_python", "argv": WORKLOADS["python"]["argv"]}],
        ["--parallel", str(loops), "--rounds", str(rounds), "--seconds", str(o.seconds),
         "--runs", "100000"], timeout=2 * o.seconds + 600)
    for entry in baselines.values():
        entry["loops"] = loops
    out["baselines"] = dict(
        baselines, method="exec_latency --parallel %d --rounds %d: C++ threads, each a loop "
                          "of posix_spawn + wait" % (loops, rounds))
    bench.server_idle_kib = bench.server.rss_kib()
    top = max(o.concurrency)
    for connections in o.concurrency:
        log("wrk sh true: %d connection(s), %d s" % (connections, o.seconds))
        if connections == top and sample_memory:
            with RssSampler(bench.server) as sampler:
                entry = wrk(bench, "sh", connections, o.seconds)
            bench.peak = (sampler.peak, sampler.samples, connections)
        else:
            entry = wrk(bench, "sh", connections, o.seconds)
        out["concurrency"].append(entry)
    bench.check_by_hand("python")
    log("wrk python pass: %d connection(s), %d s" % (loops, o.seconds))
    out["python"] = wrk(bench, "python", loops, o.seconds)
    out["async"] = async_rate(bench, o.async_jobs)
    out["method"] = ("wrk -t min(C, cores) -c C -d S --latency -s wrk_post.lua; rate_per_s "
                     "counts only 2xx answers with success true and exit_code 0")
    return out


def async_rate(bench, jobs):
    """Submits `jobs` sh jobs to /execute/async, then polls GET /jobs (the
    key's pending and running jobs) every 5 ms until none is left."""
    log("async: %d jobs" % jobs)
    key = bench.keys[2]
    body = json.dumps({"language": "sh", "code": "true\n"})
    connection = http.client.HTTPConnection(bench.server.host, bench.server.port, timeout=60)
    headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
    ids, polls = [], 0
    try:
        start = time.perf_counter()
        for _ in range(jobs):
            connection.request("POST", "/execute/async", body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read()
            if answer.status != 202:
                raise BenchError("POST /execute/async: %d %s" % (answer.status, text[:300]))
            ids.append(json.loads(text)["job_id"])
        submitted = time.perf_counter()
        deadline = submitted + 120
        while True:
            connection.request("GET", "/jobs", headers=headers)
            answer = connection.getresponse()
            active = json.loads(answer.read())["jobs"]
            polls += 1
            if not active:
                break
            if time.perf_counter() > deadline:
                raise BenchError("%d async jobs still active after 120 s" % len(active))
            time.sleep(0.005)  # the poll's period; the condition is the list
        done = time.perf_counter()
    finally:
        connection.close()
    for job_id in ids:  # every one completed, and well
        status, job = bench.api("GET", "/jobs/" + job_id, key)
        result = job.get("result") or {}
        if status != 200 or job.get("status") != "completed" or result.get("exit_code") != 0:
            raise BenchError("job %s: %d %s" % (job_id, status, json.dumps(job)[:300]))
    return {"jobs": jobs, "submit_s": submitted - start, "seconds": done - start,
            "rate_per_s": jobs / (done - start), "counts": {"polls": polls},
            "method": "POST /execute/async N times on one connection, then GET /jobs every "
                      "5 ms until the key has no pending or running job; each job then read "
                      "(completed, exit_code 0)"}
