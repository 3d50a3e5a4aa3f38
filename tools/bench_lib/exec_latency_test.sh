#!/usr/bin/env bash
# Tests exec_latency on real processes: samples and their order, interleaved
# and parallel series, and every way a run or the command line can be
# wrong. Never a time: only counts, order and exit statuses.
set -u
tool="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# check JSON_FILE PYTHON_EXPRESSION: the expression, over the parsed JSON
# as `r`, must be true.
check() {
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" || fail "$3: $2 is false for $(cat "$1")"
}
ordered='all(s["min_ms"] <= s["p50_ms"] <= s["p90_ms"] <= s["p99_ms"] <= s["max_ms"] and s["min_ms"] > 0 for s in r["series"])'

# 1. One command: exactly --runs samples, percentiles in order.
"$tool" --runs 7 --json "$work/one.json" -- /bin/true >/dev/null || fail "one command: exit $?"
check "$work/one.json" 'r["mode"] == "sequential" and [s["runs"] for s in r["series"]] == [7]' "one command"
check "$work/one.json" "$ordered" "one command"

# 2. JSON on stdout without --json.
"$tool" --runs 2 -- /bin/true >"$work/stdout.json" || fail "stdout: exit $?"
check "$work/stdout.json" 'r["series"][0]["name"] == "command"' "stdout"

# 3. A spec of two series, interleaved: the same count each, and the
# expected text found in the output.
cat >"$work/spec.json" <<'SPEC'
{"series": [{"name": "true", "argv": ["/bin/true"]},
            {"name": "echo", "argv": ["/bin/echo", "hello", "world"], "expect": ["hello", "world"]}]}
SPEC
"$tool" --runs 5 --spec "$work/spec.json" --json "$work/two.json" >/dev/null || fail "two series: exit $?"
check "$work/two.json" '[(s["name"], s["runs"]) for s in r["series"]] == [("true", 5), ("echo", 5)]' "two series"
check "$work/two.json" "$ordered" "two series"

# 4. Parallel loops: a rate, and as many runs as the loops made.
"$tool" --parallel 2 --rounds 2 --seconds 1 --runs 3 --spec "$work/spec.json" \
  --json "$work/par.json" >/dev/null || fail "parallel: exit $?"
check "$work/par.json" 'r["mode"] == "parallel" and r["loops"] == 2' "parallel"
check "$work/par.json" 'all(1 <= s["runs"] <= 12 and s["rate_per_s"] > 0 and s["seconds"] > 0 for s in r["series"])' "parallel"

# expect_error NAME STATUS TEXT ARGS...: exec_latency ARGS exits STATUS and
# says TEXT on stderr.
expect_error() {
  local name=$1 status=$2 text=$3
  shift 3
  "$tool" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  [ "$rc" -eq "$status" ] || fail "$name: exit $rc, not $status ($(cat "$work/err"))"
  grep -qF -- "$text" "$work/err" || fail "$name: stderr lacks '$text': $(cat "$work/err")"
}

# 5. A failed run is an error, never a sample; so is a missing text, and a
# run past its limit (killed).
expect_error "failing run" 1 "exit status 1" --runs 3 -- /bin/false
expect_error "failing run" 1 "exit status 3" --runs 3 --warmup 0 -- /bin/sh -c 'echo oops >&2; exit 3'
expect_error "failing run, stderr" 1 "oops" --runs 3 --warmup 0 -- /bin/sh -c 'echo oops >&2; exit 3'
cat >"$work/missing.json" <<'SPEC'
{"series": [{"name": "echo", "argv": ["/bin/echo", "hello"], "expect": ["goodbye"]}]}
SPEC
expect_error "missing text" 1 "lacks 'goodbye'" --runs 3 --spec "$work/missing.json"
expect_error "too slow" 1 "took over 1000 ms" --runs 1 --warmup 0 --run-timeout 1 -- /bin/sleep 30
expect_error "not a program" 1 "cannot run" --runs 1 -- /nonexistent/program

# 6. Usage errors: exit 2.
expect_error "unknown flag" 2 "unknown flag" --bogus 1 -- /bin/true
expect_error "runs 0" 2 "--runs" --runs 0 -- /bin/true
expect_error "runs too many" 2 "--runs" --runs 100001 -- /bin/true
expect_error "no command" 2 "either" --runs 1
expect_error "both" 2 "either" --spec "$work/spec.json" -- /bin/true
cat >"$work/dup.json" <<'SPEC'
{"series": [{"name": "a", "argv": ["/bin/true"]}, {"name": "a", "argv": ["/bin/true"]}]}
SPEC
expect_error "same name twice" 2 "two series" --spec "$work/dup.json"
echo '{"series": [{"name": "a b", "argv": ["/bin/true"]}]}' >"$work/name.json"
expect_error "bad name" 2 "needs a name" --spec "$work/name.json"
echo '{"series": [{"name": "a", "http": {"url": "ftp://x/"}}]}' >"$work/http.json"
expect_error "bad http" 2 "needs the string body_file" --spec "$work/http.json"
echo '{"series": []}' >"$work/empty.json"
expect_error "no series" 2 "non-empty" --spec "$work/empty.json"

[ "$failures" -eq 0 ] && echo "exec_latency_test: all scenarios passed"
exit "$failures"
