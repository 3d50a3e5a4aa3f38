"""The memory part of tools/bench: each server's VmRSS idle (the pooled
one's pool full) and its peak while wrk runs at the top concurrency
(sampled during the http part's runs when it ran, else during a load of
its own); per pooled sandbox: the PSS of the pooled server's ready inits,
read with the server idle and its pool full. add_ratios() puts the pooled
server's idle VmRSS over the unpooled one's, and the PSS per init, into
the document."""

import os
import time

from bench_common import BenchError, derived, log, pointer
from http_part import record_idle, wrk_sampled

# The network helper of a semitrusted run: a child of the server, not a sandbox.
NETWORK_HELPER = "slirp4netns"
# How long to look for as many inits as the pool says are ready (a
# sandbox just used may still be on its way out).
INITS_S = 10


def kib_of(path, field):
    """The "field: N kB" line of a /proc file, in KiB."""
    with open(path) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise BenchError("no %s in %s" % (field, path))


def ready_inits(server):
    """The pool's stats (full, server idle) and its ready inits: the server's
    children that are not network helpers, as many as the pool has ready."""
    deadline = time.monotonic() + INITS_S
    for _ in range(1000):
        pool = server.await_pool_full()
        children = server.children()
        found = [pid for pid, exe in children if exe != NETWORK_HELPER]
        if len(found) == pool["ready"] and server.pool_stats()["ready"] == pool["ready"]:
            return pool, found
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)  # the poll's period; the condition is the count
    raise BenchError("the pool says %d ready, yet the server's children are %s"
                     % (pool["ready"], children))


def per_pooled_sandbox(server):
    """PSS, RSS and private memory (smaps_rollup) summed over the ready
    inits. Private memory is what a ready sandbox adds: PSS also charges it
    a share of the server's pages it maps copy-on-write."""
    if not os.path.exists("/proc/self/smaps_rollup"):
        return {"status": "skipped", "reason": "no /proc/PID/smaps_rollup (kernel < 4.14)"}
    pool, inits = ready_inits(server)
    pss = rss = private = 0
    for pid in inits:
        path = "/proc/%d/smaps_rollup" % pid
        pss, rss = pss + kib_of(path, "Pss"), rss + kib_of(path, "Rss")
        private += kib_of(path, "Private_Clean") + kib_of(path, "Private_Dirty")
    log("memory: %d ready inits, PSS %d KiB, private %d KiB in all" % (len(inits), pss, private))
    return {"pss_total_kib": pss, "rss_total_kib": rss, "private_total_kib": private,
            "counts": {"inits": len(inits)},
            "pool": {"counts": {k: pool[k] for k in ("per_class", "classes", "ready", "building")}},
            "method": "with the server idle and its pool full (GET /health: ready = per_class "
                      "x classes, building 0): Pss and Rss of /proc/PID/smaps_rollup summed over "
                      "the server's children that are not %s (each a ready sandbox's init), and "
                      "Private_Clean + Private_Dirty; pss_kib and private_kib = the sums over "
                      "their number. PSS counts pages shared with the server by their share; "
                      "private memory is what the sandbox adds" % NETWORK_HELPER}


def measure(bench):
    """The part's JSON."""
    o = bench.o
    if set(bench.peak) != {"pooled", "unpooled"}:  # no http part: a load of its own
        record_idle(bench)
        bench.check_by_hand("sh")
        for label, server in bench.servers():
            wrk_sampled(bench, label, server, max(o.concurrency))
    out = {}
    for label, server in bench.servers():
        peak, samples, connections = bench.peak[label]
        figures = {"idle_rss_kib": bench.idle_kib[label], "peak_rss_kib": peak,
                   "hwm_rss_kib": server.rss_kib("VmHWM"), "counts": {"samples": samples}}
        if label == "pooled":
            out.update(figures)
        else:
            out[label] = figures
    out["load"] = "wrk sh true at %d connections, %d s, each server" % (connections, o.seconds)
    out["per_pooled_sandbox"] = per_pooled_sandbox(bench.server)
    out["method"] = ("VmRSS of /proc/PID/status, the server processes only, not their runs: "
                     "idle before the HTTP load (the pooled server's pool full); peak sampled "
                     "every 10 ms during it. The top-level figures are the pooled server's "
                     "(--sandbox-pool N), \"unpooled\" the other's (--sandbox-pool 0)")
    return out


def add_ratios(doc):
    """The pooled server's idle VmRSS over the unpooled one's; PSS per init."""
    part = doc["parts"]["memory"]
    if part.get("status") != "ok":
        return
    part["idle_pooled_over_unpooled"] = derived(
        doc, "ratio", pointer("parts", "memory", "idle_rss_kib"),
        pointer("parts", "memory", "unpooled", "idle_rss_kib"),
        label="idle VmRSS: pooled server (pool full) / unpooled server")
    each = part["per_pooled_sandbox"]
    if each.get("status") != "skipped":
        where = ("parts", "memory", "per_pooled_sandbox")
        each["pss_kib"] = derived(doc, "ratio", pointer(*where, "pss_total_kib"),
                                  pointer(*where, "counts", "inits"), unit="KiB",
                                  label="PSS per ready sandbox (its init)")
        each["private_kib"] = derived(doc, "ratio", pointer(*where, "private_total_kib"),
                                      pointer(*where, "counts", "inits"), unit="KiB",
                                      label="private memory per ready sandbox (its init)")
