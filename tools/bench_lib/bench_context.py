"""The state the parts of tools/bench share (options, binaries, the
temporary directory, the keys, the server) and the helpers they share:
the bwrap command line, exec_latency, one API request, and the check of
one answer by hand before anything is timed."""

import http.client
import json
import os
import secrets

from bench_common import WORKLOADS, BenchError, run


class Bench:
    """What one bench run measures with: its files are written to `tmp`
    here; the server is started and stopped by the caller."""

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
        self.server = None
        self.server_idle_kib = None  # the server's VmRSS before any load
        self.peak = None  # (peak VmRSS KiB, samples, what load) from the http part

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

    def api(self, method, path, key, body=None):
        """One request on a connection of its own: (status, parsed JSON)."""
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
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
        """One answer read here before anything is timed: a server answering
        errors fast must not be counted as fast."""
        with open(os.path.join(self.tmp, "%s.json" % name)) as f:
            status, result = self.api("POST", "/execute", self.keys[0], f.read())
        stdout = WORKLOADS[name]["stdout"]
        if status != 200 or result.get("success") is not True or result.get("exit_code") != 0 \
                or result.get("stdout") != stdout:
            raise BenchError("POST /execute %s: %d %s (want 200, success true, exit_code 0, "
                             "stdout %r)" % (name, status, json.dumps(result)[:400], stdout))
        return {"http_status": status, "success": True, "exit_code_zero": True}
