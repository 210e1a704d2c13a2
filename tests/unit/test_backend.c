/*
 * test_backend.c — the database back-ends behind the store, held to one contract: the same checks run on
 * SQLite (a temporary file) and on PostgreSQL (the test server whose conninfo is in the file named by
 * CITYSTAR_TEST_PG_FILE; without it the PostgreSQL half is skipped with a note). Values must come back
 * exactly as bound, parameters may be used out of order and more than once, errors carry the database's
 * message, a rolled-back transaction leaves nothing, and automatic ids follow restored ones.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "store/backend.h"

/* One back-end under test: the table of functions and where to connect. */
typedef struct {
    const cs__backend *be;
    char target[1024];
    cs__db *db;
} conn;

static conn sqlite_conn, pg_conn;

static int open_conn(void **state)
{
    conn *c = *state;
    if (c->be == &cs__backend_sqlite) {
        snprintf(c->target, sizeof c->target, "/tmp/citystar-test-backend-XXXXXX");
        int fd = mkstemp(c->target);
        if (fd < 0) return -1;
        close(fd);
    }
    cs_diag *d = cs_diag_new();
    cs_status rc = c->be->open(c->target, &c->db, d);
    if (rc != CS_OK) cs_diag_print(d, stderr);
    cs_diag_free(d);
    return rc == CS_OK ? 0 : -1;
}

static int close_conn(void **state)
{
    conn *c = *state;
    c->be->close(c->db);
    c->db = NULL;
    if (c->be == &cs__backend_sqlite) {
        char path[1100];
        unlink(c->target);
        snprintf(path, sizeof path, "%s-wal", c->target);
        unlink(path);
        snprintf(path, sizeof path, "%s-shm", c->target);
        unlink(path);
    }
    return 0;
}

/* Runs sql; fails the test with the database's message on error. */
static void exec_ok(conn *c, const char *sql)
{
    cs_diag *d = cs_diag_new();
    cs_status rc = c->be->exec(c->db, sql, d);
    if (rc != CS_OK) fail_msg("%s: %s", sql, cs_diag_count(d) ? cs_diag_text(d, 0) : "?");
    cs_diag_free(d);
}

static cs__stmt *prepare_ok(conn *c, const char *sql)
{
    cs_diag *d = cs_diag_new();
    cs__stmt *st = NULL;
    cs_status rc = c->be->prepare(c->db, sql, &st, d);
    if (rc != CS_OK) fail_msg("%s: %s", sql, cs_diag_count(d) ? cs_diag_text(d, 0) : "?");
    cs_diag_free(d);
    return st;
}

static int step_ok(conn *c, cs__stmt *st)
{
    cs_diag *d = cs_diag_new();
    int r = c->be->step(st, d);
    if (r == CS__STEP_ERROR) fail_msg("step: %s", cs_diag_count(d) ? cs_diag_text(d, 0) : "?");
    cs_diag_free(d);
    return r;
}

/* Creates table NAME (dropping an old one) with an automatic id and the given further columns. */
static void create_table(conn *c, const char *name, const char *columns)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s; CREATE TABLE %s (id %s, %s)", name, name, c->be->id_column,
             columns);
    exec_ok(c, sql);
}

static int64_t count_rows(conn *c, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    cs__stmt *st = prepare_ok(c, sql);
    assert_int_equal(step_ok(c, st), CS__STEP_ROW);
    int64_t n = c->be->column_int(st, 0);
    assert_int_equal(step_ok(c, st), CS__STEP_DONE);
    c->be->finalize(st);
    return n;
}

static void lower(char *s)
{
    for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

static const unsigned char blob_bytes[] = {'a', 0, 'b', 0, 0, 0xff, 0x80, '\\', 'x', '\'', 0};

/* One row as bound, to compare with what comes back. */
typedef struct {
    const char *name, *note; /* note NULL = SQL NULL */
    double x;
    int64_t n;
    const void *blob;
    size_t blob_len;
} row;

static const row rows[] = {
    {"济南 'quoted' $1 \\x00", NULL, 0.1, INT64_C(9007199254740993), blob_bytes, sizeof blob_bytes},
    {"second", "备注", 1e300, INT64_MIN, "", 0},
    {"third", "", 0.30000000000000004, -1, blob_bytes, 1}, /* 0.1 + 0.2: 17 significant digits */
    {"fourth", "", -0.0, INT64_MAX, blob_bytes, 3},
};
#define NROWS (sizeof rows / sizeof rows[0])

static void values_round_trip(void **state)
{
    conn *c = *state;
    char columns[256];
    snprintf(columns, sizeof columns, "name TEXT NOT NULL, copy TEXT, note TEXT, x DOUBLE PRECISION, n BIGINT, data %s",
             c->be->blob_type);
    create_table(c, "bk_values", columns);

    /* $1 twice, $2 before $1, $5 (the blob) last */
    cs__stmt *ins = prepare_ok(c, "INSERT INTO bk_values (x, name, copy, n, note, data) VALUES ($3, $1, $1, $2, $4, $5) "
                                  "RETURNING id");
    for (size_t r = 0; r < NROWS; r++) {
        if (r > 0) c->be->reset(ins);
        c->be->bind_text(ins, 1, rows[r].name);
        c->be->bind_int(ins, 2, rows[r].n);
        c->be->bind_double(ins, 3, rows[r].x);
        if (rows[r].note) c->be->bind_text(ins, 4, rows[r].note);
        else c->be->bind_null(ins, 4);
        c->be->bind_blob(ins, 5, rows[r].blob, rows[r].blob_len);
        assert_int_equal(step_ok(c, ins), CS__STEP_ROW);
        assert_int_equal(c->be->column_int(ins, 0), (int64_t)r + 1);
        assert_int_equal(step_ok(c, ins), CS__STEP_DONE);
    }
    /* bindings are kept across reset: only the name changes, note is bound SQL NULL through bind_text */
    c->be->reset(ins);
    c->be->bind_text(ins, 1, "fifth");
    c->be->bind_text(ins, 4, NULL);
    assert_int_equal(step_ok(c, ins), CS__STEP_ROW);
    assert_int_equal(c->be->column_int(ins, 0), (int64_t)NROWS + 1);
    c->be->finalize(ins);

    cs__stmt *sel = prepare_ok(c, "SELECT id, name, copy, note, x, n, data FROM bk_values ORDER BY id");
    for (int pass = 0; pass < 2; pass++) {
        if (pass) c->be->reset(sel);
        for (size_t r = 0; r <= NROWS; r++) {
            const row *w = &rows[r < NROWS ? r : NROWS - 1];
            assert_int_equal(step_ok(c, sel), CS__STEP_ROW);
            assert_int_equal(c->be->column_int(sel, 0), (int64_t)r + 1);
            const char *name = r < NROWS ? w->name : "fifth";
            assert_string_equal(c->be->column_text(sel, 1), name);
            assert_string_equal(c->be->column_text(sel, 2), name);
            const char *note = r < NROWS ? w->note : NULL;
            assert_int_equal(c->be->column_is_null(sel, 3), note == NULL);
            assert_string_equal(c->be->column_text(sel, 3), note ? note : "");
            assert_false(c->be->column_is_null(sel, 4));
            double x = c->be->column_double(sel, 4);
            if (memcmp(&x, &w->x, sizeof x) != 0) {
                /* SQLite stores a REAL that is a whole number as an integer, so -0.0 comes back as 0.0 */
                assert_true(c->be == &cs__backend_sqlite && x == 0.0 && w->x == 0.0);
            }
            assert_int_equal(c->be->column_int(sel, 5), w->n);
            assert_false(c->be->column_is_null(sel, 6));
            size_t n = 99;
            const void *p = c->be->column_blob(sel, 6, &n);
            assert_int_equal(n, w->blob_len);
            if (n) assert_memory_equal(p, w->blob, n);
            /* asking again gives the same bytes */
            p = c->be->column_blob(sel, 6, &n);
            assert_int_equal(n, w->blob_len);
            if (n) assert_memory_equal(p, w->blob, n);
        }
        assert_int_equal(step_ok(c, sel), CS__STEP_DONE);
    }
    c->be->finalize(sel);

    /* numbers read as text, and a NULL column's blob */
    cs__stmt *q = prepare_ok(c, "SELECT n, x, note, data FROM bk_values WHERE id = $1");
    c->be->bind_int(q, 1, 1);
    assert_int_equal(step_ok(c, q), CS__STEP_ROW);
    assert_string_equal(c->be->column_text(q, 0), "9007199254740993");
    assert_true(strtod(c->be->column_text(q, 1), NULL) == 0.1);
    size_t n = 99;
    assert_null(c->be->column_blob(q, 2, &n));
    assert_int_equal(n, 0);
    assert_int_equal(step_ok(c, q), CS__STEP_DONE);
    c->be->finalize(q);
}

static void parameters_in_literals_and_comments(void **state)
{
    conn *c = *state;
    create_table(c, "bk_params", "name TEXT, note TEXT");
    /* "$7" and "$9" are not parameters: only $1 and $2 need binding */
    cs__stmt *ins = prepare_ok(c, "INSERT INTO bk_params (name, note) -- $9\n"
                                  "VALUES ($2 /* $8 */, $1 || '$7')");
    c->be->bind_text(ins, 1, "a");
    c->be->bind_text(ins, 2, "b");
    assert_int_equal(step_ok(c, ins), CS__STEP_DONE);
    c->be->finalize(ins);
    cs__stmt *sel = prepare_ok(c, "SELECT name, note, 'it''s $3' FROM bk_params WHERE name = $1");
    c->be->bind_text(sel, 1, "b");
    assert_int_equal(step_ok(c, sel), CS__STEP_ROW);
    assert_string_equal(c->be->column_text(sel, 1), "a$7");
    assert_string_equal(c->be->column_text(sel, 2), "it's $3");
    assert_int_equal(step_ok(c, sel), CS__STEP_DONE);
    c->be->finalize(sel);
}

static void errors_carry_the_message(void **state)
{
    conn *c = *state;
    cs_diag *d = cs_diag_new();
    cs__stmt *st = NULL;
    /* a syntax error: at prepare time in both */
    assert_int_equal(c->be->prepare(c->db, "SELEC 1", &st, d), CS_EDB);
    assert_null(st);
    assert_int_equal(cs_diag_errors(d), 1);
    assert_contains(cs_diag_text(d, 0), "syntax error");
    assert_contains(cs_diag_text(d, 0), "database error");
    assert_int_equal(c->be->exec(c->db, "CREATE TABLEX bk_nothing (a INT)", d), CS_EDB);
    assert_int_equal(cs_diag_errors(d), 2);
    assert_contains(cs_diag_text(d, 1), "syntax error");
    /* several statements in one exec */
    exec_ok(c, "DROP TABLE IF EXISTS bk_two; CREATE TABLE bk_two (a INT); INSERT INTO bk_two VALUES (1)");
    assert_int_equal(count_rows(c, "bk_two"), 1);

    /* a unique violation fails the step, and the statement runs again after reset */
    create_table(c, "bk_unique", "code TEXT UNIQUE");
    cs__stmt *ins = prepare_ok(c, "INSERT INTO bk_unique (code) VALUES ($1)");
    c->be->bind_text(ins, 1, "a");
    assert_int_equal(step_ok(c, ins), CS__STEP_DONE);
    c->be->reset(ins);
    assert_int_equal(c->be->step(ins, d), CS__STEP_ERROR);
    assert_int_equal(cs_diag_errors(d), 3);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", cs_diag_text(d, 2));
    lower(msg);
    assert_contains(msg, "unique");
    c->be->reset(ins);
    c->be->bind_text(ins, 1, "b");
    assert_int_equal(step_ok(c, ins), CS__STEP_DONE);
    c->be->finalize(ins);
    assert_int_equal(count_rows(c, "bk_unique"), 2);
    cs_diag_free(d);
}

static void rollback_undoes(void **state)
{
    conn *c = *state;
    create_table(c, "bk_tx", "name TEXT UNIQUE");
    cs__stmt *ins = prepare_ok(c, "INSERT INTO bk_tx (name) VALUES ($1)");

    exec_ok(c, c->be->begin_write);
    c->be->bind_text(ins, 1, "gone");
    assert_int_equal(step_ok(c, ins), CS__STEP_DONE);
    assert_int_equal(count_rows(c, "bk_tx"), 1);
    exec_ok(c, "ROLLBACK");
    assert_int_equal(count_rows(c, "bk_tx"), 0);

    exec_ok(c, c->be->begin_write);
    c->be->reset(ins);
    c->be->bind_text(ins, 1, "kept");
    assert_int_equal(step_ok(c, ins), CS__STEP_DONE);
    exec_ok(c, "COMMIT");
    assert_int_equal(count_rows(c, "bk_tx"), 1);

    /* a failed statement inside a transaction, then ROLLBACK: the connection works again */
    exec_ok(c, c->be->begin_write);
    c->be->reset(ins);
    c->be->bind_text(ins, 1, "other");
    assert_int_equal(step_ok(c, ins), CS__STEP_DONE);
    c->be->reset(ins);
    c->be->bind_text(ins, 1, "kept");
    cs_diag *d = cs_diag_new();
    assert_int_equal(c->be->step(ins, d), CS__STEP_ERROR);
    cs_diag_free(d);
    exec_ok(c, "ROLLBACK");
    assert_int_equal(count_rows(c, "bk_tx"), 1);
    c->be->finalize(ins);
}

static void restart_ids_follow_restored_rows(void **state)
{
    conn *c = *state;
    create_table(c, "bk_ids", "name TEXT");
    cs__stmt *ins = prepare_ok(c, "INSERT INTO bk_ids (id, name) VALUES ($1, $2)");
    int64_t ids[] = {10, 42, 7};
    for (size_t i = 0; i < 3; i++) {
        c->be->reset(ins);
        c->be->bind_int(ins, 1, ids[i]);
        c->be->bind_text(ins, 2, "restored");
        assert_int_equal(step_ok(c, ins), CS__STEP_DONE);
    }
    c->be->finalize(ins);
    cs_diag *d = cs_diag_new();
    assert_int_equal(c->be->restart_ids(c->db, "bk_ids", d), CS_OK);
    cs__stmt *add = prepare_ok(c, "INSERT INTO bk_ids (name) VALUES ($1) RETURNING id");
    c->be->bind_text(add, 1, "new");
    assert_int_equal(step_ok(c, add), CS__STEP_ROW);
    assert_int_equal(c->be->column_int(add, 0), 43);
    assert_int_equal(step_ok(c, add), CS__STEP_DONE);
    c->be->finalize(add);
    if (c->be == &cs__backend_pg) {
        /* the table name goes into SQL: only [a-z_]+ is accepted */
        assert_int_equal(c->be->restart_ids(c->db, "bk_ids; DROP TABLE bk_ids", d), CS_EDB);
        assert_contains(cs_diag_text(d, 0), "invalid table name");
        assert_int_equal(count_rows(c, "bk_ids"), 4);
    }
    cs_diag_free(d);
}

static void open_failure_names_target_without_password(void **state)
{
    conn *c = *state;
    cs_diag *d = cs_diag_new();
    cs__db *db = (cs__db *)1;
    if (c->be == &cs__backend_sqlite) {
        assert_int_equal(c->be->open("/nonexistent-dir/x.db", &db, d), CS_EDB);
        assert_null(db);
        assert_contains(cs_diag_text(d, 0), "/nonexistent-dir/x.db");
    } else {
        assert_int_equal(c->be->open("host=/nonexistent-dir port=5 dbname=x password=s3cret user=u", &db, d), CS_EDB);
        assert_null(db);
        assert_contains(cs_diag_text(d, 0), "host=/nonexistent-dir port=5 dbname=x user=u:");
        assert_contains(cs_diag_text(d, 0), "cannot connect");
        assert_null(strstr(cs_diag_text(d, 0), "s3cret"));
        assert_int_equal(c->be->open("password = 's3 cret\\'' host=/nonexistent-dir", &db, d), CS_EDB);
        assert_null(strstr(cs_diag_text(d, 1), "s3"));
        assert_contains(cs_diag_text(d, 1), "host=/nonexistent-dir:");
        assert_int_equal(c->be->open("postgresql://bob:s3cret@/x?host=/nonexistent-dir&password=s3cret&port=5", &db, d),
                         CS_EDB);
        assert_null(strstr(cs_diag_text(d, 2), "s3cret"));
        assert_contains(cs_diag_text(d, 2), "postgresql://bob@/x?host=/nonexistent-dir&port=5:");
    }
    cs_diag_free(d);
}

/* Reads the conninfo the test server printed; 0 when there is none. */
static int read_pg_target(char *out, size_t size)
{
    const char *file = getenv("CITYSTAR_TEST_PG_FILE");
    if (!file || !*file) return 0;
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "test_backend: cannot read CITYSTAR_TEST_PG_FILE=%s\n", file);
        exit(1);
    }
    if (!fgets(out, (int)size, f)) out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    if (!out[0]) {
        fprintf(stderr, "test_backend: %s is empty (did pg_start fail?)\n", file);
        exit(1);
    }
    return 1;
}

#define CHECKS(X)                                                                                            \
    X(values_round_trip)                                                                                     \
    X(parameters_in_literals_and_comments)                                                                   \
    X(errors_carry_the_message)                                                                              \
    X(rollback_undoes)                                                                                       \
    X(restart_ids_follow_restored_rows)                                                                      \
    X(open_failure_names_target_without_password)

int main(void)
{
    sqlite_conn.be = &cs__backend_sqlite;
    pg_conn.be = &cs__backend_pg;
    int with_pg = read_pg_target(pg_conn.target, sizeof pg_conn.target);
    if (!with_pg) printf("note: CITYSTAR_TEST_PG_FILE is not set: the PostgreSQL checks are skipped\n");

    const struct CMUnitTest sqlite_tests[] = {
#define X(f) {"sqlite: " #f, f, open_conn, close_conn, &sqlite_conn},
        CHECKS(X)
#undef X
    };
    const struct CMUnitTest pg_tests[] = {
#define X(f) {"postgresql: " #f, f, open_conn, close_conn, &pg_conn},
        CHECKS(X)
#undef X
    };
    int failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
    if (with_pg) failed += cmocka_run_group_tests_name("postgresql", pg_tests, NULL, NULL);
    return failed;
}
