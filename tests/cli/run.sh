#!/bin/sh
# CLI tests: runs the citystar program as a user would and checks exit codes, messages and the
# figures it prints. Expected figures are worked out from the seed rows in tests/fixtures.
# usage: run.sh PATH/TO/citystar SOURCE_DIR
set -u
CS="$1"
SRC="$2"
FX="$SRC/tests/fixtures"
DATA="$SRC/tests/cli/data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_exit CODE CMD...: runs CMD, stdout to $T/out, stderr to $T/err
expect_exit() {
    want=$1; shift
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; cat "$T/err"; fi
}
expect_out() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks: $1"; head -20 "$T/out"; fi; }
expect_err() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks: $1"; head -20 "$T/err"; fi; }
expect_jq() {  # expect_jq FILTER EXPECTED
    got=$(jq -r "$1" "$T/out" 2>&1)
    if [ "$got" = "$2" ]; then ok; else bad "jq '$1' gave '$got', wanted '$2'"; fi
}

# ---- usage -------------------------------------------------------------------------------------
expect_exit 0 "$CS" help
expect_out "citystar [--frameworks DIR] COMMAND"
expect_exit 2 "$CS"
expect_exit 2 "$CS" frobnicate
expect_err "未知的命令 / unknown command 'frobnicate'"
expect_exit 2 "$CS" score --framework x
expect_err "score 需要 --framework、--region 和 --period（或 --data FILE）"
expect_exit 2 "$CS" score --framework x --data y --colour red
expect_err "未知的选项 / unknown option '--colour'"
expect_exit 2 "$CS" score --framework x --data y --format xml
expect_exit 0 "$CS" version

# ---- framework list / show / check ------------------------------------------------------------
expect_exit 0 "$CS" --frameworks "$FX" framework list
expect_out "test-2023-rows"
expect_out "test-weighted"
expect_exit 0 "$CS" --frameworks "$FX" framework show seed-rows-2023 --format json
expect_jq '.max_score' 92
expect_jq '.indicator_count' 7
expect_jq '.ratings | map(.name) | join(",")' "三星,四星（基础型）,四星（成长型）,五星"
expect_jq '.indicators[0].tiers | map(.points) | join(",")' "0.5,1,1.5"
expect_exit 0 "$CS" framework show "$FX/weighted-jinan.yaml" --format json
expect_jq '[.groups[].weight // 0] | add' 100
expect_exit 1 "$CS" --frameworks "$FX" framework show no-such-framework
expect_err "未找到框架 'no-such-framework'"
printf 'format: 1\nid: broken\ntitle: x\nregion_level: county\nindicators:\n  - code: "1"\n    name: x\n    measures: [{code: m, name: m, expr: "a / "}]\n    rule: {kind: monitor}\n' > "$T/broken.yaml"
expect_exit 1 "$CS" framework check "$T/broken.yaml" "$FX/seed-rows-2019.yaml"
expect_err "$T/broken.yaml:8:46: 此处应为数值、名称或 '('"
expect_out "$T/broken.yaml: 有 1 个错误"
expect_out "seed-rows-2019.yaml: 正确 / ok (test-2019-rows, 6 项指标"

# ---- template ------------------------------------------------------------------------------------
expect_exit 0 "$CS" --frameworks "$FX" template --framework seed-rows-2023 --region 370811 --period 2023
expect_out "region,period,element,value,name,unit,type,range,indicators"
expect_out "370811,2023,gov.application_items_total,,本地区依申请政务服务事项总数量,项,integer,0~,1"

# ---- score ----------------------------------------------------------------------------------------
# 370811: 912/1003 = 90.93 % → 1; innovation 4 × 0.5 + 2 × 1 = 4; rest 70; satisfaction 85 %;
#         total 75 → 四星（基础型）(≥ 70, < 80)
# 370812: 700/1000 = 70 % → 0; rest 50; innovation unreported (missing); satisfaction 65 % → −10;
#         total 40 → 三星 (≥ 40)
expect_exit 0 "$CS" --frameworks "$FX" score --framework seed-rows-2023 --data "$DATA/jining-2023.csv" --format json
expect_jq 'length' 2
expect_jq '.[0].region' 370811
expect_jq '.[0].period' 2023
expect_jq '.[0].total' 75
expect_jq '.[0].max_total' 92
expect_jq '.[0].rating' "四星（基础型）"
expect_jq '.[0].indicators[] | select(.code=="1") | "\(.points) \(.max_points) \(.tier)"' "1 1.5 四星"
expect_jq '.[0].indicators[] | select(.code=="1") | .explanation' "政务服务事项在线率 = 912 / 1003 = 90.93%；达到四星要求（政务服务事项在线率 ≥ 90%），得 1 分；未达到五星要求：政务服务事项在线率 ≥ 95%（未满足）"
expect_jq '.[0].indicators[] | select(.code=="44") | .points' 4
expect_jq '.[1].total' 40
expect_jq '.[1].rating' "三星"
expect_jq '.[1].indicators[] | select(.code=="44") | .points' null
expect_jq '.[1].complete' false
expect_jq '.[1].adjustments[1].applied' true
expect_exit 0 "$CS" --frameworks "$FX" score --framework seed-rows-2023 --data "$DATA/jining-2023.csv" --format csv
expect_out "region,period,total,max_total,rating,1,4,7,43,44,45,rest"
expect_out "370811,2023,75,92,四星（基础型）,1,,,0,4,,70"
expect_exit 0 "$CS" --frameworks "$FX" score --framework seed-rows-2023 --data "$DATA/jining-2023.csv" --region 370812
expect_out "总分 40 / 92 分  星级 三星"
expect_out "触发“公众满意度低于70%的，减10分”，减 10 分"
expect_exit 1 "$CS" --frameworks "$FX" score --framework seed-rows-2023 --data "$DATA/jining-2023.csv" --period 2019
expect_err "数据中没有"

# bad input: the row and column are named, and nothing is scored
expect_exit 1 "$CS" --frameworks "$FX" score --framework seed-rows-2023 --data "$DATA/bad-row.csv"
expect_err "bad-row.csv:3:4: “本地区依申请政务服务事项总数量”（gov.application_items_total）的值 \"九百\" 不是数字"
expect_err "未导入任何数据"
expect_exit 1 "$CS" --frameworks "$FX" score --framework seed-rows-2023 --data "$T/none.csv"
expect_err "无法打开文件"

# ---- explain ----------------------------------------------------------------------------------------
expect_exit 0 "$CS" --frameworks "$FX" explain --framework seed-rows-2023 --data "$DATA/jining-2023.csv" --region 370812 --period 2023 --indicator 44
expect_out "44 创新示范：缺失（满分 10）"
expect_out "缺少数据（省级及以上智慧城市赛事、峰会、论坛奖项或省级优秀应用场景数量未填报"
expect_exit 0 "$CS" --frameworks "$FX" explain --framework seed-rows-2023 --data "$DATA/jining-2023.csv" --region 370811 --period 2023
expect_out "各指标得分合计 75 分"
expect_exit 1 "$CS" --frameworks "$FX" explain --framework seed-rows-2023 --data "$DATA/jining-2023.csv" --region 370811 --period 2023 --indicator 99
expect_err "没有指标 '99'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
