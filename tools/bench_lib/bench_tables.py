"""The tables tools/bench prints (bench_report), as the page's tables:
the same rows, cell by cell."""

import bench_check
import bench_report
import report_page as rp


def parts_table(doc):
    """Each part's status, and why it did not run."""
    return rp.table("parts", ["part", "status", "why"],
                    [[name, part.get("status", ""), part.get("reason") or part.get("error", "")]
                     for name, part in doc["parts"].items()])


def latency_tables(latency):
    """Every series with its ratios to the baselines; pooled over unpooled."""
    rows = [[name, label, "%d" % s["runs"], "%.2f" % s["p50_ms"], "%.2f" % s["p90_ms"],
             "%.2f" % s["p99_ms"]] + ["%.1fx" % r for r in ratios]
            for name, label, s, ratios in bench_report.latency_rows(latency)]
    out = [rp.table("latency per run (ms)",
                    ["workload", "series", "runs", "p50", "p90", "p99"] +
                    ["p50/%s" % b for b in bench_report.LATENCY_BASES], rows)]
    pooled = bench_report.pooled_ratios(latency)
    if pooled:
        out.append(rp.table("latency, pooled over unpooled, p50", ["series", "ratio"],
                            [[label, "%.2fx" % value] for label, value in pooled]))
    return out


def throughput_table(h):
    """Each wrk run, the async rate and the baselines."""
    rows = [[label, "%d" % r["connections"], "%.1f" % r["rate_per_s"], "%.2f" % r["p50_ms"],
             "%.2f" % r["p90_ms"], "%.2f" % r["p99_ms"], "%.2f" % (r["p99_ms"] / r["p50_ms"]),
             "%d" % bench_report.http_errors(r)] for label, r in bench_report.http_rows(h)]
    a = h["async"]
    rows.append(["async submit->completed (%d jobs in %.2f s, pooled)" % (a["jobs"], a["seconds"]),
                 "-", "%.1f" % a["rate_per_s"], "", "", "", "", ""])
    for label, b in h["baselines"].items():
        if isinstance(b, dict):
            rows.append(["baseline %s (%d loops)" % (label, b["loops"]), "%d" % b["loops"],
                         "%.1f" % b["rate_per_s"], "%.2f" % b["p50_ms"], "%.2f" % b["p90_ms"],
                         "%.2f" % b["p99_ms"], "", ""])
    return rp.table("throughput over HTTP", ["series", "conns", "runs/s", "p50", "p90", "p99",
                                             "p99/p50", "errors"], rows)


def http_tables(h):
    """Throughput, the ratios and the tail, and both pools."""
    ratios = [[r["label"], "%.2f" % r["value"]] for r in h["ratios"]]
    tail = h["tail"]
    if tail.get("status") == "skipped":
        ratios.append(["tail p99/p50", "skipped: " + tail["reason"]])
    else:
        ratios += [["tail p99/p50 at %d connections, %s" % (tail["connections"], label),
                    "%.2f" % tail[label]["value"]] for label in ("pooled", "unpooled")]
    pools = [[label] + ["%d" % h["pool"][label]["counts"][k] for k in bench_check.POOL_COUNTS]
             + [h["pool"][label].get("last_failure", "")] for label in ("pooled", "unpooled")]
    return [throughput_table(h), rp.table("HTTP ratios", ["ratio", "value"], ratios),
            rp.table("pool of each server after the part (GET /health)",
                     ["server"] + list(bench_check.POOL_COUNTS) + ["last failure"], pools)]


def memory_tables(m):
    """Both servers' VmRSS; the ratio and per pooled sandbox."""
    u, each = m["unpooled"], m["per_pooled_sandbox"]
    rows = [["idle VmRSS, pooled / unpooled", "%.2f" % m["idle_pooled_over_unpooled"]["value"]]]
    if each.get("status") == "skipped":
        rows.append(["per pooled sandbox", "skipped: " + each["reason"]])
    else:
        rows += [["per pooled sandbox: private KiB", "%.0f" % each["private_kib"]["value"]],
                 ["per pooled sandbox: PSS KiB", "%.0f" % each["pss_kib"]["value"]],
                 ["ready inits", "%d" % each["counts"]["inits"]],
                 ["in all: private KiB", "%d" % each["private_total_kib"]],
                 ["in all: PSS KiB", "%d" % each["pss_total_kib"]],
                 ["in all: RSS KiB", "%d" % each["rss_total_kib"]]]
    return [rp.table("server memory (VmRSS, KiB; %s)" % m["load"], ["server", "idle", "peak"],
                     [["pooled (pool full)", "%d" % m["idle_rss_kib"], "%d" % m["peak_rss_kib"]],
                      ["unpooled", "%d" % u["idle_rss_kib"], "%d" % u["peak_rss_kib"]]]),
            rp.table("memory per pooled sandbox", ["figure", "value"], rows)]


def conformance_tables(c):
    """The suite's wall time and counts."""
    counts = list(c["counts"].items())
    return [rp.table("conformance", ["wall s"] + [k for k, _ in counts],
                     [["%.1f" % c["wall_s"]] + ["%d" % v for _, v in counts]])]


def fuzz_tables(f):
    """Each target's exec/s."""
    return [rp.table("fuzz exec/s (%d s each, ASan+UBSan)" % f["seconds_per_target"],
                     ["target", "exec/s"],
                     [[t, "skipped: " + r["reason"] if r.get("status") == "skipped"
                       else "%d" % r["exec_per_s"]] for t, r in f["targets"].items()])]


PART_TABLES = {"latency": latency_tables, "http": http_tables, "memory": memory_tables,
               "conformance": conformance_tables, "fuzz": fuzz_tables}


def tables(doc):
    """Every table of the run: the parts', then the targets."""
    out = [parts_table(doc)]
    for name in bench_check.PARTS:
        if doc["parts"].get(name, {}).get("status") == "ok":
            out += PART_TABLES[name](doc["parts"][name])
    out.append(rp.table("targets (issue 14)", ["target", "goal", "value"],
                        [[t["name"], t["goal"], bench_report.target_shown(t)]
                         for t in doc["targets"]]))
    return out
