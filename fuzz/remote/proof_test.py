#!/usr/bin/env python3
"""The proof table of docs/FUZZING.md is true: through tools/fault_proxy,
api_fuzz finds every fault the table claims with the check it names, within
tools/fuzz_proof's time cap, and the finding replays where the table says
so; without a fault it finds nothing. Needs root (the reference server's
sandbox)."""

import importlib.machinery
import importlib.util
import os
import re
import sys
import unittest

RUNFILES = os.path.join(os.environ["TEST_SRCDIR"], "execprobe")
sys.path.insert(0, os.path.join(RUNFILES, "conformance"))


def load_tool():
    path = os.path.join(RUNFILES, "tools", "fuzz_proof")
    loader = importlib.machinery.SourceFileLoader("fuzz_proof", path)
    spec = importlib.util.spec_from_loader("fuzz_proof", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


proof = load_tool()


def claimed_rows():
    """(fault, check, replays) for every row of the table that claims a find."""
    with open(os.path.join(RUNFILES, "docs", "FUZZING.md")) as f:
        text = f.read()
    table = text.split(proof.BEGIN, 1)[1].split(proof.END, 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not cells[0].startswith("`") or cells[0] == "`none`":
            continue
        fault = cells[0].strip("`")
        check = re.fullmatch(r"`([a-z_]+)`", cells[2])
        if check:
            rows.append((fault, check.group(1), cells[4] == "yes"))
    return rows


class ProofTableTest(unittest.TestCase):
    def test_the_table_claims_every_expected_fault(self):
        claimed = {fault for fault, _, _ in claimed_rows()}
        self.assertEqual(claimed, set(proof.EXPECTED),
                         "regenerate the table: tools/fuzz_proof --write")

    def test_nothing_is_found_without_a_fault(self):
        data, _ = proof.prove("none", proof.BASELINE_SECONDS, [])
        strict = [f for f in data["findings"] if f["grade"] == "FAILED"]
        self.assertEqual(strict, [])
        self.assertGreater(data["requests"], 1000)

    def test_every_claimed_fault_is_found_by_its_check(self):
        for fault, check, replays in claimed_rows():
            with self.subTest(fault=fault):
                data, replayed = proof.prove(fault, proof.CAP_SECONDS, proof.EXPECTED[fault])
                found = [f for f in data["findings"]
                         if f["check"] == check and f["grade"] == "FAILED"]
                self.assertTrue(found, "%s: %s found nothing within %d s; findings: %s" % (
                    fault, check, proof.CAP_SECONDS,
                    [(f["check"], f["route"]) for f in data["findings"]]))
                self.assertLessEqual(found[0]["first_seconds"], proof.CAP_SECONDS)
                if replays:
                    self.assertTrue(replayed, "%s: the finding did not replay" % fault)


if __name__ == "__main__":
    unittest.main()
