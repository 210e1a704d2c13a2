/*
 * store.c — opening a store, the versioned schema and its migrations, transactions, regions and
 * assessment rounds. The SQL is written once for both back-ends; the only dialect differences
 * (auto-numbered ids, binary columns, how a write transaction starts) come from the back-end
 * table.
 */
#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_int.h"

/* ---- Schema ---------------------------------------------------------------------------------
 * Each migration moves the schema one version up. {ID} and {BLOB} stand for the back-end's
 * auto-numbered primary key and binary column types, {KEYED} for its clause on tables read only
 * by primary key. Never edit a released migration: add one.
 *
 * Values: value_revision is append-only, one row per change (figure or state), each pointing to
 * the revision it replaced (previous); value_current points to the latest revision of every
 * (period, region, element). History and "as of revision N" walk the chain from the current
 * revision, so appending a revision touches one index only. */

typedef struct {
    int version;
    const char *description;
    const char *sql;
} migration;

static const migration migrations[] = {
    {1, "regions, rounds, sources, reported values with history",
     "CREATE TABLE region ("
     " code TEXT PRIMARY KEY,"
     " name TEXT NOT NULL,"
     " level TEXT NOT NULL CHECK (level IN ('province','city','county','street','community')),"
     " parent TEXT REFERENCES region(code),"
     " kind TEXT NOT NULL CHECK (kind IN ('gb2260','manual')),"
     " source TEXT NOT NULL,"
     " changed_at TEXT NOT NULL,"
     " changed_by TEXT NOT NULL);"
     "CREATE INDEX region_parent ON region(parent);"
     "CREATE TABLE round ("
     " period TEXT PRIMARY KEY,"
     " state TEXT NOT NULL CHECK (state IN ('open','locked')),"
     " changed_at TEXT NOT NULL,"
     " changed_by TEXT NOT NULL,"
     " note TEXT);"
     "CREATE TABLE source ("
     " id {ID},"
     " kind TEXT NOT NULL CHECK (kind IN ('file','form','api','demo','review')),"
     " name TEXT NOT NULL,"
     " sha256 TEXT,"
     " actor TEXT NOT NULL,"
     " at TEXT NOT NULL,"
     " note TEXT);"
     "CREATE TABLE value_revision ("
     " id {ID},"
     " region TEXT NOT NULL REFERENCES region(code),"
     " period TEXT NOT NULL,"
     " element TEXT NOT NULL,"
     " value DOUBLE PRECISION,"
     " missing TEXT,"
     " state TEXT NOT NULL CHECK (state IN ('draft','submitted','approved','returned','locked')),"
     " source_id BIGINT NOT NULL REFERENCES source(id),"
     " source_row INTEGER,"
     " note TEXT,"
     " previous BIGINT REFERENCES value_revision(id),"
     " CHECK ((value IS NULL) <> (missing IS NULL)));"
     "CREATE TABLE value_current ("
     " period TEXT NOT NULL,"
     " region TEXT NOT NULL," /* the region of its revision, which references region */
     " element TEXT NOT NULL,"
     " revision BIGINT NOT NULL REFERENCES value_revision(id),"
     " value DOUBLE PRECISION,"
     " missing TEXT,"
     " state TEXT NOT NULL,"
     " PRIMARY KEY (period, region, element)){KEYED};"},
    {2, "evidence files, stored once per content",
     "CREATE TABLE evidence_blob ("
     " sha256 TEXT PRIMARY KEY,"
     " size BIGINT NOT NULL,"
     " content {BLOB} NOT NULL);"
     "CREATE TABLE evidence ("
     " id {ID},"
     " sha256 TEXT NOT NULL REFERENCES evidence_blob(sha256),"
     " file_name TEXT NOT NULL,"
     " media_type TEXT NOT NULL,"
     " region TEXT NOT NULL REFERENCES region(code),"
     " period TEXT NOT NULL,"
     " element TEXT NOT NULL DEFAULT '',"
     " indicator TEXT NOT NULL DEFAULT '',"
     " framework TEXT NOT NULL DEFAULT '',"
     " actor TEXT NOT NULL,"
     " at TEXT NOT NULL,"
     " note TEXT);"
     "CREATE INDEX evidence_key ON evidence(region, period);"},
    {3, "score snapshots tied to the data they were computed from",
     "CREATE TABLE snapshot ("
     " id {ID},"
     " framework TEXT NOT NULL,"
     " framework_sha256 TEXT NOT NULL,"
     " period TEXT NOT NULL,"
     " scope TEXT NOT NULL,"
     " as_of BIGINT NOT NULL,"
     " data_sha256 TEXT NOT NULL,"
     " regions INTEGER NOT NULL,"
     " actor TEXT NOT NULL,"
     " at TEXT NOT NULL,"
     " note TEXT,"
     " results TEXT NOT NULL);"},
    {4, "accounts and sessions, assessment rounds with their steps and overrides, hash-chained audit log",
     "CREATE TABLE account ("
     " id {ID},"
     " login TEXT NOT NULL UNIQUE,"
     " name TEXT NOT NULL,"
     " password_hash TEXT NOT NULL,"
     " role TEXT NOT NULL CHECK (role IN ('province_admin','city_admin','county_admin','reporter','expert','auditor')),"
     " region TEXT NOT NULL REFERENCES region(code),"
     " department TEXT NOT NULL DEFAULT '',"
     " active INTEGER NOT NULL DEFAULT 1,"
     " created_at TEXT NOT NULL,"
     " changed_at TEXT NOT NULL);"
     "CREATE TABLE session ("
     " token_sha256 TEXT PRIMARY KEY,"
     " account_id BIGINT NOT NULL REFERENCES account(id),"
     " csrf TEXT NOT NULL,"
     " origin TEXT NOT NULL,"
     " created_at TEXT NOT NULL,"
     " expires BIGINT NOT NULL){KEYED};"
     "CREATE TABLE login_attempt ("
     " id {ID},"
     " login TEXT NOT NULL,"
     " origin TEXT NOT NULL,"
     " at BIGINT NOT NULL,"
     " ok INTEGER NOT NULL);"
     "CREATE INDEX login_attempt_login ON login_attempt(login, at);"
     "CREATE INDEX login_attempt_origin ON login_attempt(origin, at);"
     "CREATE TABLE assessment ("
     " id {ID},"
     " framework TEXT NOT NULL,"
     " region TEXT NOT NULL REFERENCES region(code),"
     " period TEXT NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN ('self','midterm','final','progress')),"
     " state TEXT NOT NULL CHECK (state IN ('open','submitted','returned','approved','closed')),"
     " published INTEGER NOT NULL DEFAULT 0,"
     " rating TEXT,"
     " total DOUBLE PRECISION,"
     " snapshot_id BIGINT REFERENCES snapshot(id),"
     " created_by TEXT NOT NULL,"
     " created_at TEXT NOT NULL,"
     " changed_at TEXT NOT NULL,"
     " UNIQUE (framework, region, period, kind));"
     "CREATE TABLE assessment_step ("
     " id {ID},"
     " assessment_id BIGINT NOT NULL REFERENCES assessment(id),"
     " action TEXT NOT NULL,"
     " indicator TEXT NOT NULL DEFAULT '',"
     " comment TEXT NOT NULL DEFAULT '',"
     " moved INTEGER NOT NULL DEFAULT 0,"
     " actor TEXT NOT NULL,"
     " at TEXT NOT NULL);"
     "CREATE INDEX assessment_step_of ON assessment_step(assessment_id);"
     "CREATE TABLE override ("
     " id {ID},"
     " assessment_id BIGINT NOT NULL REFERENCES assessment(id),"
     " indicator TEXT NOT NULL,"
     " points DOUBLE PRECISION NOT NULL,"
     " reason TEXT NOT NULL CHECK (reason <> ''),"
     " actor TEXT NOT NULL,"
     " at TEXT NOT NULL);"
     "CREATE INDEX override_of ON override(assessment_id);"
     "CREATE TABLE audit ("
     " id BIGINT PRIMARY KEY,"
     " at TEXT NOT NULL,"
     " actor TEXT NOT NULL,"
     " origin TEXT NOT NULL,"
     " action TEXT NOT NULL,"
     " object TEXT NOT NULL,"
     " detail TEXT NOT NULL,"
     " prev_sha256 TEXT NOT NULL,"
     " sha256 TEXT NOT NULL);"},
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* ---- Helpers ----------------------------------------------------------------------------------- */

void cs__store_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cs__store_period_ok(const char *period, int *future)
{
    *future = 0;
    if (!period || strlen(period) != 4) return 0;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)period[i])) return 0;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (atoi(period) > tm.tm_year + 1900) {
        *future = 1;
        return 0;
    }
    return atoi(period) >= 1990;
}

int cs_region_level_rank(const char *level)
{
    static const char *const levels[] = {"province", "city", "county", "street", "community"};
    for (int i = 0; level && i < 5; i++)
        if (!strcmp(level, levels[i])) return i;
    return -1;
}

cs__stmt *cs__store_prepare(cs_store *s, const char *sql, cs_diag *diag)
{
    cs__stmt *st = NULL;
    if (s->be->prepare(s->db, sql, &st, diag) != CS_OK) return NULL;
    return st;
}

cs__stmt *cs__store_stmt(cs_store *s, int id, const char *sql, cs_diag *diag)
{
    if (!s->st[id]) s->st[id] = cs__store_prepare(s, sql, diag);
    else s->be->reset(s->st[id]);
    return s->st[id];
}

cs_status cs__store_begin(cs_store *s, cs_diag *diag)
{
    cs_status rc = s->be->exec(s->db, s->be->begin_write, diag);
    if (rc == CS_OK) s->in_tx = 1;
    return rc;
}

cs_status cs__store_lock_table(cs_store *s, const char *table, cs_diag *diag)
{
    if (!*s->be->lock_table) return CS_OK;
    char sql[128];
    snprintf(sql, sizeof sql, s->be->lock_table, table);
    return s->be->exec(s->db, sql, diag);
}

cs_status cs__store_commit(cs_store *s, cs_diag *diag)
{
    cs_status rc = s->be->exec(s->db, "COMMIT", diag);
    if (rc != CS_OK) cs__store_rollback(s);
    s->in_tx = 0;
    return rc;
}

void cs__store_rollback(cs_store *s)
{
    cs_diag *quiet = cs_diag_new();
    for (int i = 0; i < ST__COUNT; i++)
        if (s->st[i]) s->be->reset(s->st[i]);
    s->be->exec(s->db, "ROLLBACK", quiet);
    cs_diag_free(quiet);
    s->in_tx = 0;
}

/* Runs one parameterless statement that changes rows. */
static cs_status run(cs_store *s, const char *sql, cs_diag *diag)
{
    return s->be->exec(s->db, sql, diag);
}

/* Whether target names a PostgreSQL database rather than a file. */
static int is_postgres(const char *target)
{
    return !strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11) || strstr(target, "dbname=") ||
           strstr(target, "host=");
}

/* target without a password, for messages. */
static char *redact(const char *target)
{
    cs__buf b = {0};
    const char *p = strstr(target, "password=");
    const char *at = strchr(target, '@');
    const char *scheme = strstr(target, "://");
    if (p) {
        cs__buf_appendn(&b, target, (size_t)(p - target));
        cs__buf_append(&b, "password=***");
        const char *e = strchr(p, ' ');
        if (e) cs__buf_append(&b, e);
    } else if (scheme && at && at > scheme) {
        const char *colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
        if (colon) {
            cs__buf_appendn(&b, target, (size_t)(colon - target));
            cs__buf_append(&b, ":***");
            cs__buf_append(&b, at);
        } else {
            cs__buf_append(&b, target);
        }
    } else {
        cs__buf_append(&b, target);
    }
    char *out = cs__xstrdup(cs__buf_str(&b));
    cs__buf_free(&b);
    return out;
}

cs_status cs_store_open(const char *target, cs_store **out, cs_diag *diag)
{
    *out = NULL;
    if (sodium_init() < 0) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "libsodium 初始化失败 / libsodium failed to initialise");
        return CS_EDB;
    }
    if (!target || !*target) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有指定数据库 / no database given (--db or CITYSTAR_DB)");
        return CS_EUSAGE;
    }
    cs_store *s = cs__xcalloc(1, sizeof *s);
    s->be = is_postgres(target) ? &cs__backend_pg : &cs__backend_sqlite;
    s->target = redact(target);
    cs_status rc = s->be->open(target, &s->db, diag);
    if (rc != CS_OK) {
        free(s->target);
        free(s);
        return rc;
    }
    *out = s;
    return CS_OK;
}

void cs_store_close(cs_store *s)
{
    if (!s) return;
    if (s->in_tx) cs__store_rollback(s);
    for (int i = 0; i < ST__COUNT; i++) s->be->finalize(s->st[i]);
    for (int i = 0; i < 8; i++) cs__buf_free(&s->scratch[i]);
    s->be->close(s->db);
    free(s->target);
    free(s);
}

const char *cs_store_backend(const cs_store *s)
{
    return s->be->name;
}

/* ---- Migrations --------------------------------------------------------------------------- */

cs_status cs_store_schema_version(cs_store *s, int *current, int *latest, cs_diag *diag)
{
    if (latest) *latest = migrations[NMIGRATIONS - 1].version;
    *current = 0;
    cs_status rc = run(s, "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY,"
                          " description TEXT NOT NULL, applied_at TEXT NOT NULL)", diag);
    if (rc != CS_OK) return rc;
    cs__stmt *st = cs__store_prepare(s, "SELECT COALESCE(MAX(version), 0) FROM schema_migration", diag);
    if (!st) return CS_EDB;
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) *current = (int)s->be->column_int(st, 0);
    s->be->finalize(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

/* The migration's SQL with the back-end's types in place of {ID} and {BLOB}. */
static char *expand(const cs__backend *be, const char *sql)
{
    cs__buf b = {0};
    for (const char *p = sql; *p;) {
        if (!strncmp(p, "{ID}", 4)) cs__buf_append(&b, be->id_column), p += 4;
        else if (!strncmp(p, "{BLOB}", 6)) cs__buf_append(&b, be->blob_type), p += 6;
        else if (!strncmp(p, "{KEYED}", 7)) cs__buf_append(&b, be->keyed_table), p += 7;
        else cs__buf_appendn(&b, p++, 1);
    }
    char *out = cs__xstrdup(cs__buf_str(&b));
    cs__buf_free(&b);
    return out;
}

cs_status cs_store_migrate(cs_store *s, int *from, int *to, cs_diag *diag)
{
    int cur = 0, latest = 0;
    cs_status rc = cs_store_schema_version(s, &cur, &latest, diag);
    if (rc != CS_OK) return rc;
    if (from) *from = cur;
    if (to) *to = cur;
    if (cur > latest) {
        cs__diag_add(diag, CS__ERROR, s->target, 0, 0,
                     "数据库结构版本 %d 比本程序支持的 %d 新，请升级 citystar / the database schema (version %d) is newer than this program (%d)",
                     cur, latest, cur, latest);
        return CS_EDB;
    }
    for (int i = 0; i < NMIGRATIONS; i++) {
        const migration *m = &migrations[i];
        if (m->version <= cur) continue;
        if ((rc = cs__store_begin(s, diag)) != CS_OK) return rc;
        /* a second process migrating at the same time finds the work done */
        int again = 0;
        if ((rc = cs_store_schema_version(s, &again, NULL, diag)) != CS_OK) goto fail;
        if (again >= m->version) {
            cs__store_rollback(s);
            continue;
        }
        char *sql = expand(s->be, m->sql);
        rc = run(s, sql, diag);
        free(sql);
        if (rc != CS_OK) goto fail;
        cs__stmt *st = cs__store_prepare(s, "INSERT INTO schema_migration (version, description, applied_at) VALUES ($1, $2, $3)", diag);
        if (!st) {
            rc = CS_EDB;
            goto fail;
        }
        char now[32];
        cs__store_now(now);
        s->be->bind_int(st, 1, m->version);
        s->be->bind_text(st, 2, m->description);
        s->be->bind_text(st, 3, now);
        int r = s->be->step(st, diag);
        s->be->finalize(st);
        if (r == CS__STEP_ERROR) {
            rc = CS_EDB;
            goto fail;
        }
        if ((rc = cs__store_commit(s, diag)) != CS_OK) return rc;
        if (to) *to = m->version;
    }
    return CS_OK;
fail:
    cs__store_rollback(s);
    return rc;
}

/* ---- Regions ----------------------------------------------------------------------------- */

#define REGION_COLUMNS "code, name, level, parent, kind"

/* Fills r from a row of REGION_COLUMNS, copying into the store's scratch buffers. */
static void region_from_row(cs_store *s, cs__stmt *st, cs_region *r)
{
    const char **fields[] = {&r->code, &r->name, &r->level, &r->parent, &r->kind};
    for (int i = 0; i < 5; i++) {
        cs__buf_reset(&s->scratch[i]);
        cs__buf_append(&s->scratch[i], s->be->column_text(st, i));
        *fields[i] = cs__buf_str(&s->scratch[i]);
    }
    if (s->be->column_is_null(st, 3)) r->parent = NULL;
}

cs_status cs_store_region(cs_store *s, const char *code, cs_region *out, cs_diag *diag)
{
    cs__stmt *st = cs__store_stmt(s, ST_REGION_GET, "SELECT " REGION_COLUMNS " FROM region WHERE code = $1", diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, code);
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) region_from_row(s, st, out);
    s->be->reset(st);
    if (r == CS__STEP_ERROR) return CS_EDB;
    return r == CS__STEP_ROW ? CS_OK : CS_ENOTFOUND;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

cs_status cs_store_put_regions(cs_store *s, const cs_region *regions, size_t n, const char *source,
                               const char *actor, size_t *added, size_t *updated, cs_diag *diag)
{
    size_t nadd = 0, nupd = 0;
    char now[32];
    cs__store_now(now);
    cs_status rc = CS_OK;
    /* check everything first: a bad region adds nothing */
    for (size_t i = 0; i < n; i++) {
        const cs_region *r = &regions[i];
        /* GB/T 2260 codes have at most 12 digits; 24 leaves room for hand-made ones */
        int bad = !r->code || !*r->code || strlen(r->code) > 24 || !r->name || !*r->name;
        for (const char *p = r->code; !bad && *p; p++) bad = !isalnum((unsigned char)*p);
        if (bad) {
            cs__diag_add(diag, CS__ERROR, source, (int)i + 1, 0, "地区代码或名称无效 / invalid region code or name: '%s'",
                         r->code ? r->code : "");
            rc = CS_EDATA;
        } else if (cs_region_level_rank(r->level) < 0) {
            cs__diag_add(diag, CS__ERROR, source, (int)i + 1, 0,
                         "地区 %s 的级别 '%s' 无效（应为 province/city/county/street/community）/ invalid level", r->code,
                         r->level ? r->level : "");
            rc = CS_EDATA;
        } else if (r->parent && !strcmp(r->parent, r->code)) {
            cs__diag_add(diag, CS__ERROR, source, (int)i + 1, 0, "地区 %s 不能是自己的上级 / a region cannot be its own parent", r->code);
            rc = CS_EDATA;
        }
    }
    if (rc != CS_OK) return rc;
    if ((rc = cs__store_begin(s, diag)) != CS_OK) return rc;
    cs__stmt *ins = cs__store_stmt(s, ST_REGION_INSERT,
                                   "INSERT INTO region (code, name, level, parent, kind, source, changed_at, changed_by)"
                                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", diag);
    cs__stmt *upd = cs__store_stmt(s, ST_REGION_UPDATE,
                                   "UPDATE region SET name = $2, level = $3, parent = $4, kind = $5, source = $6,"
                                   " changed_at = $7, changed_by = $8 WHERE code = $1", diag);
    if (!ins || !upd) {
        rc = CS_EDB;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const cs_region *r = &regions[i];
        const char *kind = r->kind ? r->kind : "gb2260";
        if (r->parent) {
            cs_region p;
            cs_status prc = cs_store_region(s, r->parent, &p, diag);
            if (prc == CS_EDB) {
                rc = prc;
                goto fail;
            }
            if (prc == CS_ENOTFOUND) {
                cs__diag_add(diag, CS__ERROR, source, (int)i + 1, 0, "地区 %s 的上级 %s 不存在 / the parent %s of region %s is not known",
                             r->code, r->parent, r->parent, r->code);
                rc = CS_EDATA;
                goto fail;
            }
            if (cs_region_level_rank(p.level) >= cs_region_level_rank(r->level)) {
                cs__diag_add(diag, CS__ERROR, source, (int)i + 1, 0,
                             "地区 %s（%s）的级别不低于其上级 %s / region %s must be below its parent's level", r->code, r->level,
                             r->parent, r->code);
                rc = CS_EDATA;
                goto fail;
            }
        }
        /* read after the parent: both records live in the store's scratch buffers */
        cs_region old;
        rc = cs_store_region(s, r->code, &old, diag);
        if (rc == CS_EDB) goto fail;
        int exists = rc == CS_OK;
        rc = CS_OK;
        if (exists && !strcmp(old.name, r->name) && !strcmp(old.level, r->level) && same(old.parent, r->parent) &&
            !strcmp(old.kind, kind))
            continue;
        cs__stmt *st = exists ? upd : ins;
        s->be->reset(st);
        s->be->bind_text(st, 1, r->code);
        s->be->bind_text(st, 2, r->name);
        s->be->bind_text(st, 3, r->level);
        s->be->bind_text(st, 4, r->parent);
        s->be->bind_text(st, 5, kind);
        s->be->bind_text(st, 6, source);
        s->be->bind_text(st, 7, now);
        s->be->bind_text(st, 8, actor);
        if (s->be->step(st, diag) == CS__STEP_ERROR) {
            rc = CS_EDB;
            goto fail;
        }
        if (exists) nupd++;
        else nadd++;
    }
    if (nadd || nupd) {
        json_t *detail = json_pack("{s:s, s:I, s:I}", "source", source ? source : "", "added", (json_int_t)nadd, "updated",
                                   (json_int_t)nupd);
        if (n <= 20) {
            json_t *list = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:o}", "code", regions[i].code, "name", regions[i].name,
                                                      "level", regions[i].level, "parent",
                                                      regions[i].parent ? json_string(regions[i].parent) : json_null()));
            json_object_set_new(detail, "after", list);
        }
        if ((rc = cs__audit_append(s, actor ? actor : "unknown", "region.put", n == 1 ? regions[0].code : "regions", detail,
                                   diag)) != CS_OK)
            goto fail;
    }
    if ((rc = cs__store_commit(s, diag)) != CS_OK) return rc;
    if (added) *added = nadd;
    if (updated) *updated = nupd;
    return CS_OK;
fail:
    cs__store_rollback(s);
    return rc;
}

cs_status cs_store_regions(cs_store *s, const char *root, const char *max_level, cs_region_fn fn, void *ctx,
                           cs_diag *diag)
{
    int max_rank = max_level ? cs_region_level_rank(max_level) : 4;
    /* breadth first from the root: parents come before children */
    CS__VEC(char *) queue = {0};
    cs_status rc = CS_OK;
    cs__stmt *kids = cs__store_prepare(s, "SELECT " REGION_COLUMNS " FROM region WHERE parent = $1 ORDER BY code", diag);
    cs__stmt *tops = cs__store_prepare(s, "SELECT " REGION_COLUMNS " FROM region WHERE parent IS NULL ORDER BY code", diag);
    if (!kids || !tops) {
        rc = CS_EDB;
        goto out;
    }
    if (root) {
        cs_region r;
        if ((rc = cs_store_region(s, root, &r, diag)) != CS_OK) {
            if (rc == CS_ENOTFOUND) cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有地区 %s / no region %s", root, root);
            goto out;
        }
        if (cs_region_level_rank(r.level) <= max_rank) {
            if (fn(ctx, &r)) goto out;
            cs__vec_push(&queue, cs__xstrdup(root));
        }
    } else {
        int st;
        while ((st = s->be->step(tops, diag)) == CS__STEP_ROW) {
            cs_region r;
            region_from_row(s, tops, &r);
            if (fn(ctx, &r)) goto out;
            cs__vec_push(&queue, cs__xstrdup(r.code));
        }
        if (st == CS__STEP_ERROR) {
            rc = CS_EDB;
            goto out;
        }
    }
    for (size_t q = 0; q < queue.n; q++) {
        s->be->reset(kids);
        s->be->bind_text(kids, 1, queue.items[q]);
        int st;
        while ((st = s->be->step(kids, diag)) == CS__STEP_ROW) {
            cs_region r;
            region_from_row(s, kids, &r);
            if (cs_region_level_rank(r.level) > max_rank) continue;
            if (fn(ctx, &r)) goto out;
            cs__vec_push(&queue, cs__xstrdup(r.code));
        }
        if (st == CS__STEP_ERROR) {
            rc = CS_EDB;
            goto out;
        }
    }
out:
    for (size_t q = 0; q < queue.n; q++) free(queue.items[q]);
    cs__vec_free(&queue);
    s->be->finalize(kids);
    s->be->finalize(tops);
    return rc;
}

static int add_to_set(void *ctx, const cs_region *r)
{
    cs__strmap_intern(ctx, r->code);
    return 0;
}

cs_status cs__store_region_subtree(cs_store *s, const char *root, cs__strmap *set, cs_diag *diag)
{
    return cs_store_regions(s, root, NULL, add_to_set, set, diag);
}

/* ---- Rounds ------------------------------------------------------------------------------ */

cs_status cs_store_round_locked(cs_store *s, const char *period, int *locked, cs_diag *diag)
{
    *locked = 0;
    cs__stmt *st = cs__store_prepare(s, "SELECT state FROM round WHERE period = $1", diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, period);
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) *locked = !strcmp(s->be->column_text(st, 0), "locked");
    s->be->finalize(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

cs_status cs_store_periods(cs_store *s, char ***periods, size_t *n, cs_diag *diag)
{
    *periods = NULL;
    *n = 0;
    cs__stmt *st = cs__store_prepare(s, "SELECT DISTINCT period FROM value_current ORDER BY period", diag);
    if (!st) return CS_EDB;
    size_t cap = 0;
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            *periods = cs__xrealloc(*periods, cap * sizeof **periods);
        }
        (*periods)[(*n)++] = cs__xstrdup(s->be->column_text(st, 0));
    }
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) {
        for (size_t i = 0; i < *n; i++) free((*periods)[i]);
        free(*periods);
        *periods = NULL;
        *n = 0;
        return CS_EDB;
    }
    return CS_OK;
}

cs_status cs_store_lock_round(cs_store *s, const char *period, int lock, const char *actor, const char *note,
                              cs_diag *diag)
{
    int future = 0;
    if (!cs__store_period_ok(period, &future)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "年度 '%s' 无效 / invalid period '%s'", period, period);
        return CS_EUSAGE;
    }
    char now[32];
    cs__store_now(now);
    cs_status rc = cs__store_begin(s, diag);
    if (rc != CS_OK) return rc;
    cs__stmt *st = cs__store_prepare(s,
                                     "INSERT INTO round (period, state, changed_at, changed_by, note) VALUES ($1, $2, $3, $4, $5)"
                                     " ON CONFLICT (period) DO UPDATE SET state = $2, changed_at = $3, changed_by = $4, note = $5",
                                     diag);
    if (!st) {
        rc = CS_EDB;
        goto fail;
    }
    s->be->bind_text(st, 1, period);
    s->be->bind_text(st, 2, lock ? "locked" : "open");
    s->be->bind_text(st, 3, now);
    s->be->bind_text(st, 4, actor);
    s->be->bind_text(st, 5, note);
    int r = s->be->step(st, diag);
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) {
        rc = CS_EDB;
        goto fail;
    }
    if (lock) {
        /* approved values become locked (the round's lock freezes the others as they are) */
        rc = cs__store_mark_all(s, period, CS_STATE_APPROVED, CS_STATE_LOCKED, actor, note, diag);
    } else {
        /* unlocking returns the locked values to approved, where they were */
        rc = cs__store_mark_all(s, period, CS_STATE_LOCKED, CS_STATE_APPROVED, actor, note, diag);
    }
    if (rc == CS_OK) {
        char object[32];
        snprintf(object, sizeof object, "period/%s", period);
        rc = cs__audit_append(s, actor ? actor : "unknown", lock ? "period.lock" : "period.unlock", object,
                              json_pack("{s:s, s:s, s:s}", "after", lock ? "locked" : "open", "note", note ? note : "",
                                        "period", period),
                              diag);
    }
    if (rc != CS_OK) goto fail;
    return cs__store_commit(s, diag);
fail:
    cs__store_rollback(s);
    return rc;
}
