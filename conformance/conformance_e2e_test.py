#!/usr/bin/env python3
"""End-to-end tests of the conformance runner: the whole suite against the
embedded reference server, both reports parsed, a failure's curl line
replayed, expectations, and the plain errors for an unreachable target or a
refused key. Needs root (the reference server's sandbox)."""

import os
import subprocess
import sys
import unittest
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testing  # noqa: E402

KEY, OTHER_KEY = "e2e-key-one", "e2e-key-two"
GRADES = {"OK", "NON-STRICT", "INFORMATIONAL", "SKIPPED", "FAILED"}


def junit_cases(path):
    document = xml.dom.minidom.parse(path)
    suites = document.getElementsByTagName("testsuites")
    assert len(suites) == 1, "one <testsuites> root"
    return suites[0], document.getElementsByTagName("testcase")


class WholeSuiteTest(unittest.TestCase):
    """The main job: every case against the embedded reference server."""

    def test_every_required_case_conforms_and_both_reports_parse(self):
        json_path = os.path.join(testing.TMP, "report.json")
        junit_path = os.path.join(testing.TMP, "report.xml")
        code, out, err = testing.run_conformance(
            ["--json", json_path, "--junit", junit_path,
             "--server-arg=--sandbox-uid-base=%d" % testing.uid_base()])
        self.assertEqual(code, 0, out[-6000:] + err)
        self.assertIn("result: conforms", out)

        code, listing, err = testing.run_conformance(["--list"])
        self.assertEqual(code, 0, err)
        ids = [line.split("\t")[0] for line in listing.splitlines()]
        self.assertGreaterEqual(len(ids), 100)

        report = testing.load_json(json_path)
        self.assertEqual([c["id"] for c in report["cases"]], ids)
        for case in report["cases"]:
            self.assertIn(case["grade"], GRADES)
            self.assertIn(case["level"], {"documented", "reference", "optional"})
            self.assertIsInstance(case["duration_s"], float)
            # This machine has every language and extension the cases use.
            self.assertNotIn(case["grade"], {"FAILED", "SKIPPED"}, case)
        summary = report["summary"]
        self.assertEqual(summary["total"], len(ids))
        self.assertEqual(sum(summary[g] for g in GRADES), len(ids))
        self.assertEqual(summary["exit_code"], 0)
        self.assertEqual(summary["unexpected_failures"], 0)

        root, cases = junit_cases(junit_path)
        self.assertEqual(int(root.getAttribute("tests")), len(ids))
        self.assertEqual(int(root.getAttribute("failures")), 0)
        self.assertEqual([c.getAttribute("name") for c in cases], ids)


class FailureTest(unittest.TestCase):
    """A wrong server: the fault proxy drops stdout from every result."""

    @classmethod
    def setUpClass(cls):
        cls.server = testing.reference_server([KEY, OTHER_KEY])
        cls.proxy = testing.fault_proxy(cls.server.url, "result-missing-stdout")

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()
        cls.server.stop()

    def run_against_proxy(self, *extra):
        json_path = os.path.join(testing.TMP, "failing.json")
        junit_path = os.path.join(testing.TMP, "failing.xml")
        code, out, err = testing.run_conformance(
            ["--target", self.proxy.url, "--api-key", KEY, "--second-api-key", OTHER_KEY,
             "--filter", "execute.hello", "--json", json_path, "--junit", junit_path] + list(extra))
        return code, out, err, json_path, junit_path

    def test_failure_is_reported_in_full_and_its_curl_line_reproduces_it(self):
        code, out, err, json_path, junit_path = self.run_against_proxy()
        self.assertEqual(code, 1, out + err)
        self.assertIn("FAILED execute.hello", out)
        self.assertIn("/stdout: must be present", out)

        case = testing.load_json(json_path)["cases"][0]
        self.assertEqual(case["grade"], "FAILED")
        self.assertIn("MUST", case["requirement"])
        self.assertTrue(case["expected_answers"][0].startswith("OK: "))
        self.assertTrue(case["actual"].startswith("200"))
        self.assertNotIn(KEY, case["curl"], "the key must not appear in a curl line")
        self.assertIn("${API_KEY}", case["curl"])

        # Replaying the curl line gets the same wrong answer from the proxy.
        replay = subprocess.run(["bash", "-c", case["curl"]], capture_output=True,
                                env=dict(os.environ, API_KEY=KEY), timeout=120)
        answer = replay.stdout.decode(errors="replace")
        self.assertEqual(replay.returncode, 0, replay.stderr)
        self.assertTrue(answer.startswith("HTTP/1.1 200"), answer)
        body = answer.split("\r\n\r\n", 1)[1]
        self.assertIn('"success":true', body)
        self.assertNotIn('"stdout"', body)

        root, cases = junit_cases(junit_path)
        self.assertEqual(int(root.getAttribute("failures")), 1)
        failures = cases[0].getElementsByTagName("failure")
        self.assertEqual(len(failures), 1)
        self.assertIn("curl", failures[0].firstChild.data)

    def test_expectations_turn_a_known_failure_into_success(self):
        baseline = os.path.join(testing.TMP, "baseline.json")
        code, out, err, _, _ = self.run_against_proxy("--write-expectations", baseline)
        self.assertEqual(code, 1, out + err)
        code, out, err, json_path, _ = self.run_against_proxy("--expectations", baseline)
        self.assertEqual(code, 0, out + err)
        self.assertIn("[expected]", out)
        report = testing.load_json(json_path)
        self.assertEqual(report["summary"]["expected_failures"], 1)
        self.assertTrue(report["cases"][0]["expected"])

    def test_a_stale_expectation_is_reported(self):
        stale = os.path.join(testing.TMP, "stale.json")
        with open(stale, "w") as f:
            f.write('{"expected": [{"id": "auth.*", "grades": ["FAILED"], "because": "old bug"}]}')
        code, out, err = testing.run_conformance(
            ["--target", self.server.url, "--api-key", KEY, "--filter", "auth.missing_key",
             "--expectations", stale])
        self.assertEqual(code, 0, out + err)
        self.assertIn("no longer fail as expected", out)


class PlainErrorsTest(unittest.TestCase):
    def test_unreachable_target_is_one_sentence_and_exit_2(self):
        code, out, err = testing.run_conformance(
            ["--target", "http://127.0.0.1:1", "--api-key", "k"])
        self.assertEqual(code, 2)
        self.assertIn("cannot reach the target http://127.0.0.1:1", err)
        self.assertNotIn("FAILED", out)

    def test_refused_key_is_one_sentence_and_exit_2(self):
        server = testing.reference_server([KEY])
        try:
            code, out, err = testing.run_conformance(
                ["--target", server.url, "--api-key", "not-" + KEY])
        finally:
            server.stop()
        self.assertEqual(code, 2)
        self.assertIn("the target refused the key of --api-key", err)
        self.assertNotIn("FAILED", out)

    def test_https_targets_are_verified(self):
        """An https target (openssl s_server, which answers every GET with
        200): with its authority trusted the suite runs (and fails, since
        the server is no API server); without it, exit 2 naming the TLS
        problem."""
        cert, key = (os.path.join(testing.TMP, name) for name in ("cert.pem", "key.pem"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=e2e", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        server = subprocess.Popen(["openssl", "s_server", "-accept", "127.0.0.1:0", "-www",
                                   "-cert", cert, "-key", key], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        try:
            port = None
            for _ in range(10):
                line = server.stdout.readline().decode()
                if line.startswith("ACCEPT "):
                    port = line.strip().rsplit(":", 1)[1]
                    break
            self.assertIsNotNone(port)
            target = ["--target", "https://127.0.0.1:%s" % port, "--api-key", "k",
                      "--filter", "auth.missing_key"]
            code, out, err = testing.run_conformance(target + ["--ca-file", cert])
            self.assertEqual(code, 1, out + err)
            self.assertIn("FAILED auth.missing_key", out)
            code, out, err = testing.run_conformance(target)
            self.assertEqual(code, 2, out + err)
            self.assertIn("certificate verify failed", err)
        finally:
            server.terminate()
            server.wait()
            server.stdout.close()

    def test_an_unusable_ca_file_is_named_before_any_case(self):
        """A --ca-file that is missing or holds no certificate stops the run
        before any case, naming the file: not "TLS handshake failed"."""
        garbage = os.path.join(testing.TMP, "garbage-ca.pem")
        with open(garbage, "w") as f:
            f.write("not a certificate\n")
        for ca_file, message in [("/nonexistent", "cannot read --ca-file /nonexistent: "),
                                 (garbage, "--ca-file %s holds no PEM certificate" % garbage)]:
            code, out, err = testing.run_conformance(
                ["--target", "https://127.0.0.1:1", "--api-key", "k", "--ca-file", ca_file])
            self.assertEqual(code, 2, out + err)
            self.assertIn(message, err)
            self.assertNotIn("TLS handshake", out + err)
            self.assertNotIn("running", out)

    def test_usage_errors_exit_2(self):
        for args, message in [(["--jobs", "0"], "--jobs"),
                              (["--no-such-flag"], "unknown option"),
                              (["--target", "ftp://x"], "--api-key"),
                              (["--target", "ftp://127.0.0.1", "--api-key", "k"], "https://"),
                              (["--filter", "no.such.case.*"], "no case matches")]:
            code, _, err = testing.run_conformance(args)
            self.assertEqual(code, 2, args)
            self.assertIn(message, err, args)


if __name__ == "__main__":
    unittest.main()
