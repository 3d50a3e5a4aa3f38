"""The reference servers as tools/bench runs them (one with a pool of
ready sandboxes, one without), what /proc and /health say of them, and a
sampler of a server's memory while a load runs."""

import http.client
import json
import os
import selectors
import subprocess
import threading
import time
import urllib.parse

from bench_common import BenchError

# The uids one server gives its runs (sandbox::Policy::host_uid_count).
UIDS_PER_SERVER = 10_000
# How long a pool may take to fill again once the load is gone.
POOL_FILL_S = 60


class Server:
    """The reference server on 127.0.0.1, port 0, with the bench's keys and
    `--sandbox-pool pool`; stop() is always called (the caller's finally).
    `slot` (0, 1, ...) gives each server of one bench its own uid range."""

    def __init__(self, binary, tmp, keys, max_queue, pool, slot):
        keys_file = os.path.join(tmp, "keys")
        with open(keys_file, "w") as f:
            f.write("\n".join(keys) + "\n")
        self.pool = pool
        self.log_path = os.path.join(tmp, "server%d.log" % slot)
        # A uid range of its own, apart from the tests' (conformance/testing.py,
        # 600e6 + up to 200e6) and from the bench's other server: two blocks
        # of UIDS_PER_SERVER per bench process.
        uid_base = 900_000_000 + ((os.getpid() % 1000) * 2 + slot) * UIDS_PER_SERVER
        self.args = ["--listen", "127.0.0.1:0", "--api-keys-file", keys_file,
                     "--sandbox-uid-base", str(uid_base), "--shutdown-drain", "0s",
                     "--max-queue", str(max_queue), "--sandbox-pool", str(pool)]
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

    def health(self):
        """GET /health (no key: it answers probes), parsed."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("GET", "/health")
            answer = connection.getresponse()
            text = answer.read().decode(errors="replace")
        finally:
            connection.close()
        if answer.status != 200:
            raise BenchError("GET /health: %d %s" % (answer.status, text[:300]))
        return json.loads(text)

    def pool_stats(self):
        """/health's "pool" object; BenchError when there is none."""
        pool = self.health().get("pool")
        if not isinstance(pool, dict) or not isinstance(pool.get("per_class"), int):
            raise BenchError("GET /health has no pool object")
        return pool

    def await_pool_full(self, timeout=POOL_FILL_S):
        """Polls /health until every class of the pool is full and nothing is
        being built (at most `timeout` s): the pool's stats then."""
        deadline = time.monotonic() + timeout
        polls = 0
        while True:
            pool = self.pool_stats()
            polls += 1
            if pool["building"] == 0 and pool["classes"] > 0 \
                    and pool["ready"] == pool["per_class"] * pool["classes"]:
                return pool
            if time.monotonic() > deadline or polls > 100_000:
                raise BenchError("the pool did not fill in %d s: %s" % (timeout, json.dumps(pool)))
            time.sleep(0.02)  # the poll's period; the condition is /health's

    def children(self):
        """The server's child processes: [(pid, its program's name)]. A ready
        sandbox's init is one; so is a semitrusted run's slirp4netns."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/status" % entry) as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
            except OSError:  # it ended meanwhile
                continue
            if fields.get("PPid", "").strip() != str(self.process.pid):
                continue
            try:
                exe = os.path.basename(os.readlink("/proc/%s/exe" % entry))
            except OSError:  # a zombie has none
                exe = fields.get("Name", "?").strip()
            found.append((int(entry), exe))
        return sorted(found)

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
