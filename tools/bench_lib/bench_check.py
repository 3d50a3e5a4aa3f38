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
  are whole numbers >= 0 (errors, failed cases); booleans are not numbers;
- percentiles are ordered: min <= p50 <= p90 <= p99 <= max, per unit;
- a derived value {"op": "ratio" | "difference", "a": POINTER, "b":
  POINTER, "value": V} points (JSON Pointers, RFC 6901) at two numbers of
  the document, and V is a / b or a - b; {"op": "same", "a": POINTER,
  "value": V} quotes one number, and V is a;
- each target has a name, a goal, and either a derived value and "met"
  (a boolean), or is skipped with its reason.
"""

import json
import math
import sys

PARTS = ("latency", "http", "memory", "conformance", "fuzz")
WORKLOADS = ("sh", "python", "c")
LATENCY_SERIES = ("bare", "unshare", "bwrap", "sandbox_run", "http")
PERCENTILES = ("min", "p50", "p90", "p99", "max")
# What an "ok" part must hold (paths of nested keys).
REQUIRED = {
    "latency": [("workloads", w, "series", s) for w in WORKLOADS for s in LATENCY_SERIES]
    + [("workloads", "sh", "in_process", "series", s) for s in ("bare", "sandbox")]
    + [("ratios",)],
    "http": [("check",), ("concurrency",), ("python",), ("async", "rate_per_s"),
             ("baselines", "bwrap_sh", "rate_per_s"), ("baselines", "bare_python", "rate_per_s")],
    "memory": [("idle_rss_kib",), ("peak_rss_kib",), ("per_pooled_sandbox",)],
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


def walk(doc, node, path, problems, in_counts=False):
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
            walk(doc, value, "%s/%s" % (path, key), problems, in_counts or key == "counts")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            walk(doc, value, "%s/%d" % (path, index), problems, in_counts)
    elif is_number(node):
        if not math.isfinite(node):
            problems.append("%s: %r is not finite" % (path, node))
        elif in_counts and (not isinstance(node, int) or node < 0):
            problems.append("%s: a count must be a whole number >= 0, got %r" % (path, node))
        elif not in_counts and node <= 0:
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
    if name == "http" and not part.get("concurrency"):
        problems.append("/parts/http/concurrency: empty")
    if name == "fuzz":
        targets = part.get("targets")
        if not targets:
            problems.append("/parts/fuzz/targets: empty")
        for target, result in (targets or {}).items():
            if result.get("status") != "skipped" and not is_number(result.get("exec_per_s")):
                problems.append("/parts/fuzz/targets/%s: no exec_per_s" % target)


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
