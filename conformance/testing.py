"""Helpers for the conformance runner's end-to-end tests: the binaries from
the test's runfiles, and the reference server and fault proxy as processes
on 127.0.0.1 with ports picked by the kernel."""

import json
import os
import subprocess
import tempfile

# Under `bazel test` the binaries are in the runfiles; run by hand (as
# tools/fault_matrix does), they are in the source tree's bazel-bin.
if "EXECPROBE_BIN" in os.environ:  # binaries built elsewhere, e.g. copied aside
    BIN = os.environ["EXECPROBE_BIN"]
elif "TEST_SRCDIR" in os.environ:
    BIN = os.path.join(os.environ["TEST_SRCDIR"], "execprobe")
else:
    BIN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bazel-bin")
CONFORMANCE = os.path.join(BIN, "conformance/conformance")
REFERENCE_SERVER = os.path.join(BIN, "reference_server/reference_server")
FAULT_PROXY = os.path.join(BIN, "tools/fault_proxy/fault_proxy")
TMP = os.environ.get("TEST_TMPDIR", tempfile.gettempdir())

_next_uid_block = [0]


def uid_base():
    """A host uid range of its own for each server, so that runs of tests
    at once never share sandbox uids (server_test uses 1e6..4e8)."""
    _next_uid_block[0] += 1
    return 600_000_000 + (os.getpid() % 1000) * 200_000 + _next_uid_block[0] * 10_000


class Process:
    """A process that prints "listening on URL" first; stopped with SIGTERM."""

    def __init__(self, argv, log_name):
        self.log_path = os.path.join(TMP, log_name)
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log)
        line = self.process.stdout.readline().decode()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError("%s did not start: %r; log:\n%s" % (argv[0], line, self.read_log()))
        self.url = line[len("listening on "):].strip()

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()


def reference_server(keys):
    """A reference server of its own; at shutdown it cancels running jobs
    at once, so that a fault that leaves programs running (cancel-ignored)
    costs nothing to the next server."""
    base = uid_base()
    keys_path = os.path.join(TMP, "keys-%d" % base)
    with open(keys_path, "w") as f:
        f.write("\n".join(keys) + "\n")
    return Process([REFERENCE_SERVER, "--listen", "127.0.0.1:0", "--api-keys-file", keys_path,
                    "--workers", "8", "--shutdown-drain", "0s", "--sandbox-uid-base", str(base)],
                   "server-%d.log" % base)


def fault_names():
    """Every fault of the proxy but "none" (the transparent one)."""
    listing = subprocess.run([FAULT_PROXY, "--list"], capture_output=True, check=True)
    names = [line.split("\t")[0] for line in listing.stdout.decode().splitlines() if line]
    return [name for name in names if name != "none"]


def fault_proxy(upstream, fault):
    return Process([FAULT_PROXY, "--upstream", upstream, "--fault", fault], "proxy-%s.log" % fault)


def run_conformance(args, timeout=900):
    """Runs the runner; (exit code, stdout, stderr)."""
    done = subprocess.run([CONFORMANCE] + args, capture_output=True, timeout=timeout)
    return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")


def source_path(path):
    """A file of the repository (a test's data): in the runfiles under
    `bazel test`, else in the source tree."""
    if "TEST_SRCDIR" in os.environ:
        return os.path.join(os.environ["TEST_SRCDIR"], "execprobe", path)
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), path)


def load_json(path):
    with open(path) as f:
        return json.load(f)
