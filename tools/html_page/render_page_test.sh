#!/usr/bin/env bash
# Tests render_page: a page from a file and from stdin, to a file and to
# stdout, and the exit status and message of each kind of bad input.
set -u
tool="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cat >"$work/page.json" <<'JSON'
{"title": "a <b>run</b>", "kind": "bench", "verdict": "ok", "verdict_tone": "good",
 "grades": [{"name": "OK", "tone": "good"}],
 "sections": [{"name": "s", "items": [{"id": "one", "grade": "OK", "title": "first",
   "blocks": [{"kind": "command", "text": "curl -d '<x>' http://127.0.0.1:1/"}]}]}]}
JSON

# expect_page FILE NAME: FILE is a whole page of the JSON above.
expect_page() {
  grep -qF '<title>a &lt;b&gt;run&lt;/b&gt;</title>' "$1" || fail "$2: no escaped title"
  grep -qF '<span class="count">1</span>' "$1" || fail "$2: no count"
  grep -qF "curl -d &#39;&lt;x&gt;&#39; http://127.0.0.1:1/</pre>" "$1" || fail "$2: no command"
  tail -c 8 "$1" | grep -qF '</html>' || fail "$2: not whole"
}

# 1. From a file to a file, then stdin to stdout: the same page but for
# the nonce, which is fresh each time.
"$tool" --in "$work/page.json" --out "$work/page.html" || fail "files: exit $?"
expect_page "$work/page.html" files
"$tool" <"$work/page.json" >"$work/stdout.html" || fail "pipes: exit $?"
expect_page "$work/stdout.html" pipes
nonces=$(cat "$work/page.html" "$work/stdout.html" | grep -oE '<script nonce="[A-Za-z0-9]{24}">' |
  sort -u | wc -l)
[ "$nonces" -eq 2 ] || fail "want two distinct nonces, got $nonces"
sed -E 's/[A-Za-z0-9]{24}/N/g' "$work/page.html" >"$work/a"
sed -E 's/[A-Za-z0-9]{24}/N/g' "$work/stdout.html" >"$work/b"
cmp -s "$work/a" "$work/b" || fail "the two pages differ beyond their nonce"

# expect_error NAME STATUS TEXT ARGS...: render_page ARGS (stdin from
# $work/stdin) exits STATUS, writes nothing on stdout and TEXT on stderr.
expect_error() {
  local name=$1 status=$2 text=$3
  shift 3
  "$tool" "$@" <"$work/stdin" >"$work/out" 2>"$work/err"
  local rc=$?
  [ "$rc" -eq "$status" ] || fail "$name: exit $rc, not $status ($(cat "$work/err"))"
  [ ! -s "$work/out" ] || fail "$name: wrote to stdout"
  grep -qxF -- "$text" "$work/err" || fail "$name: stderr is not '$text': $(cat "$work/err")"
}

# 2. A bad page: exit 2, the input's name then the member's path.
echo '{"title": "t", "sections": [{"items": [{"blocks": [{"kind": "html"}]}]}]}' >"$work/stdin"
expect_error "bad kind" 2 \
  "render_page: stdin: sections[0].items[0].blocks[0].kind: must be one of text, pre, list, command"
cp "$work/stdin" "$work/bad.json"
kinds="must be one of text, pre, list, command"
expect_error "bad kind in a file" 2 \
  "render_page: $work/bad.json: sections[0].items[0].blocks[0].kind: $kinds" --in "$work/bad.json"
echo '{"kind": "x"}' >"$work/stdin"
expect_error "no title" 2 "render_page: stdin: title: is required"
printf '{"title": "t",' >"$work/stdin"
expect_error "invalid JSON" 2 \
  "render_page: stdin: invalid JSON at offset 14: Missing a name for object member."

# 3. Files that cannot be read or written: exit 1. Flags: exit 2.
: >"$work/stdin"
enoent="No such file or directory"
expect_error "missing file" 1 "render_page: $work/none.json: cannot read: $enoent" \
  --in "$work/none.json"
expect_error "unwritable" 1 "render_page: $work/no/dir.html: cannot write: $enoent" \
  --in "$work/page.json" --out "$work/no/dir.html"
expect_error "unknown flag" 2 "render_page: --html: unknown flag" --html x
expect_error "no file name" 2 "render_page: --out: wants a file name" --out

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "PASS"
