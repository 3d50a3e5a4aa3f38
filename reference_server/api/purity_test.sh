#!/usr/bin/env bash
# Fails when a source of //reference_server/api reaches for I/O, processes,
# clocks, randomness, threads or mutable globals. Arguments: the sources.
set -u
forbidden_includes='<(fstream|iostream|cstdio|stdio\.h|filesystem|thread|mutex|atomic|future|random|ctime|time\.h|unistd\.h|fcntl\.h|csignal|signal\.h|sys/[a-z_]+\.h|netinet/[a-z_]+\.h|arpa/[a-z_]+\.h|boost/.*)>'
forbidden_calls='(::now\(|getenv\(|\bstd::rand\(|\bsrand\(|\bfopen\(|\bprintf\(|std::cout|std::cerr)'

status=0
[ "$#" -gt 0 ] || { echo "purity_test: no sources given" >&2; exit 1; }
for file in "$@"; do
  if grep -nE "#include[[:space:]]*$forbidden_includes" "$file"; then
    echo "FAIL: $file includes a header for I/O, processes, time, threads or randomness" >&2
    status=1
  fi
  if grep -nE "$forbidden_calls" "$file"; then
    echo "FAIL: $file calls something impure" >&2
    status=1
  fi
  # A namespace-scope variable that is not constexpr/const is a mutable global.
  if grep -nE '^(static[[:space:]]+)?(std::[a-z_:<>, ]+|int|bool|char|size_t|unsigned)[[:space:]]+[a-z_][A-Za-z0-9_]*[[:space:]]*(=|;|\{)' "$file"; then
    echo "FAIL: $file defines a mutable global" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "checked $# sources: pure"
exit "$status"
