"""Issue 14's targets, from the document's numbers: each a derived value
(bench_check recomputes it), whether it is met, and why not when it is
not."""

import bench_check
from bench_common import POOL, derived, pointer


def all_targets(doc):
    """Every target, in the printed order."""
    return [target_overhead(doc)] + http_targets(doc, doc["machine"]["cores"])


def skipped_target(name, goal, reason):
    return {"name": name, "goal": goal, "value": {"status": "skipped", "reason": reason}}


def target_overhead(doc):
    """The sandbox's p50 over bare exec's, sh `true`: in-process given a ready
    sandbox (the pool's case), and also without one, whole process, and
    through HTTP to the pooled server."""
    name, goal = "sandbox overhead over bare exec, sh true, p50", "at most 1 ms (issue: 3.3 ms)"
    if doc["parts"]["latency"].get("status") != "ok":
        return skipped_target(name, goal, "the latency part did not run")
    sh = ("parts", "latency", "workloads", "sh")
    in_process = (*sh, "in_process", "series")
    value = derived(doc, "difference", pointer(*in_process, "sandbox_pooled", "p50_ms"),
                    pointer(*in_process, "bare", "p50_ms"), unit="ms",
                    what="Sandbox::Run p50 with a pool of %d (timed once it is full again) - "
                         "posix_spawn p50, in-process" % POOL)
    also = {
        "in_process_unpooled": derived(
            doc, "difference", pointer(*in_process, "sandbox", "p50_ms"),
            pointer(*in_process, "bare", "p50_ms"), unit="ms",
            what="Sandbox::Run p50 without a pool - posix_spawn p50, in-process"),
        "whole_process": derived(
            doc, "difference", pointer(*sh, "series", "sandbox_run", "p50_ms"),
            pointer(*sh, "series", "bare", "p50_ms"), unit="ms",
            what="sandbox_run p50 (a process of its own: no pool) - bare p50"),
        "http_pooled": derived(
            doc, "difference", pointer(*sh, "series", "http", "p50_ms"),
            pointer(*sh, "series", "bare", "p50_ms"), unit="ms",
            what="POST /execute p50 to the pooled server - bare p50 (HTTP included)")}
    s = bench_check.resolve(doc, pointer(*sh, "series"))
    why = ("measured here: in-process Sandbox::Run %.2f ms over posix_spawn given a ready "
           "sandbox (pool of %d), %.2f ms without; new namespaces alone (unshare) %.2f ms over "
           "bare exec, bwrap %.2f ms, sandbox_run (no pool) %.2f ms, POST /execute to the "
           "pooled server %.2f ms"
           % (value["value"], POOL, also["in_process_unpooled"]["value"],
              s["unshare"]["p50_ms"] - s["bare"]["p50_ms"],
              s["bwrap"]["p50_ms"] - s["bare"]["p50_ms"], also["whole_process"]["value"],
              also["http_pooled"]["value"]))
    met = value["value"] <= 1.0
    return {"name": name, "goal": goal, "value": value, "also": also,
            "met": met, "why": "" if met else why}


def best_rate(doc):
    """The index of the concurrency with the best sh rate, and a pointer to that rate."""
    rows = doc["parts"]["http"]["concurrency"]
    index = max(range(len(rows)), key=lambda i: rows[i]["rate_per_s"])
    return index, pointer("parts", "http", "concurrency", index, "rate_per_s")


def pool_note(doc):
    """What the pooled server's pool did over the http part, and the
    in-process run given a ready sandbox, for the targets' "why"."""
    counts = doc["parts"]["http"]["pool"]["pooled"]["counts"]
    note = ("; the pool (%d per class) from the server's start to the part's end: %d hits, "
            "%d misses (a miss builds its sandbox on the request's path), %d refills"
            % (counts["per_class"], counts["hits"], counts["misses"], counts["refills"]))
    if doc["parts"]["latency"].get("status") == "ok":
        series = doc["parts"]["latency"]["workloads"]["sh"]["in_process"]["series"]
        note += ("; in-process Sandbox::Run p50 %.2f ms given a ready sandbox, %.2f ms without"
                 % (series["sandbox_pooled"]["p50_ms"], series["sandbox"]["p50_ms"]))
    return note


def http_targets(doc, cores):
    """The http part's targets (the pooled server's figures): rates against
    the issue's and the baselines', and the tail."""
    names = [("trivial sh executions/s over HTTP (best concurrency)", "at least 1000/s (issue: 410)"),
             ("HTTP sh rate / rate of bwrap sh runs by as many loops as cores", "at least 1.5"),
             ("python pass: HTTP rate / bare-exec rate, as many loops as cores", "at least 0.9"),
             ("p99 / p50 of sh over HTTP at concurrency = cores", "at most 3")]
    if doc["parts"]["http"].get("status") != "ok":
        return [skipped_target(n, g, "the http part did not run") for n, g in names]
    http_part = doc["parts"]["http"]
    index, best = best_rate(doc)
    row, twin = http_part["concurrency"][index], http_part["concurrency_unpooled"][index]
    note = pool_note(doc)
    why_rate = ("%d connections give %.0f/s, p50 %.2f ms (the unpooled server: %.0f/s, p50 "
                "%.2f ms), with %d workers on %d cores%s"
                % (row["connections"], row["rate_per_s"], row["p50_ms"], twin["rate_per_s"],
                   twin["p50_ms"], cores, cores, note))
    targets = []
    value = derived(doc, "same", best, unit="executions/s")
    targets.append({"name": names[0][0], "goal": names[0][1], "value": value,
                    "met": value["value"] >= 1000, "why": why_rate})
    value = derived(doc, "ratio", best, pointer("parts", "http", "baselines", "bwrap_sh",
                                                "rate_per_s"))
    targets.append({"name": names[1][0], "goal": names[1][1], "value": value,
                    "met": value["value"] >= 1.5, "why": why_rate})
    value = derived(doc, "ratio", pointer("parts", "http", "python", "rate_per_s"),
                    pointer("parts", "http", "baselines", "bare_python", "rate_per_s"))
    targets.append({"name": names[2][0], "goal": names[2][1], "value": value,
                    "met": value["value"] >= 0.9,
                    "why": "python through HTTP p50 %.2f ms at %d connections (the unpooled "
                           "server: %.2f ms), against bare python's %.2f ms per run%s"
                           % (http_part["python"]["p50_ms"], cores,
                              http_part["python_unpooled"]["p50_ms"],
                              http_part["baselines"]["bare_python"]["p50_ms"], note)})
    tail = http_part["tail"]
    if tail.get("status") == "skipped":
        targets.append(skipped_target(*names[3], tail["reason"]))
    else:
        value = derived(doc, "ratio", tail["pooled"]["a"], tail["pooled"]["b"])
        targets.append({"name": names[3][0], "goal": names[3][1], "value": value,
                        "met": value["value"] <= 3,
                        "why": "p99 / p50 %.2f with the pool, %.2f without, at %d connections%s"
                               % (value["value"], tail["unpooled"]["value"], cores, note)})
    for target in targets:
        if target["met"]:
            target["why"] = ""
    return targets
