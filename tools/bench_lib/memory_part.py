"""The memory part of tools/bench: the server's VmRSS idle, and its peak
while wrk runs at the top concurrency (sampled during the http part's run
when it ran, else during a load of its own); per pooled sandbox: skipped
until there is a pool."""

from bench_common import NO_POOL
from bench_server import RssSampler
from http_part import wrk


def measure(bench):
    """The part's JSON."""
    o = bench.o
    if bench.peak is None:  # the http part did not run: a load of its own
        bench.server_idle_kib = bench.server.rss_kib()
        bench.check_by_hand("sh")
        top = max(o.concurrency)
        with RssSampler(bench.server) as sampler:
            wrk(bench, "sh", top, o.seconds)
        bench.peak = (sampler.peak, sampler.samples, top)
    peak, samples, connections = bench.peak
    return {"idle_rss_kib": bench.server_idle_kib, "peak_rss_kib": peak,
            "hwm_rss_kib": bench.server.rss_kib("VmHWM"),
            "load": "wrk sh true at %d connections, %d s" % (connections, o.seconds),
            "counts": {"samples": samples},
            "per_pooled_sandbox": {"status": "skipped", "reason": NO_POOL},
            "method": "VmRSS of /proc/PID/status: idle before the HTTP load; peak sampled "
                      "every 10 ms during it (the server process only, not its runs)"}
