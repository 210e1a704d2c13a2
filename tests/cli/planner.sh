#!/bin/sh
# CLI tests of `citystar gap` and `citystar plan` on the planner fixture (tests/fixtures/planner/
# small.yaml) with a data file: exit codes, messages, the figures printed. Expected figures are
# worked out by hand from the fixture's tier text (see the comments).
# usage: planner.sh PATH/TO/citystar SOURCE_DIR
set -u
CS="$1"
SRC="$2"
FW="$SRC/tests/fixtures/planner/small.yaml"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_exit() {
    want=$1; shift
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; cat "$T/err"; fi
}
expect_out() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks: $1"; head -40 "$T/out"; fi; }
expect_err() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks: $1"; head -20 "$T/err"; fi; }
expect_jq() {
    got=$(jq -r "$1" "$T/out" 2>&1)
    if [ "$got" = "$2" ]; then ok; else bad "jq '$1' gave '$got', wanted '$2'"; fi
}

# r1: A 12 设施 (三星 0.5), B 35/50 = 70 % (四星 1), C 4 项 (四星 0.75), D 规划 (四星 1), E 1 award (0.5),
# H 1 km (0.5): 4.25 分 → 一星 (3). r2: nothing built and 3 incidents (−3): at best 12.5 − 3 = 9.5.
cat > "$T/data.csv" <<'EOF'
region,period,element,value
r1,2024,t.a,12
r1,2024,t.b_done,35
r1,2024,t.b_total,50
r1,2024,t.c,4
r1,2024,t.d_plan,是
r1,2024,t.d_staff,2
r1,2024,t.e_awards,1
r1,2024,t.e_reports,0
r1,2024,t.h_km,1
r1,2024,t.f_incidents,0
r1,2024,t.s_yes,80
r1,2024,t.s_all,100
r1,2024,t.g_major,0
r1,2024,t.bench,否
r2,2024,t.a,0
r2,2024,t.b_done,10
r2,2024,t.b_total,50
r2,2024,t.c,0
r2,2024,t.d_plan,否
r2,2024,t.d_staff,0
r2,2024,t.e_awards,0
r2,2024,t.e_reports,0
r2,2024,t.h_km,0
r2,2024,t.f_incidents,3
r2,2024,t.s_yes,90
r2,2024,t.s_all,100
r2,2024,t.g_major,0
EOF

# ---- gap ------------------------------------------------------------------------------------------
expect_exit 0 "$CS" gap --framework "$FW" --data "$T/data.csv" --region r1 --period 2024
expect_out "总分 4.25 / 12.5 分  星级 一星"
expect_out "目标 二星（不低于 6 分）：还差 1.75 分"
# A 三星 → 四星 needs 20 设施
expect_out "· 甲类设施数量 ≥ 20：还需 8 个（甲类设施数量 12 → 20 个）"
expect_out "牵头部门：甲局"
# B 五星 needs 80 % of 50 = 40: 还需 5 套, 10 个百分点
expect_out "乙类系统接入率还差 10 个百分点（约 5 套：已接入的乙类系统数量 35 → 40 套）"
expect_exit 0 "$CS" gap --framework "$FW" --data "$T/data.csv" --region r1 --period 2024 --target 四星 --format json
expect_jq '.target.name' "四星"
expect_jq '.target.points_missing' "5.75"
expect_jq '[.indicators[].code] | join(",")' "A,B,C,D,E,H"
expect_exit 2 "$CS" gap --framework "$FW" --data "$T/data.csv" --region r1 --period 2024 --target 九星
expect_err "没有星级“九星”"
expect_exit 1 "$CS" gap --framework "$FW" --data "$T/data.csv" --region r9 --period 2024
expect_err "数据中没有地区 r9 年度 2024 的记录"
expect_exit 2 "$CS" gap --framework "$FW" --region r1
expect_err "gap 需要 --framework、--region 和 --period"

# ---- plan -----------------------------------------------------------------------------------------
# to 二星 (+1.75), relative distance: B 五星 (5/40 = 0.125, +1.5) and H to 1.5 km (0.5/1.5, +0.25)
expect_exit 0 "$CS" plan --framework "$FW" --data "$T/data.csv" --region r1 --period 2024 --target 二星
expect_out "指标 B 乙类系统接入：四星 → 五星，+1.5 分"
expect_out "指标 H 丙类线路：0.5 分 → 0.75 分，+0.25 分"
expect_out "合计工作量 0.4583 相对距离；评分引擎复核：升级后总分 6 分，二星"
# unreachable: exit 1 and the reason
expect_exit 1 "$CS" plan --framework "$FW" --data "$T/data.csv" --region r2 --period 2024 --target 四星
expect_out "无法达到 四星：全部指标升至最高档仍只有 9.5 分（需 10 分）"
expect_err "无法达到 四星"
expect_exit 1 "$CS" plan --framework "$FW" --data "$T/data.csv" --region r2 --period 2024 --target 四星 --format json
expect_jq '.reachable' "false"
expect_jq '.best_total' "9.5"
expect_exit 2 "$CS" plan --framework "$FW" --data "$T/data.csv" --region r1 --period 2024
expect_err "plan 需要目标星级 --target"

# costs in 万元: A 四星 5, B per step 8, C 五星 6, D 五星 4, H 3 per point; E not listed. To 二星 (+1.75):
# D 五星 (+2) for 4 beats C + H 1 point (6 + 1.5) and B + H (8 + 0.75).
cat > "$T/costs.csv" <<'EOF'
indicator,tier,cost,unit
A,四星,5,万元
B,,8,万元
C,五星,6,万元
D,五星,4,万元
H,,3,万元
EOF
expect_exit 0 "$CS" plan --framework "$FW" --data "$T/data.csv" --region r1 --period 2024 --target 二星 --costs "$T/costs.csv"
expect_out "指标 D 丁类机制：四星 → 五星，+2 分；工作量 4；牵头部门：丁局"
expect_out "合计工作量 4 万元"
expect_out "费用文件未列出、未参与规划的指标：E"
expect_exit 0 "$CS" plan --framework "$FW" --data "$T/data.csv" --region r1 --period 2024 --target 二星 --costs "$T/costs.csv" --format json
expect_jq '.unit' "万元"
expect_jq '.effort' "4"
expect_jq '.steps[0].changes[0].element' "t.d_staff"
expect_jq '.steps[0].changes[0].to' "5"
expect_jq '.after.total' "6.25"

# a bad costs file: every bad cell as FILE:LINE:COL, nothing planned
cat > "$T/bad.csv" <<'EOF'
indicator,tier,cost,unit
A,四星,5,万元
X,,1,万元
B,六星,2,万元
C,,lots,万元
D,,2,天
EOF
expect_exit 1 "$CS" plan --framework "$FW" --data "$T/data.csv" --region r1 --period 2024 --target 二星 --costs "$T/bad.csv"
expect_err "$T/bad.csv:3:1: 框架 planner-small 没有指标 'X'"
expect_err "$T/bad.csv:4:2: 指标 B 没有档位“六星”"
expect_err "$T/bad.csv:5:3: 费用“lots”应为不小于 0 的数"
expect_err "$T/bad.csv:6:4: 单位“天”与第 2 行的“万元”不一致"
expect_err "费用文件 $T/bad.csv 有误，未规划"

echo "planner CLI: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
