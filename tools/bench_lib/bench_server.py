"""The reference server as tools/bench runs it, and a sampler of its memory
while a load runs."""

import os
import selectors
import subprocess
import threading
import time
import urllib.parse

from bench_common import BenchError


class Server:
    """The reference server on 127.0.0.1, port 0, with the bench's keys;
    stop() is always called (the caller's finally)."""

    def __init__(self, binary, tmp, keys, max_queue):
        keys_file = os.path.join(tmp, "keys")
        with open(keys_file, "w") as f:
            f.write("\n".join(keys) + "\n")
        self.log_path = os.path.join(tmp, "server.log")
        # A uid range of its own, apart from the tests' (conformance/testing.py).
        uid_base = 900_000_000 + (os.getpid() % 1000) * 10_000
        self.args = ["--listen", "127.0.0.1:0", "--api-keys-file", keys_file,
                     "--sandbox-uid-base", str(uid_base), "--shutdown-drain", "0s",
                     "--max-queue", str(max_queue)]
        with open(self.log_path, "wb") as log_file:
            self.process = subprocess.Popen([binary] + self.args, stdout=subprocess.PIPE,
                                            stderr=log_file)
        self.url = self._listening(deadline=time.monotonic() + 60)
        parsed = urllib.parse.urlsplit(self.url)
        self.host, self.port = parsed.hostname, parsed.port

    def _listening(self, deadline):
        """The URL of its first stdout line, waited for until `deadline`."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    line = self.process.stdout.readline().decode(errors="replace")
                    if line.startswith("listening on "):
                        return line[len("listening on "):].strip()
                    raise BenchError("the server did not start: %r; log: %s"
                                     % (line, self.log_tail()))
        raise BenchError("the server said nothing in 60 s; log: %s" % self.log_tail())

    def log_tail(self):
        with open(self.log_path, "rb") as f:
            return f.read()[-1500:].decode(errors="replace")

    def rss_kib(self, field="VmRSS"):
        with open("/proc/%d/status" % self.process.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise BenchError("no %s for the server" % field)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


class RssSampler:
    """The server's VmRSS every 10 ms while a load runs (a thread)."""

    def __init__(self, server):
        self.server, self.peak, self.samples = server, 0, 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self.stopped.is_set():
            try:
                self.peak = max(self.peak, self.server.rss_kib())
                self.samples += 1
            except (OSError, BenchError):
                return
            self.stopped.wait(0.01)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=10)
