/*
 * backend_pg.c — the server back-end: one PostgreSQL connection through libpq. Statements keep the
 * store's $1, $2 … as PostgreSQL writes them; parameters travel as text (blobs as binary), results
 * come back as text and are parsed here (bytea from its hex form), so every value round-trips exactly.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"

#define BYTEA_OID 17 /* pg_type.oid of bytea, fixed in every PostgreSQL release */

struct cs__db {
    PGconn *h;
    char *target;             /* the target as given, without any password: safe to print */
    unsigned long statements; /* prepared so far: numbers the statement names */
};

struct cs__stmt {
    cs__db *db;
    char name[32];         /* the server-side name, unique on its connection */
    int nparams;           /* the largest $N of the SQL */
    char **values;         /* nparams bound values (owned copies; NULL is SQL NULL) */
    int *lengths;          /* byte lengths, used for the binary ones */
    int *formats;          /* 0 text, 1 binary (blobs) */
    PGresult *res;         /* the result of the current execution, NULL before the first step */
    int row;               /* the current row of res */
    unsigned char **blobs; /* per column: bytea decoded for the current row (PQfreemem) */
    size_t *blob_lens;     /* their lengths */
};

/* Ignores the server's NOTICEs ("table does not exist, skipping" and the like). */
static void swallow_notice(void *arg, const char *message)
{
    (void)arg, (void)message;
}

/* Appends target to b without its password: conninfo "password=…" pairs, a URI's "user:password@"
 * and "password=…" query parameters are left out. */
static void append_target_without_password(cs__buf *b, const char *target)
{
    if (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11)) {
        const char *auth = strstr(target, "://") + 3;
        size_t auth_len = strcspn(auth, "/?#");
        const char *at = NULL;
        for (const char *p = auth; p < auth + auth_len; p++)
            if (*p == '@') at = p;
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon) {
            cs__buf_appendn(b, target, (size_t)(colon - target));
            target = at;
        }
        const char *query = strchr(target, '?');
        if (!query) {
            cs__buf_append(b, target);
            return;
        }
        cs__buf_appendn(b, target, (size_t)(query - target));
        char sep = '?';
        for (const char *p = query + 1; *p;) {
            size_t n = strcspn(p, "&#");
            if (strncmp(p, "password=", 9) != 0) {
                cs__buf_appendn(b, &sep, 1);
                cs__buf_appendn(b, p, n);
                sep = '&';
            }
            p += n;
            if (*p == '#') {
                cs__buf_append(b, p);
                break;
            }
            if (*p == '&') p++;
        }
        return;
    }
    /* conninfo: key = value pairs, values plain or 'single-quoted' with backslash escapes */
    const char *p = target;
    int first = 1;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (!*p) break;
        const char *start = p;
        while (*p && *p != '=' && *p != ' ' && *p != '\t') p++;
        int is_password = (size_t)(p - start) == 8 && !strncmp(start, "password", 8);
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '=') {
            p++;
            while (*p == ' ' || *p == '\t') p++;
            if (*p == '\'') {
                for (p++; *p && *p != '\''; p++)
                    if (*p == '\\' && p[1]) p++;
                if (*p) p++;
            } else {
                for (; *p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r'; p++)
                    if (*p == '\\' && p[1]) p++;
            }
        }
        if (is_password) continue;
        if (!first) cs__buf_append(b, " ");
        cs__buf_appendn(b, start, (size_t)(p - start));
        first = 0;
    }
}

/* libpq's messages end with a newline; diagnostics do not. Returns a trimmed copy (caller frees). */
static char *trimmed(const char *msg)
{
    char *s = cs__xstrdup(msg && *msg ? msg : "?");
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = '\0';
    return s;
}

static void db_error(cs__db *db, cs_diag *diag, const char *what, const char *msg)
{
    char *m = trimmed(msg);
    cs__diag_add(diag, CS__ERROR, db->target, 0, 0, "数据库错误（%s）/ database error (%s): %s", what, what, m);
    free(m);
}

static cs_status pg_exec(cs__db *db, const char *sql, cs_diag *diag)
{
    PGresult *r = PQexec(db->h, sql);
    ExecStatusType s = PQresultStatus(r);
    cs_status rc = CS_OK;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        char *m = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(db->h));
        cs__diag_add(diag, CS__ERROR, db->target, 0, 0, "数据库错误 / database error: %s", m);
        free(m);
        rc = CS_EDB;
    }
    PQclear(r);
    return rc;
}

static cs_status pg_open(const char *target, cs__db **out, cs_diag *diag)
{
    cs__db *db = cs__xcalloc(1, sizeof *db);
    cs__buf t = {0};
    append_target_without_password(&t, target);
    db->target = cs__xstrdup(cs__buf_str(&t));
    cs__buf_free(&t);
    *out = NULL;
    db->h = PQconnectdb(target);
    if (!db->h || PQstatus(db->h) != CONNECTION_OK) {
        char *m = trimmed(db->h ? PQerrorMessage(db->h) : "out of memory");
        cs__diag_add(diag, CS__ERROR, db->target, 0, 0, "无法连接数据库 / cannot connect to the database: %s", m);
        free(m);
        goto fail;
    }
    PQsetNoticeProcessor(db->h, swallow_notice, NULL);
    if (PQsetClientEncoding(db->h, "UTF8") != 0) {
        db_error(db, diag, "client_encoding", PQerrorMessage(db->h));
        goto fail;
    }
    /* shortest exact text for doubles on servers before 12 too (12+ do it for any value above 0) */
    if (pg_exec(db, "SET extra_float_digits = 3", diag) != CS_OK) goto fail;
    *out = db;
    return CS_OK;
fail:
    PQfinish(db->h);
    free(db->target);
    free(db);
    return CS_EDB;
}

static void pg_close(cs__db *db)
{
    if (!db) return;
    PQfinish(db->h);
    free(db->target);
    free(db);
}

/* Whether c may continue an identifier (in which "$1" is part of the name, as in a$1). */
static int is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           (unsigned char)c >= 0x80;
}

/* The largest $N in sql outside string literals, quoted identifiers and comments. */
static int count_params(const char *sql)
{
    int max = 0;
    for (const char *p = sql; *p;) {
        if (*p == '\'' || *p == '"') {
            char q = *p++;
            while (*p && *p != q) p++; /* a doubled quote is two literals back to back */
            if (*p) p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n') p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else if (*p == '$' && p[1] >= '0' && p[1] <= '9' && (p == sql || !is_ident_char(p[-1]))) {
            long n = 0;
            for (p++; *p >= '0' && *p <= '9'; p++)
                if (n < 65536) n = n * 10 + (*p - '0');
            if (n > max) max = (int)n;
        } else {
            p++;
        }
    }
    return max;
}

static cs_status pg_prepare(cs__db *db, const char *sql, cs__stmt **out, cs_diag *diag)
{
    *out = NULL;
    int nparams = count_params(sql);
    if (nparams > 65535) {
        cs__diag_add(diag, CS__ERROR, db->target, 0, 0, "数据库错误（prepare）/ database error (prepare): "
                     "参数过多 / too many parameters ($%d)", nparams);
        return CS_EDB;
    }
    cs__stmt *st = cs__xcalloc(1, sizeof *st);
    st->db = db;
    snprintf(st->name, sizeof st->name, "cs_%lu", ++db->statements);
    PGresult *r = PQprepare(db->h, st->name, sql, nparams, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        db_error(db, diag, "prepare", r ? PQresultErrorMessage(r) : PQerrorMessage(db->h));
        PQclear(r);
        free(st);
        return CS_EDB;
    }
    PQclear(r);
    st->nparams = nparams;
    if (nparams) {
        st->values = cs__xcalloc((size_t)nparams, sizeof *st->values);
        st->lengths = cs__xcalloc((size_t)nparams, sizeof *st->lengths);
        st->formats = cs__xcalloc((size_t)nparams, sizeof *st->formats);
    }
    *out = st;
    return CS_OK;
}

/* Replaces parameter i (1-based) with value (taken over), n bytes in format (0 text, 1 binary). */
static void set_param(cs__stmt *st, int i, char *value, size_t n, int format)
{
    if (i < 1 || i > st->nparams || n > INT32_MAX) {
        free(value);
        return;
    }
    free(st->values[i - 1]);
    st->values[i - 1] = value;
    st->lengths[i - 1] = (int)n;
    st->formats[i - 1] = format;
}

static void pg_bind_text(cs__stmt *st, int i, const char *s)
{
    set_param(st, i, s ? cs__xstrdup(s) : NULL, s ? strlen(s) : 0, 0);
}
static void pg_bind_int(cs__stmt *st, int i, int64_t v)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, v);
    set_param(st, i, cs__xstrdup(text), strlen(text), 0);
}
static void pg_bind_double(cs__stmt *st, int i, double v)
{
    char text[40];
    if (isnan(v)) snprintf(text, sizeof text, "NaN");
    else if (isinf(v)) snprintf(text, sizeof text, "%sInfinity", v < 0 ? "-" : "");
    else snprintf(text, sizeof text, "%.17g", v);
    set_param(st, i, cs__xstrdup(text), strlen(text), 0);
}
static void pg_bind_null(cs__stmt *st, int i) { set_param(st, i, NULL, 0, 0); }
static void pg_bind_blob(cs__stmt *st, int i, const void *p, size_t n)
{
    char *copy = cs__xmalloc(n ? n : 1);
    if (n) memcpy(copy, p, n);
    set_param(st, i, copy, n, 1);
}

/* Frees the bytea decoded for the current row. */
static void free_blobs(cs__stmt *st)
{
    if (!st->blobs) return;
    int n = st->res ? PQnfields(st->res) : 0;
    for (int c = 0; c < n; c++) PQfreemem(st->blobs[c]);
    free(st->blobs);
    free(st->blob_lens);
    st->blobs = NULL;
    st->blob_lens = NULL;
}

static int pg_step(cs__stmt *st, cs_diag *diag)
{
    free_blobs(st);
    if (!st->res) {
        st->res = PQexecPrepared(st->db->h, st->name, st->nparams, (const char *const *)st->values,
                                 st->lengths, st->formats, 0);
        st->row = -1;
        ExecStatusType s = PQresultStatus(st->res);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            db_error(st->db, diag, "step", st->res ? PQresultErrorMessage(st->res) : PQerrorMessage(st->db->h));
            PQclear(st->res);
            st->res = NULL;
            return CS__STEP_ERROR;
        }
    }
    if (st->row < PQntuples(st->res)) st->row++;
    return st->row < PQntuples(st->res) ? CS__STEP_ROW : CS__STEP_DONE;
}

/* Whether (current row, column i) exists. */
static int has_cell(cs__stmt *st, int i)
{
    return st->res && st->row >= 0 && st->row < PQntuples(st->res) && i >= 0 && i < PQnfields(st->res);
}

static int pg_column_is_null(cs__stmt *st, int i) { return !has_cell(st, i) || PQgetisnull(st->res, st->row, i); }
static const char *pg_column_text(cs__stmt *st, int i)
{
    return has_cell(st, i) ? PQgetvalue(st->res, st->row, i) : "";
}
static int64_t pg_column_int(cs__stmt *st, int i)
{
    const char *t = pg_column_text(st, i);
    if (t[0] == 't' && !t[1]) return 1; /* boolean */
    return strtoll(t, NULL, 10);
}
static double pg_column_double(cs__stmt *st, int i)
{
    const char *t = pg_column_text(st, i);
    if (t[0] == 't' && !t[1]) return 1;
    return strtod(t, NULL);
}
static const void *pg_column_blob(cs__stmt *st, int i, size_t *n)
{
    *n = 0;
    if (pg_column_is_null(st, i)) return NULL;
    const char *t = PQgetvalue(st->res, st->row, i);
    if (PQftype(st->res, i) != BYTEA_OID) {
        *n = (size_t)PQgetlength(st->res, st->row, i);
        return t;
    }
    if (!st->blobs) {
        size_t cols = (size_t)PQnfields(st->res);
        st->blobs = cs__xcalloc(cols, sizeof *st->blobs);
        st->blob_lens = cs__xcalloc(cols, sizeof *st->blob_lens);
    }
    if (!st->blobs[i]) {
        st->blobs[i] = PQunescapeBytea((const unsigned char *)t, &st->blob_lens[i]);
        if (!st->blobs[i]) {
            fprintf(stderr, "citystar: out of memory\n");
            abort();
        }
    }
    *n = st->blob_lens[i];
    return st->blobs[i];
}

static void pg_reset(cs__stmt *st)
{
    free_blobs(st);
    PQclear(st->res);
    st->res = NULL;
}

static void pg_finalize(cs__stmt *st)
{
    if (!st) return;
    pg_reset(st);
    /* a failed transaction refuses every command until ROLLBACK: the name is unique, so leave it */
    if (PQstatus(st->db->h) == CONNECTION_OK && PQtransactionStatus(st->db->h) != PQTRANS_INERROR) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
        PQclear(PQexec(st->db->h, sql));
    }
    for (int i = 0; i < st->nparams; i++) free(st->values[i]);
    free(st->values);
    free(st->lengths);
    free(st->formats);
    free(st);
}

/* Identity columns keep their own counter: move it past the largest id present. */
static cs_status pg_restart_ids(cs__db *db, const char *table, cs_diag *diag)
{
    int ok = table && *table;
    for (const char *p = table; ok && *p; p++) ok = (*p >= 'a' && *p <= 'z') || *p == '_';
    if (!ok) {
        cs__diag_add(diag, CS__ERROR, db->target, 0, 0, "数据库错误（restart_ids）/ database error (restart_ids): "
                     "表名无效 / invalid table name '%s'", table ? table : "");
        return CS_EDB;
    }
    cs__buf sql = {0};
    cs__buf_printf(&sql,
                   "SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE((SELECT max(id) FROM %s), 0) + 1, false)",
                   table, table);
    cs_status rc = pg_exec(db, cs__buf_str(&sql), diag);
    cs__buf_free(&sql);
    return rc;
}

const cs__backend cs__backend_pg = {
    .name = "postgresql",
    .id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .blob_type = "BYTEA",
    .keyed_table = "",
    .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
    .begin_write = "BEGIN",
    .lock_table = "LOCK TABLE %s IN EXCLUSIVE MODE",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .column_is_null = pg_column_is_null,
    .column_text = pg_column_text,
    .column_int = pg_column_int,
    .column_double = pg_column_double,
    .column_blob = pg_column_blob,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .restart_ids = pg_restart_ids,
};
