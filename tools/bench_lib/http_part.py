"""The http part of tools/bench: executions/s of sh `true` through POST
/execute with wrk at each concurrency against the pooled server and the
unpooled one, turn about (and of python `pass` at as many connections as
cores against each), the async submit-to-completed rate (pooled), and as
baselines the rates of bwrap sh and bare python by as many parallel loops
as cores (exec_latency --parallel); then both servers' pool stats.
add_ratios() puts pooled/unpooled and each over bwrap per concurrency,
and the tail (p99/p50) of each at as many connections as cores, into the
document. wrk() and the idle and peak readings also serve the memory
part."""

import http.client
import json
import os
import re
import time

from bench_check import POOL_COUNTS
from bench_common import GOOD_RESULT, WORKLOADS, BenchError, derived, log, pointer, run
from bench_server import RssSampler


def wrk(bench, name, connections, seconds, server):
    """wrk at `connections` for `seconds` with tools/bench_lib/wrk_post.lua."""
    threads = min(connections, bench.cores)
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", "%ds" % seconds,
            "--timeout", "30s", "--latency", "-s", bench.bin["wrk_lua"],
            server.url + "/execute", "--",
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


def record_idle(bench):
    """Both servers' VmRSS before the load, the pooled one's pool full."""
    bench.server.await_pool_full()
    for label, server in bench.servers():
        bench.idle_kib[label] = server.rss_kib()


def wrk_sampled(bench, label, server, connections):
    """wrk sh at `connections` with `server`'s VmRSS sampled, into bench.peak."""
    with RssSampler(server) as sampler:
        entry = wrk(bench, "sh", connections, bench.o.seconds, server)
    bench.peak[label] = (sampler.peak, sampler.samples, connections)
    return entry


def baselines(bench):
    """bwrap sh and bare python by as many parallel loops as cores."""
    o, loops = bench.o, bench.cores
    log("baselines: bwrap sh and bare python, %d parallel loops, %d s each" % (loops, o.seconds))
    rounds = 1 if o.smoke else 2
    measured = bench.exec_latency(
        [{"name": "bwrap_sh", "argv": bench.bwrap("sh")},
         {"name": "bare_python", "argv": WORKLOADS["python"]["argv"]}],
        ["--parallel", str(loops), "--rounds", str(rounds), "--seconds", str(o.seconds),
         "--runs", "100000"], timeout=2 * o.seconds + 600)
    for entry in measured.values():
        entry["loops"] = loops
    return dict(measured, method="exec_latency --parallel %d --rounds %d: C++ threads, each a "
                                 "loop of posix_spawn + wait" % (loops, rounds))


def pool_stats(server):
    """/health's pool counters (whole numbers: "counts") and its last failure."""
    pool = server.pool_stats()
    return {"counts": {field: pool[field] for field in POOL_COUNTS},
            "last_failure": pool.get("last_failure", "")}


def measure(bench, sample_memory):
    """The part's JSON. With `sample_memory`, each server's VmRSS is sampled
    during its wrk run at the top concurrency, into bench.peak for the
    memory part; bench.idle_kib is read before any load, the pool full."""
    o = bench.o
    out = {"check": bench.check_by_hand("sh"), "concurrency": [], "concurrency_unpooled": []}
    out["baselines"] = baselines(bench)
    record_idle(bench)
    top = max(o.concurrency)
    for connections in o.concurrency:
        for label, server in bench.servers():  # turn about: drift hits both alike
            log("wrk sh true, %s server: %d connection(s), %d s" % (label, connections, o.seconds))
            if connections == top and sample_memory:
                entry = wrk_sampled(bench, label, server, connections)
            else:
                entry = wrk(bench, "sh", connections, o.seconds, server)
            out["concurrency" if label == "pooled" else "concurrency_unpooled"].append(entry)
    bench.check_by_hand("python")
    for label, server in bench.servers():
        log("wrk python pass, %s server: %d connection(s), %d s" % (label, bench.cores, o.seconds))
        out["python" if label == "pooled" else "python_unpooled"] = wrk(
            bench, "python", bench.cores, o.seconds, server)
    out["async"] = async_rate(bench, o.async_jobs)
    out["pool"] = {label: pool_stats(server) for label, server in bench.servers()}
    out["pool"]["when"] = "GET /health of each server after the part's loads (since its start)"
    out["ratios"], out["tail"] = [], {}  # add_ratios() fills them in
    out["method"] = ("wrk -t min(C, cores) -c C -d S --latency -s wrk_post.lua, against the "
                     "pooled and the unpooled server in turn at each C; rate_per_s counts only "
                     "2xx answers with success true and exit_code 0; percentiles are wrk's "
                     "latency distribution")
    return out


def add_ratios(doc):
    """Per concurrency: pooled rate / unpooled rate, and each over the bwrap
    baseline; the tail of each at as many connections as cores."""
    part = doc["parts"]["http"]
    if part.get("status") != "ok":
        return
    bwrap = pointer("parts", "http", "baselines", "bwrap_sh", "rate_per_s")
    for index, row in enumerate(part["concurrency"]):
        pooled, unpooled = (pointer("parts", "http", rows, index, "rate_per_s")
                            for rows in ("concurrency", "concurrency_unpooled"))
        c = row["connections"]
        part["ratios"] += [
            derived(doc, "ratio", pooled, unpooled, kind="pooled over unpooled",
                    label="sh rate at %d connections: pooled / unpooled" % c),
            derived(doc, "ratio", pooled, bwrap,
                    label="sh rate at %d connections: pooled / bwrap loops" % c),
            derived(doc, "ratio", unpooled, bwrap,
                    label="sh rate at %d connections: unpooled / bwrap loops" % c)]
    cores = doc["machine"]["cores"]
    at = [i for i, r in enumerate(part["concurrency"]) if r["connections"] == cores]
    if not at:
        part["tail"] = {"status": "skipped", "reason": "no wrk run at %d connections (cores)"
                                                       % cores}
        return
    part["tail"] = {"connections": cores, "what": "p99 / p50 of wrk's latency distribution, "
                                                  "sh at as many connections as cores"}
    for rows, label in (("concurrency", "pooled"), ("concurrency_unpooled", "unpooled")):
        part["tail"][label] = derived(doc, "ratio", pointer("parts", "http", rows, at[0], "p99_ms"),
                                      pointer("parts", "http", rows, at[0], "p50_ms"))


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
                      "(completed, exit_code 0); the pooled server"}
