"""fuzz_target: a libFuzzer target and the unit test that replays its inputs."""

def fuzz_target(name, deps, extra_srcs = []):
    """Declares <name>_lib, <name> (the fuzzer) and <name>_replay_test.

    The replay test runs every seed of fixtures/fuzz/<name>/corpus and every
    regression input of fixtures/fuzz/regressions/<name> through the target.

    Args:
      name: the target, whose source is <name>.cc.
      deps: what the source needs.
      extra_srcs: generated sources to compile with it.
    """
    native.cc_library(
        name = name + "_lib",
        srcs = [name + ".cc"] + extra_srcs,
        local_defines = ["FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"],
        deps = deps,
        alwayslink = True,
    )

    # Needs the libFuzzer driver, which only the clang config links:
    #   bazel build --config=fuzz //fuzz:<name>
    native.cc_binary(
        name = name,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [":" + name + "_lib"],
    )

    native.cc_test(
        name = name + "_replay_test",
        size = "small",
        srcs = ["replay_main.cc"],
        args = [
            "fixtures/fuzz/%s/corpus" % name,
            "fixtures/fuzz/regressions/%s" % name,
        ],
        data = ["//fixtures/fuzz:%s_inputs" % name],
        deps = [":" + name + "_lib"],
    )
