#!/usr/bin/env python3
"""End-to-end tests of api_fuzz: a bounded campaign against the embedded
reference server finds nothing and reports its figures (JSON, JUnit and
HTML); every bad command line and unreachable target is one sentence and
exit 2; a finding (a planted fault, through tools/fault_proxy) is
bucketed, minimized, shown on the HTML page and replays from its seed and
index and from its raw bytes. Needs root (the reference server's sandbox)."""

import os
import re
import socket
import subprocess
import sys
import unittest
import xml.dom.minidom

sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "execprobe", "conformance"))
import testing  # noqa: E402

API_FUZZ = os.path.join(testing.BIN, "fuzz/remote/api_fuzz")
KEYS = ["e2e-fuzz-one", "e2e-fuzz-two"]
CHECKS = {"no_server_error", "answers_in_time", "well_framed", "error_shape",
          "documented_status", "auth_required", "differential", "stateful", "still_alive"}


def api_fuzz(args, timeout=600):
    done = subprocess.run([API_FUZZ] + args, capture_output=True, timeout=timeout)
    return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")


def html_items(path):
    """The grades of the report page's items (<details class="item" data-grade=...>),
    after checking that the file is one HTML document whose only script is the
    page's own."""
    with open(path, encoding="utf-8") as f:
        page = f.read()
    assert page.startswith("<!DOCTYPE html>"), page[:200]
    assert page.count("<script") == 1, "the page's own script only"
    return re.findall(r'<details class="item[^"]*"[^>]*data-grade="([^"]*)"', page)


def send_raw(url, raw, wait):
    """Sends bytes; (what came back, whether the server closed within `wait` s)."""
    host, port = url[len("http://"):].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(raw)
        s.settimeout(wait)
        received = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return received, True
                received += chunk
        except socket.timeout:
            return received, False


class EmbeddedCampaignTest(unittest.TestCase):
    def test_a_bounded_campaign_finds_nothing_and_reports_its_figures(self):
        json_path = os.path.join(testing.TMP, "fuzz.json")
        junit_path = os.path.join(testing.TMP, "fuzz.xml")
        html_path = os.path.join(testing.TMP, "fuzz.html")
        code, out, err = api_fuzz(["--requests", "1500", "--seed", "11", "--json", json_path,
                                   "--junit", junit_path, "--html", html_path, "--batch", "500",
                                   "--findings-dir", os.path.join(testing.TMP, "findings"),
                                   "--server-arg=--sandbox-uid-base=%d" % testing.uid_base()])
        self.assertEqual(code, 0, out[-4000:] + err)
        self.assertIn("result: no findings", out)
        report = testing.load_json(json_path)
        self.assertEqual(report["cases"], 1500)
        self.assertEqual(report["stopped"], "requests")
        self.assertGreaterEqual(report["requests"], 1500)
        # Answers by status: a pipelined request has several.
        self.assertGreaterEqual(sum(report["by_status"].values()), report["requests"])
        self.assertEqual(report["findings"], [])
        self.assertEqual(set(report["checks"]), CHECKS)
        for name, check in report["checks"].items():
            self.assertEqual(check["violations"], 0, name)
        # 1500 cases draw every kind, and so run every check.
        for name in CHECKS:
            self.assertGreater(report["checks"][name]["run"], 0, name)
        self.assertEqual(set(report["by_kind"]), {"json", "run", "headers", "raw", "stateful"})
        self.assertGreaterEqual(report["canaries"], 3)
        self.assertNotIn("e2e", report["options"])
        suite = xml.dom.minidom.parse(junit_path).getElementsByTagName("testsuite")[0]
        self.assertEqual(suite.getAttribute("failures"), "0")
        self.assertEqual(len(suite.getElementsByTagName("testcase")), len(CHECKS))
        # No finding: the page still has one item, saying so.
        self.assertEqual(html_items(html_path), ["OK"])

    def test_the_same_seed_and_index_is_the_same_case(self):
        first = api_fuzz(["--seed", "5", "--index", "17",
                          "--server-arg=--sandbox-uid-base=%d" % testing.uid_base()])
        second = api_fuzz(["--seed", "5", "--index", "17",
                           "--server-arg=--sandbox-uid-base=%d" % testing.uid_base()])
        self.assertEqual(first[0], 0, first[1] + first[2])
        sent = [out.split("--- answered ---")[0].split("\n", 2)[2] for out in (first[1], second[1])]
        # The port of the embedded server differs; the bytes otherwise not.
        strip = lambda text: "\n".join(l for l in text.splitlines() if "Host:" not in l)
        self.assertEqual(strip(sent[0]), strip(sent[1]))
        self.assertIn("every check passed", first[1])
        self.assertIn("${API_KEY}", first[1])
        self.assertNotIn("conformance-a-", first[1], "keys are never printed")


class CommandLineTest(unittest.TestCase):
    def test_bad_arguments_are_one_sentence_naming_the_option(self):
        for args, words in [
            (["--seconds", "x"], "--seconds"),
            (["--requests", "0"], "--requests"),
            (["--jobs", "100"], "--jobs"),
            (["--rate", "-1"], "--rate"),
            (["--until-found", "no_such_check"], "no_such_check"),
            (["--index", "3"], "--seed"),
            (["--target", "http://127.0.0.1:9"], "--api-key"),
            (["--bogus"], "--bogus"),
        ]:
            code, out, err = api_fuzz(args, timeout=60)
            self.assertEqual(code, 2, args)
            self.assertIn(words, err, args)
            self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_an_unreachable_target_is_exit_2(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        code, out, err = api_fuzz(["--target", "http://127.0.0.1:%d" % port, "--api-key", "k",
                                   "--seconds", "5"], timeout=60)
        self.assertEqual(code, 2)
        self.assertIn("127.0.0.1:%d" % port, err)

    def test_an_unreachable_https_target_is_exit_2(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        target = "https://127.0.0.1:%d" % port
        code, out, err = api_fuzz(["--target", target, "--api-key", "k", "--seconds", "5"],
                                  timeout=60)
        self.assertEqual(code, 2, err)
        self.assertIn(target, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_list_checks_names_each_check(self):
        code, out, err = api_fuzz(["--list-checks"], timeout=60)
        self.assertEqual(code, 0)
        self.assertEqual({line.split("\t")[0] for line in out.splitlines()}, CHECKS)


class FindingTest(unittest.TestCase):
    """A server that keeps connections open after Connection: close (the bug
    the reference server had), planted by the fault proxy."""

    def test_a_planted_fault_is_found_minimized_and_replayed(self):
        server = testing.reference_server(KEYS)
        proxy = testing.fault_proxy(server.url, "connection-not-closed")
        findings = os.path.join(testing.TMP, "planted")
        json_path = os.path.join(testing.TMP, "planted.json")
        html_path = os.path.join(testing.TMP, "planted.html")
        try:
            code, out, err = api_fuzz(["--target", proxy.url, "--api-key", KEYS[0],
                                       "--second-api-key", KEYS[1], "--seed", "1",
                                       "--seconds", "60", "--until-found", "answers_in_time",
                                       "--findings-dir", findings, "--json", json_path,
                                       "--html", html_path])
            self.assertEqual(code, 1, out + err)
            report = testing.load_json(json_path)
            # One item per finding, graded as the JSON report grades it.
            self.assertEqual(sorted(html_items(html_path)),
                             sorted(f["grade"] for f in report["findings"]))
            with open(html_path, encoding="utf-8") as f:
                self.assertNotIn(KEYS[0], f.read(), "keys are never written")
            self.assertEqual(report["stopped"], "found")
            finding = [f for f in report["findings"] if f["check"] == "answers_in_time"][0]
            self.assertEqual(finding["grade"], "FAILED")
            self.assertIn("Connection: close", finding["message"])
            self.assertTrue(os.path.isfile(finding["raw_file"]), finding)
            # Replayed by seed and index: the same check fails again.
            code, out, err = api_fuzz(["--target", proxy.url, "--api-key", KEYS[0],
                                       "--second-api-key", KEYS[1], "--seed", "1", "--index",
                                       str(finding["index"])])
            self.assertEqual(code, 1, out + err)
            self.assertIn("answers_in_time:", out)
            # Replayed from its raw bytes: the answer comes and the
            # connection stays open (the reference server closes it).
            with open(finding["raw_file"], "rb") as f:
                raw = f.read()
            received, closed = send_raw(proxy.url, raw, wait=3)
            self.assertTrue(received.startswith(b"HTTP/1."), received[:200])
            self.assertFalse(closed, "the planted fault keeps the connection open")
            received, closed = send_raw(server.url, raw, wait=5)
            self.assertTrue(received.startswith(b"HTTP/1."), received[:200])
            self.assertTrue(closed, "the reference server answers and closes")
        finally:
            proxy.stop()
            server.stop()


if __name__ == "__main__":
    unittest.main()
