"""The state the parts of tools/bench share (options, binaries, the
temporary directory, the keys, the two servers) and the helpers they
share: the bwrap command line, exec_latency, one API request, and the
check of one answer by hand before anything is timed."""

import http.client
import json
import os
import secrets

from bench_common import WORKLOADS, BenchError, run


class Bench:
    """What one bench run measures with: its files are written to `tmp`
    here; the servers are started and stopped by the caller: `server` with
    a pool of ready sandboxes, `unpooled` with --sandbox-pool 0."""

    def __init__(self, options, binaries, tmp):
        self.o, self.bin, self.tmp = options, binaries, tmp
        self.cores = len(os.sched_getaffinity(0))
        self.keys = ["bench-%s" % secrets.token_urlsafe(18) for _ in range(3)]
        self.key_files = []
        for index, key in enumerate(self.keys):
            path = os.path.join(tmp, "key%d" % index)
            with open(path, "w") as f:
                f.write(key + "\n")
            self.key_files.append(path)
        for name, workload in WORKLOADS.items():
            with open(os.path.join(tmp, workload["file"]), "w") as f:
                f.write(workload["code"])
            with open(os.path.join(tmp, "%s.json" % name), "w") as f:
                json.dump({"language": name, "code": workload["code"]}, f)
        self.server = None  # --sandbox-pool POOL: the one the parts measure
        self.unpooled = None  # --sandbox-pool 0: beside it, for comparison
        # Per server ("pooled", "unpooled"), from the http part for the
        # memory part: VmRSS idle before the load (the pool full), and
        # (peak VmRSS KiB, samples, connections) during the top load.
        self.idle_kib = {}
        self.peak = {}

    def servers(self):
        """Both servers, by the name the document gives them."""
        return (("pooled", self.server), ("unpooled", self.unpooled))

    def bwrap(self, name):
        """bwrap --unshare-all with a read-only /usr and /etc, and the
        workload's file in a fresh /work."""
        workload = WORKLOADS[name]
        return ["bwrap", "--unshare-all", "--die-with-parent",
                "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
                "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/sbin", "/sbin",
                "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/work",
                "--ro-bind", os.path.join(self.tmp, workload["file"]),
                "/work/" + workload["file"], "--chdir", "/work"] + workload["argv"]

    def exec_latency(self, series, flags, timeout):
        """exec_latency on a spec of `series` with `flags`: its series by name."""
        spec = os.path.join(self.tmp, "spec.json")
        with open(spec, "w") as f:
            json.dump({"series": series}, f)
        out = os.path.join(self.tmp, "exec_latency.json")
        run([self.bin["exec_latency"], "--spec", spec, "--json", out] + flags, timeout,
            cwd=self.tmp)
        with open(out) as f:
            result = json.load(f)
        return {s.pop("name"): s for s in result["series"]}

    def api(self, method, path, key, body=None, server=None):
        """One request (to `server`, default the pooled one) on a connection
        of its own: (status, parsed JSON)."""
        server = server or self.server
        connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
        try:
            headers = {"Authorization": "Bearer " + key}
            if body is not None:
                headers["Content-Type"] = "application/json"
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode(errors="replace")
        finally:
            connection.close()
        try:
            return answer.status, json.loads(text)
        except ValueError:
            raise BenchError("%s %s: %d, not JSON: %s" % (method, path, answer.status, text[:300]))

    def check_by_hand(self, name):
        """One answer of each server read here before anything is timed: a
        server answering errors fast must not be counted as fast."""
        with open(os.path.join(self.tmp, "%s.json" % name)) as f:
            body = f.read()
        stdout = WORKLOADS[name]["stdout"]
        for label, server in self.servers():
            status, result = self.api("POST", "/execute", self.keys[0], body, server)
            if status != 200 or result.get("success") is not True \
                    or result.get("exit_code") != 0 or result.get("stdout") != stdout:
                raise BenchError("POST /execute %s to the %s server: %d %s (want 200, success "
                                 "true, exit_code 0, stdout %r)"
                                 % (name, label, status, json.dumps(result)[:400], stdout))
        return {"http_status": status, "success": True, "exit_code_zero": True}
