#!/usr/bin/env python3
"""Proof of power: under each fault of tools/fault_proxy, every case that
docs/CONFORMANCE.md says catches it FAILS; through the proxy without a
fault, all of them pass. Needs root (the reference server's sandbox)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import docs_test  # noqa: E402
import testing  # noqa: E402

KEYS = ["fault-test-one", "fault-test-two"]


class FaultMatrixTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rows = docs_test.fault_rows()

    def grades(self, fault, cases):
        """Each fault gets a server of its own: one that leaves jobs running
        must not slow the next one down."""
        server = testing.reference_server(KEYS)
        proxy = testing.fault_proxy(server.url, fault)
        report = os.path.join(testing.TMP, "matrix-%s.json" % fault)
        filters = []
        for case in cases:
            filters += ["--filter", case]
        try:
            code, out, err = testing.run_conformance(
                ["--target", proxy.url, "--api-key", KEYS[0], "--second-api-key", KEYS[1],
                 "--jobs", "8", "--json", report] + filters)
        finally:
            proxy.stop()
            server.stop()
        self.assertIn(code, (0, 1), err)
        return {c["id"]: c["grade"] for c in testing.load_json(report)["cases"]}

    def test_the_proxy_without_a_fault_changes_nothing(self):
        cases = sorted({case for cases in self.rows.values() for case in cases})
        grades = self.grades("none", cases)
        self.assertEqual(sorted(grades), cases)
        self.assertEqual({case: g for case, g in grades.items() if g == "FAILED"}, {})

    def test_every_fault_is_caught_by_the_cases_the_table_names(self):
        self.assertEqual(sorted(self.rows), sorted(testing.fault_names()))
        for fault, cases in sorted(self.rows.items()):
            with self.subTest(fault=fault):
                self.assertTrue(cases)
                grades = self.grades(fault, cases)
                self.assertEqual({c: grades.get(c) for c in cases}, {c: "FAILED" for c in cases})


if __name__ == "__main__":
    unittest.main()
