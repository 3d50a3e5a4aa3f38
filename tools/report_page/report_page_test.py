#!/usr/bin/env python3
"""The page of a canned fault matrix run, rendered by the real
render_page and read back as a browser's parser reads it: one item per
fault and per baseline case with its grade, the tables' cells, hostile
names shown as text; its markdown tables as docs/CONFORMANCE.md holds
them; and a page render_page refuses, or no render_page, as a PageError.

    report_page_test.py RENDER_PAGE"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fault_matrix_page  # noqa: E402
import page_reader  # noqa: E402
import report_page as rp  # noqa: E402

RENDER_PAGE = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else ""
ROOT = os.path.dirname(os.path.dirname(HERE))
TMP = os.environ.get("TEST_TMPDIR") or tempfile.mkdtemp()
OUTPUTS = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR", TMP)
HOSTILE = "<script>x</script>"
HOSTILE_TEXT = "</pre><script>alert(1)</script><img src=x onerror=alert(2)>"


def canned():
    with open(os.path.join(HERE, "testdata", "fault_matrix_result.json")) as f:
        return json.load(f)


def render(built, name):
    """The page written by render_page (kept among the test's outputs)."""
    path = os.path.join(OUTPUTS, name)
    rp.render(built, path, RENDER_PAGE)
    with open(path, encoding="utf-8") as f:
        return f.read()


class MarkdownTest(unittest.TestCase):
    """The tables tools/fault_matrix prints and --write puts in the docs."""

    def test_fault_table_as_the_docs_hold_it(self):
        self.assertEqual(
            fault_matrix_page.markdown(fault_matrix_page.FAULT_HEADER,
                                       fault_matrix_page.fault_rows(canned())),
            "| fault | what the proxy does | cases failed | caught by (run alone) |\n"
            "|---|---|---|---|\n"
            "| `result-missing-stdout` | removes stdout from every result object | 7 | "
            "`run.shebang.bash`, `run.shebang.sh`, `run.shebang.tcl`, `files.count.ten`, "
            "`run.return_artifact` (of 7) |\n"
            "| `default-filename-wrong` | an input file without filename gets file<i> instead "
            "of <i> | 2 | `files.default_names`, `files.name.duplicate` |\n"
            "| `jobs-list-finished` | GET /jobs also lists the jobs seen finished, with their "
            "final status | 2 | `jobs.list.excludes_finished` (of 2) |\n"
            "| `answer-hangs` | every 5th request (counted on all connections) is neither "
            "forwarded nor answered; its connection stays open, silent, until the client "
            "leaves | 0 | **nothing: not caught** |")

    def test_baseline_table_as_the_docs_hold_it(self):
        lines = fault_matrix_page.markdown(fault_matrix_page.BASELINE_HEADER,
                                           fault_matrix_page.baseline_rows(canned())).split("\n")
        self.assertEqual(lines[:2], [
            "| case | directly | through `--fault none` | why | in the fault runs |",
            "|---|---|---|---|---|"])
        self.assertEqual(len(lines), 5)
        self.assertTrue(lines[2].startswith("| `http.protocol.body_too_large` | OK | FAILED | "))
        self.assertTrue(lines[2].endswith("it announced | left out |"))
        self.assertTrue(lines[4].endswith(" | run |"))

    def test_exit_status_follows_the_result(self):
        result = canned()
        self.assertFalse(fault_matrix_page.all_caught(result))
        self.assertTrue(fault_matrix_page.all_explained(result))
        result["faults"] = [f for f in result["faults"] if f["shown"]]
        result["baseline"][2]["problem"] = "unexplained"
        self.assertTrue(fault_matrix_page.all_caught(result))
        self.assertFalse(fault_matrix_page.all_explained(result))


class FaultMatrixPageTest(unittest.TestCase):
    """The page, as a browser's parser reads it."""

    @classmethod
    def setUpClass(cls):
        cls.result = canned()
        cls.page = render(fault_matrix_page.build_page(cls.result), "fault_matrix.html")
        cls.read = page_reader.read(cls.page)

    def test_one_item_per_baseline_case_and_fault(self):
        expected = [r["case"] for r in self.result["baseline"]] + \
            [f["name"] for f in self.result["faults"]]
        self.assertEqual(self.page.count('<details class="item'), len(expected))
        self.assertEqual([i["id"] for i in self.read.items], expected)
        self.assertEqual([i["grade"] for i in self.read.items],
                         ["BASELINE-FAILED", "BASELINE-FAILED", "BASELINE-NON-STRICT",
                          "CAUGHT", "CAUGHT", "CAUGHT", "MISSED"])
        self.assertEqual([i["note"] for i in self.read.items[3:]],
                         ["7 cases", "2 cases", "2 cases", "0 cases"])

    def test_a_fault_lists_its_cases_and_the_commands(self):
        item = self.read.items[3]
        self.assertEqual(item["title"], "removes stdout from every result object")
        caught = self.result["faults"][0]["caught"]
        self.assertEqual(item["li"], caught)
        setup, run, alone = item["pre"]
        self.assertIn("fault_proxy --upstream http://127.0.0.1:8080 --fault "
                      "result-missing-stdout --listen 127.0.0.1:8081", setup)
        self.assertTrue(run.endswith("--jobs 8 --exclude http.protocol.body_too_large "
                                     "--exclude http.protocol.close.payload_too_large"), run)
        self.assertTrue(alone.endswith(" ".join("--filter " + c for c in caught[:5])), alone)
        missed = self.read.items[6]
        self.assertEqual(missed["p"][0], "no case failed under this fault")
        self.assertEqual(len(missed["pre"]), 2)  # no case to run alone

    def test_a_baseline_case_says_why_and_runs_both_ways(self):
        item = self.read.items[2]
        self.assertEqual(item["p"][0], self.result["baseline"][2]["why"])
        setup, proxied, direct = item["pre"]
        self.assertIn("--fault none", setup)
        self.assertIn("--target http://127.0.0.1:8081 ", proxied)
        self.assertIn("--target http://127.0.0.1:8080 ", direct)
        for command in (proxied, direct):
            self.assertTrue(command.endswith(" --filter http.protocol.expect_continue.refused"))

    def test_tables_hold_the_printed_cells(self):
        faults = page_reader.table(self.read, "faults")
        self.assertEqual(faults["header"], fault_matrix_page.FAULT_HEADER)
        self.assertEqual(faults["rows"][1], [
            "default-filename-wrong", "an input file without filename gets file<i> instead of <i>",
            "2", "files.default_names, files.name.duplicate"])
        self.assertEqual(faults["rows"][3][3], "nothing: not caught")
        baseline = page_reader.table(self.read, "baseline: the proxy without a fault")
        self.assertEqual(baseline["header"][2], "through --fault none")
        self.assertEqual([row[0] for row in baseline["rows"]],
                         [r["case"] for r in self.result["baseline"]])
        self.assertNotIn("i", self.read.tags)  # file<i> stayed text

    def test_facts_and_verdict(self):
        self.assertIn("1 fault(s) not caught, 0 baseline difference(s) unexplained (exit 1)",
                      self.page)
        self.assertIn("0123456789abcdef0123456789abcdef01234567 (dirty)", self.page)
        self.assertIn("1234 s", self.page)

    def test_hostile_names_are_shown_as_text(self):
        result = canned()
        result["faults"].append({"name": HOSTILE, "what": HOSTILE_TEXT,
                                 "caught": ["<b>bold</b>"], "shown": ["<b>bold</b>"]})
        result["baseline"][0]["why"] = HOSTILE_TEXT
        page = render(fault_matrix_page.build_page(result), "fault_matrix_hostile.html")
        read = page_reader.read(page)
        self.assertEqual(read.scripts, 1)  # the page's own
        self.assertEqual((read.tags.get("img"), read.tags.get("b")), (None, None))
        self.assertNotIn(HOSTILE, page)
        self.assertEqual((read.items[-1]["id"], read.items[-1]["title"]), (HOSTILE, HOSTILE_TEXT))
        self.assertEqual(read.items[-1]["li"], ["<b>bold</b>"])
        self.assertEqual(read.items[0]["p"][0], HOSTILE_TEXT)
        self.assertEqual(page_reader.table(read, "faults")["rows"][-1][:2], [HOSTILE, HOSTILE_TEXT])

    def test_other_baseline_grades(self):
        result = canned()
        result["baseline"][0].update(directly="FAILED", problem="reference failed")
        result["baseline"][1].update(problem="unexplained")
        result["baseline"][2].update(through="SKIPPED")
        built = fault_matrix_page.build_page(result)
        self.assertEqual([i["grade"] for i in built["sections"][0]["items"]],
                         ["REFERENCE-FAILED", "UNEXPLAINED", "BASELINE-SKIPPED"])
        self.assertIn({"name": "BASELINE-SKIPPED", "tone": "warn"}, built["grades"])
        read = page_reader.read(render(built, "fault_matrix_baseline.html"))
        self.assertEqual([i["grade"] for i in read.items[:3]],
                         ["REFERENCE-FAILED", "UNEXPLAINED", "BASELINE-SKIPPED"])


class RenderErrorTest(unittest.TestCase):
    """What stops a page is a PageError that says why."""

    def setUp(self):
        self.built = fault_matrix_page.build_page(canned())
        self.out = os.path.join(TMP, "refused.html")

    def test_a_page_render_page_refuses(self):
        broken = copy.deepcopy(self.built)
        broken["sections"][1]["items"][0]["blocks"][0]["kind"] = "video"
        with self.assertRaises(rp.PageError) as caught:
            rp.render(broken, self.out, RENDER_PAGE)
        self.assertIn("render_page exited 2", str(caught.exception))
        self.assertIn("sections[1].items[0].blocks[0].kind", str(caught.exception))

    def test_an_unwritable_page(self):
        with self.assertRaises(rp.PageError) as caught:
            rp.render(self.built, os.path.join(TMP, "no-such-dir", "page.html"), RENDER_PAGE)
        self.assertIn("render_page exited 1", str(caught.exception))

    def test_no_render_page(self):
        with self.assertRaises(rp.PageError) as caught:
            rp.render(self.built, self.out, os.path.join(TMP, "no-render-page"))
        self.assertIn("bazel build //tools/html_page:render_page", str(caught.exception))

    def test_repeated_ids_and_unknown_grades(self):
        self.out = os.path.join(TMP, "never-written.html")
        repeated = copy.deepcopy(self.built)
        repeated["sections"][1]["items"][1]["id"] = "result-missing-stdout"
        with self.assertRaisesRegex(rp.PageError, "used more than once: result-missing-stdout"):
            rp.render(repeated, self.out, RENDER_PAGE)
        unknown = copy.deepcopy(self.built)
        unknown["sections"][1]["items"][0]["grade"] = "PASSED"
        with self.assertRaisesRegex(rp.PageError, "not declared in the page: PASSED"):
            rp.render(unknown, self.out, RENDER_PAGE)
        self.assertFalse(os.path.exists(self.out), "nothing written")

    def test_bad_tones_and_kinds_are_caught_when_built(self):
        with self.assertRaises(ValueError):
            rp.block("video", "x")
        with self.assertRaises(ValueError):
            rp.page("t", "k", grades=[("OK", "green")])


class FaultMatrixCommandTest(unittest.TestCase):
    """tools/fault_matrix --html refuses before its long run when it has
    no render_page to write the page with."""

    def test_html_without_render_page(self):
        env = dict(os.environ, EXECPROBE_BIN=os.path.join(TMP, "empty-bin"))
        done = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "fault_matrix"),
                               "--html", os.path.join(TMP, "m.html")], env=env,
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("tools/fault_matrix: --html: ", done.stderr)
        self.assertIn("bazel build //tools/html_page:render_page", done.stderr)


if __name__ == "__main__":
    unittest.main()
