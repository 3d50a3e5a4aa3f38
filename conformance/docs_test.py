#!/usr/bin/env python3
"""docs/CONFORMANCE.md stays true: its coverage table is what
`conformance --coverage` prints, its fault table names every fault of the
proxy, each with at least one case, and no case it shows is one the
baseline table leaves out of the fault runs."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testing  # noqa: E402

DOC = os.path.join(testing.BIN, "docs/CONFORMANCE.md")


def between(text, name):
    match = re.search(r"<!-- %s:begin -->\n(.*?)<!-- %s:end -->" % (name, name), text, re.S)
    assert match, "docs/CONFORMANCE.md has no %s markers" % name
    return match.group(1)


def fault_rows():
    """{fault: [case ids shown]} from the fault table."""
    with open(DOC) as f:
        table = between(f.read(), "faults")
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        fault = cells[0].strip("`")
        rows[fault] = re.findall(r"`([a-z0-9_.-]+)`", cells[3])
    return rows


def baseline_rows():
    """{case id: its "in the fault runs" cell} from the table of the cases
    the proxy itself changes (tools/fault_matrix)."""
    with open(DOC) as f:
        table = between(f.read(), "fault-baseline")
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = cells[-1]
    return rows


class DocsTest(unittest.TestCase):
    def test_coverage_table_is_current(self):
        code, out, err = testing.run_conformance(["--coverage"])
        self.assertEqual(code, 0, err)
        with open(DOC) as f:
            documented = between(f.read(), "coverage")
        self.assertEqual(documented, out,
                         "regenerate it: bazel-bin/conformance/conformance --coverage")

    def test_every_fault_is_in_the_table_with_cases_that_exist(self):
        rows = fault_rows()
        self.assertEqual(sorted(rows), sorted(testing.fault_names()),
                         "run tools/fault_matrix --write")
        code, listing, err = testing.run_conformance(["--list"])
        self.assertEqual(code, 0, err)
        ids = {line.split("\t")[0] for line in listing.splitlines()}
        for fault, cases in rows.items():
            self.assertTrue(cases, "%s is caught by no case" % fault)
            self.assertLessEqual(set(cases), ids, fault)

    def test_cases_left_out_of_the_fault_runs_catch_nothing(self):
        baseline = baseline_rows()
        code, listing, err = testing.run_conformance(["--list"])
        self.assertEqual(code, 0, err)
        ids = {line.split("\t")[0] for line in listing.splitlines()}
        self.assertLessEqual(set(baseline), ids)
        self.assertLessEqual(set(baseline.values()), {"left out", "run"})
        left_out = {case for case, runs in baseline.items() if runs == "left out"}
        for fault, cases in fault_rows().items():
            self.assertEqual(left_out & set(cases), set(), fault)


if __name__ == "__main__":
    unittest.main()
