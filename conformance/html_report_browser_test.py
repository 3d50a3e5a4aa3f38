#!/usr/bin/env python3
"""The runner's HTML report in a real browser: a run with every grade,
among them a program whose output is markup and script, written with
--html and --json, loaded from file:// by headless Chromium (WebDriver).
The DOM must hold one item per case with the JSON summary's counts, the
grade and text filters must work (also from the URL), nothing the target
sent may run, and the page may load nothing. A screenshot goes to the
test's outputs (docs/CONFORMANCE.md shows one).

Needs root (the embedded reference server's sandbox) and Debian's
chromium and chromium-driver (tools/setup)."""

import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testing  # noqa: E402
import webdriver  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata", "html_report")
OUTPUTS = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR", testing.TMP)

# What the hostile case's program prints (testdata/html_report/cases.json).
HOSTILE = "</pre><script>document.body.dataset.pwned='script'</script>"

VISIBLE_ITEMS = """
return Array.from(document.querySelectorAll('details.item'))
    .filter(item => !item.hidden && item.offsetParent !== null)
    .map(item => item.dataset.grade);
"""


class HtmlReportInBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.html = os.path.join(testing.TMP, "report.html")
        json_path = os.path.join(testing.TMP, "report.json")
        run = subprocess.run(
            [testing.CONFORMANCE, "--fixtures", FIXTURES, "--jobs", "2", "--html", cls.html,
             "--json", json_path], capture_output=True, text=True, timeout=300)
        # Two cases fail on purpose: exit 1 is the verdict, not an error.
        assert run.returncode == 1, "exit %d:\n%s\n%s" % (run.returncode, run.stdout, run.stderr)
        with open(json_path) as report:
            cls.report = json.load(report)
        cls.browser = webdriver.Browser(testing.TMP)
        cls.url = "file://" + cls.html

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()

    def setUp(self):
        # A fresh load for each test, in its default view.
        self.browser.open("about:blank")
        self.browser.open(self.url)

    def grades_in_json(self):
        return [case["grade"] for case in self.report["cases"]]

    def test_one_item_per_case_with_the_json_counts(self):
        grades = self.browser.run(
            "return Array.from(document.querySelectorAll('details.item'))"
            ".map(item => item.dataset.grade);")
        self.assertEqual(len(grades), len(self.report["cases"]))
        self.assertEqual(sorted(grades), sorted(self.grades_in_json()))
        for grade in ("OK", "NON-STRICT", "SKIPPED", "FAILED"):
            self.assertGreater(grades.count(grade), 0, grade)
        ids = self.browser.run(
            "return Array.from(document.querySelectorAll('details.item'))"
            ".map(item => item.id);")
        self.assertEqual(len(set(ids)), len(ids))
        self.assertEqual(self.browser.run(
            "return document.getElementById('shown-count').textContent.trim();"),
            str(len(self.report["cases"])))
        # Each grade button's count is the JSON summary's count of that grade.
        buttons = self.browser.run(
            "return Object.fromEntries(Array.from(document.querySelectorAll('button.grade-filter'))"
            ".map(b => [b.dataset.grade, b.querySelector('.count').textContent.trim()]));")
        for grade in ("OK", "NON-STRICT", "INFORMATIONAL", "SKIPPED", "FAILED"):
            self.assertEqual(buttons[grade], str(self.report["summary"][grade]), grade)

    def test_grade_filter_shows_only_that_grade_and_goes_into_the_url(self):
        self.browser.click('button.grade-filter[data-grade="FAILED"]')
        shown = self.browser.run(VISIBLE_ITEMS)
        self.assertEqual(shown, ["FAILED"] * self.grades_in_json().count("FAILED"))
        self.assertEqual(self.browser.run(
            "return document.getElementById('shown-count').textContent.trim();"), str(len(shown)))
        self.assertIn("FAILED", self.browser.run("return decodeURIComponent(location.hash);"))
        self.assertEqual(self.browser.run(
            "return document.querySelector('button.grade-filter[data-grade=\"FAILED\"]')"
            ".getAttribute('aria-pressed');"), "true")
        # A second grade adds to the first; pressing both again shows all.
        self.browser.click('button.grade-filter[data-grade="SKIPPED"]')
        self.assertEqual(sorted(self.browser.run(VISIBLE_ITEMS)),
                         sorted(g for g in self.grades_in_json() if g in ("FAILED", "SKIPPED")))
        self.browser.click('button.grade-filter[data-grade="FAILED"]')
        self.browser.click('button.grade-filter[data-grade="SKIPPED"]')
        self.assertEqual(len(self.browser.run(VISIBLE_ITEMS)), len(self.report["cases"]))

    def test_text_filter(self):
        self.browser.type("input#filter-text", "hostile")
        self.assertEqual(self.browser.run(
            "return Array.from(document.querySelectorAll('details.item'))"
            ".filter(item => !item.hidden).map(item => item.id);"),
            [self.item_id("report.hostile_output")])
        self.browser.clear("input#filter-text")
        self.browser.type("input#filter-text", "no case has this text")
        self.assertEqual(self.browser.run(VISIBLE_ITEMS), [])

    def test_filter_from_the_url(self):
        # A fresh load with the filter in the address, not a hash change.
        self.browser.open("about:blank")
        self.browser.open(self.url + "#grades=SKIPPED")
        self.assertEqual(self.browser.run(VISIBLE_ITEMS),
                         ["SKIPPED"] * self.grades_in_json().count("SKIPPED"))

    def item_id(self, case_id):
        return self.browser.run(
            "return Array.from(document.querySelectorAll('details.item'))"
            ".find(item => item.textContent.includes(arguments[0])).id;", case_id)

    def test_the_targets_markup_is_text_and_nothing_ran(self):
        item = self.item_id("report.hostile_output")
        self.browser.run("document.getElementById(arguments[0]).open = true;", item)
        text = self.browser.run("return document.getElementById(arguments[0]).textContent;", item)
        self.assertIn(HOSTILE, text)
        self.assertIn("<b>bold</b>", text)  # the fixture's own title, as text
        self.assertIsNone(self.browser.run("return document.body.dataset.pwned || null;"))
        self.assertEqual(self.browser.run(
            "return document.getElementById(arguments[0]).querySelectorAll('script, img, b')"
            ".length;", item), 0)
        self.assertEqual(self.browser.run("return document.scripts.length;"), 1)
        # Nothing fetched: no CDN, no font, no image.
        self.assertEqual(self.browser.run(
            "return performance.getEntriesByType('resource').length;"), 0)

    def test_a_failed_case_opens_to_its_evidence_and_is_photographed(self):
        item = self.item_id("report.hostile_output")
        self.browser.run("document.getElementById(arguments[0]).open = true;", item)
        text = self.browser.run("return document.getElementById(arguments[0]).textContent;", item)
        for part in ("The report MUST show a hostile answer", "something else", "POST /execute",
                     "curl"):
            self.assertIn(part, text)
        copy = self.browser.run(
            "return document.getElementById(arguments[0]).querySelectorAll('button.copy').length;",
            item)
        self.assertGreaterEqual(copy, 1)
        path = os.path.join(OUTPUTS, "html_report.png")
        self.browser.screenshot(path)
        with open(path, "rb") as png:
            self.assertEqual(png.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
