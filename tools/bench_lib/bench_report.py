"""The tables tools/bench prints from its document."""


def print_tables(doc):
    """Each part's table (or why it did not run), then the targets."""
    parts = doc["parts"]
    for name, part in parts.items():
        if part.get("status") != "ok":
            print("%s: %s: %s" % (name, part.get("status"),
                                  part.get("reason") or part.get("error", "")))
    if parts["latency"].get("status") == "ok":
        print_latency(parts["latency"])
    if parts["http"].get("status") == "ok":
        print_http(parts["http"])
    if parts["memory"].get("status") == "ok":
        print_memory(parts["memory"])
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
        print("  %-66s %-30s %s" % (t["name"], t["goal"], target_shown(t)))


def target_shown(t):
    """A target's value and whether it is met, or why it was skipped."""
    value = t["value"]
    if value.get("status") == "skipped":
        return "skipped: " + value["reason"]
    return "%.3f%s -> %s" % (value["value"], " " + value.get("unit", ""),
                             "met" if t["met"] else "not met")


# The baselines each latency series' p50 is divided by.
LATENCY_BASES = ("bare", "unshare", "bwrap")


def latency_rows(latency):
    """(workload, series label, series, [its p50 over each of LATENCY_BASES'])
    for every series, sh's in-process ones last as "in-proc NAME"."""
    out = []
    for name, workload in latency["workloads"].items():
        rows = list(workload["series"].items())
        if "in_process" in workload:
            rows += [("in-proc " + k, v) for k, v in workload["in_process"]["series"].items()]
        base = workload["series"]
        for label, s in rows:
            out.append((name, label, s, [s["p50_ms"] / base[b]["p50_ms"] for b in LATENCY_BASES]))
    return out


def pooled_ratios(latency):
    """(series, value) of each pooled p50 over its unpooled twin's."""
    return [(r["label"].split(" p50 /")[0], r["value"]) for r in latency["ratios"]
            if r.get("kind") == "pooled over unpooled"]


def print_latency(latency):
    """Every series with its ratios to the baselines, then pooled over unpooled."""
    print("\nlatency per run (ms)            runs     p50     p90     p99   p50/bare p50/unsh "
          "p50/bwrap")
    for name, label, s, ratios in latency_rows(latency):
        print("  %-6s %-22s %5d %7.2f %7.2f %7.2f %s" % (
            name, label, s["runs"], s["p50_ms"], s["p90_ms"], s["p99_ms"],
            "".join(" %9.1fx" % r for r in ratios)))
    pooled = pooled_ratios(latency)
    if pooled:
        print("  pooled over unpooled, p50: " + ", ".join(
            "%s %.2fx" % (label, value) for label, value in pooled))


def http_rows(h):
    """(label, wrk run) of each wrk run, both servers side by side."""
    rows = []
    for pooled, unpooled in zip(h["concurrency"], h["concurrency_unpooled"]):
        rows += [("sh true, pooled", pooled), ("sh true, unpooled", unpooled)]
    return rows + [("python pass, pooled", h["python"]),
                   ("python pass, unpooled", h["python_unpooled"])]


def http_errors(r):
    return r["counts"]["requests"] - r["counts"]["good"] + sum(
        v for k, v in r["counts"].items() if k.startswith("socket_"))


def print_http(h):
    """wrk against each server, their ratios, the tail, async, baselines, pools."""
    print("\nthroughput over HTTP          conns   runs/s     p50     p90     p99 p99/p50  errors")
    for label, r in http_rows(h):
        print("  %-26s %6d %8.1f %7.2f %7.2f %7.2f %7.2f %7d" % (
            label, r["connections"], r["rate_per_s"], r["p50_ms"], r["p90_ms"], r["p99_ms"],
            r["p99_ms"] / r["p50_ms"], http_errors(r)))
    a = h["async"]
    print("  %-26s %6s %8.1f   (%d jobs in %.2f s, pooled)" % (
        "async submit->completed", "-", a["rate_per_s"], a["jobs"], a["seconds"]))
    for label, b in h["baselines"].items():
        if isinstance(b, dict):
            print("  %-26s %6d %8.1f %7.2f %7.2f %7.2f   (%d loops)" % (
                "baseline " + label, b["loops"], b["rate_per_s"], b["p50_ms"], b["p90_ms"],
                b["p99_ms"], b["loops"]))
    for r in h["ratios"]:
        print("  %-58s %7.2f" % (r["label"], r["value"]))
    tail = h["tail"]
    if tail.get("status") == "skipped":
        print("  tail p99/p50: skipped: %s" % tail["reason"])
    else:
        print("  tail p99/p50 at %d connections: pooled %.2f, unpooled %.2f"
              % (tail["connections"], tail["pooled"]["value"], tail["unpooled"]["value"]))
    for label in ("pooled", "unpooled"):
        c = h["pool"][label]["counts"]
        print("  pool of the %s server after the part: %s%s" % (
            label, ", ".join("%s %d" % (k, v) for k, v in c.items()),
            ("; last failure: " + h["pool"][label]["last_failure"])
            if h["pool"][label].get("last_failure") else ""))


def print_memory(m):
    """Both servers' VmRSS, and per pooled sandbox."""
    u = m["unpooled"]
    print("\nserver memory (VmRSS, KiB)  idle   peak  (%s)" % m["load"])
    print("  pooled (pool full)   %7d %7d" % (m["idle_rss_kib"], m["peak_rss_kib"]))
    print("  unpooled             %7d %7d" % (u["idle_rss_kib"], u["peak_rss_kib"]))
    print("  idle pooled / unpooled: %.2f" % m["idle_pooled_over_unpooled"]["value"])
    each = m["per_pooled_sandbox"]
    if each.get("status") == "skipped":
        print("  per pooled sandbox: skipped: %s" % each["reason"])
    else:
        print("  per pooled sandbox: private %.0f KiB, PSS %.0f KiB (%d ready inits, %d KiB "
              "private, %d KiB PSS, %d KiB RSS in all)"
              % (each["private_kib"]["value"], each["pss_kib"]["value"], each["counts"]["inits"],
                 each["private_total_kib"], each["pss_total_kib"], each["rss_total_kib"]))
