/*
 * backend_sqlite.c — the embedded back-end: one database file through SQLite, in WAL mode with
 * foreign keys on. Statements are written with $1, $2 … by the store and rewritten here to
 * SQLite's ?1, ?2 … so that a parameter number always means the same bound value.
 */
#include <sqlite3.h>
#include <string.h>

#include "backend.h"

struct cs__db {
    sqlite3 *h;
    char *target;
};

/* A statement keeps two copy buffers per parameter for short texts: bind_text copies the text
 * into the one the parameter is not bound to and binds it SQLITE_STATIC, so rebinding reuses
 * memory instead of SQLite allocating and freeing a copy per bind (a large import binds millions
 * of short texts). The buffer a parameter is bound to is never written, so a refused bind (a
 * statement not reset) leaves the old binding intact; buffers live until the statement is
 * finalized. */
#define PARAM_COPY_MAX 256 /* longer texts (and blobs) are bound SQLITE_TRANSIENT */
typedef struct {
    char *s[2];
    size_t cap[2];
    int bound; /* which of s[] the parameter was last bound to */
} param_buf;

struct cs__stmt {
    cs__db *db;
    sqlite3_stmt *h;
    param_buf *params; /* by parameter number, [0] unused; NULL until a short text is bound */
    int nparams;
};

static void db_error(cs__db *db, cs_diag *diag, const char *what)
{
    cs__diag_add(diag, CS__ERROR, db->target, 0, 0, "数据库错误（%s）/ database error (%s): %s", what, what,
                 sqlite3_errmsg(db->h));
}

static cs_status sq_exec(cs__db *db, const char *sql, cs_diag *diag)
{
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        cs__diag_add(diag, CS__ERROR, db->target, 0, 0, "数据库错误 / database error: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return CS_EDB;
    }
    return CS_OK;
}

static cs_status sq_open(const char *target, cs__db **out, cs_diag *diag)
{
    cs__db *db = cs__xcalloc(1, sizeof *db);
    db->target = cs__xstrdup(target);
    *out = NULL;
    int rc = sqlite3_open_v2(target, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        cs__diag_add(diag, CS__ERROR, target, 0, 0, "无法打开数据库 / cannot open the database: %s",
                     db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(db->h, 10000);
    sqlite3_extended_result_codes(db->h, 1);
    /* WAL: readers do not block the writer; NORMAL sync is durable at checkpoints and never
     * corrupts; foreign keys are off by default in SQLite and must be asked for. */
    if (sq_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;", diag) != CS_OK)
        goto fail;
    *out = db;
    return CS_OK;
fail:
    sqlite3_close(db->h);
    free(db->target);
    free(db);
    return CS_EDB;
}

static void sq_close(cs__db *db)
{
    if (!db) return;
    sqlite3_close(db->h);
    free(db->target);
    free(db);
}

/* Rewrites $N placeholders to ?N outside string literals. */
static char *rewrite_params(const char *sql)
{
    char *out = cs__xstrdup(sql);
    int quoted = 0;
    for (char *p = out; *p; p++) {
        if (*p == '\'') quoted = !quoted;
        else if (!quoted && *p == '$' && p[1] >= '0' && p[1] <= '9') *p = '?';
    }
    return out;
}

static cs_status sq_prepare(cs__db *db, const char *sql, cs__stmt **out, cs_diag *diag)
{
    char *q = rewrite_params(sql);
    sqlite3_stmt *h = NULL;
    int rc = sqlite3_prepare_v2(db->h, q, -1, &h, NULL);
    free(q);
    if (rc != SQLITE_OK) {
        db_error(db, diag, "prepare");
        *out = NULL;
        return CS_EDB;
    }
    cs__stmt *st = cs__xcalloc(1, sizeof *st);
    st->db = db;
    st->h = h;
    *out = st;
    return CS_OK;
}

static void sq_bind_text(cs__stmt *st, int i, const char *s)
{
    if (!s) {
        sqlite3_bind_null(st->h, i);
        return;
    }
    size_t n = strlen(s);
    if (n > PARAM_COPY_MAX || i < 1 || i > sqlite3_bind_parameter_count(st->h)) {
        sqlite3_bind_text64(st->h, i, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
        return;
    }
    if (!st->params) {
        st->nparams = sqlite3_bind_parameter_count(st->h);
        st->params = cs__xcalloc((size_t)st->nparams + 1, sizeof *st->params);
    }
    param_buf *p = &st->params[i];
    int k = !p->bound;
    if (p->cap[k] < n + 1) {
        free(p->s[k]);
        p->cap[k] = n + 1 < 32 ? 32 : n + 1;
        p->s[k] = cs__xmalloc(p->cap[k]);
    }
    memcpy(p->s[k], s, n + 1);
    if (sqlite3_bind_text64(st->h, i, p->s[k], n, SQLITE_STATIC, SQLITE_UTF8) == SQLITE_OK) p->bound = k;
}
static void sq_bind_int(cs__stmt *st, int i, int64_t v) { sqlite3_bind_int64(st->h, i, v); }
static void sq_bind_double(cs__stmt *st, int i, double v) { sqlite3_bind_double(st->h, i, v); }
static void sq_bind_null(cs__stmt *st, int i) { sqlite3_bind_null(st->h, i); }
static void sq_bind_blob(cs__stmt *st, int i, const void *p, size_t n)
{
    sqlite3_bind_blob64(st->h, i, n ? p : "", n, SQLITE_TRANSIENT);
}

static int sq_step(cs__stmt *st, cs_diag *diag)
{
    int rc = sqlite3_step(st->h);
    if (rc == SQLITE_ROW) return CS__STEP_ROW;
    if (rc == SQLITE_DONE) return CS__STEP_DONE;
    db_error(st->db, diag, "step");
    return CS__STEP_ERROR;
}

static int sq_column_is_null(cs__stmt *st, int i) { return sqlite3_column_type(st->h, i) == SQLITE_NULL; }
static const char *sq_column_text(cs__stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st->h, i);
    return t ? (const char *)t : "";
}
static int64_t sq_column_int(cs__stmt *st, int i) { return sqlite3_column_int64(st->h, i); }
static double sq_column_double(cs__stmt *st, int i) { return sqlite3_column_double(st->h, i); }
static const void *sq_column_blob(cs__stmt *st, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(st->h, i);
    *n = (size_t)sqlite3_column_bytes(st->h, i);
    return p;
}
static void sq_reset(cs__stmt *st) { sqlite3_reset(st->h); }
static void sq_finalize(cs__stmt *st)
{
    if (!st) return;
    sqlite3_finalize(st->h);
    for (int i = 0; st->params && i <= st->nparams; i++) free(st->params[i].s[0]), free(st->params[i].s[1]);
    free(st->params);
    free(st);
}

/* INTEGER PRIMARY KEY columns continue after the largest id by themselves. */
static cs_status sq_restart_ids(cs__db *db, const char *table, cs_diag *diag)
{
    (void)db, (void)table, (void)diag;
    return CS_OK;
}

const cs__backend cs__backend_sqlite = {
    .name = "sqlite",
    .id_column = "INTEGER PRIMARY KEY",
    .blob_type = "BLOB",
    .keyed_table = " WITHOUT ROWID",
    .begin_read = "BEGIN",
    .begin_write = "BEGIN IMMEDIATE",
    .lock_table = "",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_null = sq_bind_null,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .column_is_null = sq_column_is_null,
    .column_text = sq_column_text,
    .column_int = sq_column_int,
    .column_double = sq_column_double,
    .column_blob = sq_column_blob,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .restart_ids = sq_restart_ids,
};
