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

# ---- what blocks a region: a veto (一票否决), a rating's extra condition, points, or no data.
# tg-veto: the total is tg.score, less 5 when tg.late >= 1 (penalty P1); veto 36 sets it to 0 when
# tg.incidents >= 1; 四星（基础型） needs 70 points AND tg.bench (通过省级标杆评估).
cat > "$T/fw/tg-veto.yaml" <<'EOF'
format: 1
id: tg-veto
title: 目标测试框架（否决与条件）
issuer: citystar tests
year: 2024
region_level: county
scoring: points
levels: [指标]
elements:
  - {code: tg.score, name: 自评得分, unit: 分, type: real, min: 0, max: 100}
  - {code: tg.incidents, name: 重大网络安全事件数量, unit: 起, type: integer, min: 0}
  - {code: tg.late, name: 迟报次数, unit: 次, type: integer, min: 0}
  - {code: tg.bench, name: 通过省级标杆评估, unit: "", type: boolean}
groups:
  - {code: G, name: 全部}
indicators:
  - code: S
    name: 得分
    group: G
    value: tg.score
    rule: {kind: formula, points: "tg.score", max_points: 100}
adjustments:
  - {code: "P1", kind: penalty, when: "tg.late >= 1", points: 5, text: "迟报的,减5分"}
  - {code: "36", kind: veto, when: "tg.incidents >= 1", text: "出现重大网络安全事件,整体不得分"}
ratings:
  - {name: 三星, min_total: 40}
  - {name: 四星（基础型）, min_total: 70, when: [{expr: tg.bench, text: 通过省级标杆评估}]}
EOF
cat > "$T/veto.yaml" <<'EOF'
format: 1
targets:
  - id: quarter
    text: 四分之一的县达到四星
    source: 测试
    region: "3708"
    period: 2024
    framework: tg-veto
    level: county
    min_rating: 四星
    share: 0.25
EOF
# By hand: 任城 80, bench 是 → 四星（基础型）, the only one reached. 兖州 75, one incident, bench 是 →
# veto: 0 分, 75 without it (四星（基础型）, nothing short). 微山 60, one incident, late once → veto;
# without it 60 − 5 = 55 (三星), 15 short of 70. 鱼台 72, bench 否 → the points suffice, the condition
# fails. 金乡 72, bench not reported → the condition cannot be decided; so for 汶上 (70 from the
# tg-county data above, the same element). 嘉祥 65 → 5 points short. 泗水 reports only incidents 0 →
# no indicator scored: 缺数据, never 0 分.
# ceil(0.25 × 12) = 3 required, 1 reached → 2 needed: 鱼台, 金乡 and 汶上 are 0 points short (by code),
# the first two ← 优先; then 嘉祥; then the vetoed (兖州 0 short, 微山 15); then the five without data.
cat > "$T/v.csv" <<'EOF'
region,period,element,value
370811,2024,tg.score,80
370811,2024,tg.incidents,0
370811,2024,tg.bench,是
370812,2024,tg.score,75
370812,2024,tg.incidents,1
370812,2024,tg.bench,是
370826,2024,tg.score,60
370826,2024,tg.incidents,1
370826,2024,tg.late,1
370827,2024,tg.score,72
370827,2024,tg.incidents,0
370827,2024,tg.bench,否
370828,2024,tg.score,72
370828,2024,tg.incidents,0
370829,2024,tg.score,65
370829,2024,tg.incidents,0
370831,2024,tg.incidents,0
EOF
expect_exit 0 cs data import "$T/v.csv"
expect_exit 1 cs targets --file "$T/veto.yaml"
expect_out "1 / 12 个县（市、区）达到四星（基础型）及以上（8.3%，目标 ≥ 25%，即至少 3 个）"
expect_out "还需 2 个达到四星（基础型）"
expect_out "    370827 鱼台县  72 分  三星  总分已够，未满足四星（基础型）的条件：通过省级标杆评估（未满足）  ← 优先"
expect_out "    370828 金乡县  72 分  三星  总分已够，未满足四星（基础型）的条件：通过省级标杆评估（缺少数据，未能判定）  ← 优先"
expect_out "    370829 嘉祥县  65 分  三星  距 70 分还差 5 分"
expect_no_out "距 70 分还差 5 分  ← 优先"
expect_out "    370812 兖州区  0 分  未达到星级  一票否决（36）“出现重大网络安全事件,整体不得分”；不计否决为 75 分（四星（基础型））"
expect_out "    370826 微山县  0 分  未达到星级  一票否决（36）“出现重大网络安全事件,整体不得分”；不计否决为 55 分（三星），仍距 70 分差 15 分"
expect_out "    370830 汶上县  70 分  三星  总分已够，未满足四星（基础型）的条件：通过省级标杆评估（缺少数据，未能判定）"
expect_no_out "370830 汶上县  70 分  三星  总分已够，未满足四星（基础型）的条件：通过省级标杆评估（缺少数据，未能判定）  ← 优先"
expect_out "    370831 泗水县  缺数据（无总分，不计为达到）"
expect_no_out "距 70 分还差 70 分"
expect_no_out "370831 泗水县  0 分"
expect_exit 1 cs targets --file "$T/veto.yaml" --format json
expect_jq '[.[0].blocking[].region] | join(",")' "370827,370828,370830,370829,370812,370826,370831,370832,370871,370881,370883"
expect_jq '[.[0].blocking[].blocker] | unique | join(",")' "conditions,missing_data,points,veto"
expect_jq '[.[0].blocking[] | select(.priority) | .region] | join(",")' "370827,370828"
expect_jq '.[0].blocking[4] | [.total, .total_without_veto, .rating_without_veto, .points_missing, .vetoes[0].code, .vetoes[0].text] | map(tostring) | join("|")' "0|75|四星（基础型）|0|36|出现重大网络安全事件,整体不得分"
expect_jq '.[0].blocking[5] | [.total_without_veto, .rating_without_veto, .points_missing] | map(tostring) | join("|")' "55|三星|15"
expect_jq '.[0].blocking[0].unmet_conditions[0] | [.rating, .text, .expr, .missing] | map(tostring) | join("|")' "四星（基础型）|通过省级标杆评估|tg.bench|false"
expect_jq '.[0].blocking[1].unmet_conditions[0].missing' true
expect_jq '.[0].blocking[6] | [.scored, .total, .blocker] | map(tostring) | join("|")' "false|null|missing_data"
expect_jq '.[0].blocking_hidden' 0
# lifting the veto on 兖州 (no incident) makes it count: 2 reached, 1 needed, 鱼台 alone is ← 优先
expect_exit 0 cs data set 370812 2024 tg.incidents 0
expect_exit 1 cs targets --file "$T/veto.yaml"
expect_out "2 / 12 个县（市、区）"
expect_out "通过省级标杆评估（未满足）  ← 优先"
expect_no_out "通过省级标杆评估（缺少数据，未能判定）  ← 优先"
expect_no_out "370812 兖州区"

# ---- GET /api/targets on `citystar serve --targets DIR`: the CLI's JSON, with the blocking list of a
# target above the account cut to the account's subtree. Now (兖州's veto lifted) 任城 and 兖州 are
# 四星（基础型）: 2 of 12 reached, 10 blocking. The city (3708) sees all 10; the county admin of 任城
# (370811, inside 3708) sees the target with the same counts, no blocking region of its own (任城
# reached) and 10 hidden; the county admin of 鱼台 (370827) sees only 鱼台; 济南 (3701) sees nothing.
if command -v curl > /dev/null 2>&1 && command -v python3 > /dev/null 2>&1; then
    mkdir -p "$T/served"
    cp "$T/veto.yaml" "$T/served/veto.yaml"
    for a in "jn city_admin 3708" "rc county_admin 370811" "yt county_admin 370827" "jnan city_admin 3701"; do
        set -- $a
        CITYSTAR_PASSWORD=secret123 cs user add "$1" --name "$1" --role "$2" --region "$3" > /dev/null 2>&1 || bad "user add $1"
    done
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    BASE="http://127.0.0.1:$PORT"
    "$CS" --frameworks "$T/fw" --db "$T/s.db" serve --address 127.0.0.1 --port "$PORT" --targets "$T/served" > "$T/server.out" 2>&1 &
    SERVER=$!
    trap 'kill -TERM $SERVER 2> /dev/null; wait $SERVER 2> /dev/null; rm -rf "$T"' EXIT
    tries=0
    until curl -sf -o /dev/null "$BASE/api/health"; do
        tries=$((tries + 1))
        [ $tries -gt 100 ] && break
        sleep 0.1
    done
    api_as() {
        curl -sS -c "$T/jar.$1" -o /dev/null -H 'Content-Type: application/json' \
            --data-binary "{\"login\":\"$1\",\"password\":\"secret123\"}" "$BASE/api/session"
        curl -sS -b "$T/jar.$1" -o "$T/out" -w '%{http_code}' "$BASE$2"
    }
    code=$(api_as jn '/api/targets?period=2024')
    if [ "$code" = 200 ]; then ok; else bad "GET /api/targets as jn: $code"; cat "$T/out"; fi
    expect_jq '.total' 1
    expect_jq '.items[0] | [.id, .reached, .needed, (.blocking | length), .blocking_hidden] | map(tostring) | join("|")' "quarter|2|1|10|0"
    expect_jq '.items[0].file' "veto.yaml"
    # the same as the CLI's JSON
    cs targets --file "$T/served/veto.yaml" --format json > "$T/cli.json" 2> /dev/null
    if [ "$(jq -c '.items[0] | del(.file)' "$T/out")" = "$(jq -c '.[0] | del(.file)' "$T/cli.json")" ]; then ok; else bad "API and CLI JSON differ"; fi
    api_as rc '/api/targets?region=3708' > /dev/null
    expect_jq '.items[0] | [.reached, .needed, (.blocking | length), .blocking_hidden, .blocking_scope] | map(tostring) | join("|")' "2|1|0|10|370811"
    api_as yt '/api/targets' > /dev/null
    expect_jq '.items[0] | [(.blocking | map(.region) | join(",")), .blocking[0].blocker, .blocking[0].priority, .blocking_hidden] | map(tostring) | join("|")' "370827|conditions|true|9"
    code=$(api_as jnan '/api/targets')
    if [ "$code" = 200 ]; then ok; else bad "GET /api/targets as jnan: $code"; fi
    expect_jq '.total' 0
    code=$(api_as jnan '/api/targets?region=3708')
    if [ "$code" = 403 ]; then ok; else bad "GET /api/targets?region=3708 as jnan: $code (wanted 403)"; fi
    code=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/api/targets")
    if [ "$code" = 401 ]; then ok; else bad "GET /api/targets without a session: $code (wanted 401)"; fi
    kill -TERM $SERVER
    wait $SERVER
    if grep -q 'Sanitizer\|runtime error:' "$T/server.out"; then bad "the server reported:"; head -20 "$T/server.out"; else ok; fi
fi

echo "targets: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
