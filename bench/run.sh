#!/bin/sh
# Runtime throughput, side by side in one run: N GETs with C in flight through a plain
# libcurl-multi + libuv loop, through libapic, through the generated Torale SDK (each answer
# decoded into a torale_task) and through Python's aiohttp (when Debian's python3-aiohttp is
# installed, N/4 requests); then sequential sync calls through libapic, the SDK and one reused
# curl easy handle; all against bench/fixed_server. The async runs, and then the sync runs,
# alternate in rounds so a busy machine disturbs them alike.
#   sh bench/run.sh [N] [C] [ROUNDS]      (defaults 20000 64 2; BUILD defaults to build/bench)
set -eu
N=${1:-20000}
C=${2:-64}
ROUNDS=${3:-2}
BUILD=${BUILD:-build/bench}
SYNC_N=$((N / 4))
make -s BUILD="$BUILD" bench >/dev/null
B=$BUILD/bench
OUT=$(mktemp)
FIFO=$(mktemp -u)
mkfifo "$FIFO"
# The server lives while its stdin (the fifo, held open by fd 3) is open.
"$B/fixed_server" <"$FIFO" >"$OUT.port" &
SRV=$!
exec 3>"$FIFO"
trap 'exec 3>&-; wait $SRV 2>/dev/null; rm -f "$FIFO" "$OUT" "$OUT.port"' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$OUT.port" ] && break; sleep 0.2; done
URL="http://127.0.0.1:$(cat "$OUT.port")/tasks/t1"
# Each client runs with the allocation counter preloaded (bench/count_allocs.c).
run() { LD_PRELOAD="$B/count_allocs.so" timeout 300 "$@" >>"$OUT"; }
r=0
while [ $r -lt "$ROUNDS" ]; do
  run "$B/plain_loop" "$URL" "$N" "$C"
  run "$B/libapic_get" "$URL" "$N" "$C" async
  run sh -c '"$1" async-get "$2" "$3" "$4" | head -n 1' - "$B/torale_bench" "${URL%/tasks/t1}" "$N" "$C"
  r=$((r + 1))
done
if /usr/bin/python3 -c 'import aiohttp' 2>/dev/null; then
  run sh -c '/usr/bin/python3 bench/aiohttp_get.py "$1" "$2" "$3" | head -n 1' - "$URL" "$SYNC_N" "$C"
fi
r=0
while [ $r -lt "$ROUNDS" ]; do
  run "$B/libapic_get" "$URL" "$SYNC_N" 1 easy
  run "$B/libapic_get" "$URL" "$SYNC_N" 1 sync
  run sh -c '"$1" sync-get "$2" "$3" | head -n 1' - "$B/torale_bench" "${URL%/tasks/t1}" "$SYNC_N"
  r=$((r + 1))
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
# Best round of each (least disturbed), with the ratio of its throughput to its reference's;
# "cpu us" is the client's CPU time per request (user + system) in its best round, "cpu r" the
# reference's CPU time per request over this one's (above 1: cheaper), and "allocs" the
# process's allocations (malloc, calloc, realloc: libcurl's and libuv's too) per request.
awk '
  { if (!($1 in best) || $5 > best[$1]) { best[$1] = $5; line[$1] = $0; cpu[$1] = $9; allocs[$1] = $10 } }
  END {
    printf "%-15s %8s %5s %9s %8s %10s %9s %6s %7s %6s %7s\n", "benchmark", "requests", "C", "seconds",
           "req/s", "us/request", "peak KiB", "ratio", "cpu us", "cpu r", "allocs"
    n = split("plain_loop libapic_async torale_async aiohttp_async curl_easy libapic_sync torale_sync", order, " ")
    ref["libapic_async"] = "plain_loop"; ref["libapic_sync"] = "curl_easy"
    ref["torale_async"] = "plain_loop"; ref["aiohttp_async"] = "plain_loop"; ref["torale_sync"] = "curl_easy"
    for (i = 1; i <= n; i++) {
      k = order[i]; if (!(k in line)) continue
      split(line[k], f, " ")
      ratio = (k in ref && ref[k] in best) ? sprintf("%.2f", best[k] / best[ref[k]]) : "1.00"
      cr = (k in ref && cpu[ref[k]] > 0 && cpu[k] > 0) ? sprintf("%.2f", cpu[ref[k]] / cpu[k]) : "1.00"
      printf "%-15s %8d %5d %9.3f %8d %10.1f %9d %6s %7s %6s %7s%s\n", k, f[2], f[3], f[4], f[5], f[6], f[7],
             ratio, (cpu[k] != "" ? cpu[k] : "-"), (cpu[k] != "" ? cr : "-"),
             (allocs[k] != "" && allocs[k] >= 0 ? allocs[k] : "-"), (f[8] > 0 ? "  FAILURES: " f[8] : "")
    }
  }' "$OUT"
