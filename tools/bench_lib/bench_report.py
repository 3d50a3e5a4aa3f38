"""The tables tools/bench prints from its document."""

from bench_common import NO_POOL


def print_tables(doc):
    """Each part's table (or why it did not run), then the targets."""
    parts = doc["parts"]
    for name, part in parts.items():
        if part.get("status") != "ok":
            print("%s: %s: %s" % (name, part.get("status"),
                                  part.get("reason") or part.get("error", "")))
    if parts["latency"].get("status") == "ok":
        print("\nlatency per run (ms)        runs     p50     p90     p99   p50/bare p50/unsh p50/bwrap")
        for name, workload in parts["latency"]["workloads"].items():
            rows = list(workload["series"].items())
            if "in_process" in workload:
                rows += [("in-proc " + k, v) for k, v in workload["in_process"]["series"].items()]
            base = workload["series"]
            for label, s in rows:
                ratios = "".join(" %9.1fx" % (s["p50_ms"] / base[b]["p50_ms"])
                                 for b in ("bare", "unshare", "bwrap"))
                print("  %-6s %-18s %5d %7.2f %7.2f %7.2f %s" % (
                    name, label, s["runs"], s["p50_ms"], s["p90_ms"], s["p99_ms"], ratios))
    if parts["http"].get("status") == "ok":
        h = parts["http"]
        print("\nthroughput over HTTP        conns   runs/s     p50     p90     p99  errors")
        rows = [("sh true", r) for r in h["concurrency"]] + [("python pass", h["python"])]
        for label, r in rows:
            errors = r["counts"]["requests"] - r["counts"]["good"] + sum(
                v for k, v in r["counts"].items() if k.startswith("socket_"))
            print("  %-24s %6d %8.1f %7.2f %7.2f %7.2f %7d" % (
                label, r["connections"], r["rate_per_s"], r["p50_ms"], r["p90_ms"], r["p99_ms"],
                errors))
        a = h["async"]
        print("  %-24s %6s %8.1f   (%d jobs in %.2f s)" % ("async submit->completed", "-",
                                                           a["rate_per_s"], a["jobs"], a["seconds"]))
        for label, b in h["baselines"].items():
            if isinstance(b, dict):
                print("  %-24s %6d %8.1f %7.2f %7.2f %7.2f   (%d loops)" % (
                    "baseline " + label, b["loops"], b["rate_per_s"], b["p50_ms"], b["p90_ms"],
                    b["p99_ms"], b["loops"]))
    if parts["memory"].get("status") == "ok":
        m = parts["memory"]
        print("\nserver memory: idle %d KiB, peak %d KiB (%s); per pooled sandbox: skipped: %s"
              % (m["idle_rss_kib"], m["peak_rss_kib"], m["load"], NO_POOL))
    if parts["conformance"].get("status") == "ok":
        c = parts["conformance"]
        print("\nconformance: %.1f s wall; %s" % (c["wall_s"], ", ".join(
            "%s %d" % (k, v) for k, v in c["counts"].items())))
    if parts["fuzz"].get("status") == "ok":
        print("\nfuzz exec/s (%d s each, ASan+UBSan): %s" % (
            parts["fuzz"]["seconds_per_target"], ", ".join(
                "%s %d" % (t, r["exec_per_s"]) for t, r in parts["fuzz"]["targets"].items())))
    print("\ntargets (issue 14)")
    for t in doc["targets"]:
        value = t["value"]
        shown = ("skipped: " + value["reason"]) if value.get("status") == "skipped" else \
            "%.3f%s -> %s" % (value["value"], " " + value.get("unit", ""),
                              "met" if t["met"] else "not met")
        print("  %-66s %-30s %s" % (t["name"], t["goal"], shown))
