#!/bin/bash -eu
# ClusterFuzzLite build (docs/CI.md): the OSS-Fuzz build, unchanged, so
# that there is one list of sources and targets (fuzz/oss-fuzz/build.sh).
exec bash -eux "$SRC/execprobe/fuzz/oss-fuzz/build.sh"
