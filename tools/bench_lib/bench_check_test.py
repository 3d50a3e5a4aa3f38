#!/usr/bin/env python3
"""The checker of tools/bench's JSON, fed a good document and broken ones:
each breakage must be named, and the good one must pass."""

import copy
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_check  # noqa: E402


def series(p50, runs=5):
    return {"runs": runs, "p50_ms": p50, "p90_ms": p50 * 1.5, "p99_ms": p50 * 2,
            "min_ms": p50 / 2, "max_ms": p50 * 3}


def ratio(a, b, doc_values):
    return {"op": "ratio", "a": a, "b": b, "value": doc_values[a] / doc_values[b]}


def ratio_of(doc, a, b, **extra):
    """a / b of the document's numbers, as tools/bench derives it."""
    return dict({"op": "ratio", "a": a, "b": b,
                 "value": bench_check.resolve(doc, a) / bench_check.resolve(doc, b)}, **extra)


def wrk_row(connections, rate, p50, p99):
    return {"connections": connections, "threads": connections, "seconds": 1.0,
            "rate_per_s": rate, "p50_ms": p50, "p90_ms": (p50 + p99) / 2, "p99_ms": p99,
            "min_ms": p50 / 2, "max_ms": p99 * 2,
            "counts": {"requests": int(rate), "good": int(rate), "non_2xx": 0, "bad_body": 0}}


def pool_counts(per_class, ready, hits):
    return {"counts": {"per_class": per_class, "classes": 1 if per_class else 0, "ready": ready,
                       "building": 0, "in_use": 0, "hits": hits, "misses": 0, "refills": hits,
                       "refill_failures": 0, "discarded": 0}, "last_failure": ""}


def http_part():
    return {
        "status": "ok",
        "check": {"http_status": 200, "exit_code_zero": True},
        "concurrency": [wrk_row(1, 200.0, 4.0, 9.0), wrk_row(2, 400.0, 4.5, 20.0)],
        "concurrency_unpooled": [wrk_row(1, 150.0, 5.0, 10.0), wrk_row(2, 300.0, 6.0, 25.0)],
        "python": {"connections": 2, "rate_per_s": 110.0, "p50_ms": 17.0,
                   "p90_ms": 20.0, "p99_ms": 30.0, "counts": {"non_2xx": 0}},
        "python_unpooled": {"connections": 2, "rate_per_s": 100.0, "p50_ms": 19.0,
                            "p90_ms": 22.0, "p99_ms": 32.0, "counts": {"non_2xx": 0}},
        "async": {"jobs": 3, "seconds": 0.02, "rate_per_s": 150.0},
        "baselines": {"bwrap_sh": {"loops": 2, "rate_per_s": 600.0},
                      "bare_python": {"loops": 2, "rate_per_s": 190.0}},
        "pool": {"pooled": pool_counts(4, 4, 120), "unpooled": pool_counts(0, 0, 0),
                 "when": "after the part's loads"},
        "ratios": [], "tail": {},
    }


def memory_part():
    return {"status": "ok", "idle_rss_kib": 9000, "peak_rss_kib": 12000,
            "unpooled": {"idle_rss_kib": 7000, "peak_rss_kib": 11000,
                         "counts": {"samples": 10}},
            "per_pooled_sandbox": {"pss_total_kib": 1000, "rss_total_kib": 4800,
                                   "private_total_kib": 280,
                                   "counts": {"inits": 4},
                                   "pool": {"counts": {"per_class": 4, "classes": 1,
                                                       "ready": 4, "building": 0}}}}


def add_pooled_ratios(doc):
    """The ratios tools/bench adds for the pool: latency pooled over
    unpooled, http per concurrency and the tail, memory's idle and PSS."""
    for workloads, pooled, unpooled in bench_check.LATENCY_POOLED_PAIRS:
        for w in workloads:
            where = "/parts/latency/workloads/%s/" % w
            doc["parts"]["latency"]["ratios"].append(ratio_of(
                doc, where + "/".join(pooled) + "/p50_ms", where + "/".join(unpooled) + "/p50_ms",
                kind="pooled over unpooled", label="%s pooled over unpooled" % w))
    h = doc["parts"]["http"]
    bwrap = "/parts/http/baselines/bwrap_sh/rate_per_s"
    for i in range(len(h["concurrency"])):
        a, b = "/parts/http/concurrency/%d/rate_per_s" % i, \
            "/parts/http/concurrency_unpooled/%d/rate_per_s" % i
        h["ratios"] += [ratio_of(doc, a, b, label="pooled / unpooled"),
                        ratio_of(doc, a, bwrap, label="pooled / bwrap"),
                        ratio_of(doc, b, bwrap, label="unpooled / bwrap")]
    h["tail"] = {"connections": 2}
    for rows, server in (("concurrency", "pooled"), ("concurrency_unpooled", "unpooled")):
        h["tail"][server] = ratio_of(doc, "/parts/http/%s/1/p99_ms" % rows,
                                     "/parts/http/%s/1/p50_ms" % rows)
    m, each = doc["parts"]["memory"], "/parts/memory/per_pooled_sandbox/"
    m["idle_pooled_over_unpooled"] = ratio_of(doc, "/parts/memory/idle_rss_kib",
                                              "/parts/memory/unpooled/idle_rss_kib")
    m["per_pooled_sandbox"]["pss_kib"] = ratio_of(doc, each + "pss_total_kib",
                                                  each + "counts/inits")
    m["per_pooled_sandbox"]["private_kib"] = ratio_of(doc, each + "private_total_kib",
                                                      each + "counts/inits")


def good_document():
    """A small document with every part ok (fuzz skipped), as tools/bench
    writes one."""
    workloads = {}
    for name, base in (("sh", 0.5), ("python", 10.0), ("c", 60.0)):
        workloads[name] = {"series": {"bare": series(base), "unshare": series(base * 3),
                                      "bwrap": series(base * 6), "sandbox_run": series(base * 8),
                                      "http": series(base * 4),
                                      "http_unpooled": series(base * 9)}}
    workloads["sh"]["in_process"] = {"runs": 5, "series": {"bare": series(0.7),
                                                           "sandbox": series(3.1),
                                                           "sandbox_pooled": series(1.2)}}
    doc = {
        "tool": "tools/bench",
        "smoke": True,
        "machine": {"cores": 2, "kernel": "6.1.0", "commit": "abc123", "dirty": False,
                    "loadavg_start": "0.10 0.20 0.30"},
        "servers": {"pooled": {"args": "--listen 127.0.0.1:0 --sandbox-pool 4"},
                    "unpooled": {"args": "--listen 127.0.0.1:0 --sandbox-pool 0"}},
        "parts": {
            "latency": {"status": "ok", "workloads": workloads, "ratios": []},
            "http": http_part(),
            "memory": memory_part(),
            "conformance": {"status": "ok", "wall_s": 3.5,
                            "counts": {"total": 4, "OK": 4, "FAILED": 0}},
            "fuzz": {"status": "skipped", "reason": "not selected (--parts)"},
        },
        "targets": [],
    }
    values = {
        "/parts/latency/workloads/sh/series/sandbox_run/p50_ms": 4.0,
        "/parts/latency/workloads/sh/series/bare/p50_ms": 0.5,
        "/parts/http/concurrency/1/rate_per_s": 400.0,
        "/parts/http/baselines/bwrap_sh/rate_per_s": 600.0,
        "/parts/http/concurrency/1/p99_ms": 20.0,
        "/parts/http/concurrency/1/p50_ms": 4.5,
    }
    doc["parts"]["latency"]["ratios"].append(
        dict(ratio("/parts/latency/workloads/sh/series/sandbox_run/p50_ms",
                   "/parts/latency/workloads/sh/series/bare/p50_ms", values),
             label="sh sandbox_run / bare"))
    add_pooled_ratios(doc)
    doc["targets"] = [
        {"name": "sandbox overhead", "goal": "<= 1 ms",
         "value": {"op": "difference", "a": "/parts/latency/workloads/sh/series/sandbox_run/p50_ms",
                   "b": "/parts/latency/workloads/sh/series/bare/p50_ms", "value": 3.5},
         "met": False, "why": "no pool yet"},
        {"name": "rate over bwrap", "goal": ">= 1.5",
         "value": ratio("/parts/http/concurrency/1/rate_per_s",
                        "/parts/http/baselines/bwrap_sh/rate_per_s", values),
         "met": False, "why": "no pool yet"},
        {"name": "p99 over p50", "goal": "<= 3",
         "value": ratio("/parts/http/concurrency/1/p99_ms", "/parts/http/concurrency/1/p50_ms",
                        values),
         "met": False, "why": "no pool yet"},
        {"name": "sh rate", "goal": ">= 1000 /s",
         "value": {"op": "same", "a": "/parts/http/concurrency/1/rate_per_s", "value": 400.0},
         "met": False, "why": "no pool yet"},
        {"name": "python rate", "goal": ">= 0.9",
         "value": {"status": "skipped", "reason": "python part not run"}},
    ]
    return doc


class BenchCheckTest(unittest.TestCase):
    def assertProblem(self, doc, text):
        problems = bench_check.check(doc)
        self.assertTrue(any(text in p for p in problems),
                        "no problem mentions %r; problems: %s" % (text, problems))

    def test_good_document_passes(self):
        self.assertEqual(bench_check.check(good_document()), [])

    def test_every_part_skipped_with_reasons_passes(self):
        doc = good_document()
        for part in bench_check.PARTS:
            doc["parts"][part] = {"status": "skipped", "reason": "not selected (--parts)"}
        doc["targets"] = [{"name": "t", "goal": "g",
                           "value": {"status": "skipped", "reason": "its part was not run"}}]
        self.assertEqual(bench_check.check(doc), [])

    def test_missing_part(self):
        doc = good_document()
        del doc["parts"]["conformance"]
        self.assertProblem(doc, "/parts/conformance: missing")

    def test_unknown_part(self):
        doc = good_document()
        doc["parts"]["gpu"] = {"status": "ok"}
        self.assertProblem(doc, "/parts/gpu: not a part")

    def test_part_in_error(self):
        doc = good_document()
        doc["parts"]["fuzz"] = {"status": "error", "error": "crashed"}
        self.assertProblem(doc, "/parts/fuzz: error: crashed")

    def test_skipped_without_reason(self):
        doc = good_document()
        doc["parts"]["fuzz"] = {"status": "skipped", "reason": " "}
        self.assertProblem(doc, "/parts/fuzz: skipped without a reason")

    def test_skipped_measurement_with_a_number(self):
        doc = good_document()
        doc["parts"]["memory"]["per_pooled_sandbox"] = {"status": "skipped",
                                                        "reason": "no smaps_rollup", "rss_kib": 1}
        self.assertProblem(doc, "skipped, yet holds rss_kib")

    def test_missing_measurement(self):
        doc = good_document()
        del doc["parts"]["latency"]["workloads"]["python"]["series"]["bwrap"]
        self.assertProblem(doc, "/parts/latency: no workloads/python/series/bwrap")

    def test_series_without_runs(self):
        doc = good_document()
        del doc["parts"]["latency"]["workloads"]["c"]["series"]["http"]["runs"]
        self.assertProblem(doc, "series http has no runs")

    def test_empty_concurrency(self):
        doc = good_document()
        doc["parts"]["http"]["concurrency"] = []
        self.assertProblem(doc, "/parts/http/concurrency: empty")

    def test_numbers_must_be_positive_and_finite(self):
        for bad in (0, -1.5, math.nan, math.inf):
            doc = good_document()
            doc["parts"]["http"]["async"]["rate_per_s"] = bad
            self.assertProblem(doc, "/parts/http/async/rate_per_s")

    def test_counts_may_be_zero_but_not_negative_or_fractional(self):
        doc = good_document()
        doc["parts"]["conformance"]["counts"]["FAILED"] = 0
        self.assertEqual(bench_check.check(doc), [])
        for bad in (-1, 0.5):
            doc["parts"]["conformance"]["counts"]["FAILED"] = bad
            self.assertProblem(doc, "a count must be a whole number >= 0")

    def test_booleans_are_not_numbers(self):
        doc = good_document()
        doc["parts"]["http"]["check"]["exit_code_zero"] = False
        self.assertEqual(bench_check.check(doc), [])

    def test_percentiles_out_of_order(self):
        doc = good_document()
        doc["parts"]["latency"]["workloads"]["sh"]["series"]["bwrap"]["p90_ms"] = 100.0
        self.assertProblem(doc, "p90_ms 100.0 > p99_ms")
        doc = good_document()
        doc["parts"]["http"]["concurrency"][0]["min_ms"] = 4.5
        self.assertProblem(doc, "min_ms 4.5 > p50_ms 4.0")

    def test_ratio_not_the_quotient(self):
        doc = good_document()
        doc["parts"]["latency"]["ratios"][0]["value"] = 7.9
        self.assertProblem(doc, "/parts/latency/ratios/0: value 7.9 is not")

    def test_difference_not_the_difference(self):
        doc = good_document()
        doc["targets"][0]["value"]["value"] = 3.4
        self.assertProblem(doc, "/targets/0/value: value 3.4 is not")

    def test_quoted_value_not_its_source(self):
        doc = good_document()
        doc["targets"][3]["value"]["value"] = 401.0
        self.assertProblem(doc, "/targets/3/value: value 401.0 is not /parts/http/concurrency/1")

    def test_unknown_op(self):
        doc = good_document()
        doc["targets"][3]["value"]["op"] = "product"
        self.assertProblem(doc, "op 'product' is not ratio, difference or same")

    def test_ratio_points_at_nothing(self):
        doc = good_document()
        doc["targets"][1]["value"]["b"] = "/parts/http/baselines/bwrap/rate_per_s"
        self.assertProblem(doc, "/targets/1/value: points at nothing")

    def test_ratio_follows_its_sources(self):
        """A source changed without its ratio is caught."""
        doc = good_document()
        doc["parts"]["http"]["baselines"]["bwrap_sh"]["rate_per_s"] = 300.0
        self.assertProblem(doc, "/targets/1/value: value")

    def test_target_without_met(self):
        doc = good_document()
        del doc["targets"][2]["met"]
        self.assertProblem(doc, "/targets/2: met must be true or false")

    def test_target_without_value(self):
        doc = good_document()
        doc["targets"][2]["value"] = 1.3
        self.assertProblem(doc, "/targets/2: value is neither derived nor skipped")

    def test_no_targets(self):
        doc = good_document()
        doc["targets"] = []
        self.assertProblem(doc, "/targets: empty")

    def test_machine_info(self):
        doc = good_document()
        del doc["machine"]["commit"]
        self.assertProblem(doc, "/machine: no commit")

    def test_not_an_object(self):
        self.assertEqual(bench_check.check([]), ["/: not a JSON object"])

    def test_command_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            good, bad = os.path.join(tmp, "good.json"), os.path.join(tmp, "bad.json")
            with open(good, "w") as f:
                json.dump(good_document(), f)
            doc = good_document()
            doc["parts"]["memory"]["peak_rss_kib"] = math.nan
            with open(bad, "w") as f:
                json.dump(doc, f)
            tool = [sys.executable, os.path.join(HERE, "bench_check.py")]
            ok = subprocess.run(tool + [good], capture_output=True, text=True)
            self.assertEqual(ok.returncode, 0, ok.stderr)
            broken = subprocess.run(tool + [bad], capture_output=True, text=True)
            self.assertEqual(broken.returncode, 1)
            self.assertIn("peak_rss_kib: nan is not finite", broken.stderr)
            usage = subprocess.run(tool, capture_output=True, text=True)
            self.assertEqual(usage.returncode, 2)

    def test_missing_http_unpooled_series(self):
        doc = good_document()
        del doc["parts"]["latency"]["workloads"]["python"]["series"]["http_unpooled"]
        self.assertProblem(doc, "/parts/latency: no workloads/python/series/http_unpooled")

    def test_missing_in_process_pooled_series(self):
        doc = good_document()
        del doc["parts"]["latency"]["workloads"]["sh"]["in_process"]["series"]["sandbox_pooled"]
        self.assertProblem(doc, "/parts/latency: no workloads/sh/in_process/series/sandbox_pooled")

    def pooled_ratio_index(self, doc, workload, series="http"):
        for index, r in enumerate(doc["parts"]["latency"]["ratios"]):
            if r["a"].startswith("/parts/latency/workloads/%s/" % workload) and \
                    r["a"].endswith("/%s/p50_ms" % series):
                return index
        self.fail("no pooled ratio of %s" % workload)

    def test_wrong_pooled_over_unpooled_ratio(self):
        doc = good_document()
        index = self.pooled_ratio_index(doc, "c")
        doc["parts"]["latency"]["ratios"][index]["value"] *= 1.01
        self.assertProblem(doc, "/parts/latency/ratios/%d: value" % index)

    def test_missing_pooled_over_unpooled_ratio(self):
        doc = good_document()
        del doc["parts"]["latency"]["ratios"][self.pooled_ratio_index(doc, "python")]
        self.assertProblem(doc, "/parts/latency/ratios: no /parts/latency/workloads/python/"
                                "series/http/p50_ms / /parts/latency/workloads/python/series/"
                                "http_unpooled/p50_ms (pooled over unpooled)")

    def test_pooled_ratio_over_the_wrong_series(self):
        """A ratio consistent with its pointers, yet not pooled over unpooled."""
        doc = good_document()
        index = self.pooled_ratio_index(doc, "sh")
        doc["parts"]["latency"]["ratios"][index] = ratio_of(
            doc, "/parts/latency/workloads/sh/series/http/p50_ms",
            "/parts/latency/workloads/sh/series/bwrap/p50_ms")
        self.assertEqual([p for p in bench_check.check(doc) if "value" in p], [])
        self.assertProblem(doc, "no /parts/latency/workloads/sh/series/http/p50_ms / "
                                "/parts/latency/workloads/sh/series/http_unpooled/p50_ms")

    def test_missing_in_process_pooled_ratio(self):
        doc = good_document()
        index = self.pooled_ratio_index(doc, "sh", "sandbox_pooled")
        del doc["parts"]["latency"]["ratios"][index]
        self.assertProblem(doc, "no /parts/latency/workloads/sh/in_process/series/"
                                "sandbox_pooled/p50_ms / /parts/latency/workloads/sh/"
                                "in_process/series/sandbox/p50_ms")

    def test_http_without_the_unpooled_server(self):
        doc = good_document()
        del doc["parts"]["http"]["concurrency_unpooled"]
        self.assertProblem(doc, "/parts/http: no concurrency_unpooled")
        self.assertProblem(doc, "/parts/http/concurrency_unpooled: not the connections")
        doc = good_document()
        del doc["parts"]["http"]["python_unpooled"]
        self.assertProblem(doc, "/parts/http: no python_unpooled")

    def test_http_servers_at_other_concurrencies(self):
        doc = good_document()
        doc["parts"]["http"]["concurrency_unpooled"][1]["connections"] = 4
        self.assertProblem(doc, "/parts/http/concurrency_unpooled: not the connections of "
                                "/parts/http/concurrency")

    def test_wrong_http_pooled_over_unpooled_ratio(self):
        doc = good_document()
        doc["parts"]["http"]["ratios"][3]["value"] = 1.0  # 400 / 300
        self.assertProblem(doc, "/parts/http/ratios/3: value 1.0 is not /parts/http/"
                                "concurrency/1/rate_per_s / /parts/http/concurrency_unpooled/1/"
                                "rate_per_s")

    def test_missing_http_ratios(self):
        doc = good_document()
        del doc["parts"]["http"]["ratios"][3:]
        self.assertProblem(doc, "/parts/http/ratios: no /parts/http/concurrency/1/rate_per_s / "
                                "/parts/http/concurrency_unpooled/1/rate_per_s")
        self.assertProblem(doc, "/parts/http/ratios: no /parts/http/concurrency_unpooled/1/"
                                "rate_per_s / /parts/http/baselines/bwrap_sh/rate_per_s")

    def test_tail(self):
        doc = good_document()
        doc["parts"]["http"]["tail"]["unpooled"] = ratio_of(
            doc, "/parts/http/concurrency/1/p99_ms", "/parts/http/concurrency/1/p50_ms")
        self.assertProblem(doc, "/parts/http/tail/unpooled: not /parts/http/"
                                "concurrency_unpooled/1/p99_ms / p50_ms")
        doc = good_document()
        doc["parts"]["http"]["tail"]["connections"] = 8
        self.assertProblem(doc, "/parts/http/tail: no wrk run at its connections 8")
        doc = good_document()
        doc["parts"]["http"]["tail"] = {"status": "skipped", "reason": "no run at 16"}
        self.assertEqual(bench_check.check(doc), [])

    def test_pool_stats(self):
        doc = good_document()
        del doc["parts"]["http"]["pool"]["pooled"]["counts"]["misses"]
        self.assertProblem(doc, "/parts/http: no pool/pooled/counts/misses")
        doc = good_document()
        doc["parts"]["http"]["pool"]["pooled"]["counts"]["per_class"] = 0
        self.assertProblem(doc, "/parts/http/pool/pooled/counts/per_class: the pooled server "
                                "has no pool")
        doc = good_document()
        doc["parts"]["http"]["pool"]["unpooled"]["counts"]["hits"] = 3
        self.assertProblem(doc, "/parts/http/pool/unpooled/counts/hits: 3, not 0")

    def test_memory_of_the_unpooled_server(self):
        doc = good_document()
        del doc["parts"]["memory"]["unpooled"]["peak_rss_kib"]
        self.assertProblem(doc, "/parts/memory: no unpooled/peak_rss_kib")
        doc = good_document()
        doc["parts"]["memory"]["idle_pooled_over_unpooled"]["b"] = "/parts/memory/peak_rss_kib"
        doc["parts"]["memory"]["idle_pooled_over_unpooled"]["value"] = 0.75
        self.assertProblem(doc, "/parts/memory/idle_pooled_over_unpooled: not")

    def test_per_pooled_sandbox(self):
        doc = good_document()
        doc["parts"]["memory"]["per_pooled_sandbox"]["pss_kib"]["value"] = 1000
        self.assertProblem(doc, "/parts/memory/per_pooled_sandbox/pss_kib: value 1000 is not")
        doc = good_document()
        del doc["parts"]["memory"]["per_pooled_sandbox"]["private_kib"]
        self.assertProblem(doc, "per_pooled_sandbox/private_kib: not private_total_kib")
        doc = good_document()
        doc["parts"]["memory"]["per_pooled_sandbox"]["counts"]["inits"] = 3
        self.assertProblem(doc, "per_pooled_sandbox/counts/inits: 3, yet the pool said ready 4")
        doc = good_document()
        doc["parts"]["memory"]["per_pooled_sandbox"]["counts"]["inits"] = 0
        self.assertProblem(doc, "a full pool has at least one")
        doc = good_document()
        doc["parts"]["memory"]["per_pooled_sandbox"] = {"status": "skipped",
                                                        "reason": "no smaps_rollup"}
        self.assertEqual(bench_check.check(doc), [])

    def test_servers(self):
        doc = good_document()
        del doc["servers"]["unpooled"]
        self.assertProblem(doc, "/servers/unpooled: no args")
        doc = good_document()
        doc["servers"]["unpooled"]["args"] = "--listen 127.0.0.1:0 --sandbox-pool 4"
        self.assertProblem(doc, "/servers/unpooled/args: --sandbox-pool '4' is not 0")
        doc = good_document()
        doc["servers"]["pooled"]["args"] = "--listen 127.0.0.1:0"
        self.assertProblem(doc, "/servers/pooled/args: --sandbox-pool '' is not at least 1")
        doc = good_document()
        del doc["servers"]  # no part ran against them
        for part in bench_check.PARTS_WITH_SERVERS:
            doc["parts"][part] = {"status": "skipped", "reason": "not selected (--parts)"}
        doc["targets"] = [{"name": "t", "goal": "g",
                           "value": {"status": "skipped", "reason": "its part was not run"}}]
        self.assertEqual(bench_check.check(doc), [])

    def test_a_difference_may_be_negative(self):
        doc = good_document()
        doc["targets"][0]["value"] = {
            "op": "difference", "a": "/parts/latency/workloads/sh/series/bare/p50_ms",
            "b": "/parts/latency/workloads/sh/series/sandbox_run/p50_ms", "value": -3.5}
        self.assertEqual(bench_check.check(doc), [])
        doc["targets"][0]["value"]["value"] = math.inf
        self.assertProblem(doc, "/targets/0/value/value: inf is not finite")

    def test_good_document_is_not_changed(self):
        doc = good_document()
        before = copy.deepcopy(doc)
        bench_check.check(doc)
        self.assertEqual(doc, before)


if __name__ == "__main__":
    unittest.main()
