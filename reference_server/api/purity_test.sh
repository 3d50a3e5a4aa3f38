#!/usr/bin/env bash
# Fails when //reference_server/api reaches for I/O, processes, clocks,
# randomness or threads, or holds mutable global state. Checked twice: in
# the sources (includes, for a readable message) and in the compiled
# archives (what the code really defines and calls, whatever the spelling).
# Arguments: the library's sources and its archives (.a).
set -u
sources=() archives=()
for arg in "$@"; do
  case "$arg" in
    *.pic.a | *.so) ;;
    *.a) archives+=("$arg") ;;
    *.cc | *.h) sources+=("$arg") ;;
  esac
done
if [ ${#sources[@]} -eq 0 ] || [ ${#archives[@]} -eq 0 ]; then
  echo "purity_test: needs sources and archives, got: $*" >&2
  exit 1
fi
status=0

forbidden_includes='<(fstream|iostream|cstdio|stdio\.h|filesystem|thread|mutex|atomic|future|random|ctime|time\.h|unistd\.h|fcntl\.h|csignal|signal\.h|sys/[a-z_]+\.h|netinet/[a-z_]+\.h|arpa/[a-z_]+\.h|boost/.*)>'
for file in "${sources[@]}"; do
  if grep -nE "#include[[:space:]]*$forbidden_includes" "$file"; then
    echo "FAIL: $file includes a header for I/O, processes, time, threads or randomness" >&2
    status=1
  fi
done

# Writable data: objects in .data/.bss (or thread-local) sections, whatever
# their symbol type, so function-local statics count too. Excepted: what is
# read-only after relocation (.data.rel.ro: vtables, typeinfo) and the
# compiler's pointer to the exception personality routine.
defined=$(nm -C -f sysv --defined-only "${archives[@]}") || { echo "FAIL: nm failed" >&2; exit 1; }
undefined=$(nm -C -u "${archives[@]}") || { echo "FAIL: nm failed" >&2; exit 1; }
writable=$(echo "$defined" | awk -F'|' '
  $4 ~ /OBJECT|TLS/ {
    name = $1; sub(/ +$/, "", name); section = $7
    if (section ~ /^\.(data|bss|tdata|tbss)/ && section !~ /^\.data\.rel\.ro/ &&
        name !~ /^DW\.ref\./) print name " (" section ")"
  }')
if [ -n "$writable" ]; then
  echo "FAIL: mutable global or static data:" >&2
  echo "$writable" >&2
  status=1
fi

# Calls out of the process or into time, randomness and threads.
impure_c='^(open|openat|creat|read|write|pread|pwrite|close|fopen|fdopen|fread|fwrite|fprintf|printf|puts|putchar|time|clock_gettime|gettimeofday|clock|rand|random|srand|srandom|getrandom|getentropy|getenv|secure_getenv|setenv|socket|connect|accept|accept4|bind|listen|send|sendto|recv|recvfrom|fork|vfork|clone|execve|execvp|system|popen|kill|sleep|usleep|nanosleep|pthread_create|pthread_mutex_lock|syscall|ioctl|mmap)(@.*)?$'
impure_cxx='system_clock::now|steady_clock::now|high_resolution_clock::now|random_device|std::thread|std::cout|std::cerr|std::clog|basic_filebuf|basic_ifstream|basic_ofstream|basic_fstream'
calls=$(echo "$undefined" | awk '{ $1 = ""; sub(/^ /, ""); print }' | sort -u |
  grep -E "$impure_c|$impure_cxx")
if [ -n "$calls" ]; then
  echo "FAIL: impure calls:" >&2
  echo "$calls" >&2
  status=1
fi

[ "$status" -eq 0 ] &&
  echo "checked ${#sources[@]} sources and ${#archives[@]} archives: pure"
exit "$status"
