#!/bin/sh
# Golden tests of the encoded frameworks: for every tests/golden/ID/CASE.csv, scores it under
# framework ID and compares with CASE.expected, whose figures are worked out by hand from the
# seed text (the derivation is in the file's comments). Every scored indicator of every region
# the expected file names must be asserted.
#
# CASE.expected lines (blank lines and # comments ignored):
#   REGION PERIOD CODE POINTS        an indicator's points ("missing" when not scorable)
#   REGION PERIOD total TOTAL        the total after adjustments
#   REGION PERIOD rating NAME        the star level, or "none"
#   REGION PERIOD value CODE VALUE   an indicator's headline value (monitoring frameworks), ±0.00005
#   REGION PERIOD measure CODE VALUE any measure's value by its code ("missing" when missing), ±0.00005
# usage: run.sh PATH/TO/citystar SOURCE_DIR
set -u
CS="$1"
SRC="$2"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
cases=0
for csv in "$SRC"/tests/golden/*/*.csv; do
    [ -e "$csv" ] || continue
    id=$(basename "$(dirname "$csv")")
    exp="${csv%.csv}.expected"
    name="$id/$(basename "$csv" .csv)"
    cases=$((cases + 1))
    if [ ! -f "$exp" ]; then echo "FAIL $name: no .expected file"; fail=$((fail + 1)); continue; fi
    if ! "$CS" --frameworks "$SRC/frameworks" score --framework "$id" --data "$csv" --format json > "$T/out.json" 2> "$T/err"; then
        echo "FAIL $name: citystar score failed"; cat "$T/err"; fail=$((fail + 1)); continue
    fi
    # flatten the result: REGION PERIOD CODE POINTS / total / rating / value
    jq -r '.[] | . as $r |
        ( .indicators[] | select(.max_points != 0 or .rule == "deduction") |
          "\($r.region) \($r.period) \(.code) \(if .points == null then "missing" else .points end)" ),
        ( .indicators[] | select(.value != null) | "\($r.region) \($r.period) value \(.code) \(.value)" ),
        ( .indicators[] | .measures[]? | "\($r.region) \($r.period) measure \(.code) \(.value // "missing")" ),
        "\(.region) \(.period) total \(.total)",
        "\(.region) \(.period) rating \(.rating // "none")"' "$T/out.json" > "$T/actual"
    grep -v '^[[:space:]]*#' "$exp" | grep -v '^[[:space:]]*$' | sed 's/[[:space:]]*#.*$//' > "$T/expected"
    case_fail=0
    while read -r region period key a b; do
        if [ "$key" = value ] || [ "$key" = measure ]; then
            got=$(awk -v r="$region" -v p="$period" -v k="$key" -v c="$a" '$1==r && $2==p && $3==k && $4==c {print $5}' "$T/actual")
            if [ "$got" = missing ] || [ "$b" = missing ]; then
                [ "$got" = "$b" ] && ok=1 || ok=0
            else
                ok=$(awk -v g="$got" -v w="$b" 'BEGIN { if (g != "" && (g - w) * (g - w) < 0.00005 * 0.00005) print 1; else print 0 }')
            fi
            want="$b"
        else
            got=$(awk -v r="$region" -v p="$period" -v k="$key" '$1==r && $2==p && $3==k {print $4}' "$T/actual")
            want="$a"
            ok=0
            if [ "$got" = "$want" ]; then ok=1
            elif [ -n "$got" ] && [ "$got" != missing ] && [ "$want" != missing ] && [ "$key" != rating ]; then
                ok=$(awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d; print (d < 1e-9) ? 1 : 0 }')
            fi
        fi
        if [ "$ok" = 1 ]; then pass=$((pass + 1)); else
            fail=$((fail + 1)); case_fail=1
            echo "FAIL $name: $region $period $key${b:+ $a}: got '${got:-nothing}', expected '$want'"
        fi
    done < "$T/expected"
    # every scored indicator of every region named must be asserted
    for rp in $(awk '{print $1 "|" $2}' "$T/expected" | sort -u); do
        region=${rp%|*}; period=${rp#*|}
        awk -v r="$region" -v p="$period" '$1==r && $2==p && $3!="value" && $3!="measure" {print $3}' "$T/actual" | sort -u > "$T/have"
        awk -v r="$region" -v p="$period" '$1==r && $2==p {print $3}' "$T/expected" | sort -u > "$T/want"
        missing=$(comm -23 "$T/have" "$T/want" | tr '\n' ' ')
        if [ -n "$missing" ]; then
            fail=$((fail + 1)); case_fail=1
            echo "FAIL $name: $region $period: not asserted: $missing"
        fi
    done
    [ "$case_fail" = 0 ] && echo "ok   $name"
done
[ "$cases" -gt 0 ] || { echo "no golden cases found"; exit 1; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
