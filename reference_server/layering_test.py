#!/usr/bin/env python3
"""Layers point one way: a package of reference_server depends only on the
packages below it (docs/ARCHITECTURE.md):

    http -> jobs -> languages -> sandbox, and every one of them -> api

The server's own package (main, flags) may use them all, and `testing`
(test helpers) none of them. Fails naming the BUILD file and the label that
points up. Arguments: the BUILD files, each as its package's label says."""
import re
import sys

# Bottom to top; a package may name only packages before it.
LAYERS = ["api", "sandbox", "languages", "jobs", "http"]
LABEL = re.compile(r'"(//reference_server(?:/([a-z_]+))?(?::[^"]*)?)"')


def allowed(package, target):
    if target == package or package == "":  # the server binary sits on top
        return True
    if target == "testing":  # test helpers, for the layers' tests
        return package in LAYERS
    if package in LAYERS and target in LAYERS:
        return LAYERS.index(target) < LAYERS.index(package)
    return False


def is_visibility(label):
    """`//p:__pkg__` and `//p:__subpackages__` name who may depend on this
    package (visibility), which points the other way: up is right."""
    return label.endswith((":__pkg__", ":__subpackages__"))


def violations(package, text):
    """The labels of `text` (package's BUILD) that point up or sideways."""
    return [m.group(1) for m in LABEL.finditer(text)
            if not is_visibility(m.group(1)) and not allowed(package, m.group(2) or "")]


def self_check():
    """The check itself can fail: an upward and a sideways label are caught."""
    assert violations("sandbox", 'deps = ["//reference_server/languages:executor"]')
    assert violations("jobs", 'deps = ["//reference_server/http:router"]')
    assert violations("api", 'deps = ["//reference_server/sandbox"]')
    assert violations("testing", 'deps = ["//reference_server/http:router"]')
    assert not violations("http", 'deps = ["//reference_server/jobs", "//reference_server/api:error"]')
    assert not violations("", 'deps = ["//reference_server/http:router"]')
    assert not violations("jobs", 'deps = ["//reference_server/testing:http_client"]')
    assert not violations("sandbox", 'visibility = ["//reference_server/jobs:__pkg__"]')
    assert violations("sandbox", 'deps = ["//reference_server/jobs:__pkg__x"]')


def main(paths):
    self_check()
    status = 0
    for path in paths:
        parts = path.replace("\\", "/").split("/")
        index = len(parts) - 1 - parts[::-1].index("reference_server")
        package = "/".join(parts[index + 1:-1])
        with open(path) as f:
            for label in violations(package, f.read()):
                print(f"FAIL: {path}: {label} points up or sideways from "
                      f"//reference_server/{package}")
                status = 1
    if not paths:
        print("FAIL: no BUILD files given")
        status = 1
    print(f"layering: {len(paths)} packages checked" + ("" if status else ", all point down"))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
