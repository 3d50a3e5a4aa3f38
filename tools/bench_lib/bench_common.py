"""What every part of tools/bench shares: the trivial programs it times,
its error, its log, running a command, and derived values of the JSON."""

import os
import subprocess
import sys

import bench_check

# The repository's root (tools/bench_lib/ is two levels down).
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Ready sandboxes kept per class by the pooled server (--sandbox-pool) and
# by sandbox_latency's pooled series (--pool): the server's default.
POOL = 4

# The trivial programs: the file the sandbox runs, the command it runs it
# with (languages.json), and what a good run prints.
C_BUILD = "/usr/bin/gcc -O2 -std=c17 -o main main.c -lm && ./main"
WORKLOADS = {
    "sh": {"file": "main.sh", "code": "true\n", "argv": ["/bin/sh", "main.sh"], "stdout": ""},
    "python": {"file": "main.py", "code": "pass\n", "argv": ["/usr/bin/python3", "main.py"],
               "stdout": ""},
    "c": {"file": "main.c",
          "code": '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n',
          "argv": ["/bin/sh", "-c", C_BUILD], "stdout": "hello\n"},
}
# What a good answer to POST /execute holds (exec_latency and wrk_post.lua
# check every answer for it).
GOOD_RESULT = ['"success":true', '"exit_code":0']


class BenchError(Exception):
    """A measurement that could not be made; its part is reported as an error."""


def log(message):
    print("bench: %s" % message, file=sys.stderr, flush=True)


def pointer(*tokens):
    return "/" + "/".join(str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


def derived(doc, op, a, b=None, **extra):
    """A ratio, difference or quoted value of numbers of the document, with
    the pointers it was computed from (bench_check recomputes it)."""
    x = bench_check.resolve(doc, a)
    y = bench_check.resolve(doc, b) if b else None
    value = {"ratio": lambda: x / y, "difference": lambda: x - y, "same": lambda: x}[op]()
    node = {"op": op, "a": a, "value": value}
    if b:
        node["b"] = b
    node.update(extra)
    return node


def run(argv, timeout, **kwargs):
    """Runs a command to its end (bounded by `timeout`); BenchError unless it
    exits 0."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        raise BenchError("%s took over %d s" % (os.path.basename(argv[0]), timeout))
    except OSError as error:
        raise BenchError("cannot run %s: %s" % (argv[0], error))
    if done.returncode != 0:
        raise BenchError("%s exited %d: %s" % (os.path.basename(argv[0]), done.returncode,
                                               (done.stderr or done.stdout).strip()[-800:]))
    return done
