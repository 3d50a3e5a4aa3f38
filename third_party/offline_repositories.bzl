"""Repository rules that stand in for downloads Bazel 4.2.3 would make."""

_MISSING_SYMBOL = "use_cpp_toolchain"

# Bazel 4.2.3's @bazel_tools//tools/cpp:toolchain_utils.bzl predates this
# helper; it returns the same label list newer Bazels return.
_SHIM = """
def use_cpp_toolchain(mandatory = True):
    return ["@bazel_tools//tools/cpp:toolchain_type"]
"""

def _drop_symbol_from_loads(text):
    """Removes `use_cpp_toolchain` from load() lines and appends a local definition."""
    lines = text.split("\n")
    last_load = -1
    for i, line in enumerate(lines):
        if line.startswith("load(") and _MISSING_SYMBOL in line:
            line = line.replace(', "%s"' % _MISSING_SYMBOL, "")
            line = line.replace('"%s", ' % _MISSING_SYMBOL, "")
            lines[i] = line
        if line.startswith("load("):
            last_load = i
    if last_load < 0:
        fail("rules_cc patch: no load() line found")
    lines.insert(last_load + 1, _SHIM)
    return "\n".join(lines)

def _patched_rules_cc_impl(rctx):
    src = rctx.path(rctx.attr.path)
    if not src.exists:
        fail("%s is missing: run tools/setup (Debian package bazel-rules-cc)" % src)

    # A complete copy, not a partial overlay: once @rules_cc is overridden,
    # @bazel_tools itself loads from it.
    result = rctx.execute(["cp", "-R", str(src) + "/.", "."])
    if result.return_code != 0:
        fail("copying %s failed: %s" % (src, result.stderr))

    for rel in rctx.attr.patched_files:
        text = rctx.read(rel)
        if _MISSING_SYMBOL in text:
            rctx.file(rel, _drop_symbol_from_loads(text), executable = False)

patched_rules_cc = repository_rule(
    implementation = _patched_rules_cc_impl,
    attrs = {
        "path": attr.string(mandatory = True),
        "patched_files": attr.string_list(default = [
            "cc/private/rules_impl/cc_flags_supplier.bzl",
            "cc/private/rules_impl/compiler_flag.bzl",
        ]),
    },
    local = True,
)

_COVERAGE_BUILD = """
sh_binary(
    name = "coverage_report_generator",
    srcs = ["coverage_unavailable.sh"],
    visibility = ["//visibility:public"],
)
"""

_COVERAGE_SCRIPT = """#!/bin/sh
echo "coverage is not available in this offline build (no remote_coverage_tools)" >&2
exit 1
"""

def _offline_coverage_tools_impl(rctx):
    rctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % rctx.name)
    rctx.file("BUILD", _COVERAGE_BUILD)
    rctx.file("coverage_unavailable.sh", _COVERAGE_SCRIPT, executable = True)

offline_coverage_tools = repository_rule(
    implementation = _offline_coverage_tools_impl,
    local = True,
)
