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
for tool in bash grep cat mktemp rm mkdir mv chmod openssl base64 tar gzip; do
  ln -s "$(command -v "$tool")" "$work/base/$tool"
done
# An installed Zig, as install_zig leaves it (its marker is the pinned hash).
export EXECPROBE_TOOLS_DIR="$work/tools"
zig_integrity=$(sed -n 's/^ZIG_INTEGRITY="\(.*\)"$/\1/p' "$setup")
mkdir -p "$work/tools/zig-0.11.0"
printf '#!/bin/sh\n' >"$work/tools/zig-0.11.0/zig"
chmod +x "$work/tools/zig-0.11.0/zig"
echo "$zig_integrity" >"$work/tools/zig-0.11.0/.integrity"

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
[[ "$out" == "setup: all "*" packages present (all languages)" ]] || fail "all present: said '$out'"
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

# 4. --languages core asks for none of the other languages' packages.
make_fakes "clang ghc zsh"
out=$(PATH="$work/fake:$work/base" "$work/base/bash" "$setup" --languages core 2>&1); rc=$?
[ "$rc" -eq 0 ] || fail "core: exit $rc ($out)"
install=$(grep '^install' "$work/apt.log" 2>/dev/null)
[[ "$install" == *" clang" ]] || fail "core: installed '$install'"
rm -f "$work/apt.log"
out=$(PATH="$work/fake:$work/base" "$work/base/bash" "$setup" 2>&1); rc=$?
install=$(grep '^install' "$work/apt.log" 2>/dev/null)
[[ "$install" == *" clang ghc zsh" ]] || fail "all: installed '$install'"
rm -f "$work/apt.log"

# 5. A wrong --languages is a usage error naming the value.
out=$(PATH="$work/fake:$work/base" "$work/base/bash" "$setup" --languages most 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "bad --languages: exit $rc"
[[ "$out" == *"--languages must be core or all, not 'most'"* ]] || fail "bad --languages: said '$out'"

# 6. A Zig tarball whose hash is not the pinned one is refused: nothing is
# installed, and the error names both hashes.
make_fakes ""
rm -rf "$work/tools"
mkdir -p "$work/tarball/package"
printf '#!/bin/sh\necho evil\n' >"$work/tarball/package/zig"
chmod +x "$work/tarball/package/zig"
tar -czf "$work/evil.tgz" -C "$work/tarball" package
cat >"$work/fake/curl" <<FAKE
#!$work/base/bash
while [ \$# -gt 0 ]; do [ "\$1" = -o ] && cat "$work/evil.tgz" >"\$2"; shift; done
FAKE
chmod +x "$work/fake/curl"
out=$(PATH="$work/fake:$work/base" "$work/base/bash" "$setup" 2>&1); rc=$?
[ "$rc" -ne 0 ] || fail "tampered zig: exit 0"
[[ "$out" == *"not the pinned $zig_integrity: not installed"* ]] || fail "tampered zig: said '$out'"
[ ! -e "$work/tools/zig-0.11.0" ] || fail "tampered zig: installed anyway"

[ "$failures" -eq 0 ] && echo "setup_test: 6 scenarios passed"
exit "$failures"
