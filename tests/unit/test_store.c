/*
 * test_store.c — the storage layer held to its contract (include/citystar/store.h), every check on both
 * back-ends: SQLite (a temporary file) and PostgreSQL (two databases of this test's own, emptied before each
 * check, on the test server whose conninfo is in the file named by CITYSTAR_TEST_PG_FILE; without it the
 * PostgreSQL half is skipped with a note). Schema migrations, regions, reported values with their history,
 * all-or-nothing batches, review states and locked rounds, evidence, snapshots, and backups restored into
 * either back-end.
 */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "citystar/store.h"
#include "harness.h"
#include "store/backend.h"

/* The databases this test creates on the PostgreSQL test server (and drops at the end). */
#define PG_DB_A "citystar_test_store_a"
#define PG_DB_B "citystar_test_store_b"

/* SHA-256 of the 7 bytes "abc\0def" (printf 'abc\0def' | sha256sum). */
#define ABC_DEF_SHA256 "516a5e926ce20c5f4d80f00e1a01abdf14986def6588d6abeed9fce090bc660c"

/* One back-end under test and the store the current check works on. */
typedef struct {
    int pg;              /* 0 SQLite, 1 PostgreSQL */
    char target[1100];   /* the store under test: empty when the check starts */
    cs_store *s;
} conn;

static conn sqlite_conn = {0}, pg_conn = {1};
static int with_pg;
static char pg_server[1024]; /* the test server's conninfo, as pg-test-server printed it */

/* SQLite files made by the current check, removed (with -wal and -shm) after it. */
#define MAX_TEMPS 8
static char temps[MAX_TEMPS][64];
static int ntemps;

/* The diagnostics of the last store call made with nd(). */
static cs_diag *dg;

/* A fresh diagnostics collector for the next call (the previous one is freed). */
static cs_diag *nd(void)
{
    cs_diag_free(dg);
    dg = cs_diag_new();
    return dg;
}

/* The last message of dg, for failure reports. */
static const char *last_msg(void)
{
    size_t n = cs_diag_count(dg);
    return n ? cs_diag_text(dg, n - 1) : "(no message)";
}

/* Runs a store call that must succeed; fails the test with the store's message otherwise. */
#define assert_ok(call)                                                                                      \
    do {                                                                                                     \
        cs_status rc_ = (call);                                                                              \
        if (rc_ != CS_OK) fail_msg("%s -> %s: %s", #call, cs_status_message(rc_), last_msg());             \
    } while (0)

/* Runs sql on the PostgreSQL database named by target; returns 0 on success (the message goes to stderr). */
static int pg_run(const char *target, const char *sql)
{
    cs_diag *d = cs_diag_new();
    cs__db *db = NULL;
    cs_status rc = cs__backend_pg.open(target, &db, d);
    if (rc == CS_OK) rc = cs__backend_pg.exec(db, sql, d);
    if (rc != CS_OK) cs_diag_print(d, stderr);
    cs__backend_pg.close(db);
    cs_diag_free(d);
    return rc == CS_OK ? 0 : -1;
}

/* The conninfo of database name on the test server: libpq takes the last of repeated keywords. */
static void pg_target(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s dbname=%s", pg_server, name);
}

/* A temporary file, removed after the check. */
static void temp_file(char *out, size_t size)
{
    assert_true(ntemps < MAX_TEMPS);
    char *t = temps[ntemps++];
    snprintf(t, sizeof temps[0], "/tmp/citystar-test-store-XXXXXX");
    int fd = mkstemp(t);
    assert_true(fd >= 0);
    close(fd);
    snprintf(out, size, "%s", t);
}

/* A new empty store target: a fresh SQLite file, or the PostgreSQL database `db` with an empty schema. */
static void fresh_target(int pg, const char *db, char *out, size_t size)
{
    if (pg) {
        pg_target(db, out, size);
        /* a store a failed check left open must not make this wait for ever */
        if (pg_run(out, "SET lock_timeout = '20s'; DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            fail_msg("cannot empty %s", db);
        return;
    }
    temp_file(out, size);
}

/* Opens target, failing the test on error. */
static cs_store *open_ok(const char *target)
{
    cs_store *s = NULL;
    assert_ok(cs_store_open(target, &s, nd()));
    return s;
}

/* Opens target and brings it to the latest schema. */
static cs_store *open_migrated(const char *target)
{
    cs_store *s = open_ok(target);
    assert_ok(cs_store_migrate(s, NULL, NULL, nd()));
    return s;
}

static int setup_empty(void **state)
{
    conn *c = *state;
    fresh_target(c->pg, PG_DB_A, c->target, sizeof c->target);
    c->s = open_ok(c->target);
    assert_string_equal(cs_store_backend(c->s), c->pg ? "postgresql" : "sqlite");
    return 0;
}

static int setup_migrated(void **state)
{
    conn *c = *state;
    setup_empty(state);
    assert_ok(cs_store_migrate(c->s, NULL, NULL, nd()));
    return 0;
}

static int teardown(void **state)
{
    conn *c = *state;
    cs_store_close(c->s);
    c->s = NULL;
    for (int i = 0; i < ntemps; i++) {
        char path[600];
        unlink(temps[i]);
        snprintf(path, sizeof path, "%s-wal", temps[i]);
        unlink(path);
        snprintf(path, sizeof path, "%s-shm", temps[i]);
        unlink(path);
    }
    ntemps = 0;
    cs_diag_free(dg);
    dg = NULL;
    return 0;
}

/* ---- What a store holds, as text ------------------------------------------------------------ */

static int region_line(void *ctx, const cs_region *r)
{
    cs__buf_printf(ctx, "%s %s %s %s %s\n", r->code, r->name, r->level, r->parent ? r->parent : "-", r->kind);
    return 0;
}

/* The regions below root (NULL = all) up to max_level, one "code name level parent kind" line each. */
static const char *regions_text(cs_store *s, const char *root, const char *max_level)
{
    static cs__buf b;
    cs__buf_reset(&b);
    cs__buf_append(&b, "");
    assert_ok(cs_store_regions(s, root, max_level, region_line, &b, nd()));
    return cs__buf_str(&b);
}

/* A value as read back, copied out of the callback. */
typedef struct {
    int64_t revision;
    char region[16], period[8], element[32], reason[64], state[16], note[64], actor[64], at[32], kind[16],
        source[128];
    double value;
    int is_missing, source_row;
} value_rec;

typedef struct {
    value_rec v[32];
    size_t n;            /* every value seen, even beyond the 32 kept */
} value_list;

static int collect_value(void *ctx, const cs_value *v)
{
    value_list *l = ctx;
    if (l->n < 32) {
        value_rec *r = &l->v[l->n];
        memset(r, 0, sizeof *r);
        r->revision = v->revision;
        snprintf(r->region, sizeof r->region, "%s", v->region);
        snprintf(r->period, sizeof r->period, "%s", v->period);
        snprintf(r->element, sizeof r->element, "%s", v->element);
        snprintf(r->reason, sizeof r->reason, "%s", v->missing_reason ? v->missing_reason : "(null)");
        snprintf(r->state, sizeof r->state, "%s", v->state);
        snprintf(r->note, sizeof r->note, "%s", v->note ? v->note : "(null)");
        snprintf(r->actor, sizeof r->actor, "%s", v->actor);
        snprintf(r->at, sizeof r->at, "%s", v->at);
        snprintf(r->kind, sizeof r->kind, "%s", v->source_kind);
        snprintf(r->source, sizeof r->source, "%s", v->source_name);
        r->value = v->value;
        r->is_missing = v->is_missing;
        r->source_row = v->source_row;
    }
    l->n++;
    return 0;
}

/* Reads the values matching q into *l. */
static void read_values(cs_store *s, const cs_value_query *q, value_list *l)
{
    memset(l, 0, sizeof *l);
    assert_ok(cs_store_values(s, q, collect_value, l, nd()));
}

/* How many current values the store holds. */
static size_t count_values(cs_store *s)
{
    value_list l;
    cs_value_query q = {0};
    read_values(s, &q, &l);
    return l.n;
}

static int64_t last_revision(cs_store *s)
{
    int64_t r = -1;
    assert_ok(cs_store_last_revision(s, &r, nd()));
    return r;
}

/* Whether two doubles have the same bits. */
static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static int value_line(void *ctx, const cs_value *v)
{
    cs__buf *b = ctx;
    cs__buf_printf(b, "value %lld %s %s %s ", (long long)v->revision, v->region, v->period, v->element);
    if (v->is_missing) cs__buf_printf(b, "missing(%s)", v->missing_reason);
    else cs__buf_printf(b, "%a", v->value);
    cs__buf_printf(b, " %s note=%s by=%s at=%s from=%s:%s:%d\n", v->state, v->note ? v->note : "(null)", v->actor, v->at,
                   v->source_kind, v->source_name, v->source_row);
    return 0;
}

static int evidence_line(void *ctx, const cs_evidence *e)
{
    cs__buf_printf(ctx, "evidence %lld %s %s %s %lld %s %s %s %s %s %s %s %s\n", (long long)e->id, e->sha256, e->file_name,
                   e->media_type, (long long)e->size, e->region, e->period, e->element, e->indicator, e->framework,
                   e->actor, e->at, e->note ? e->note : "(null)");
    return 0;
}

typedef struct {
    int64_t ids[64];
    size_t n;
} id_list;

static int evidence_id(void *ctx, const cs_evidence *e)
{
    id_list *l = ctx;
    if (l->n < 64) l->ids[l->n++] = e->id;
    return 0;
}

static int snapshot_line(void *ctx, const cs_snapshot *sn)
{
    cs__buf_printf(ctx, "snapshot %lld %s %s %s %s %lld %s %d %s %s %s [%s]\n", (long long)sn->id, sn->framework,
                   sn->framework_sha256, sn->period, sn->scope, (long long)sn->as_of, sn->data_sha256, sn->regions,
                   sn->actor, sn->at, sn->note ? sn->note : "(null)", sn->results);
    return 0;
}

/* Everything a store holds, as read through the API, as text: two stores with the same text hold the same
 * rows. Covers regions, every revision and the current values, rounds of 2020–2026, evidence with its bytes,
 * and snapshots with their results. */
static char *store_text(cs_store *s)
{
    cs__buf b = {0};
    int cur = -1, latest = -1;
    assert_ok(cs_store_schema_version(s, &cur, &latest, nd()));
    cs__buf_printf(&b, "schema %d of %d\nlast revision %lld\n", cur, latest, (long long)last_revision(s));
    cs__buf_append(&b, regions_text(s, NULL, NULL));
    cs_value_query all = {0}, history = {.history = 1};
    assert_ok(cs_store_values(s, &history, value_line, &b, nd()));
    cs__buf_append(&b, "current:\n");
    assert_ok(cs_store_values(s, &all, value_line, &b, nd()));
    for (int year = 2020; year <= 2026; year++) {
        char period[8];
        int locked = -1;
        snprintf(period, sizeof period, "%d", year);
        assert_ok(cs_store_round_locked(s, period, &locked, nd()));
        cs__buf_printf(&b, "round %s %s\n", period, locked ? "locked" : "open");
    }
    id_list ids = {0};
    assert_ok(cs_store_evidence(s, NULL, NULL, evidence_id, &ids, nd()));
    assert_ok(cs_store_evidence(s, NULL, NULL, evidence_line, &b, nd()));
    for (size_t i = 0; i < ids.n; i++) {
        void *bytes = NULL;
        size_t n = 0;
        assert_ok(cs_store_evidence_content(s, ids.ids[i], &bytes, &n, NULL, NULL, nd()));
        cs__buf_printf(&b, "content %lld:", (long long)ids.ids[i]);
        for (size_t k = 0; k < n; k++) cs__buf_printf(&b, "%02x", ((unsigned char *)bytes)[k]);
        cs__buf_append(&b, "\n");
        free(bytes);
    }
    assert_ok(cs_store_snapshots(s, 0, 1, snapshot_line, &b, nd()));
    char *out = cs__xstrdup(cs__buf_str(&b));
    cs__buf_free(&b);
    return out;
}

/* ---- Fixtures ----------------------------------------------------------------------------------- */

static const cs_region jining[] = {
    {"37", "山东省", "province", NULL, NULL},
    {"3708", "济宁市", "city", "37", NULL},
    {"370811", "任城区", "county", "3708", NULL},
    {"370812", "兖州区", "county", "3708", NULL},
};

static void put_jining(cs_store *s)
{
    size_t added = 99, updated = 99;
    assert_ok(cs_store_put_regions(s, jining, 4, "regions.csv", "管理员", &added, &updated, nd()));
    assert_int_equal(added, 4);
    assert_int_equal(updated, 0);
}

/* A value from file row `row` (columns region 1, period 2, element 3, value 4). */
static cs_value_in val(const char *region, const char *period, const char *element, double v, int row)
{
    return (cs_value_in){.region = region, .period = period, .element = element, .value = v, .row = row,
                         .col_region = 1, .col_period = 2, .col_element = 3, .col_value = 4};
}

static cs_source file_source(const char *name, const char *actor)
{
    return (cs_source){.kind = "file", .name = name, .actor = actor};
}

/* Writes values that must go in; returns the summary. */
static cs_put_summary put_ok(cs_store *s, const char *file, const char *actor, const cs_value_in *v, size_t n)
{
    cs_source src = file_source(file, actor);
    cs_put_summary sum = {99, 99, 99, -1};
    assert_ok(cs_store_put_values(s, &src, v, n, &sum, nd()));
    return sum;
}

/* ---- 1. Schema ---------------------------------------------------------------------------------- */

static void migrate_from_empty(void **state)
{
    conn *c = *state;
    int cur = -1, latest = -1, from = -1, to = -1;
    assert_ok(cs_store_schema_version(c->s, &cur, &latest, nd()));
    assert_int_equal(cur, 0);
    assert_int_equal(latest, 4);

    assert_ok(cs_store_migrate(c->s, &from, &to, nd()));
    assert_int_equal(from, 0);
    assert_int_equal(to, 4);
    assert_ok(cs_store_schema_version(c->s, &cur, &latest, nd()));
    assert_int_equal(cur, 4);
    assert_int_equal(latest, 4);

    /* a second migration finds nothing to do and changes nothing */
    char *before = store_text(c->s);
    from = to = -1;
    assert_ok(cs_store_migrate(c->s, &from, &to, nd()));
    assert_int_equal(from, 4);
    assert_int_equal(to, 4);
    char *after = store_text(c->s);
    assert_string_equal(after, before);
    assert_contains(after, "schema 4 of 4\nlast revision 0\n");
    free(before);
    free(after);

    /* and so does a second connection to the same database */
    cs_store *again = open_ok(c->target);
    assert_ok(cs_store_migrate(again, &from, &to, nd()));
    assert_int_equal(from, 4);
    assert_int_equal(to, 4);
    cs_store_close(again);
}

/* ---- 2. Regions --------------------------------------------------------------------------------- */

static void regions_all_or_nothing_and_tree(void **state)
{
    conn *c = *state;
    size_t added = 99, updated = 99;

    /* a child before its parent: the row is named and nothing is added, not even the province before it */
    const cs_region child_first[] = {jining[0], jining[2], jining[1]};
    assert_int_equal(cs_store_put_regions(c->s, child_first, 3, "regions.csv", "管理员", &added, &updated, nd()), CS_EDATA);
    assert_int_equal(cs_diag_errors(dg), 1);
    assert_string_equal(cs_diag_text(dg, 0),
                        "regions.csv:2: 地区 370811 的上级 3708 不存在 / the parent 3708 of region 370811 is not known");
    cs_region r;
    assert_int_equal(cs_store_region(c->s, "37", &r, nd()), CS_ENOTFOUND);
    assert_string_equal(regions_text(c->s, NULL, NULL), "");

    put_jining(c->s);

    /* a level not below the parent's */
    const cs_region same_level[] = {{"370899", "某市", "city", "3708", "manual"}};
    assert_int_equal(cs_store_put_regions(c->s, same_level, 1, "regions.csv", "管理员", NULL, NULL, nd()), CS_EDATA);
    assert_int_equal(cs_diag_errors(dg), 1);
    assert_string_equal(cs_diag_text(dg, 0), "regions.csv:1: 地区 370899（city）的级别不低于其上级 3708 / region 370899 must "
                                             "be below its parent's level");
    assert_int_equal(cs_store_region(c->s, "370899", &r, nd()), CS_ENOTFOUND);
    /* an unknown level */
    const cs_region bad_level[] = {{"370813", "某区", "district", "3708", NULL}};
    assert_int_equal(cs_store_put_regions(c->s, bad_level, 1, "regions.csv", "管理员", NULL, NULL, nd()), CS_EDATA);
    assert_contains(cs_diag_text(dg, 0), "regions.csv:1: 地区 370813 的级别 'district' 无效");

    /* the same regions again change nothing; a new name updates one */
    added = updated = 99;
    assert_ok(cs_store_put_regions(c->s, jining, 4, "regions.csv", "管理员", &added, &updated, nd()));
    assert_int_equal(added, 0);
    assert_int_equal(updated, 0);
    cs_region renamed[4];
    memcpy(renamed, jining, sizeof renamed);
    renamed[3].name = "兖州区（新）";
    assert_ok(cs_store_put_regions(c->s, renamed, 4, "regions-2.csv", "管理员", &added, &updated, nd()));
    assert_int_equal(added, 0);
    assert_int_equal(updated, 1);
    assert_ok(cs_store_region(c->s, "370812", &r, nd()));
    assert_string_equal(r.name, "兖州区（新）");
    assert_string_equal(r.level, "county");
    assert_string_equal(r.parent, "3708");
    assert_string_equal(r.kind, "gb2260");
    assert_ok(cs_store_region(c->s, "37", &r, nd()));
    assert_null(r.parent);

    /* a region added by hand below a county */
    const cs_region street[] = {{"370811001", "古槐街道", "street", "370811", "manual"}};
    assert_ok(cs_store_put_regions(c->s, street, 1, "手工添加", "管理员", &added, &updated, nd()));
    assert_int_equal(added, 1);

    /* the tree, parents before children, cut at a level */
    assert_string_equal(regions_text(c->s, "3708", NULL), "3708 济宁市 city 37 gb2260\n"
                                                          "370811 任城区 county 3708 gb2260\n"
                                                          "370812 兖州区（新） county 3708 gb2260\n"
                                                          "370811001 古槐街道 street 370811 manual\n");
    assert_string_equal(regions_text(c->s, "3708", "county"), "3708 济宁市 city 37 gb2260\n"
                                                              "370811 任城区 county 3708 gb2260\n"
                                                              "370812 兖州区（新） county 3708 gb2260\n");
    assert_string_equal(regions_text(c->s, NULL, "city"), "37 山东省 province - gb2260\n"
                                                          "3708 济宁市 city 37 gb2260\n");
    assert_string_equal(regions_text(c->s, "37", "province"), "37 山东省 province - gb2260\n");
    assert_string_equal(regions_text(c->s, "370811001", NULL), "370811001 古槐街道 street 370811 manual\n");
    assert_int_equal(cs_store_regions(c->s, "379999", NULL, region_line, NULL, nd()), CS_ENOTFOUND);
    assert_string_equal(cs_diag_text(dg, 0), "没有地区 379999 / no region 379999");
}

/* ---- 3. Values ---------------------------------------------------------------------------------- */

static void values_revisions_and_history(void **state)
{
    conn *c = *state;
    put_jining(c->s);
    cs_value_in v[] = {
        val("370811", "2023", "e1", 1.5, 2),
        val("370811", "2023", "e2", 0.1, 3),
        val("370812", "2023", "e1", 3, 4),
    };
    cs_put_summary sum = put_ok(c->s, "a.csv", "张三", v, 3);
    assert_int_equal(sum.added, 3);
    assert_int_equal(sum.changed, 0);
    assert_int_equal(sum.unchanged, 0);
    assert_true(sum.source_id > 0);
    int64_t first_source = sum.source_id;
    assert_int_equal(last_revision(c->s), 3);

    /* the same figures again: nothing is written, not even a source */
    sum = put_ok(c->s, "a.csv", "张三", v, 3);
    assert_int_equal(sum.added, 0);
    assert_int_equal(sum.changed, 0);
    assert_int_equal(sum.unchanged, 3);
    assert_int_equal(sum.source_id, 0);
    assert_int_equal(last_revision(c->s), 3);
    int locked = -1;
    assert_ok(cs_store_round_locked(c->s, "2023", &locked, nd()));
    assert_int_equal(locked, 0);

    /* one figure changes: a new revision, the old one kept */
    v[1] = val("370811", "2023", "e2", 0.25, 7);
    v[1].note = "更正";
    sum = put_ok(c->s, "b.csv", "李四", v, 3);
    assert_int_equal(sum.added, 0);
    assert_int_equal(sum.changed, 1);
    assert_int_equal(sum.unchanged, 2);
    assert_true(sum.source_id > first_source);
    assert_int_equal(last_revision(c->s), 4);

    value_list l;
    cs_value_query q = {.region = "370811", .element = "e2", .history = 1};
    read_values(c->s, &q, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].revision, 2);
    assert_true(same_bits(l.v[0].value, 0.1));
    assert_string_equal(l.v[0].actor, "张三");
    assert_string_equal(l.v[0].kind, "file");
    assert_string_equal(l.v[0].source, "a.csv");
    assert_int_equal(l.v[0].source_row, 3);
    assert_string_equal(l.v[0].state, "draft");
    assert_string_equal(l.v[0].note, "");
    assert_int_equal(l.v[1].revision, 4);
    assert_true(same_bits(l.v[1].value, 0.25));
    assert_string_equal(l.v[1].actor, "李四");
    assert_string_equal(l.v[1].source, "b.csv");
    assert_int_equal(l.v[1].source_row, 7);
    assert_string_equal(l.v[1].note, "更正");
    assert_int_equal(strlen(l.v[1].at), 20);
    assert_int_equal(l.v[1].at[10], 'T');
    assert_int_equal(l.v[1].at[19], 'Z');

    /* now: the latest of each value, ordered by region, period, element */
    q = (cs_value_query){0};
    read_values(c->s, &q, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0].region, "370811");
    assert_string_equal(l.v[0].element, "e1");
    assert_int_equal(l.v[1].revision, 4);
    assert_true(same_bits(l.v[1].value, 0.25));
    assert_string_equal(l.v[2].region, "370812");

    /* as of the first batch: the old figure */
    q = (cs_value_query){.as_of = 3};
    read_values(c->s, &q, &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.v[1].revision, 2);
    assert_true(same_bits(l.v[1].value, 0.1));
    q = (cs_value_query){.as_of = 1};
    read_values(c->s, &q, &l);
    assert_int_equal(l.n, 1);

    /* filters: a region's subtree, a period, an element */
    q = (cs_value_query){.region = "370812"};
    read_values(c->s, &q, &l);
    assert_int_equal(l.n, 1);
    q = (cs_value_query){.region = "3708", .element = "e1"};
    read_values(c->s, &q, &l);
    assert_int_equal(l.n, 2);
    q = (cs_value_query){.period = "2024"};
    read_values(c->s, &q, &l);
    assert_int_equal(l.n, 0);
}

static void values_missing_and_exact_doubles(void **state)
{
    conn *c = *state;
    put_jining(c->s);
    cs_value_in v[] = {
        val("370811", "2024", "a", 0.1, 2),
        val("370811", "2024", "b", 1234567.891, 3),
        val("370811", "2024", "c", 1e-9, 4),
        val("370811", "2024", "d", 0, 5),
        val("370811", "2024", "e", 0, 6),
        val("370811", "2024", "f", -2.5e300, 7),
    };
    v[3].is_missing = 1;
    v[3].missing_reason = "不适用";
    v[4].is_missing = 1; /* no reason: not reported */
    assert_int_equal(put_ok(c->s, "a.csv", "张三", v, 6).added, 6);

    value_list l;
    cs_value_query q = {0};
    read_values(c->s, &q, &l);
    assert_int_equal(l.n, 6);
    for (int i = 0; i < 6; i++) {
        assert_string_equal(l.v[i].element, v[i].element);
        assert_int_equal(l.v[i].is_missing, v[i].is_missing);
        if (v[i].is_missing) {
            assert_true(isnan(l.v[i].value));
        } else {
            if (!same_bits(l.v[i].value, v[i].value))
                fail_msg("%s: stored %a, read back %a", v[i].element, v[i].value, l.v[i].value);
            assert_string_equal(l.v[i].reason, "(null)");
        }
    }
    assert_string_equal(l.v[3].reason, "不适用");
    assert_string_equal(l.v[4].reason, "未填报");

    /* the same missing values again are unchanged; a reason that differs is a change */
    assert_int_equal(put_ok(c->s, "a.csv", "张三", v, 6).unchanged, 6);
    v[4].missing_reason = "不适用";
    cs_put_summary sum = put_ok(c->s, "a.csv", "张三", v, 6);
    assert_int_equal(sum.changed, 1);
    assert_int_equal(sum.unchanged, 5);
    /* a missing value that gets a figure, and a figure that becomes missing */
    v[3].is_missing = 0;
    v[3].value = 7;
    v[0].is_missing = 1;
    v[0].missing_reason = "不适用";
    sum = put_ok(c->s, "a.csv", "张三", v, 6);
    assert_int_equal(sum.changed, 2);
    read_values(c->s, &q, &l);
    assert_true(l.v[0].is_missing);
    assert_string_equal(l.v[0].reason, "不适用");
    assert_false(l.v[3].is_missing);
    assert_true(l.v[3].value == 7);
    assert_int_equal(last_revision(c->s), 9);
}

/* ---- 4. All or nothing ------------------------------------------------------------------------------ */

static void batch_all_or_nothing(void **state)
{
    conn *c = *state;
    put_jining(c->s);
    enum { N = 10000 };
    cs_value_in *v = calloc(N, sizeof *v);
    char (*elements)[16] = calloc(N, sizeof *elements);
    assert_non_null(v);
    assert_non_null(elements);
    for (int i = 0; i < N; i++) {
        snprintf(elements[i], sizeof elements[i], "e%05d", i);
        /* row 1 of the file is its header */
        v[i] = val(i % 2 ? "370812" : "370811", "2023", elements[i], i * 0.5, i + 2);
    }
    v[6999].region = "379999"; /* the 7,000th value, on row 7001 */
    cs_source src = file_source("big.csv", "张三");
    cs_put_summary sum = {1, 1, 1, 1};
    assert_int_equal(cs_store_put_values(c->s, &src, v, N, &sum, nd()), CS_EDATA);
    assert_int_equal(cs_diag_errors(dg), 1);
    assert_string_equal(cs_diag_text(dg, 0),
                        "big.csv:7001:1: 地区代码 379999 不存在（请先导入或添加该地区）/ unknown region 379999");
    assert_int_equal(sum.added, 0);
    assert_int_equal(sum.source_id, 0);
    assert_int_equal(count_values(c->s), 0);
    assert_int_equal(last_revision(c->s), 0);

    /* the corrected file goes in whole */
    v[6999].region = "370812";
    sum = put_ok(c->s, "big.csv", "张三", v, N);
    assert_int_equal(sum.added, N);
    assert_int_equal(count_values(c->s), N);
    assert_int_equal(last_revision(c->s), N);
    free(v);
    free(elements);
}

static void batch_errors_name_row_and_column(void **state)
{
    conn *c = *state;
    put_jining(c->s);
    cs_source src = file_source("dup.csv", "张三");

    /* the same value twice in one batch */
    cs_value_in dup[] = {val("370811", "2023", "e1", 1, 2), val("370812", "2023", "e1", 2, 3),
                         val("370811", "2023", "e1", 3, 4)};
    assert_int_equal(cs_store_put_values(c->s, &src, dup, 3, NULL, nd()), CS_EDATA);
    assert_int_equal(cs_diag_errors(dg), 1);
    assert_string_equal(cs_diag_text(dg, 0), "dup.csv:4:3: 地区 370811 年度 2023 的数据项 e1 重复 / duplicate value for "
                                             "370811 2023 e1");
    assert_int_equal(count_values(c->s), 0);

    /* a year not yet come, and periods that are not years: every one named */
    src.name = "period.csv";
    cs_value_in bad[] = {val("370811", "2023", "e1", 1, 2), val("370811", "2999", "e1", 1, 3),
                         val("370811", "20x4", "e1", 1, 4), val("370811", "", "e2", 1, 5)};
    assert_int_equal(cs_store_put_values(c->s, &src, bad, 4, NULL, nd()), CS_EDATA);
    assert_int_equal(cs_diag_errors(dg), 3);
    assert_string_equal(cs_diag_text(dg, 0), "period.csv:3:2: 年度 2999 尚未到来，不能填报 / period 2999 is in the future");
    assert_string_equal(cs_diag_text(dg, 1),
                        "period.csv:4:2: 年度 '20x4' 无效，应为四位年份 / invalid period '20x4' (a four-digit year)");
    assert_string_equal(cs_diag_text(dg, 2), "period.csv:5:2: 年度 '' 无效，应为四位年份 / invalid period '' (a four-digit year)");
    assert_int_equal(count_values(c->s), 0);
    assert_int_equal(last_revision(c->s), 0);

    /* values from a form: no file and no row to name */
    cs_source form = {.kind = "form", .name = "填报表", .actor = "张三"};
    cs_value_in one[] = {val("379999", "2023", "e1", 1, 0)};
    assert_int_equal(cs_store_put_values(c->s, &form, one, 1, NULL, nd()), CS_EDATA);
    assert_string_equal(cs_diag_text(dg, 0), "地区代码 379999 不存在（请先导入或添加该地区）/ unknown region 379999");

    /* a dry run counts and writes nothing */
    cs_source dry = file_source("dry.csv", "张三");
    dry.dry_run = 1;
    cs_put_summary sum = {0};
    assert_ok(cs_store_put_values(c->s, &dry, dup, 2, &sum, nd()));
    assert_int_equal(sum.added, 2);
    assert_int_equal(sum.source_id, 0);
    assert_int_equal(count_values(c->s), 0);
}

/* ---- 5. Review states and locked rounds -------------------------------------------------------------- */

/* The current state of every value, "region/element=state" joined by spaces. */
static const char *states_now(cs_store *s)
{
    static char text[512];
    value_list l;
    cs_value_query q = {.period = "2023"};
    read_values(s, &q, &l);
    text[0] = '\0';
    for (size_t i = 0; i < l.n && i < 32; i++) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, "%s%s/%s=%s", i ? " " : "", l.v[i].region, l.v[i].element, l.v[i].state);
    }
    return text;
}

static void review_states_and_locked_round(void **state)
{
    conn *c = *state;
    cs_store *s = c->s;
    put_jining(s);
    cs_value_in v[] = {val("370811", "2023", "e1", 10, 2), val("370811", "2023", "e2", 20, 3),
                       val("370812", "2023", "e1", 30, 4)};
    assert_int_equal(put_ok(s, "a.csv", "张三", v, 3).added, 3);
    size_t moved = 99;

    assert_ok(cs_store_set_state(s, "3708", "2023", NULL, CS_STATE_SUBMITTED, "审核员", "提交审核", &moved, nd()));
    assert_int_equal(moved, 3);
    assert_string_equal(states_now(s), "370811/e1=submitted 370811/e2=submitted 370812/e1=submitted");
    assert_int_equal(last_revision(s), 6);

    /* a submitted value cannot change; the same figure is fine */
    cs_value_in change[] = {val("370811", "2023", "e1", 11, 5)};
    cs_source src = file_source("a.csv", "张三");
    assert_int_equal(cs_store_put_values(s, &src, change, 1, NULL, nd()), CS_EDATA);
    assert_int_equal(cs_diag_errors(dg), 1);
    assert_string_equal(cs_diag_text(dg, 0), "a.csv:5:4: 地区 370811 年度 2023 的数据项 e1 已提交，不能修改；需先退回 / the "
                                             "value is submitted and cannot change until it is returned");
    assert_int_equal(last_revision(s), 6);
    assert_int_equal(put_ok(s, "a.csv", "张三", v, 1).unchanged, 1);

    /* returned: it can change again, and goes back to draft */
    assert_ok(cs_store_set_state(s, "370811", "2023", NULL, CS_STATE_RETURNED, "审核员", "数据有误", &moved, nd()));
    assert_int_equal(moved, 2);
    assert_string_equal(states_now(s), "370811/e1=returned 370811/e2=returned 370812/e1=submitted");
    assert_int_equal(put_ok(s, "a.csv", "张三", change, 1).changed, 1);
    assert_string_equal(states_now(s), "370811/e1=draft 370811/e2=returned 370812/e1=submitted");

    /* submitted again (draft and returned ones), then approved; approving twice moves nothing */
    assert_ok(cs_store_set_state(s, "37", "2023", NULL, CS_STATE_SUBMITTED, "审核员", NULL, &moved, nd()));
    assert_int_equal(moved, 2);
    assert_ok(cs_store_set_state(s, "37", "2023", NULL, CS_STATE_APPROVED, "审核员", NULL, &moved, nd()));
    assert_int_equal(moved, 3);
    assert_ok(cs_store_set_state(s, "37", "2023", NULL, CS_STATE_APPROVED, "审核员", NULL, &moved, nd()));
    assert_int_equal(moved, 0);
    assert_string_equal(states_now(s), "370811/e1=approved 370811/e2=approved 370812/e1=approved");
    assert_int_equal(cs_store_put_values(s, &src, v, 1, NULL, nd()), CS_EDATA);
    assert_contains(cs_diag_text(dg, 0), "a.csv:2:4: 地区 370811 年度 2023 的数据项 e1 已审核通过，不能修改");

    /* locking the round locks the approved values, with a revision each */
    int locked = -1;
    assert_ok(cs_store_lock_round(s, "2023", 1, "主任", "终审", nd()));
    assert_ok(cs_store_round_locked(s, "2023", &locked, nd()));
    assert_int_equal(locked, 1);
    assert_string_equal(states_now(s), "370811/e1=locked 370811/e2=locked 370812/e1=locked");
    value_list l;
    cs_value_query q = {.region = "370811", .element = "e1", .history = 1};
    read_values(s, &q, &l);
    const char *states[] = {"draft", "submitted", "returned", "draft", "submitted", "approved", "locked"};
    const char *actors[] = {"张三", "审核员", "审核员", "张三", "审核员", "审核员", "主任"};
    const double figures[] = {10, 10, 10, 11, 11, 11, 11};
    assert_int_equal(l.n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(l.v[i].state, states[i]);
        assert_string_equal(l.v[i].actor, actors[i]);
        assert_true(l.v[i].value == figures[i]);
        if (i) assert_true(l.v[i].revision > l.v[i - 1].revision);
    }
    assert_string_equal(l.v[1].kind, "review");
    assert_string_equal(l.v[1].source, "状态变更为 已提交 / state change to submitted");
    assert_string_equal(l.v[6].source, "状态变更为 已锁定 / state change to locked");

    /* a locked round refuses every write and every state change */
    int64_t rev = last_revision(s);
    cs_value_in late[] = {val("370811", "2023", "e9", 1, 8)};
    assert_int_equal(cs_store_put_values(s, &src, late, 1, NULL, nd()), CS_ELOCKED);
    assert_int_equal(cs_diag_errors(dg), 1);
    assert_string_equal(cs_diag_text(dg, 0),
                        "a.csv:8: 2023 年度的评估已锁定，不能再修改数据 / the 2023 round is locked: no value can change");
    assert_int_equal(cs_store_set_state(s, "37", "2023", NULL, CS_STATE_RETURNED, "审核员", NULL, &moved, nd()), CS_ELOCKED);
    assert_string_equal(cs_diag_text(dg, 0), "2023 年度的评估已锁定 / the 2023 round is locked");
    assert_int_equal(moved, 0);
    assert_int_equal(last_revision(s), rev);
    /* other rounds stay open */
    cs_value_in next_year[] = {val("370811", "2024", "e1", 1, 2)};
    assert_int_equal(put_ok(s, "b.csv", "张三", next_year, 1).added, 1);

    /* unlocking returns them to approved */
    assert_ok(cs_store_lock_round(s, "2023", 0, "主任", "重新审核", nd()));
    assert_ok(cs_store_round_locked(s, "2023", &locked, nd()));
    assert_int_equal(locked, 0);
    assert_string_equal(states_now(s), "370811/e1=approved 370811/e2=approved 370812/e1=approved");

    /* states that cannot be chosen directly */
    assert_int_equal(cs_store_set_state(s, "37", "2023", NULL, CS_STATE_LOCKED, "审核员", NULL, &moved, nd()), CS_ESTATE);
    assert_string_equal(cs_diag_text(dg, 0),
                        "不能直接改为状态 'locked'（锁定请用 round lock）/ values cannot be moved to 'locked' directly");
    assert_int_equal(cs_store_set_state(s, "37", "2023", NULL, CS_STATE_DRAFT, "审核员", NULL, &moved, nd()), CS_ESTATE);
    assert_string_equal(states_now(s), "370811/e1=approved 370811/e2=approved 370812/e1=approved");
    /* an unknown region */
    assert_int_equal(cs_store_set_state(s, "379999", "2023", NULL, CS_STATE_RETURNED, "审核员", NULL, &moved, nd()),
                     CS_ENOTFOUND);
    /* one element only */
    cs_value_in more[] = {val("370811", "2024", "e2", 2, 3), val("370812", "2024", "e2", 3, 4)};
    assert_int_equal(put_ok(s, "b.csv", "张三", more, 2).added, 2);
    assert_ok(cs_store_set_state(s, "37", "2024", "e2", CS_STATE_SUBMITTED, "审核员", NULL, &moved, nd()));
    assert_int_equal(moved, 2);
    value_list now;
    cs_value_query y2024 = {.period = "2024"};
    read_values(s, &y2024, &now);
    assert_int_equal(now.n, 3);
    assert_string_equal(now.v[0].state, "draft");
    assert_string_equal(now.v[1].state, "submitted");
    assert_string_equal(now.v[2].state, "submitted");
}

/* ---- 6. Evidence -------------------------------------------------------------------------------------- */

typedef struct {
    cs_evidence e[8];
    char text[8][6][128]; /* sha256, file_name, media_type, region, element, indicator */
    size_t n;
} evidence_list;

static int collect_evidence(void *ctx, const cs_evidence *e)
{
    evidence_list *l = ctx;
    if (l->n >= 8) return 1;
    l->e[l->n] = *e;
    const char *fields[] = {e->sha256, e->file_name, e->media_type, e->region, e->element, e->indicator};
    for (int i = 0; i < 6; i++) snprintf(l->text[l->n][i], sizeof l->text[0][0], "%s", fields[i]);
    l->n++;
    return 0;
}

static void evidence_stored_once_per_content(void **state)
{
    conn *c = *state;
    cs_store *s = c->s;
    put_jining(s);
    static const char bytes[7] = {'a', 'b', 'c', 0, 'd', 'e', 'f'};
    int64_t id1 = 0, id2 = 0, id3 = 0;
    assert_ok(cs_store_add_evidence(s, bytes, 7, "../../etc/passwd", NULL, "370811", "2023", "e1", NULL, NULL, "张三",
                                    "扫描件", &id1, nd()));
    assert_ok(cs_store_add_evidence(s, bytes, 7, "C:\\材料\\证明.PDF", NULL, "370812", "2023", NULL, "7",
                                    "sd-2023-county", "李四", NULL, &id2, nd()));
    assert_true(id1 > 0);
    assert_true(id2 > id1);
    /* an empty file, and a name with nothing left */
    assert_ok(cs_store_add_evidence(s, "", 0, "..", "text/plain", "370812", "2024", NULL, NULL, NULL, "李四", NULL, &id3,
                                    nd()));

    evidence_list l = {0};
    assert_ok(cs_store_evidence(s, "3708", "2023", collect_evidence, &l, nd()));
    assert_int_equal(l.n, 2);
    assert_int_equal(l.e[0].id, id1);
    assert_string_equal(l.text[0][0], ABC_DEF_SHA256);
    assert_string_equal(l.text[0][1], "passwd");
    assert_string_equal(l.text[0][2], "application/octet-stream");
    assert_string_equal(l.text[0][3], "370811");
    assert_string_equal(l.text[0][4], "e1");
    assert_string_equal(l.text[0][5], "");
    assert_int_equal(l.e[0].size, 7);
    assert_int_equal(l.e[1].id, id2);
    assert_string_equal(l.text[1][0], ABC_DEF_SHA256);
    assert_string_equal(l.text[1][1], "证明.PDF");
    assert_string_equal(l.text[1][2], "application/pdf");
    assert_string_equal(l.text[1][4], "");
    assert_string_equal(l.text[1][5], "7");
    memset(&l, 0, sizeof l);
    assert_ok(cs_store_evidence(s, "370812", NULL, collect_evidence, &l, nd()));
    assert_int_equal(l.n, 2);
    assert_int_equal(l.e[1].id, id3);
    assert_string_equal(l.text[1][1], "证明材料");
    assert_string_equal(l.text[1][2], "text/plain");
    assert_int_equal(l.e[1].size, 0);

    /* the bytes come back exactly, with the link's record */
    void *content = NULL;
    size_t n = 0;
    memset(&l, 0, sizeof l);
    assert_ok(cs_store_evidence_content(s, id2, &content, &n, collect_evidence, &l, nd()));
    assert_int_equal(n, 7);
    assert_memory_equal(content, bytes, 7);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.text[0][1], "证明.PDF");
    free(content);
    assert_ok(cs_store_evidence_content(s, id3, &content, &n, NULL, NULL, nd()));
    assert_int_equal(n, 0);
    free(content);

    /* two links, one blob: the backup holds the bytes once */
    char path[64];
    temp_file(path, sizeof path);
    assert_ok(cs_store_backup(s, path, nd()));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    int blobs = 0, links = 0;
    while (fgets(line, sizeof line, f)) {
        json_t *j = json_loads(line, 0, NULL);
        assert_non_null(j);
        const char *table = json_string_value(json_object_get(j, "table"));
        if (table && !strcmp(table, "evidence_blob")) blobs++;
        if (table && !strcmp(table, "evidence")) links++;
        json_decref(j);
    }
    fclose(f);
    assert_int_equal(blobs, 2); /* "abc\0def" and the empty file */
    assert_int_equal(links, 3);

    /* an unknown link, region or period */
    content = (void *)1;
    assert_int_equal(cs_store_evidence_content(s, 999, &content, &n, NULL, NULL, nd()), CS_ENOTFOUND);
    assert_null(content);
    assert_string_equal(cs_diag_text(dg, 0), "没有编号为 999 的证明材料 / no evidence 999");
    int64_t id = 0;
    assert_int_equal(cs_store_add_evidence(s, bytes, 7, "x.pdf", NULL, "379999", "2023", NULL, NULL, NULL, "张三", NULL, &id,
                                           nd()),
                     CS_ENOTFOUND);
    assert_string_equal(cs_diag_text(dg, 0), "地区代码 379999 不存在 / unknown region 379999");
    assert_int_equal(cs_store_add_evidence(s, bytes, 7, "x.pdf", NULL, "370811", "2999", NULL, NULL, NULL, "张三", NULL, &id,
                                           nd()),
                     CS_EUSAGE);
    assert_int_equal(id, 0);
    memset(&l, 0, sizeof l);
    assert_ok(cs_store_evidence(s, NULL, NULL, collect_evidence, &l, nd()));
    assert_int_equal(l.n, 3);
}

/* ---- 7. Snapshots -------------------------------------------------------------------------------------- */

typedef struct {
    char text[4][1024];
    size_t n;
} snapshot_list;

static int collect_snapshot(void *ctx, const cs_snapshot *sn)
{
    snapshot_list *l = ctx;
    if (l->n >= 4) return 1;
    cs__buf b = {0};
    snapshot_line(&b, sn);
    snprintf(l->text[l->n++], sizeof l->text[0], "%s", cs__buf_str(&b));
    cs__buf_free(&b);
    return 0;
}

/* Replaces the "at" time (after the actor) in a snapshot line with "AT", after checking its form. */
static void mask_time(char *line, const char *actor)
{
    char key[64];
    snprintf(key, sizeof key, " %s ", actor);
    char *at = strstr(line, key);
    assert_non_null(at);
    at += strlen(key);
    assert_true(strlen(at) > 20);
    assert_int_equal(at[4], '-');
    assert_int_equal(at[10], 'T');
    assert_int_equal(at[19], 'Z');
    memmove(at + 2, at + 20, strlen(at + 20) + 1);
    at[0] = 'A';
    at[1] = 'T';
}

static void snapshots_saved_and_listed(void **state)
{
    conn *c = *state;
    cs_snapshot first = {0, "sd-2023-county", "aa11", "2023", "3708", 3, "bb22", 2, "张三", NULL, "初评",
                         "{\"total\":87.5,\"regions\":[\"370811\",\"370812\"]}"};
    cs_snapshot second = {0, "sd-2023-city", "cc33", "2024", "37", 0, "dd44", 1, NULL, NULL, NULL, "[]"};
    int64_t id1 = 0, id2 = 0;
    assert_ok(cs_store_save_snapshot(c->s, &first, &id1, nd()));
    assert_ok(cs_store_save_snapshot(c->s, &second, &id2, nd()));
    assert_true(id1 > 0);
    assert_true(id2 > id1);

    snapshot_list l = {0};
    assert_ok(cs_store_snapshots(c->s, 0, 0, collect_snapshot, &l, nd()));
    assert_int_equal(l.n, 2);
    mask_time(l.text[0], "unknown");
    mask_time(l.text[1], "张三");
    char want[2][1024];
    snprintf(want[0], sizeof want[0], "snapshot %lld sd-2023-city cc33 2024 37 0 dd44 1 unknown AT  []\n", (long long)id2);
    snprintf(want[1], sizeof want[1], "snapshot %lld sd-2023-county aa11 2023 3708 3 bb22 2 张三 AT 初评 []\n",
             (long long)id1);
    assert_string_equal(l.text[0], want[0]);
    assert_string_equal(l.text[1], want[1]);

    memset(&l, 0, sizeof l);
    assert_ok(cs_store_snapshots(c->s, id1, 1, collect_snapshot, &l, nd()));
    assert_int_equal(l.n, 1);
    mask_time(l.text[0], "张三");
    snprintf(want[1], sizeof want[1],
             "snapshot %lld sd-2023-county aa11 2023 3708 3 bb22 2 张三 AT 初评 [%s]\n", (long long)id1, first.results);
    assert_string_equal(l.text[0], want[1]);

    assert_int_equal(cs_store_snapshots(c->s, 99, 1, collect_snapshot, &l, nd()), CS_ENOTFOUND);
    assert_string_equal(cs_diag_text(dg, 0), "没有编号为 99 的快照 / no snapshot 99");
}

/* ---- 8, 9. Backup and restore ------------------------------------------------------------------------- */

/* Fills s with a bit of everything: regions, values with history and states, a missing value, a locked
 * round, evidence (every byte value), a snapshot. */
static void fill(cs_store *s)
{
    put_jining(s);
    cs_value_in v[] = {val("370811", "2023", "e1", 0.1, 2), val("370811", "2023", "e2", 1e-9, 3),
                       val("370812", "2023", "e1", 1234567.891, 4), val("370812", "2023", "e2", 0, 5)};
    v[3].is_missing = 1;
    v[3].missing_reason = "不适用";
    v[0].note = "引号 \"'\\ 和换行\n";
    put_ok(s, "a.csv", "张三", v, 4);
    v[0].value = 0.30000000000000004;
    put_ok(s, "b.csv", "李四", v, 4);
    size_t moved;
    assert_ok(cs_store_set_state(s, "37", "2023", NULL, CS_STATE_SUBMITTED, "审核员", "提交", &moved, nd()));
    assert_ok(cs_store_set_state(s, "37", "2023", NULL, CS_STATE_APPROVED, "审核员", NULL, &moved, nd()));
    cs_value_in w[] = {val("370811", "2024", "e1", -0.5, 2)};
    put_ok(s, "c.csv", "张三", w, 1);
    unsigned char all[256];
    for (int i = 0; i < 256; i++) all[i] = (unsigned char)i;
    assert_ok(cs_store_add_evidence(s, all, sizeof all, "全部.bin", NULL, "370811", "2023", "e1", NULL, NULL, "张三", NULL,
                                    NULL, nd()));
    assert_ok(cs_store_lock_round(s, "2023", 1, "主任", "终审", nd()));
    /* a locked round takes no new evidence either */
    assert_int_equal(cs_store_add_evidence(s, "x", 1, "late.pdf", NULL, "370811", "2023", "e1", NULL, NULL, "张三", NULL, NULL,
                                           nd()),
                     CS_ELOCKED);
    assert_ok(cs_store_add_evidence(s, "abc\0def", 7, "a.txt", NULL, "370812", "2024", NULL, "7", "sd-2023-county",
                                    "李四", "说明", NULL, nd()));
    cs_snapshot snap = {0, "sd-2023-county", "aa11", "2023", "3708", 9, "bb22", 2, "张三", NULL, "初评",
                        "{\"total\":87.5}"};
    assert_ok(cs_store_save_snapshot(s, &snap, NULL, nd()));
}

/* Copies backup `from` to `to` with line `lineno` (1-based) replaced by `text`. */
static void copy_with_line(const char *from, const char *to, int lineno, const char *text)
{
    FILE *in = fopen(from, "r"), *out = fopen(to, "w");
    assert_non_null(in);
    assert_non_null(out);
    char *line = NULL;
    size_t cap = 0;
    int n = 0;
    while (getline(&line, &cap, in) > 0) fputs(++n == lineno ? text : line, out);
    free(line);
    fclose(in);
    fclose(out);
}

/* The line number of the first row of table in a backup. */
static int first_line_of(const char *path, const char *table)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    int n = 0, found = 0;
    char key[64];
    snprintf(key, sizeof key, "\"table\":\"%s\"", table);
    while (!found && getline(&line, &cap, f) > 0) {
        n++;
        if (strstr(line, key)) found = n;
    }
    free(line);
    fclose(f);
    assert_true(found > 1);
    return found;
}

/* The first row of table in a backup with cell `index` replaced by value (taken over), as a line; *lineno
 * (OUT) is where it was. The caller frees the line. */
static char *changed_row(const char *path, const char *table, size_t index, json_t *value, int *lineno)
{
    *lineno = first_line_of(path, table);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    for (int n = 0; n < *lineno; n++) assert_true(getline(&line, &cap, f) > 0);
    fclose(f);
    json_t *j = json_loads(line, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_array_set_new(json_object_get(j, "row"), index, value), 0);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    free(line);
    line = cs__xmalloc(strlen(text) + 2);
    sprintf(line, "%s\n", text);
    free(text);
    return line;
}

/* The largest id of a listed snapshot. */
static int max_snapshot(void *ctx, const cs_snapshot *sn)
{
    int64_t *max = ctx;
    if (sn->id > *max) *max = sn->id;
    return 0;
}

/* Restores backup into the empty store at target and checks it then holds exactly what `want` says;
 * then that new rows get ids after the restored ones. */
static void restore_and_compare(const char *target, const char *backup, const char *want)
{
    cs_store *r = open_migrated(target);
    assert_ok(cs_store_restore(r, backup, nd()));
    char *got = store_text(r);
    assert_string_equal(got, want);

    /* a second restore into the now filled store is refused and changes nothing */
    assert_int_equal(cs_store_restore(r, backup, nd()), CS_ECONFLICT);
    assert_string_equal(cs_diag_text(dg, 0),
                        "数据库不是空的，只能恢复到新建的数据库 / the database is not empty: restore into a new one");
    char *again = store_text(r);
    assert_string_equal(again, want);
    free(again);

    /* 9: new rows get ids after the restored ones */
    int64_t last = last_revision(r);
    assert_true(last > 0);
    cs_value_in v[] = {val("370812", "2024", "e7", 42, 2)};
    cs_put_summary sum = put_ok(r, "new.csv", "王五", v, 1);
    assert_int_equal(sum.added, 1);
    assert_int_equal(last_revision(r), last + 1);
    value_list l;
    cs_value_query q = {.region = "370812", .period = "2024", .element = "e7"};
    read_values(r, &q, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].revision, last + 1);
    assert_string_equal(l.v[0].source, "new.csv");
    assert_string_equal(l.v[0].actor, "王五");
    id_list ids = {0};
    assert_ok(cs_store_evidence(r, NULL, NULL, evidence_id, &ids, nd()));
    int64_t max_evidence = 0;
    for (size_t i = 0; i < ids.n; i++)
        if (ids.ids[i] > max_evidence) max_evidence = ids.ids[i];
    int64_t id = 0;
    assert_ok(cs_store_add_evidence(r, "x", 1, "x.txt", NULL, "370811", "2024", NULL, NULL, NULL, "王五", NULL, &id, nd()));
    assert_int_equal(id, max_evidence + 1);
    int64_t max_snap = 0;
    assert_ok(cs_store_snapshots(r, 0, 0, max_snapshot, &max_snap, nd()));
    cs_snapshot snap = {0, "f", "s", "2024", "37", 0, "d", 1, "王五", NULL, NULL, "{}"};
    assert_ok(cs_store_save_snapshot(r, &snap, &id, nd()));
    assert_int_equal(id, max_snap + 1);
    free(got);
    cs_store_close(r);
}

static void backup_restores_into_both_backends(void **state)
{
    conn *c = *state;
    fill(c->s);
    char *want = store_text(c->s);
    /* the fill reached every table */
    assert_contains(want, "round 2023 locked\n");
    assert_contains(want, " locked note=");
    assert_contains(want, "missing(不适用)");
    assert_contains(want, "content 1:000102");
    assert_contains(want, "snapshot 1 ");

    char backup[64];
    temp_file(backup, sizeof backup);
    assert_ok(cs_store_backup(c->s, backup, nd()));
    /* the backup is taken without changing the store */
    char *after = store_text(c->s);
    assert_string_equal(after, want);
    free(after);

    /* into a fresh store of the same back-end, and of the other one */
    char target[1100];
    fresh_target(c->pg, PG_DB_B, target, sizeof target);
    restore_and_compare(target, backup, want);
    if (c->pg || with_pg) {
        fresh_target(!c->pg, PG_DB_B, target, sizeof target);
        restore_and_compare(target, backup, want);
    }

    /* a store that is not at the latest schema */
    fresh_target(c->pg, PG_DB_B, target, sizeof target);
    cs_store *r = open_ok(target);
    assert_int_equal(cs_store_restore(r, backup, nd()), CS_EDB);
    assert_string_equal(cs_diag_text(dg, 0), "请先运行 citystar db init / run 'citystar db init' first");
    assert_ok(cs_store_migrate(r, NULL, NULL, nd()));
    char *empty = store_text(r);

    /* a store that holds only a snapshot is not empty either */
    cs_snapshot snap = {0, "f", "s", "2024", "37", 0, "d", 1, "王五", NULL, NULL, "{}"};
    assert_ok(cs_store_save_snapshot(r, &snap, NULL, nd()));
    char *one = store_text(r);
    assert_int_equal(cs_store_restore(r, backup, nd()), CS_ECONFLICT);
    char *now = store_text(r);
    assert_string_equal(now, one);
    free(now);
    free(one);
    cs_store_close(r);

    /* a corrupted line is named and nothing is restored, even the rows before it */
    fresh_target(c->pg, PG_DB_B, target, sizeof target);
    r = open_migrated(target);
    char bad[64], msg[256];
    temp_file(bad, sizeof bad);
    int line = first_line_of(backup, "value_revision");
    copy_with_line(backup, bad, line, "{\"table\":\"value_revision\",\"row\":[1,\n");
    assert_int_equal(cs_store_restore(r, bad, nd()), CS_EDATA);
    assert_int_equal(cs_diag_errors(dg), 1);
    snprintf(msg, sizeof msg, "%s:%d:", bad, line);
    assert_contains(cs_diag_text(dg, 0), msg);
    assert_contains(cs_diag_text(dg, 0), "备份文件格式错误 / malformed backup line");
    now = store_text(r);
    assert_string_equal(now, empty);
    free(now);
    /* a line of the wrong type, and one of no known table */
    char *text = changed_row(backup, "evidence", 0, json_string("x"), &line); /* the id */
    copy_with_line(backup, bad, line, text);
    free(text);
    assert_int_equal(cs_store_restore(r, bad, nd()), CS_EDATA);
    snprintf(msg, sizeof msg, "%s:%d: 备份行的值类型不对 / a value of the backup line has the wrong type", bad, line);
    assert_string_equal(cs_diag_text(dg, 0), msg);
    copy_with_line(backup, bad, 2, "{\"table\":\"users\",\"row\":[]}\n");
    assert_int_equal(cs_store_restore(r, bad, nd()), CS_EDATA);
    snprintf(msg, sizeof msg, "%s:2: 备份行无法识别 / unrecognised backup line", bad);
    assert_string_equal(cs_diag_text(dg, 0), msg);
    /* a row the database refuses (a value of an unknown region) */
    text = changed_row(backup, "value_revision", 1, json_string("379999"), &line); /* the region */
    copy_with_line(backup, bad, line, text);
    free(text);
    assert_int_equal(cs_store_restore(r, bad, nd()), CS_EDB);
    snprintf(msg, sizeof msg, "%s:%d: 无法恢复这一行 / cannot restore this line", bad, line);
    assert_string_equal(cs_diag_text(dg, cs_diag_count(dg) - 1), msg);
    /* not a backup at all */
    copy_with_line(backup, bad, 1, "{\"format\":\"something-else\",\"schema\":3}\n");
    assert_int_equal(cs_store_restore(r, bad, nd()), CS_EDATA);
    snprintf(msg, sizeof msg, "%s:1: 不是 citystar 备份文件", bad);
    assert_contains(cs_diag_text(dg, 0), msg);
    now = store_text(r);
    assert_string_equal(now, empty);
    free(now);
    /* after all that, the right file still restores */
    assert_ok(cs_store_restore(r, backup, nd()));
    now = store_text(r);
    assert_string_equal(now, want);
    free(now);
    cs_store_close(r);
    free(empty);
    free(want);
}

/* ---- Runner ------------------------------------------------------------------------------------------- */

/* Reads the conninfo the test server printed; 0 when there is none. */
static int read_pg_target(char *out, size_t size)
{
    const char *file = getenv("CITYSTAR_TEST_PG_FILE");
    if (!file || !*file) return 0;
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "test_store: cannot read CITYSTAR_TEST_PG_FILE=%s\n", file);
        exit(1);
    }
    if (!fgets(out, (int)size, f)) out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    if (!out[0]) {
        fprintf(stderr, "test_store: %s is empty (did pg_start fail?)\n", file);
        exit(1);
    }
    return 1;
}

/* Creates (create = 1) or drops this test's databases on the PostgreSQL test server. */
static int pg_databases(int create)
{
    const char *names[] = {PG_DB_A, PG_DB_B};
    for (int i = 0; i < 2; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", names[i]);
        if (pg_run(pg_server, sql)) return -1;
        snprintf(sql, sizeof sql, "CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0", names[i]);
        if (create && pg_run(pg_server, sql)) return -1;
    }
    return 0;
}

/* ---- 8. Accounts, sessions and login limits ------------------------------------------------- */

/* Runs sql straight on the database, outside the store (what someone with database access could do). */
static void raw_exec(const conn *c, const char *sql)
{
    const cs__backend *be = c->pg ? &cs__backend_pg : &cs__backend_sqlite;
    cs_diag *d = cs_diag_new();
    cs__db *db = NULL;
    cs_status rc = be->open(c->target, &db, d);
    if (rc == CS_OK) rc = be->exec(db, sql, d);
    if (rc != CS_OK) cs_diag_print(d, stderr);
    be->close(db);
    cs_diag_free(d);
    assert_int_equal(rc, CS_OK);
}

/* The first column of the first row of sql, run straight on the database, into out. */
static void raw_text(const conn *c, const char *sql, char *out, size_t size)
{
    const cs__backend *be = c->pg ? &cs__backend_pg : &cs__backend_sqlite;
    cs_diag *d = cs_diag_new();
    cs__db *db = NULL;
    cs__stmt *st = NULL;
    out[0] = 0;
    assert_int_equal(be->open(c->target, &db, d), CS_OK);
    assert_int_equal(be->prepare(db, sql, &st, d), CS_OK);
    if (be->step(st, d) == CS__STEP_ROW) snprintf(out, size, "%s", be->column_text(st, 0));
    be->finalize(st);
    be->close(db);
    cs_diag_free(d);
}

static void accounts_sessions_and_limits(void **state)
{
    conn *c = *state;
    put_jining(c->s);
    cs_store_set_origin(c->s, "192.0.2.10");
    cs_account a = {0, "rencheng", "任城区大数据局", CS_ROLE_COUNTY_ADMIN, "370811", "", 1};
    int64_t id = 0;
    assert_int_equal(cs_store_add_account(c->s, &a, "short", "管理员", &id, nd()), CS_EDATA);
    assert_contains(last_msg(), "至少 8 个字符");
    cs_account bad_role = a;
    bad_role.role = "mayor";
    assert_int_equal(cs_store_add_account(c->s, &bad_role, "long enough", "管理员", &id, nd()), CS_EDATA);
    cs_account bad_region = a;
    bad_region.region = "999999";
    assert_int_equal(cs_store_add_account(c->s, &bad_region, "long enough", "管理员", &id, nd()), CS_EDATA);
    assert_contains(last_msg(), "999999");
    cs_account no_dept = {0, "rep", "填报员", CS_ROLE_REPORTER, "370811", "", 1};
    assert_int_equal(cs_store_add_account(c->s, &no_dept, "long enough", "管理员", &id, nd()), CS_EDATA);
    assert_contains(last_msg(), "牵头部门");
    assert_ok(cs_store_add_account(c->s, &a, "county-pass-1", "管理员", &id, nd()));
    assert_true(id > 0);
    assert_int_equal(cs_store_add_account(c->s, &a, "county-pass-1", "管理员", NULL, nd()), CS_ECONFLICT);

    /* a session: a random token and CSRF token; the store keeps only the token's hash */
    char token[65], csrf[65], csrf2[65];
    cs_account who;
    assert_ok(cs_store_login(c->s, "rencheng", "county-pass-1", 3600, token, csrf, &who, nd()));
    assert_int_equal(strlen(token), 64);
    assert_int_equal(strlen(csrf), 64);
    assert_string_equal(who.login, "rencheng");
    assert_ok(cs_store_session(c->s, token, &who, csrf2, nd()));
    assert_string_equal(who.region, "370811");
    assert_string_equal(csrf2, csrf);
    /* the database holds the token's SHA-256, never the token, and the password only as Argon2id */
    char stored[256], want[65];
    raw_text(c, "SELECT token_sha256 FROM session", stored, sizeof stored);
    cs__sha256_hex(token, 64, want);
    assert_string_equal(stored, want);
    raw_text(c, "SELECT password_hash FROM account WHERE login = 'rencheng'", stored, sizeof stored);
    assert_true(!strncmp(stored, "$argon2id$", 10));
    assert_null(strstr(stored, "county-pass-1"));
    assert_int_equal(cs_store_session(c->s, "0123456789012345678901234567890123456789012345678901234567890123", &who, csrf2,
                                      nd()),
                     CS_ENOTFOUND);

    /* wrong password and unknown login say the same; five failures block even the right password */
    assert_int_equal(cs_store_login(c->s, "rencheng", "wrong-pass", 3600, token, csrf, NULL, nd()), CS_EAUTH);
    char wrong_msg[256];
    snprintf(wrong_msg, sizeof wrong_msg, "%s", last_msg());
    assert_int_equal(cs_store_login(c->s, "nobody", "wrong-pass", 3600, token, csrf, NULL, nd()), CS_EAUTH);
    assert_string_equal(last_msg(), wrong_msg);
    for (int i = 0; i < 4; i++)
        assert_int_equal(cs_store_login(c->s, "rencheng", "wrong-pass", 3600, token, csrf, NULL, nd()), CS_EAUTH);
    assert_int_equal(cs_store_login(c->s, "rencheng", "county-pass-1", 3600, token, csrf, NULL, nd()), CS_ELIMIT);
    assert_contains(last_msg(), "15 分钟");

    /* deactivating an account ends its sessions */
    char token2[65];
    cs_account other = {0, "jining", "济宁市大数据局", CS_ROLE_CITY_ADMIN, "3708", "", 1};
    int64_t oid = 0;
    assert_ok(cs_store_add_account(c->s, &other, "city-pass-12", "管理员", &oid, nd()));
    assert_ok(cs_store_login(c->s, "jining", "city-pass-12", 3600, token2, csrf, NULL, nd()));
    cs_account off = {0, NULL, NULL, NULL, NULL, NULL, 0};
    assert_ok(cs_store_update_account(c->s, oid, &off, NULL, "管理员", nd()));
    assert_int_equal(cs_store_session(c->s, token2, &who, csrf2, nd()), CS_ENOTFOUND);
    assert_int_equal(cs_store_login(c->s, "jining", "city-pass-12", 3600, token2, csrf, NULL, nd()), CS_EAUTH);
}

/* ---- 9. Assessment rounds ------------------------------------------------------------------------- */

static int state_of(cs_store *s, const char *element, char *out)
{
    cs_value_query q = {"370811", "2024", element, 0, 0};
    value_list l;
    read_values(s, &q, &l);
    int n = (int)l.n;
    snprintf(out, 32, "%s", n ? l.v[0].state : "");
    return n;
}

static void assessment_round_from_self_assessment_to_publication(void **state)
{
    conn *c = *state;
    put_jining(c->s);
    cs_value_in v[] = {val("370811", "2024", "a", 1, 2), val("370811", "2024", "b", 2, 3), val("370812", "2024", "a", 5, 4)};
    put_ok(c->s, "a.csv", "填报员", v, 3);
    cs_assessment a = {0, "fw-test", "370811", "2024", CS_ROUND_SELF};
    int64_t id = 0;
    assert_ok(cs_store_add_assessment(c->s, &a, "省管理员", &id, nd()));
    assert_int_equal(cs_store_add_assessment(c->s, &a, "省管理员", NULL, nd()), CS_ECONFLICT);
    cs_assessment bad = a;
    bad.kind = "yearly";
    assert_int_equal(cs_store_add_assessment(c->s, &bad, "省管理员", NULL, nd()), CS_EDATA);

    const char *all[] = {"a", "b", "c"}, *only_a[] = {"a"};
    cs_assessment_step approve = {"approve", "", "", all, 3, NULL, NULL, 0, "市管理员"};
    size_t moved = 99;
    assert_int_equal(cs_store_assessment_step(c->s, id, &approve, &moved, nd()), CS_ESTATE);
    assert_contains(last_msg(), "填报中");
    cs_assessment_step submit = {"submit", "", "", all, 3, NULL, NULL, 0, "县管理员"};
    assert_ok(cs_store_assessment_step(c->s, id, &submit, &moved, nd()));
    assert_int_equal(moved, 2);
    char st[32];
    state_of(c->s, "a", st);
    assert_string_equal(st, CS_STATE_SUBMITTED);
    /* the other county's value is not part of the round */
    cs_value_query q = {"370812", "2024", "a", 0, 0};
    value_list l;
    read_values(c->s, &q, &l);
    assert_string_equal(l.v[0].state, CS_STATE_DRAFT);

    cs_assessment_step ret = {"return", "ind-a", "", only_a, 1, NULL, NULL, 0, "市管理员"};
    assert_int_equal(cs_store_assessment_step(c->s, id, &ret, &moved, nd()), CS_EDATA);
    assert_contains(last_msg(), "意见");
    ret.comment = "数值与台账不符，请核实";
    assert_ok(cs_store_assessment_step(c->s, id, &ret, &moved, nd()));
    assert_int_equal(moved, 1);
    state_of(c->s, "a", st);
    assert_string_equal(st, CS_STATE_RETURNED);
    state_of(c->s, "b", st);
    assert_string_equal(st, CS_STATE_SUBMITTED);
    cs_value_in fix[] = {val("370811", "2024", "a", 1.5, 2)};
    put_ok(c->s, "fix.csv", "填报员", fix, 1);
    assert_ok(cs_store_assessment_step(c->s, id, &submit, &moved, nd()));
    assert_int_equal(moved, 1);
    /* submitting recorded "c", never reported, as a submitted "未填报": approval covers all three */
    assert_ok(cs_store_assessment_step(c->s, id, &approve, &moved, nd()));
    assert_int_equal(moved, 3);

    int64_t ov = 0;
    assert_int_equal(cs_store_add_override(c->s, id, "ind-q", 3, "", "专家", &ov, nd()), CS_EDATA);
    assert_contains(last_msg(), "理由");
    assert_ok(cs_store_add_override(c->s, id, "ind-q", 3, "现场核查确认已建成", "专家", &ov, nd()));
    assert_true(ov > 0);

    cs_snapshot snap = {0, "fw-test", "0", "2024", "370811", 5, "d", 1, "省管理员", NULL, "close", "{\"total\": 61}"};
    cs_assessment_step close = {"close", "", "", all, 3, &snap, "三星", 61, "省管理员"};
    assert_ok(cs_store_assessment_step(c->s, id, &close, &moved, nd()));
    assert_int_equal(moved, 3);
    /* every element of the round is now locked, the one never reported as missing "未填报" */
    assert_int_equal(state_of(c->s, "c", st), 1);
    assert_string_equal(st, CS_STATE_LOCKED);
    cs_value_query qc = {"370811", "2024", "c", 0, 0};
    read_values(c->s, &qc, &l);
    assert_true(l.v[0].is_missing);
    assert_string_equal(l.v[0].reason, "未填报");
    cs_assessment got;
    assert_ok(cs_store_assessment(c->s, id, &got, nd()));
    assert_string_equal(got.state, "closed");
    assert_string_equal(got.rating, "三星");
    assert_true(got.total == 61);
    assert_true(got.snapshot_id > 0);
    assert_false(got.published);

    /* a closed round: no write to its values, no step but publish, no override */
    int64_t before = last_revision(c->s);
    cs_value_in late[] = {val("370811", "2024", "a", 9, 2), val("370811", "2024", "c", 4, 3)};
    cs_source src = file_source("late.csv", "填报员");
    cs_put_summary sum;
    assert_int_equal(cs_store_put_values(c->s, &src, late, 2, &sum, nd()), CS_ELOCKED);
    assert_int_equal(last_revision(c->s), before);
    assert_int_equal(cs_store_assessment_step(c->s, id, &submit, &moved, nd()), CS_ELOCKED);
    assert_int_equal(cs_store_assessment_step(c->s, id, &ret, &moved, nd()), CS_ELOCKED);
    assert_int_equal(cs_store_add_override(c->s, id, "ind-q", 1, "再调整", "专家", NULL, nd()), CS_ELOCKED);
    /* unlocking the period does not reopen a closed round */
    assert_ok(cs_store_lock_round(c->s, "2024", 1, "省管理员", NULL, nd()));
    assert_ok(cs_store_lock_round(c->s, "2024", 0, "省管理员", NULL, nd()));
    state_of(c->s, "a", st);
    assert_string_equal(st, CS_STATE_LOCKED);

    cs_assessment_step publish = {"publish", "", "", NULL, 0, NULL, NULL, 0, "省管理员"};
    assert_ok(cs_store_assessment_step(c->s, id, &publish, &moved, nd()));
    assert_int_equal(cs_store_assessment_step(c->s, id, &publish, &moved, nd()), CS_ESTATE);
    assert_ok(cs_store_assessment(c->s, id, &got, nd()));
    assert_true(got.published);
}

/* ---- 10. The audit log ---------------------------------------------------------------------------- */

static int count_audit(void *ctx, const cs_audit_entry *e)
{
    (void)e;
    ++*(int *)ctx;
    return 0;
}

static void audit_log_chains_every_write(void **state)
{
    conn *c = *state;
    cs_store_set_origin(c->s, "198.51.100.7");
    put_jining(c->s);                                  /* 1 region.put */
    cs_value_in v[] = {val("370811", "2024", "a", 1, 2)};
    put_ok(c->s, "a.csv", "填报员", v, 1);             /* 2 values */
    cs_account a = {0, "auditor1", "审计员", CS_ROLE_AUDITOR, "37", "", 1};
    assert_ok(cs_store_add_account(c->s, &a, "audit-pass-1", "管理员", NULL, nd())); /* 3 account.create */
    assert_ok(cs_store_add_evidence(c->s, "x", 1, "x.pdf", NULL, "370811", "2024", "a", NULL, NULL, "填报员", NULL, NULL,
                                    nd())); /* 4 evidence.add */
    assert_ok(cs_store_lock_round(c->s, "2024", 1, "省管理员", "年终", nd())); /* 5 period.lock */
    int64_t count = 0, broken = -1;
    char head[65];
    assert_ok(cs_store_audit_verify(c->s, &count, head, &broken, nd()));
    assert_int_equal(count, 5);
    assert_int_equal(broken, 0);
    int n = 0;
    assert_ok(cs_store_audit(c->s, 0, 0, 0, count_audit, &n, nd()));
    assert_int_equal(n, 5);

    /* an edited entry breaks the chain there */
    raw_exec(c, "UPDATE audit SET actor = 'someone-else' WHERE id = 3");
    assert_int_equal(cs_store_audit_verify(c->s, &count, head, &broken, nd()), CS_EDATA);
    assert_int_equal(broken, 3);
    assert_int_equal(count, 2);
    assert_contains(last_msg(), "第 3 条");
    raw_exec(c, "UPDATE audit SET actor = '管理员' WHERE id = 3");
    assert_ok(cs_store_audit_verify(c->s, &count, head, &broken, nd()));
    /* so does a deleted one, and a recomputed hash does not hide an edit from the next entry */
    raw_exec(c, "DELETE FROM audit WHERE id = 2");
    assert_int_equal(cs_store_audit_verify(c->s, &count, head, &broken, nd()), CS_EDATA);
    assert_int_equal(broken, 2);
    assert_contains(last_msg(), "缺失");
}

#define CHECKS(X)                                                                                            \
    X(migrate_from_empty, setup_empty)                                                                       \
    X(regions_all_or_nothing_and_tree, setup_migrated)                                                       \
    X(values_revisions_and_history, setup_migrated)                                                          \
    X(values_missing_and_exact_doubles, setup_migrated)                                                      \
    X(batch_all_or_nothing, setup_migrated)                                                                  \
    X(batch_errors_name_row_and_column, setup_migrated)                                                      \
    X(review_states_and_locked_round, setup_migrated)                                                        \
    X(evidence_stored_once_per_content, setup_migrated)                                                      \
    X(snapshots_saved_and_listed, setup_migrated)                                                            \
    X(backup_restores_into_both_backends, setup_migrated)                                                    \
    X(accounts_sessions_and_limits, setup_migrated)                                                          \
    X(assessment_round_from_self_assessment_to_publication, setup_migrated)                                  \
    X(audit_log_chains_every_write, setup_migrated)

int main(void)
{
    with_pg = read_pg_target(pg_server, sizeof pg_server);
    if (!with_pg) printf("note: CITYSTAR_TEST_PG_FILE is not set: the PostgreSQL checks are skipped\n");
    if (with_pg && pg_databases(1)) {
        fprintf(stderr, "test_store: cannot create the test databases on %s\n", pg_server);
        return 1;
    }

    const struct CMUnitTest sqlite_tests[] = {
#define X(f, setup) {"sqlite: " #f, f, setup, teardown, &sqlite_conn},
        CHECKS(X)
#undef X
    };
    const struct CMUnitTest pg_tests[] = {
#define X(f, setup) {"postgresql: " #f, f, setup, teardown, &pg_conn},
        CHECKS(X)
#undef X
    };
    int failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
    if (with_pg) {
        failed += cmocka_run_group_tests_name("postgresql", pg_tests, NULL, NULL);
        pg_databases(0);
    }
    return failed;
}
