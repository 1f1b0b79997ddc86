#!/bin/sh
# The mock server's throughput next to nginx serving a fixed answer, side by side in one run:
# wrk (one thread, C connections, D seconds) against the Torale mock (apic-mock-dev, -O2 -g, one
# task preloaded by --data) answering GET /api/v1/tasks/t1 with a bearer token, and against nginx
# (2 workers, access log off) serving that very answer as a static file at the same path; each
# without and with a slowloris attack on the same server (tests/mock/slowloris: 300 connections
# from 127.0.0.2, a header line every 5 s). Rounds alternate the four runs; the best round of
# each is kept, and the mock's rate is given as a ratio to nginx's under the same attack.
#   sh bench/mock.sh [C] [D] [ROUNDS]      (defaults 64 5 3; BUILD defaults to build/bench)
# Installs Debian's wrk and nginx-light when they are missing (apt-get: root).
set -eu
C=${1:-64}
D=${2:-5}
ROUNDS=${3:-3}
BUILD=${BUILD:-build/bench}
ATTACK="300 $((D + 2)) 5000 127.0.0.2" # CONNECTIONS SECONDS INTERVAL_MS FROM

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  echo "bench/mock.sh: installing wrk and nginx-light (Debian)" >&2
  apt-get install -y -qq wrk nginx-light >/dev/null
fi
make -s BUILD="$BUILD" "$BUILD/apic-mock-dev" "$BUILD/tests/mock/slowloris" "$BUILD/tests/mock/torale.json"

TMP=$(mktemp -d)
chmod 755 "$TMP" # nginx's workers (www-data when started by root) read the answer from it
MOCK_PID=
NGINX_PID=
cleanup() {
  [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null && wait "$MOCK_PID" 2>/dev/null
  [ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

cat >"$TMP/data.json" <<'EOF'
{"/tasks": [{"id": "t1", "name": "watch the launch", "search_query": "launch date of the new model",
  "condition_description": "a date is announced", "schedule": "0 9 * * *", "state": "active",
  "is_active": true, "created_at": "2024-01-01T00:00:00Z", "tags": ["launch"], "confidence_threshold": 0.5}]}
EOF
"$BUILD/apic-mock-dev" "$BUILD/tests/mock/torale.json" --port 0 --data "$TMP/data.json" >"$TMP/mock.out" &
MOCK_PID=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do grep -q '^admin token' "$TMP/mock.out" && break; sleep 0.2; done
MOCK_URL=$(sed -n 's/^base URL: //p' "$TMP/mock.out")
MOCK_PORT=$(sed -n 's/^listening on 127.0.0.1://p' "$TMP/mock.out")

# nginx serves the mock's own answer, byte for byte, at the same path.
mkdir -p "$TMP/www/api/v1/tasks" "$TMP/logs"
curl -sf -H 'Authorization: Bearer k' "$MOCK_URL/tasks/t1" >"$TMP/www/api/v1/tasks/t1"
NGINX_PORT=$((MOCK_PORT + 1))
cat >"$TMP/nginx.conf" <<EOF
worker_processes 2;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $TMP/www; }
}
EOF
nginx -p "$TMP" -c "$TMP/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/api/v1/tasks/t1" && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$NGINX_PORT/api/v1/tasks/t1" >"$TMP/nginx.answer" &&
  cmp -s "$TMP/www/api/v1/tasks/t1" "$TMP/nginx.answer" || { echo "nginx does not serve the answer" >&2; exit 1; }

# run NAME PORT URL ATTACK(0|1): one wrk run, its figures appended to $TMP/results.
run() {
  att=
  if [ "$4" = 1 ]; then
    # shellcheck disable=SC2086
    "$BUILD/tests/mock/slowloris" 127.0.0.1 "$2" /api/v1/tasks/t1 $ATTACK >"$TMP/attack.out" &
    att=$!
    for _ in $(seq 50); do grep -q '^ready' "$TMP/attack.out" && break; sleep 0.1; done
  fi
  wrk -t1 -c"$C" -d"$D"s -H 'Authorization: Bearer k' "$3" >"$TMP/wrk.out"
  if [ -n "$att" ]; then kill "$att" 2>/dev/null; wait "$att" 2>/dev/null || true; fi
  awk -v name="$1" -v attack="$4" '
    /Latency/ { lat = $2; max = $4 }
    /Requests\/sec/ { rps = $2 }
    /Non-2xx|Socket errors/ { bad = bad " " $0 }
    END { printf "%s %s %s %s %s%s\n", name, attack, rps, lat, max, (bad != "" ? " |" bad : "") }' \
    "$TMP/wrk.out" >>"$TMP/results"
}

: >"$TMP/results"
r=0
while [ $r -lt "$ROUNDS" ]; do
  for attack in 0 1; do
    run mock "$MOCK_PORT" "$MOCK_URL/tasks/t1" $attack
    run nginx "$NGINX_PORT" "http://127.0.0.1:$NGINX_PORT/api/v1/tasks/t1" $attack
  done
  r=$((r + 1))
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t1 -c$C -d${D}s, best of $ROUNDS rounds; slowloris: $ATTACK (connections, seconds, interval ms, from)"
awk '
  { k = $1 " " $2; all[k] = all[k] " " int($3); if (!(k in best) || $3 > best[k]) { best[k] = $3; line[k] = $0 } }
  END {
    printf "%-6s %-9s %10s %8s %10s %10s  %s\n", "server", "slowloris", "req/s", "ratio", "latency", "max", "all rounds"
    for (a = 0; a <= 1; a++) for (s = 1; s <= 2; s++) {
      name = s == 1 ? "mock" : "nginx"; k = name " " a
      if (!(k in best)) continue
      split(line[k], f, " ")
      ratio = best["nginx " a] > 0 ? sprintf("%.2f", best[k] / best["nginx " a]) : "-"
      printf "%-6s %-9s %10d %8s %10s %10s %s\n", name, (a ? "yes" : "no"), best[k], ratio, f[4], f[5], all[k]
    }
  }' "$TMP/results"
grep '|' "$TMP/results" || true
