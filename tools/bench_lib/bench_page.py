#!/usr/bin/env python3
"""tools/bench's document as a page in the project's one page style
(tools/bench --html FILE): the tables it prints, built from the same rows
(bench_report), and one section per part with an item per series or
measurement: OK when measured, SKIPPED with its reason, ERROR when its part
failed; the targets of docs/PERFORMANCE.md (the document's "targets") are
OK when met and TARGET-MISSED when not.

    bench_page.py JSON PAGE   checks that PAGE (tools/bench --html) has
                              as many items as the page of JSON; exit 0
                              when it has"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "report_page"))
if __name__ == "__main__":
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import bench_check  # noqa: E402
import bench_report  # noqa: E402
import bench_tables  # noqa: E402
import report_page as rp  # noqa: E402

GRADES = [("OK", "good"), ("TARGET-MISSED", "warn"), ("SKIPPED", "neutral"), ("ERROR", "bad"),
          ("PROBLEM", "bad")]
# What marks an item in render_page's HTML: one per item.
ITEM_MARK = '<details class="item'


def rerun(doc, part):
    """The command that measures `part` again as this run did."""
    o = doc["options"]
    return "tools/bench%s --parts %s --runs %d --seconds %d" % (
        " --smoke" if doc.get("smoke") else "", part, o["runs"], o["seconds"])


def figures(value):
    """A measurement's raw figures, as the document holds them."""
    return json.dumps(value, indent=1, sort_keys=True)


def measured(doc, part, item_id, title, note, value):
    """An item of a measurement: SKIPPED when it was, else OK."""
    if isinstance(value, dict) and value.get("status") == "skipped":
        return rp.item(item_id, "SKIPPED", title, "skipped",
                       [rp.block("text", value.get("reason", ""), label="why"),
                        rp.block("command", rerun(doc, part), label="rerun the part")])
    return rp.item(item_id, "OK", title, note,
                   [rp.block("pre", figures(value), label="figures"),
                    rp.block("command", rerun(doc, part), label="rerun the part")])


def latency_items(doc, latency):
    """A series each, sh's in-process ones too."""
    items = []
    for name, label, s, _ in bench_report.latency_rows(latency):
        workload = latency["workloads"][name]
        command = (workload["in_process"] if label.startswith("in-proc ") else workload)["command"]
        items.append(measured(doc, "latency", "latency %s %s" % (name, label), command,
                              "p50 %.2f ms" % s["p50_ms"], s))
    return items


def connections(run):
    return "%d connection%s" % (run["connections"], "" if run["connections"] == 1 else "s")


def http_items(doc, h):
    """Each wrk run, the async rate, the baselines, the tail, both pools."""
    items = [measured(doc, "http", "http %s at %s" % (label, connections(r)),
                      "wrk, %s: p50 %.2f ms, p99 %.2f ms"
                      % (connections(r), r["p50_ms"], r["p99_ms"]),
                      "%.1f runs/s" % r["rate_per_s"], r)
             for label, r in bench_report.http_rows(h)]
    a = h["async"]
    items.append(measured(doc, "http", "http async submit->completed",
                          "%d jobs in %.2f s, pooled" % (a["jobs"], a["seconds"]),
                          "%.1f jobs/s" % a["rate_per_s"], a))
    for label, b in h["baselines"].items():
        if isinstance(b, dict):
            items.append(measured(doc, "http", "http baseline " + label,
                                  "%d parallel loops" % b["loops"],
                                  "%.1f runs/s" % b["rate_per_s"], b))
    tail = h["tail"]
    items.append(measured(doc, "http", "http tail p99/p50", tail.get("what", ""),
                          "" if tail.get("status") == "skipped" else
                          "pooled %.2f" % tail["pooled"]["value"], tail))
    for label in ("pooled", "unpooled"):
        pool = h["pool"][label]
        items.append(measured(doc, "http", "http pool of the %s server" % label,
                              h["pool"].get("when", ""), "hits %d" % pool["counts"]["hits"],
                              pool))
    return items


def memory_items(doc, m):
    """Each server's VmRSS, and per pooled sandbox."""
    pooled = {k: m[k] for k in ("idle_rss_kib", "peak_rss_kib", "hwm_rss_kib", "counts")
              if k in m}
    items = [measured(doc, "memory", "memory %s server" % label, m["load"],
                      "idle %d KiB" % each["idle_rss_kib"], each)
             for label, each in (("pooled", pooled), ("unpooled", m["unpooled"]))]
    each = m["per_pooled_sandbox"]
    note = "" if each.get("status") == "skipped" else "PSS %.0f KiB" % each["pss_kib"]["value"]
    items.append(measured(doc, "memory", "memory per pooled sandbox",
                          "smaps_rollup of the ready inits", note, each))
    return items


def conformance_items(doc, c):
    """The suite's wall time."""
    return [measured(doc, "conformance", "conformance suite", c.get("command", ""),
                     "%.1f s" % c["wall_s"], c)]


def fuzz_items(doc, f):
    """A libFuzzer target each."""
    return [measured(doc, "fuzz", "fuzz " + target, "%d s, ASan+UBSan" % f["seconds_per_target"],
                     "" if r.get("status") == "skipped" else "%d exec/s" % r["exec_per_s"], r)
            for target, r in f["targets"].items()]


PART_ITEMS = {"latency": latency_items, "http": http_items, "memory": memory_items,
              "conformance": conformance_items, "fuzz": fuzz_items}


def part_items(doc, name):
    """The items of one part: one per measurement, or one saying why none."""
    part = doc["parts"][name]
    if part.get("status") == "ok":
        return PART_ITEMS[name](doc, part)
    grade = "SKIPPED" if part.get("status") == "skipped" else "ERROR"
    return [rp.item(name, grade, part.get("reason") or part.get("error", ""),
                    part.get("status", ""),
                    [rp.block("text", part.get("reason") or part.get("error", ""),
                              label="why"),
                     rp.block("command", rerun(doc, name), label="rerun the part")])]


def target_item(doc, t):
    """A target: OK when met, TARGET-MISSED when not, SKIPPED when not measured."""
    value = t["value"]
    blocks = [rp.block("text", t["why"], label="why")] if t.get("why") else []
    if value.get("status") == "skipped":
        grade = "SKIPPED"
    else:
        grade = "OK" if t["met"] else "TARGET-MISSED"
        blocks.append(rp.block("pre", figures({"value": value, "also": t.get("also", {})}),
                               label="figures"))
        part = value["a"].split("/")[2]  # "/parts/NAME/...": what measured it
        blocks.append(rp.block("command", rerun(doc, part), label="rerun the part"))
    return rp.item("target: " + t["name"], grade, t["goal"], bench_report.target_shown(t),
                   blocks)


def sections(doc, problems):
    """A section per part, the targets, and bench_check's problems if any."""
    out = [(name, part_items(doc, name)) for name in bench_check.PARTS]
    out.append(("targets", [target_item(doc, t) for t in doc["targets"]]))
    if problems:
        out.append(("check", [rp.item("problem %d" % (index + 1), "PROBLEM", problem)
                              for index, problem in enumerate(problems)]))
    return out


def verdict(doc, problems):
    """(one line, tone): the parts, the targets and the check; the exit
    status is tools/bench's."""
    statuses = [p.get("status") for p in doc["parts"].values()]
    targets = [t for t in doc["targets"] if t["value"].get("status") != "skipped"]
    met = sum(1 for t in targets if t["met"])
    line = "%d of %d parts measured (%d skipped, %d failed); %d of %d targets met; " % (
        statuses.count("ok"), len(statuses), statuses.count("skipped"),
        statuses.count("error"), met, len(targets))
    if problems:
        return line + "%d problem(s) in the JSON (exit 1)" % len(problems), "bad"
    return line + "the JSON checked (exit 0)", "good" if met == len(targets) else "warn"


def facts(doc):
    """When, what, on what, and the servers' flags."""
    m, o = doc["machine"], doc["options"]
    return [("date", doc.get("started_at", "")),
            ("commit", m["commit"] + (" (dirty)" if m.get("dirty") else "")),
            ("duration", rp.seconds(doc["wall_s"]) if "wall_s" in doc else "?"),
            ("parts run", ", ".join(o["parts"])),
            ("options", "%s--runs %d --seconds %d; wrk at %s connections; %d async jobs" % (
                "--smoke " if doc.get("smoke") else "", o["runs"], o["seconds"],
                ", ".join("%d" % c for c in o["concurrency"]), o["async_jobs"])),
            ("machine", "%d cores, %s, %d MiB, kernel %s" % (
                m["cores"], m.get("cpu", "?"), m.get("memory_kib", 0) // 1024, m["kernel"])),
            ("tools", "; ".join(m.get(k, "?") for k in ("bwrap", "wrk", "gcc", "python3"))),
            ("load average", "%s at the start, %s at the end" % (
                m.get("loadavg_start", "?"), m.get("loadavg_end", "?")))] + [
        ("%s server" % label, server["args"])
        for label, server in sorted(doc.get("servers", {}).items())]


def build_page(doc, problems=None):
    """The page of a bench document; `problems` are bench_check's (found
    here when not given)."""
    if problems is None:
        problems = bench_check.check(doc)
    line, tone = verdict(doc, problems)
    return rp.page("Bench", "bench", line, tone, facts(doc), GRADES, bench_tables.tables(doc),
                   sections(doc, problems))


def check_page(doc, html):
    """Problems of a page written from `doc`: one item per item of its page."""
    expected = len(rp.item_ids(build_page(doc)))
    found = html.count(ITEM_MARK)
    if found != expected:
        return ["%d items, where the document makes %d" % (found, expected)]
    return []


def main(argv):
    if len(argv) != 3:
        print("usage: bench_page.py JSON PAGE", file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            doc = json.load(f)
        with open(argv[2], encoding="utf-8", errors="replace") as f:
            html = f.read()
    except (OSError, ValueError) as error:
        print("bench_page: %s" % error, file=sys.stderr)
        return 1
    problems = check_page(doc, html)
    for problem in problems:
        print("bench_page: %s: %s" % (argv[2], problem), file=sys.stderr)
    if not problems:
        print("bench_page: %s: one item per measurement of %s" % (argv[2], argv[1]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
