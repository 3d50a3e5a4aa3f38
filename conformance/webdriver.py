"""A minimal W3C WebDriver client over chromedriver, for the HTML report's
browser test: headless Debian Chromium, driven on loopback through a port
the kernel picks; only the commands the test needs."""

import base64
import json
import os
import re
import select
import shutil
import subprocess
import time
import urllib.error
import urllib.request

# The key under which WebDriver returns an element reference.
ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"


class WebDriverError(Exception):
    """A command chromedriver refused, with its error and message."""


def find_browser():
    """Paths of chromium and chromedriver; raises naming what is missing."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    missing = [path for path in (chromium, driver) if not os.access(path, os.X_OK)]
    if missing:
        raise WebDriverError(
            "not installed: %s (Debian's chromium and chromium-driver: run tools/setup)"
            % ", ".join(missing))
    return chromium, driver


class Browser:
    """One headless Chromium session driven through chromedriver."""

    def __init__(self, work_dir, width=1280, height=1400):
        chromium, driver = find_browser()
        self.log_path = os.path.join(work_dir, "chromedriver.log")
        # --port=0: the kernel picks the port, which the driver then prints.
        self.driver = subprocess.Popen(
            [driver, "--port=0", "--allowed-ips=127.0.0.1", "--log-path=" + self.log_path],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.port = self._await_port()
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--window-size=%d,%d" % (width, height),
                "--user-data-dir=" + os.path.join(work_dir, "chromium-profile")]
        capabilities = {"alwaysMatch": {"goog:chromeOptions": {"binary": chromium, "args": args}}}
        session = self._command("POST", "/session", {"capabilities": capabilities})
        self.session = "/session/" + session["sessionId"]

    def _await_port(self, seconds=20):
        """The port from the driver's "started successfully on port N" line.
        Reads the pipe's bytes as they come (os.read, not a buffered
        readline): select() cannot see lines already in a Python buffer."""
        deadline = time.monotonic() + seconds
        printed = b""
        fd = self.driver.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], deadline - time.monotonic())
            if not ready:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            printed += chunk
            started = re.search(rb"started successfully on port (\d+)", printed)
            if started:
                return int(started.group(1))
        self.driver.kill()
        self.driver.wait()
        raise WebDriverError("chromedriver did not start within %d s; it printed: %r (log: %s)"
                             % (seconds, printed.decode(errors="replace"), self.log_path))

    def _command(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return json.load(answer)["value"]
        except urllib.error.HTTPError as error:
            value = json.load(error).get("value", {})
            raise WebDriverError("%s %s: %s: %s" % (method, path, value.get("error"),
                                                    value.get("message")))

    def open(self, url):
        self._command("POST", self.session + "/url", {"url": url})

    def run(self, script, *args):
        """The value `script` (a function body) returns in the page."""
        return self._command("POST", self.session + "/execute/sync",
                             {"script": script, "args": list(args)})

    def find(self, css):
        element = self._command("POST", self.session + "/element",
                                {"using": "css selector", "value": css})
        return element[ELEMENT_KEY]

    def click(self, css):
        self._command("POST", self.session + "/element/%s/click" % self.find(css), {})

    def type(self, css, text):
        self._command("POST", self.session + "/element/%s/value" % self.find(css), {"text": text})

    def clear(self, css):
        self._command("POST", self.session + "/element/%s/clear" % self.find(css), {})

    def screenshot(self, path):
        with open(path, "wb") as out:
            out.write(base64.b64decode(self._command("GET", self.session + "/screenshot")))

    def close(self):
        try:
            self._command("DELETE", self.session)
        finally:
            self.driver.terminate()
            try:
                self.driver.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
                self.driver.wait()
            self.driver.stdout.close()
