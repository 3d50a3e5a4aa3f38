#!/usr/bin/env bash
# Tests tools/setup against fake dpkg-query/apt-get/id on a private PATH:
# nothing is installed for real.
set -u
setup="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Only the real tools the script may use besides the ones being faked.
mkdir -p "$work/base"
for tool in bash grep cat; do ln -s "$(command -v "$tool")" "$work/base/$tool"; done

make_fakes() {  # $1: space-separated packages to report missing
  mkdir -p "$work/fake"
  cat > "$work/fake/dpkg-query" <<FAKE
#!$work/base/bash
for p in $1; do [ "\${@: -1}" = "\$p" ] && exit 1; done
echo -n "install ok installed"
FAKE
  cat > "$work/fake/apt-get" <<FAKE
#!$work/base/bash
echo "\$*" >> "$work/apt.log"
FAKE
  printf '#!%s\necho 0\n' "$work/base/bash" > "$work/fake/id"
  chmod +x "$work/fake/"*
}

# 1. Everything present: no apt-get call, a one-line report, exit 0.
make_fakes ""
out=$(PATH="$work/fake:$work/base" "$work/base/bash" "$setup" 2>&1); rc=$?
[ "$rc" -eq 0 ] || fail "all present: exit $rc ($out)"
[[ "$out" == "setup: all "*" packages present" ]] || fail "all present: said '$out'"
[ ! -e "$work/apt.log" ] || fail "all present: apt-get was called: $(cat "$work/apt.log")"

# 2. Two missing: update once, then install exactly those two.
make_fakes "clang libseccomp-dev"
out=$(PATH="$work/fake:$work/base" "$work/base/bash" "$setup" 2>&1); rc=$?
[ "$rc" -eq 0 ] || fail "two missing: exit $rc ($out)"
log=$(cat "$work/apt.log" 2>/dev/null)
[ "$(grep -c '^update' <<<"$log")" -eq 1 ] || fail "two missing: apt-get update not run once: $log"
install=$(grep '^install' <<<"$log")
[[ "$install" == *" clang libseccomp-dev" ]] || fail "two missing: installed '$install'"
[[ "$install" != *g++* ]] || fail "two missing: reinstalled a present package: '$install'"
rm -f "$work/apt.log"

# 3. No apt-get at all (and no dpkg-query): a clear error, exit non-zero.
rm -rf "$work/fake"
out=$(PATH="$work/base" "$work/base/bash" "$setup" 2>&1); rc=$?
[ "$rc" -ne 0 ] || fail "no apt: exit 0"
[[ "$out" == *"apt-get is not available"* ]] || fail "no apt: said '$out'"

[ "$failures" -eq 0 ] && echo "setup_test: 3 scenarios passed"
exit "$failures"
