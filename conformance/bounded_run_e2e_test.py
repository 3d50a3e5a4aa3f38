#!/usr/bin/env python3
"""End-to-end tests of a bounded run: --strict turns a NON-STRICT-only run
into exit 1; --max-duration ends a run against a stalled target within its
bound plus a few seconds, every case in the report; and after a run no job
the runner made is still pending or running on the reference server. Needs
root (the reference server's sandbox)."""

import http.server
import json
import os
import re
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testing  # noqa: E402

KEY, OTHER_KEY = "bounded-key-one", "bounded-key-two"
STRICT_FIXTURES = testing.source_path("conformance/testdata/strict")
CLEANUP_FIXTURES = testing.source_path("conformance/testdata/cleanup")
MAX_DURATION_S = 3
# Beyond the bound: the process's start and exit, and the reports.
SLACK_S = 5

SERVER = None


def setUpModule():
    global SERVER
    SERVER = testing.reference_server([KEY, OTHER_KEY])


def tearDownModule():
    SERVER.stop()


def get_json(url, key):
    """GET url with the key; (status, parsed body)."""
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + key})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class StrictTest(unittest.TestCase):
    """One case that the reference passes only through its NON-STRICT
    alternative."""

    def run_strict_case(self, *extra):
        json_path = os.path.join(testing.TMP, "strict.json")
        code, out, err = testing.run_conformance(
            ["--target", SERVER.url, "--api-key", KEY, "--fixtures", STRICT_FIXTURES,
             "--json", json_path] + list(extra))
        return code, out, err, testing.load_json(json_path)

    def test_non_strict_passes_without_strict(self):
        code, out, err, report = self.run_strict_case()
        self.assertEqual(code, 0, out + err)
        self.assertEqual([c["grade"] for c in report["cases"]], ["NON-STRICT"])
        self.assertFalse(report["summary"]["strict"])
        self.assertIn("result: conforms", out)

    def test_strict_makes_non_strict_a_failure(self):
        junit_path = os.path.join(testing.TMP, "strict.xml")
        html_path = os.path.join(testing.TMP, "strict.html")
        code, out, err, report = self.run_strict_case(
            "--strict", "--junit", junit_path, "--html", html_path)
        self.assertEqual(code, 1, out + err)
        self.assertIn("[a failure under --strict]", out)
        self.assertIn("NON-STRICT under --strict strict_only.health_status", out)
        self.assertIn("strict mode (--strict)", out)
        summary = report["summary"]
        self.assertTrue(summary["strict"])
        self.assertEqual(summary["unexpected_failures"], 1)
        self.assertEqual(summary["exit_code"], 1)
        self.assertTrue(report["cases"][0]["unexpected_failure"])

        failures = xml.dom.minidom.parse(junit_path).getElementsByTagName("failure")
        self.assertEqual(len(failures), 1)
        self.assertIn("NON-STRICT under --strict", failures[0].getAttribute("message"))
        with open(html_path, encoding="utf-8") as f:
            self.assertIn("strict_only.health_status", f.read())

    def test_an_expectation_listing_non_strict_keeps_a_strict_run_green(self):
        expectations = os.path.join(testing.TMP, "non-strict-expected.json")
        with open(expectations, "w") as f:
            json.dump({"expected": [{"id": "strict_only.*", "grades": ["NON-STRICT"],
                                     "because": "the test's own case"}]}, f)
        code, out, err, _ = self.run_strict_case("--strict", "--expectations", expectations)
        self.assertEqual(code, 0, out + err)


class StalledHandler(http.server.BaseHTTPRequestHandler):
    """Answers what the runner asks before the cases (GET /jobs, /languages,
    /health); holds every other request without an answer."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def stall(self):
        # Bounded: released when the test ends, or after two minutes.
        self.server.release.wait(120)
        self.close_connection = True

    def do_GET(self):
        if self.path == "/jobs":
            self.answer(200, {"jobs": []})
        elif self.path == "/health":
            self.answer(200, {"status": "ok", "version": "stalled-1.0"})
        elif self.path == "/languages":
            self.answer(404, {"success": False, "error": "no such endpoint"})
        else:
            self.stall()

    do_POST = do_DELETE = do_PUT = do_PATCH = stall


class MaxDurationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StalledHandler)
        cls.server.daemon_threads = True
        cls.server.release = threading.Event()
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.url = "http://127.0.0.1:%d" % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.release.set()
        cls.server.shutdown()
        cls.server.server_close()
        cls.thread.join(30)

    def test_a_stalled_target_ends_within_the_bound(self):
        json_path = os.path.join(testing.TMP, "stalled.json")
        started = time.monotonic()
        code, out, err = testing.run_conformance(
            ["--target", self.url, "--api-key", "k", "--json", json_path,
             "--max-duration", "%ds" % MAX_DURATION_S], timeout=120)
        elapsed = time.monotonic() - started
        self.assertLess(elapsed, MAX_DURATION_S + SLACK_S, out + err)
        self.assertEqual(code, 1, out + err)
        self.assertIn("server version: stalled-1.0", out)
        self.assertIn("run cut short by --max-duration", out)

        code, listing, err = testing.run_conformance(["--list"])
        self.assertEqual(code, 0, err)
        ids = [line.split("\t")[0] for line in listing.splitlines()]
        report = testing.load_json(json_path)
        self.assertEqual(sorted(c["id"] for c in report["cases"]), sorted(ids))

        reasons = [c.get("reason", "") for c in report["cases"] if c.get("cut_short")]
        not_run = "not run: --max-duration %d s reached" % MAX_DURATION_S
        self.assertIn(not_run, reasons)
        stopped = [r for r in reasons if r.startswith("stopped by --max-duration after ")]
        self.assertTrue(stopped, reasons)
        for case in report["cases"]:
            if case.get("cut_short"):
                self.assertEqual(case["grade"], "SKIPPED", case)
        summary = report["summary"]
        self.assertTrue(summary["cut_short"])
        self.assertEqual(summary["cut_short_cases"], len(reasons))
        self.assertEqual(summary["exit_code"], 1)


class CleanUpTest(unittest.TestCase):
    """Cases that leave a `sleep 300` job running, one per key: when the
    run ends, none of them is pending or running."""

    def test_no_job_of_the_run_is_left_unfinished(self):
        json_path = os.path.join(testing.TMP, "cleanup.json")
        code, out, err = testing.run_conformance(
            ["--target", SERVER.url, "--api-key", KEY, "--second-api-key", OTHER_KEY,
             "--fixtures", CLEANUP_FIXTURES, "--json", json_path])
        self.assertEqual(code, 0, out + err)
        report = testing.load_json(json_path)
        self.assertEqual([c["grade"] for c in report["cases"]], ["OK", "OK"])

        # The clean-up the report shows: one DELETE per case, with its key.
        lines = [line for c in report["cases"] for line in c.get("cleanup", [])]
        jobs = {}
        for line in lines:
            match = re.fullmatch(r"DELETE /jobs/(\S+)( \(second key\))?: 200", line)
            self.assertIsNotNone(match, lines)
            jobs[match.group(1)] = OTHER_KEY if match.group(2) else KEY
        self.assertEqual(sorted(jobs.values()), sorted([KEY, OTHER_KEY]), lines)

        # The server's own view: nothing of either key still pending or
        # running, and each job the runner made has a final status.
        for key in (KEY, OTHER_KEY):
            status, listing = get_json(SERVER.url + "/jobs", key)
            self.assertEqual(status, 200, listing)
            active = [j for j in listing["jobs"] if j.get("status") in ("pending", "running")]
            self.assertEqual(active, [], "key %s" % key)
        for job, key in jobs.items():
            status, body = get_json(SERVER.url + "/jobs/" + job, key)
            self.assertEqual(status, 200, body)
            self.assertIn(body["status"], ("completed", "timeout", "cancelled"), body)


if __name__ == "__main__":
    unittest.main()
