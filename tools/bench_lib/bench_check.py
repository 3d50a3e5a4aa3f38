#!/usr/bin/env python3
"""Checks the JSON that tools/bench writes: its structure and sanity, never
a time or a rate threshold (the machine decides those; docs/PERFORMANCE.md).

    bench_check.py FILE      prints the problems; exit 0 when there are none

The rules:
- "machine", "parts" (every part of PARTS) and "targets" are there;
- a part is "ok" with its measurements, or "skipped" with a reason; an
  "error" part is a problem;
- anything skipped, anywhere, is {"status": "skipped", "reason": "..."}
  and nothing else: a skipped measurement is never a number;
- every number is finite and > 0, except in "counts" objects, whose values
  are whole numbers >= 0 (errors, failed cases), and the value of a
  difference, which may be any finite number; booleans are not numbers;
- percentiles are ordered: min <= p50 <= p90 <= p99 <= max, per unit;
- a derived value {"op": "ratio" | "difference", "a": POINTER, "b":
  POINTER, "value": V} points (JSON Pointers, RFC 6901) at two numbers of
  the document, and V is a / b or a - b; {"op": "same", "a": POINTER,
  "value": V} quotes one number, and V is a;
- each target has a name, a goal, and either a derived value and "met"
  (a boolean), or is skipped with its reason;
- pooled and unpooled side by side: "servers" holds both servers' flags
  (--sandbox-pool N >= 1, and 0) when a part ran against them; every
  latency workload has "http" and "http_unpooled" (sh's in-process one
  "sandbox" and "sandbox_pooled") and the ratio of their p50s; the http
  part has wrk at the same concurrencies against both, with the ratios
  pooled/unpooled and each over the bwrap baseline, the tail (p99/p50)
  of both at as many connections as cores, and both servers' pool stats
  (the unpooled one's pool is 0 and never hit); the memory part has both
  servers' VmRSS and the per-pooled-sandbox PSS, whose count of inits is
  the pool's "ready".
"""

import json
import math
import sys

PARTS = ("latency", "http", "memory", "conformance", "fuzz")
WORKLOADS = ("sh", "python", "c")
LATENCY_SERIES = ("bare", "unshare", "bwrap", "sandbox_run", "http", "http_unpooled")
IN_PROCESS_SERIES = ("bare", "sandbox", "sandbox_pooled")
# Each pooled latency series and its unpooled twin (paths within a
# workload), for the workloads that have them: their p50s' ratio must be
# in the latency part's "ratios".
LATENCY_POOLED_PAIRS = [
    (WORKLOADS, ("series", "http"), ("series", "http_unpooled")),
    (("sh",), ("in_process", "series", "sandbox_pooled"), ("in_process", "series", "sandbox")),
]
# /health's pool counters, as the http part records them per server.
POOL_COUNTS = ("per_class", "classes", "ready", "building", "in_use", "hits", "misses",
               "refills", "refill_failures", "discarded")
SERVERS = ("pooled", "unpooled")
PARTS_WITH_SERVERS = ("latency", "http", "memory", "conformance")
PERCENTILES = ("min", "p50", "p90", "p99", "max")
# What an "ok" part must hold (paths of nested keys).
REQUIRED = {
    "latency": [("workloads", w, "series", s) for w in WORKLOADS for s in LATENCY_SERIES]
    + [("workloads", "sh", "in_process", "series", s) for s in IN_PROCESS_SERIES]
    + [("ratios",)],
    "http": [("check",), ("concurrency",), ("concurrency_unpooled",), ("python",),
             ("python_unpooled",), ("async", "rate_per_s"),
             ("baselines", "bwrap_sh", "rate_per_s"), ("baselines", "bare_python", "rate_per_s"),
             ("ratios",), ("tail",)] + [("pool", s, "counts", c) for s in SERVERS
                                       for c in POOL_COUNTS],
    "memory": [("idle_rss_kib",), ("peak_rss_kib",), ("unpooled", "idle_rss_kib"),
               ("unpooled", "peak_rss_kib"), ("idle_pooled_over_unpooled",),
               ("per_pooled_sandbox",)],
    "conformance": [("wall_s",), ("counts",)],
    "fuzz": [("targets",)],
}
REL_TOLERANCE = 1e-9


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def resolve(doc, pointer):
    """The value at a JSON Pointer, or raises KeyError."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise KeyError("not a JSON Pointer: %r" % (pointer,))
    value = doc
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, list):
            if not token.isdigit() or int(token) >= len(value):
                raise KeyError(pointer)
            value = value[int(token)]
        elif isinstance(value, dict) and token in value:
            value = value[token]
        else:
            raise KeyError(pointer)
    return value


def check_derived(doc, node, path, problems):
    op = node.get("op")
    if op not in ("ratio", "difference", "same"):
        problems.append("%s: op %r is not ratio, difference or same" % (path, op))
        return
    try:
        a = resolve(doc, node.get("a"))
        b = resolve(doc, node.get("b")) if op != "same" else 1
    except KeyError as error:
        problems.append("%s: points at nothing: %s" % (path, error))
        return
    value = node.get("value")
    if not (is_number(a) and is_number(b) and is_number(value)):
        problems.append("%s: a, b and value must be numbers" % path)
        return
    if op == "ratio" and b == 0:
        problems.append("%s: ratio to zero" % path)
        return
    expected = {"ratio": lambda: a / b, "difference": lambda: a - b, "same": lambda: a}[op]()
    if not math.isclose(value, expected, rel_tol=REL_TOLERANCE, abs_tol=1e-12):
        formula = node.get("a") if op == "same" else "%s %s %s" % (
            node.get("a"), "/" if op == "ratio" else "-", node.get("b"))
        problems.append("%s: value %r is not %s = %r" % (path, value, formula, expected))


def check_percentiles(node, path, problems):
    """Within one object, p50_ms <= p90_ms <= ... for every unit present."""
    units = {key.split("_", 1)[1] for key in node
             if "_" in key and key.split("_", 1)[0] in PERCENTILES}
    for unit in units:
        present = [(p, node["%s_%s" % (p, unit)]) for p in PERCENTILES
                   if is_number(node.get("%s_%s" % (p, unit)))]
        for (low_name, low), (high_name, high) in zip(present, present[1:]):
            if low > high:
                problems.append("%s: %s_%s %r > %s_%s %r"
                                % (path, low_name, unit, low, high_name, unit, high))
    if isinstance(node.get("latency_us"), dict):
        check_percentiles({"%s_us" % k: v for k, v in node["latency_us"].items()},
                          path + "/latency_us", problems)


def walk(doc, node, path, problems, in_counts=False, signed=False):
    if isinstance(node, dict):
        if node.get("status") == "skipped":
            reason = node.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                problems.append("%s: skipped without a reason" % path)
            extra = sorted(set(node) - {"status", "reason"})
            if extra:
                problems.append("%s: skipped, yet holds %s" % (path, ", ".join(extra)))
            return
        if node.get("status") == "error":
            problems.append("%s: error: %s" % (path, node.get("error", "(no message)")))
        if "op" in node:
            check_derived(doc, node, path, problems)
        check_percentiles(node, path, problems)
        for key, value in node.items():
            walk(doc, value, "%s/%s" % (path, key), problems, in_counts or key == "counts",
                 signed=key == "value" and node.get("op") == "difference")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            walk(doc, value, "%s/%d" % (path, index), problems, in_counts)
    elif is_number(node):
        if not math.isfinite(node):
            problems.append("%s: %r is not finite" % (path, node))
        elif in_counts and (not isinstance(node, int) or node < 0):
            problems.append("%s: a count must be a whole number >= 0, got %r" % (path, node))
        elif not in_counts and not signed and node <= 0:
            problems.append("%s: %r is not > 0" % (path, node))


def check_structure(doc, problems):
    for key, kind in (("machine", dict), ("parts", dict), ("targets", list)):
        if not isinstance(doc.get(key), kind):
            problems.append("/%s: missing or not a %s" % (key, kind.__name__))
    if problems:
        return
    for field in ("cores", "kernel", "commit"):
        if field not in doc["machine"]:
            problems.append("/machine: no %s" % field)
    for name in PARTS:
        part = doc["parts"].get(name)
        if not isinstance(part, dict):
            problems.append("/parts/%s: missing" % name)
            continue
        status = part.get("status")
        if status not in ("ok", "skipped", "error"):
            problems.append("/parts/%s: status %r is not ok, skipped or error" % (name, status))
        if status != "ok":
            continue
        for required in REQUIRED[name]:
            try:
                resolve(part, "/" + "/".join(required))
            except KeyError:
                problems.append("/parts/%s: no %s" % (name, "/".join(required)))
        check_part_details(name, part, problems)
    for extra in sorted(set(doc["parts"]) - set(PARTS)):
        problems.append("/parts/%s: not a part of tools/bench" % extra)
    check_servers(doc, problems)
    check_targets(doc["targets"], problems)


def check_part_details(name, part, problems):
    """What REQUIRED cannot say: lists that must not be empty, runs."""
    if name == "latency":
        for workload in part.get("workloads", {}).values():
            series = dict(workload.get("series", {}))
            series.update(workload.get("in_process", {}).get("series", {}))
            for series_name, s in series.items():
                for field in ("runs", "p50_ms", "p90_ms", "p99_ms"):
                    if not is_number(s.get(field)):
                        problems.append("/parts/latency: series %s has no %s"
                                        % (series_name, field))
    if name == "latency":
        check_latency_pairs(part, problems)
    if name == "http" and not part.get("concurrency"):
        problems.append("/parts/http/concurrency: empty")
    elif name == "http":
        check_http_pooled(part, problems)
    if name == "memory":
        check_memory_pool(part, problems)
    if name == "fuzz":
        targets = part.get("targets")
        if not targets:
            problems.append("/parts/fuzz/targets: empty")
        for target, result in (targets or {}).items():
            if result.get("status") != "skipped" and not is_number(result.get("exec_per_s")):
                problems.append("/parts/fuzz/targets/%s: no exec_per_s" % target)


def dig(node, *keys):
    """node[k1][k2]..., or None where an object is missing or not one."""
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def has_ratio(nodes, a, b):
    """Whether `nodes` (a list, or one node) holds the ratio a / b."""
    nodes = nodes if isinstance(nodes, list) else [nodes]
    return any(isinstance(n, dict) and n.get("op") == "ratio" and n.get("a") == a
               and n.get("b") == b for n in nodes)


def check_latency_pairs(part, problems):
    """Every pooled series' p50 over its unpooled twin's is among the ratios."""
    for workloads, pooled, unpooled in LATENCY_POOLED_PAIRS:
        for workload in workloads:
            where = "/parts/latency/workloads/%s/" % workload
            a, b = where + "/".join(pooled) + "/p50_ms", where + "/".join(unpooled) + "/p50_ms"
            if not has_ratio(part.get("ratios"), a, b):
                problems.append("/parts/latency/ratios: no %s / %s (pooled over unpooled)"
                                % (a, b))


def check_http_pooled(part, problems):
    """Both servers at the same concurrencies, their ratios, tails and pools."""
    pooled, unpooled = part.get("concurrency"), part.get("concurrency_unpooled")
    if not isinstance(pooled, list) or not isinstance(unpooled, list) or \
            [dig(r, "connections") for r in pooled] != [dig(r, "connections") for r in unpooled]:
        problems.append("/parts/http/concurrency_unpooled: not the connections of "
                        "/parts/http/concurrency")
        return
    bwrap = "/parts/http/baselines/bwrap_sh/rate_per_s"
    for index in range(len(pooled)):
        a, b = ("/parts/http/%s/%d/rate_per_s" % (rows, index)
                for rows in ("concurrency", "concurrency_unpooled"))
        for x, y in ((a, b), (a, bwrap), (b, bwrap)):
            if not has_ratio(part.get("ratios"), x, y):
                problems.append("/parts/http/ratios: no %s / %s" % (x, y))
    tail = part.get("tail")
    if isinstance(tail, dict) and tail.get("status") != "skipped":
        at = [i for i, r in enumerate(pooled) if dig(r, "connections") == tail.get("connections")]
        if not at:
            problems.append("/parts/http/tail: no wrk run at its connections %r"
                            % (tail.get("connections"),))
        pairs = (("concurrency", "pooled"), ("concurrency_unpooled", "unpooled")) if at else ()
        for rows, server in pairs:
            where = "/parts/http/%s/%d/" % (rows, at[0])
            if not has_ratio(tail.get(server), where + "p99_ms", where + "p50_ms"):
                problems.append("/parts/http/tail/%s: not %sp99_ms / p50_ms" % (server, where))
    per_class = dig(part, "pool", "pooled", "counts", "per_class")
    if not is_number(per_class) or per_class < 1:
        problems.append("/parts/http/pool/pooled/counts/per_class: the pooled server has no pool")
    for field in ("per_class", "ready", "hits"):
        value = dig(part, "pool", "unpooled", "counts", field)
        if value != 0:
            problems.append("/parts/http/pool/unpooled/counts/%s: %r, not 0 (no pool)"
                            % (field, value))


def check_memory_pool(part, problems):
    """The idle ratio's sources; per pooled sandbox: PSS over the inits,
    as many as the pool had ready."""
    if not has_ratio(part.get("idle_pooled_over_unpooled"), "/parts/memory/idle_rss_kib",
                     "/parts/memory/unpooled/idle_rss_kib"):
        problems.append("/parts/memory/idle_pooled_over_unpooled: not /parts/memory/"
                        "idle_rss_kib / /parts/memory/unpooled/idle_rss_kib")
    each = part.get("per_pooled_sandbox")
    if not isinstance(each, dict) or each.get("status") == "skipped":
        return
    where = "/parts/memory/per_pooled_sandbox/"
    for name in ("pss", "private"):
        if not has_ratio(each.get(name + "_kib"), where + name + "_total_kib",
                         where + "counts/inits"):
            problems.append(where + "%s_kib: not %s_total_kib / counts/inits" % (name, name))
    inits, ready = dig(each, "counts", "inits"), dig(each, "pool", "counts", "ready")
    if not is_number(inits) or inits < 1:
        problems.append(where + "counts/inits: %r; a full pool has at least one" % (inits,))
    elif inits != ready:
        problems.append(where + "counts/inits: %r, yet the pool said ready %r" % (inits, ready))


def check_servers(doc, problems):
    """Both servers' flags, when a part ran against them: a pool, and none."""
    if not any(dig(doc, "parts", name, "status") == "ok" for name in PARTS_WITH_SERVERS):
        return
    for name in SERVERS:
        args = dig(doc, "servers", name, "args")
        if not isinstance(args, str):
            problems.append("/servers/%s: no args" % name)
            continue
        words = args.split()
        pool = words[words.index("--sandbox-pool") + 1] if "--sandbox-pool" in words[:-1] else ""
        if not pool.isdigit() or (int(pool) >= 1) != (name == "pooled"):
            problems.append("/servers/%s/args: --sandbox-pool %r is not %s"
                            % (name, pool, "at least 1" if name == "pooled" else "0"))


def check_targets(targets, problems):
    if not targets:
        problems.append("/targets: empty")
    for index, target in enumerate(targets):
        path = "/targets/%d" % index
        if not isinstance(target, dict) or not target.get("name") or not target.get("goal"):
            problems.append("%s: needs a name and a goal" % path)
            continue
        if isinstance(target.get("value"), dict) and target["value"].get("status") == "skipped":
            continue
        if not isinstance(target.get("value"), dict) or "op" not in target["value"]:
            problems.append("%s: value is neither derived nor skipped" % path)
        if not isinstance(target.get("met"), bool):
            problems.append("%s: met must be true or false" % path)


def check(doc):
    """Every problem of the document, as "path: what" lines."""
    if not isinstance(doc, dict):
        return ["/: not a JSON object"]
    problems = []
    check_structure(doc, problems)
    walk(doc, doc, "", problems)
    return problems


def main(argv):
    if len(argv) != 2:
        print("usage: bench_check.py FILE", file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            doc = json.load(f, parse_constant=lambda name: float(name))
    except (OSError, ValueError) as error:
        print("bench_check: %s: %s" % (argv[1], error), file=sys.stderr)
        return 1
    problems = check(doc)
    for problem in problems:
        print("bench_check: %s" % problem, file=sys.stderr)
    if problems:
        print("bench_check: %s: %d problem(s)" % (argv[1], len(problems)), file=sys.stderr)
        return 1
    print("bench_check: %s: structure and sanity ok" % argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
