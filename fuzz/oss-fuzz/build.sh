#!/bin/bash
# OSS-Fuzz / ClusterFuzzLite build of execprobe's six libFuzzer targets
# (projects/execprobe/build.sh in google/oss-fuzz; see README.md here).
#
# Compiles without Bazel (the builder image has no offline Bazel) but links
# exactly what //fuzz:<target> links: the source groups below mirror the
# cc_library targets of fuzz/BUILD and its dependencies. Keep them in step
# with those BUILD files.
#
# Uses only what the OSS-Fuzz builder provides: $CXX, $CXXFLAGS (every
# object; every source here is C++, so $CC/$CFLAGS have nothing to compile),
# $LIB_FUZZING_ENGINE (link), $SRC (the project is $SRC/execprobe), $WORK
# (intermediate files), $OUT (what reaches the bots). Per target X, $OUT gets
# X, X_seed_corpus.zip, X.dict and X.options.
set -eux

PROJECT="$SRC/execprobe"
BUILD_DIR="$WORK/execprobe"
OBJ_DIR="$BUILD_DIR/obj"
GEN_DIR="$BUILD_DIR/gen"

# What fuzz/BUILD and .bazelrc's --config=fuzz add to every compile, and the
# defines third_party/BUILD's :beast and :rapidjson export to their users
# (set for every object so that no header is seen two ways).
EXECPROBE_FLAGS=(
  -std=c++20
  -I"$PROJECT"
  -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  -Wno-ambiguous-reversed-operator
  -DBOOST_ASIO_NO_DEPRECATED
  -DBOOST_BEAST_USE_STD_STRING_VIEW
  -DRAPIDJSON_HAS_STDSTRING=1
)

TARGETS=(
  request_json_fuzzer
  base64_fuzzer
  filename_fuzzer
  run_request_fuzzer
  http_request_fuzzer
  init_request_fuzzer
)

# --- Source groups, one per Bazel library ---------------------------------

# //base: :expected, :ascii and :system_error (pure, used by every layer).
BASE=(base/error.cc base/ascii.cc base/system_error.cc)
# //reference_server/api:base64
API_BASE64=(reference_server/api/base64.cc)
# //reference_server/api and what it depends on in that package: :base64,
# :error, :filename, :json_reader, :utf8; and //base, which they all use.
API=(
  "${BASE[@]}"
  "${API_BASE64[@]}"
  reference_server/api/error.cc
  reference_server/api/utf8.cc
  reference_server/api/filename.cc
  reference_server/api/json_reader.cc
  reference_server/api/content_type.cc
  reference_server/api/execute_request.cc
  reference_server/api/input_files.cc
  reference_server/api/names.cc
  reference_server/api/query_string.cc
  reference_server/api/request_fields.cc
  reference_server/api/request_json.cc
  reference_server/api/run_request.cc
  reference_server/api/serialize.cc
  reference_server/api/shebang.cc
)
# //reference_server/jobs (the "jobs" library only: not sandbox_runner, not
# fake_runner).
JOBS=(
  reference_server/jobs/job_id.cc
  reference_server/jobs/job_store.cc
  reference_server/jobs/runner.cc
)
# //reference_server/http:api_keys, :framing and :router.
HTTP=(
  reference_server/http/api_keys.cc
  reference_server/http/framing.cc
  reference_server/http/router.cc
  reference_server/http/routes.cc
)
# //reference_server/languages:registry
REGISTRY=(reference_server/languages/registry.cc)
# //reference_server/sandbox:init_request and its :run_types.
INIT_REQUEST=(
  reference_server/sandbox/init_request.cc
  reference_server/sandbox/work_files.cc
  reference_server/sandbox/policy.cc
)
# //fuzz:reference_base64 and //fuzz:recording_runner
REFERENCE_BASE64=(fuzz/reference_base64.cc)
RECORDING_RUNNER=(fuzz/recording_runner.cc)
# //fuzz:languages_json_cc (generated below, relative to $GEN_DIR)
LANGUAGES_JSON=(gen:fuzz/languages_json.cc)

# What each //fuzz:X links besides fuzz/X.cc (fuzz_check is a header).
deps_of() {
  case "$1" in
    request_json_fuzzer | filename_fuzzer | run_request_fuzzer)
      DEPS=("${API[@]}")
      ;;
    base64_fuzzer)
      DEPS=("${REFERENCE_BASE64[@]}" "${API_BASE64[@]}")
      ;;
    init_request_fuzzer)
      DEPS=("${INIT_REQUEST[@]}")
      ;;
    http_request_fuzzer)
      DEPS=("${LANGUAGES_JSON[@]}" "${RECORDING_RUNNER[@]}" "${HTTP[@]}" "${JOBS[@]}"
            "${REGISTRY[@]}" "${API[@]}")
      ;;
    *)
      echo "build.sh: unknown target $1" >&2
      exit 1
      ;;
  esac
}

# A source's path, and its object's path in $OBJ_DIR.
source_path() {
  case "$1" in
    gen:*) echo "$GEN_DIR/${1#gen:}" ;;
    *) echo "$PROJECT/$1" ;;
  esac
}
object_path() {
  local name="${1#gen:}"
  case "$1" in
    gen:*) echo "$OBJ_DIR/gen/${name%.cc}.o" ;;
    *) echo "$OBJ_DIR/${name%.cc}.o" ;;
  esac
}

rm -rf "$BUILD_DIR"
mkdir -p "$OBJ_DIR" "$GEN_DIR/fuzz"

# --- languages.json as a C string (the genrule of fuzz/BUILD) -------------
(echo 'extern const char kLanguagesJson[];'
 echo 'const char kLanguagesJson[] = R"languages_json('
 cat "$PROJECT/reference_server/languages/languages.json"
 echo ')languages_json";') > "$GEN_DIR/fuzz/languages_json.cc"

# --- Compile every source once --------------------------------------------
# The union of the fuzzers' own sources and all their groups, without
# repeats; each object is then shared by every target that links it.
SOURCES=()
for target in "${TARGETS[@]}"; do
  deps_of "$target"
  for src in "fuzz/$target.cc" "${DEPS[@]}"; do
    case " ${SOURCES[*]} " in
      *" $src "*) ;;
      *) SOURCES+=("$src") ;;
    esac
  done
done

compile() {
  local src obj
  src=$(source_path "$1")
  obj=$(object_path "$1")
  mkdir -p "$(dirname "$obj")"
  # $CXXFLAGS is a list of flags: split on purpose.
  # shellcheck disable=SC2086
  $CXX $CXXFLAGS "${EXECPROBE_FLAGS[@]}" -c "$src" -o "$obj"
}

# A few compilers at a time; a failed compile fails the build (set -e on
# the wait of its process).
PARALLEL="${EXECPROBE_BUILD_JOBS:-$(nproc)}"
PIDS=()
for src in "${SOURCES[@]}"; do
  compile "$src" &
  PIDS+=("$!")
  if [ "${#PIDS[@]}" -ge "$PARALLEL" ]; then
    wait "${PIDS[0]}"
    PIDS=("${PIDS[@]:1}")
  fi
done
for pid in "${PIDS[@]}"; do
  wait "$pid"
done

# --- Link, and package the inputs -----------------------------------------
zip_flat() {  # zip_flat ARCHIVE FILE...: the files, without their directories
  local archive="$1"
  shift
  rm -f "$archive"
  if command -v zip >/dev/null; then
    zip -q -j -X "$archive" "$@"
  else
    python3 - "$archive" "$@" <<'PY'
import os
import sys
import zipfile

archive, files = sys.argv[1], sys.argv[2:]
names = [os.path.basename(f) for f in files]
if len(set(names)) != len(names):
    sys.exit("build.sh: two inputs of one seed corpus share a name")
with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
    for path, name in zip(files, names):
        z.write(path, name)
PY
  fi
}

for target in "${TARGETS[@]}"; do
  deps_of "$target"
  objects=("$(object_path "fuzz/$target.cc")")
  for src in "${DEPS[@]}"; do
    objects+=("$(object_path "$src")")
  done
  # shellcheck disable=SC2086
  $CXX $CXXFLAGS "${objects[@]}" $LIB_FUZZING_ENGINE -pthread -o "$OUT/$target"

  # Seed corpus: the seeds and every regression input, flat.
  inputs=()
  for f in "$PROJECT/fixtures/fuzz/$target/corpus/"* "$PROJECT/fixtures/fuzz/regressions/$target/"*; do
    if [ -f "$f" ] && [ "$(basename "$f")" != README.md ]; then
      inputs+=("$f")
    fi
  done
  zip_flat "$OUT/${target}_seed_corpus.zip" "${inputs[@]}"

  cp "$PROJECT/fixtures/fuzz/$target/$target.dict" "$OUT/$target.dict"
  cp "$PROJECT/fixtures/fuzz/$target/$target.options" "$OUT/$target.options"
done
