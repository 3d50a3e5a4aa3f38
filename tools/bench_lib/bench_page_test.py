#!/usr/bin/env python3
"""The page of a canned `tools/bench --smoke` document (testdata/, a real
smoke run with a fuzz part added), rendered by the real render_page and
read back as a browser's parser reads it: one item per measurement with
its grade, the tables holding what tools/bench prints, skipped and failed
parts, hostile names shown as text, and bench_page.py's check of a page.

    bench_page_test.py RENDER_PAGE"""

import contextlib
import copy
import io
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "report_page"))
import bench_page  # noqa: E402
import bench_report  # noqa: E402
import page_reader  # noqa: E402
import report_page as rp  # noqa: E402

RENDER_PAGE = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else ""
TMP = os.environ.get("TEST_TMPDIR") or tempfile.mkdtemp()
OUTPUTS = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR", TMP)
HOSTILE = "<script>x</script>"


def canned():
    with open(os.path.join(HERE, "testdata", "bench_smoke.json")) as f:
        return json.load(f)


def render(doc, name):
    """(the page's HTML, its path) as tools/bench --html writes it."""
    path = os.path.join(OUTPUTS, name)
    rp.render(bench_page.build_page(doc), path, RENDER_PAGE)
    with open(path, encoding="utf-8") as f:
        return f.read(), path


def measurements(doc):
    """How many items each part's measurements make, counted here from the
    document's own shape: a series, a wrk run, a figure, a target."""
    latency = doc["parts"]["latency"]["workloads"]
    http = doc["parts"]["http"]
    return {"latency": sum(len(w["series"]) + len(w.get("in_process", {}).get("series", {}))
                           for w in latency.values()),
            # each wrk run of both servers, python on both, async, 2
            # baselines, the tail, 2 pools
            "http": 2 * len(http["concurrency"]) + 2 + 1 + 2 + 1 + 2,
            "memory": 3, "conformance": 1, "fuzz": len(doc["parts"]["fuzz"]["targets"]),
            "targets": len(doc["targets"])}


def printed(doc):
    """What tools/bench prints of the document."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bench_report.print_tables(doc)
    return out.getvalue()


class BenchPageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = canned()
        cls.html, cls.path = render(cls.doc, "bench.html")
        cls.read = page_reader.read(cls.html)

    def test_one_item_per_measurement(self):
        counts = measurements(self.doc)
        self.assertEqual(self.html.count('<details class="item'), sum(counts.values()))
        self.assertEqual(len(self.read.items), sum(counts.values()))
        met = sum(1 for t in self.doc["targets"] if t["met"])
        grades = [i["grade"] for i in self.read.items]
        self.assertEqual(grades.count("TARGET-MISSED"), len(self.doc["targets"]) - met)
        self.assertEqual(grades.count("OK"), sum(counts.values()) - len(self.doc["targets"]) + met)
        ids = [i["id"] for i in self.read.items]
        self.assertIn("latency sh in-proc sandbox_pooled", ids)
        self.assertIn("http sh true, unpooled at 2 connections", ids)
        self.assertIn("fuzz base64_fuzzer", ids)

    def test_an_item_holds_its_figures_and_rerun_command(self):
        item = next(i for i in self.read.items if i["id"] == "latency python http")
        series = self.doc["parts"]["latency"]["workloads"]["python"]["series"]["http"]
        self.assertEqual(item["note"], "p50 %.2f ms" % series["p50_ms"])
        figures, command = item["pre"]
        self.assertEqual(json.loads(figures), series)
        self.assertEqual(command, "tools/bench --smoke --parts latency --runs 5 --seconds 1")
        missed = next(i for i in self.read.items if i["grade"] == "TARGET-MISSED")
        self.assertTrue(missed["id"].startswith("target: "))
        self.assertTrue(missed["note"].endswith("-> not met"), missed["note"])

    def test_tables_hold_what_bench_prints(self):
        lines = printed(self.doc).splitlines()
        start = lines.index(next(x for x in lines if x.startswith("latency per run (ms)")))
        latency = page_reader.table(self.read, "latency per run (ms)")
        self.assertGreater(len(latency["rows"]), 10)
        for row, line in zip(latency["rows"], lines[start + 1:]):
            self.assertEqual(" ".join(row).split(), line.split())
        start = lines.index(next(x for x in lines if x.startswith("throughput over HTTP")))
        http = page_reader.table(self.read, "throughput over HTTP")
        wrk_runs = len(bench_report.http_rows(self.doc["parts"]["http"]))
        for row, line in zip(http["rows"][:wrk_runs], lines[start + 1:]):
            self.assertEqual(" ".join(row).split(), line.split())
        targets = page_reader.table(self.read, "targets (issue 14)")
        for row, line in zip(targets["rows"], lines[lines.index("targets (issue 14)") + 1:]):
            self.assertEqual(" ".join(row).split(), line.split())
        captions = [t["caption"] for t in self.read.tables]
        for caption in ("parts", "HTTP ratios", "memory per pooled sandbox", "conformance",
                        "fuzz exec/s (1 s each, ASan+UBSan)"):
            self.assertIn(caption, captions)

    def test_the_check_of_a_page(self):
        self.assertEqual(bench_page.check_page(self.doc, self.html), [])
        json_path = os.path.join(TMP, "bench.json")
        with open(json_path, "w") as f:
            json.dump(self.doc, f)
        self.assertEqual(bench_page.main(["bench_page.py", json_path, self.path]), 0)
        one_less = self.html.replace('<details class="item', "<details class=\"gone", 1)
        self.assertEqual(bench_page.check_page(self.doc, one_less),
                         ["%d items, where the document makes %d"
                          % (len(self.read.items) - 1, len(self.read.items))])


class SkippedAndFailedTest(unittest.TestCase):
    def test_skipped_and_failed_parts_and_figures(self):
        doc = canned()
        parts = doc["parts"]
        parts["fuzz"] = {"status": "skipped", "reason": "not selected (--parts)"}
        parts["conformance"] = {"status": "error", "error": "no server: <refused>"}
        parts["memory"]["per_pooled_sandbox"] = {"status": "skipped", "reason": "no smaps_rollup"}
        parts["http"]["tail"] = {"status": "skipped", "reason": "no wrk run at 2 connections"}
        doc["targets"][0]["value"] = {"status": "skipped", "reason": "the latency part did not run"}
        html, _ = render(doc, "bench_skipped.html")
        read = page_reader.read(html)
        grades = {i["id"]: i["grade"] for i in read.items}
        self.assertEqual(sorted(i for i, g in grades.items() if g == "SKIPPED"), [
            "fuzz", "http tail p99/p50", "memory per pooled sandbox",
            "target: sandbox overhead over bare exec, sh true, p50"])
        self.assertEqual(grades["conformance"], "ERROR")
        self.assertEqual(grades["problem 1"], "PROBLEM")  # bench_check's
        fuzz = next(i for i in read.items if i["id"] == "fuzz")
        self.assertEqual(fuzz["p"][0], "not selected (--parts)")
        self.assertEqual(fuzz["pre"], ["tools/bench --smoke --parts fuzz --runs 5 --seconds 1"])
        self.assertIn("no server: <refused>", [i["title"] for i in read.items])
        self.assertIn("(exit 1)", html)
        self.assertEqual(bench_page.check_page(doc, html), [])


class HostileNamesTest(unittest.TestCase):
    def test_a_series_and_a_target_named_like_markup(self):
        doc = canned()
        series = doc["parts"]["latency"]["workloads"]["sh"]["series"]
        series[HOSTILE] = copy.deepcopy(series["bare"])
        doc["parts"]["fuzz"]["targets"]["</pre><b>fuzzer</b>"] = {"exec_per_s": 1}
        html, _ = render(doc, "bench_hostile.html")
        read = page_reader.read(html)
        self.assertEqual(read.scripts, 1)  # the page's own
        self.assertNotIn("b", read.tags)
        self.assertNotIn(HOSTILE, html)
        ids = [i["id"] for i in read.items]
        self.assertIn("latency sh " + HOSTILE, ids)
        self.assertIn("fuzz </pre><b>fuzzer</b>", ids)
        rows = page_reader.table(read, "latency per run (ms)")["rows"]
        self.assertIn(["sh", HOSTILE], [row[:2] for row in rows])


if __name__ == "__main__":
    unittest.main()
