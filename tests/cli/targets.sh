#!/bin/sh
# CLI tests of `citystar targets` on a small store: the 济宁 region tree, a one-element framework
# whose total is the figure reported (so every total is set by hand) with the seed's star lines
# (三星 40, 四星（基础型）70, 四星（成长型）80, 五星 90), and target files as data. Expected
# counts and blocking regions are worked out by hand in the comments. Also: a malformed target
# file gives FILE:LINE:COL, exit codes 0 / 1 / 2.
# usage: targets.sh PATH/TO/citystar SOURCE_DIR
set -u
CS="$1"
SRC="$2"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
cs() { "$CS" --frameworks "$T/fw" --db "$T/s.db" "$@"; }
expect_exit() {
    want=$1; shift
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; cat "$T/err"; fi
}
expect_out() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks: $1"; head -40 "$T/out"; fi; }
expect_no_out() { if grep -qF -- "$1" "$T/out"; then bad "stdout has: $1"; else ok; fi; }
expect_err() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks: $1"; head -20 "$T/err"; fi; }
expect_jq() {
    got=$(jq -r "$1" "$T/out" 2>&1)
    if [ "$got" = "$2" ]; then ok; else bad "jq '$1' gave '$got', wanted '$2'"; fi
}

mkdir -p "$T/fw" "$T/targets"
cat > "$T/fw/tg-county.yaml" <<'EOF'
format: 1
id: tg-county
title: 目标测试框架（县级）
issuer: citystar tests
year: 2024
region_level: county
scoring: points
levels: [指标]
elements:
  - {code: tg.score, name: 自评得分, unit: 分, type: real, min: 0, max: 100}
groups:
  - {code: G, name: 全部}
indicators:
  - code: S
    name: 得分
    group: G
    value: tg.score
    rule: {kind: formula, points: "tg.score", max_points: 100}
ratings:
  - {name: 三星, min_total: 40}
  - {name: 四星（基础型）, min_total: 70}
  - {name: 四星（成长型）, min_total: 80}
  - {name: 五星, min_total: 90}
EOF

"$CS" --db "$T/s.db" db init > /dev/null 2>&1 && "$CS" --db "$T/s.db" region import --province 37 > /dev/null 2>&1 || bad "setting up the store failed"

# 济宁 has 12 county-level regions. Reported totals: 任城 75 (四星基础), 兖州 82 (四星成长), 嘉祥 91 (五星),
# 汶上 70 (exactly the line) → 4 at or above 四星（基础型）; 鱼台 69.5 (0.5 short), 微山 68 (2 short),
# 金乡 39 (no star, 31 short); 泗水, 梁山, 高新区, 曲阜, 邹城 report nothing (缺数据). 历下区 (3701) 95 is
# outside 3708 and must not be counted.
cat > "$T/d.csv" <<'EOF'
region,period,element,value
370811,2024,tg.score,75
370812,2024,tg.score,82
370829,2024,tg.score,91
370830,2024,tg.score,70
370827,2024,tg.score,69.5
370826,2024,tg.score,68
370828,2024,tg.score,39
370102,2024,tg.score,95
EOF
expect_exit 0 cs data import "$T/d.csv"

cat > "$T/targets/jn.yaml" <<'EOF'
format: 1
targets:
  - id: half
    text: 四星级县达到50%以上
    source: 测试
    region: "3708"
    period: 2024
    framework: tg-county
    level: county
    min_rating: 四星（基础型）
    share: 0.5
  - id: third
    text: 三成县达到四星
    source: 测试
    region: "3708"
    period: 2025
    framework: tg-county
    level: county
    min_rating: 四星
    share: 30%
EOF

# ---- half: 50 % of 12 = 6 required, 4 reached → 未达成, 2 more needed; blockers 鱼台 0.5, 微山 2, 金乡 31,
# then the five without data. third: ceil(0.3 × 12) = 4 → 达成 (period 2025 has no data: --period 2024).
expect_exit 1 cs targets --file "$T/targets/jn.yaml" --period 2024
expect_out "【未达成】half 四星级县达到50%以上"
expect_out "4 / 12 个县（市、区）达到四星（基础型）及以上（33.3%，目标 ≥ 50%，即至少 6 个）"
expect_out "还需 2 个达到四星（基础型）"
expect_out "370827 鱼台县  69.5 分  三星  距 70 分还差 0.5 分  ← 优先"
expect_out "370826 微山县  68 分  三星  距 70 分还差 2 分  ← 优先"
expect_out "370828 金乡县  39 分  未达到星级  距 70 分还差 31 分"
expect_no_out "370828 金乡县  39 分  未达到星级  距 70 分还差 31 分  ← 优先"
expect_out "370831 泗水县  缺数据"
expect_out "【达成】third"
expect_out "（目标年度 2025）"
expect_out "共 2 个目标：达成 1 个，未达成 1 个"
expect_no_out "370102"
expect_no_out "370811 任城区"

# the same as JSON: order of blockers (fewest points missing first, then 缺数据 by code)
expect_exit 1 cs targets --file "$T/targets/jn.yaml" --period 2024 --format json
expect_jq '.[0].reached' 4
expect_jq '.[0].regions' 12
expect_jq '.[0].required' 6
expect_jq '.[0].needed' 2
expect_jq '.[0].unscored' 5
expect_jq '[.[0].blocking[].region] | join(",")' "370827,370826,370828,370831,370832,370871,370881,370883"
expect_jq '[.[0].blocking[].points_missing | tostring] | join(",")' "0.5,2,31,null,null,null,null,null"
expect_jq '.[1].met' true
expect_jq '.[1].min_rating' "四星（基础型）"
expect_jq '.[1].share' 0.3

# ---- the default folder: targets/ beside the frameworks folder; period 2025 itself has no data:
# every county is 缺数据, never counted as reaching the level.
expect_exit 1 cs targets
expect_out "0 / 12 个县（市、区）"
expect_out "还需 4 个达到四星（基础型）"
expect_out "370811 任城区  缺数据"

# ---- moving counties: 鱼台 to 70.5 and 微山 to 80 → 6 reached: both met, exit 0.
expect_exit 0 cs data set 370827 2024 tg.score 70.5
expect_exit 1 cs targets --file "$T/targets/jn.yaml" --period 2024
expect_out "5 / 12 个县（市、区）达到四星（基础型）及以上（41.7%"
expect_out "还需 1 个达到四星（基础型）"
expect_exit 0 cs data set 370826 2024 tg.score 80
expect_exit 0 cs targets --file "$T/targets/jn.yaml" --period 2024
expect_out "【达成】half"
expect_out "6 / 12 个县（市、区）达到四星（基础型）及以上（50%，目标 ≥ 50%，即至少 6 个）"
expect_no_out "还需"
expect_out "共 2 个目标：达成 2 个，未达成 0 个"
expect_exit 0 cs targets --file "$T/targets/jn.yaml" --period 2024 --region 3708
expect_exit 2 cs targets --file "$T/targets/jn.yaml" --period 2024 --region 3701
expect_err "没有地区 3701 的目标"

# ---- a malformed file: every error with FILE:LINE:COL, nothing assessed, exit 2
cat > "$T/bad.yaml" <<'EOF'
format: 1
targets:
  - id: a
    text: x
    source: y
    region: "3708"
    period: 2024
    framework: no-such
    level: county
    min_rating: 四星
    share: 0.5
  - id: b
    text: x
    source: y
    region: "3708"
    period: 2024
    framework: tg-county
    level: county
    min_rating: 六星
    share: 1.5
    colour: red
EOF
expect_exit 2 cs targets --file "$T/bad.yaml" --period 2024
expect_err "$T/bad.yaml:8:16: 未知的框架 'no-such'"
expect_err "$T/bad.yaml:19:17: 框架 tg-county 没有星级 '六星'"
expect_err "$T/bad.yaml:20:12: share 应在 (0, 1] 之内，这里是 1.5"
expect_err "$T/bad.yaml:21:5: 目标 / target 中有未知的键 'colour'"
expect_err "目标文件有误，未评估"
printf 'format: 1\ntargets:\n  - id: [\n' > "$T/syntax.yaml"
expect_exit 2 cs targets --file "$T/syntax.yaml"
expect_err "$T/syntax.yaml:4:1: YAML 语法错误"
expect_exit 2 cs targets --file "$T/nope.yaml"
expect_exit 2 cs targets --file "$T/targets/jn.yaml" --format csv
expect_exit 2 cs targets --file "$T/targets/jn.yaml" --period 24

# ---- the shipped target files parse against the shipped frameworks
# (no sd-2023 data in this store: every region is 缺数据, so no target is met)
expect_exit 1 "$CS" --db "$T/s.db" targets --file "$SRC/targets/jining.yaml" --file "$SRC/targets/shandong.yaml" --period 2024 --format json
expect_jq '[.[].unscored] | join(",")' "12,12,151,16,151"
expect_exit 1 "$CS" --db "$T/s.db" targets --period 2024 --format json
expect_jq 'length' 5
expect_jq '[.[].id] | join(",")' "jining-2023-county-4star,jining-2025-county-4star,shandong-2025-county-3star,shandong-2025-city-4star,shandong-2025-county-4star"
expect_jq '.[1].required' 11

echo "targets: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
