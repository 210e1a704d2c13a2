/*
 * backend.h — the face a database back-end shows to the store: open a connection, run SQL,
 * prepared statements with numbered parameters, transactions. One file per back-end
 * (backend_sqlite.c, backend_pg.c) fills a cs__backend table of function pointers; store.c
 * writes its SQL once, with $1, $2 … placeholders, and never asks which back-end it talks to
 * except through the dialect strings below. Internal to the storage layer.
 */
#ifndef CS_STORE_BACKEND_H
#define CS_STORE_BACKEND_H

#include <stdint.h>

#include "util/util.h"

typedef struct cs__db cs__db;     /* a connection, defined by each back-end */
typedef struct cs__stmt cs__stmt; /* a prepared statement, defined by each back-end */

/* Result of stepping a statement. */
enum { CS__STEP_ERROR = -1, CS__STEP_DONE = 0, CS__STEP_ROW = 1 };

typedef struct cs__backend {
    const char *name;             /* "sqlite" or "postgresql" */
    /* Dialect: the column type of an auto-numbered primary key, and of binary content. */
    const char *id_column;        /* e.g. "INTEGER PRIMARY KEY" / "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" */
    const char *blob_type;        /* "BLOB" / "BYTEA" */
    const char *keyed_table;      /* after a table whose primary key is its only access path:
                                   * " WITHOUT ROWID" / "" */
    const char *begin_write;      /* starts a write transaction: "BEGIN IMMEDIATE" / "BEGIN" */
    const char *begin_read;       /* starts a read transaction that sees one moment throughout */
    /* Run inside a write transaction to keep other writers off one table until it ends (revisions
     * numbered by the store, the audit chain, login attempts); %s is the table. "" when
     * begin_write already excludes every other writer. */
    const char *lock_table;

    /* Opens target (a file path, or a libpq connection string / URI); *out (OUT) is the
     * connection. Errors name the target. */
    cs_status (*open)(const char *target, cs__db **out, cs_diag *diag);
    void (*close)(cs__db *db);

    /* Runs one or more SQL statements without parameters or results (DDL, BEGIN …). */
    cs_status (*exec)(cs__db *db, const char *sql, cs_diag *diag);

    /* Prepares one statement whose parameters are written $1, $2 …; *out (OUT) is owned by the
     * caller and freed with finalize. */
    cs_status (*prepare)(cs__db *db, const char *sql, cs__stmt **out, cs_diag *diag);
    /* Binds parameter i (1-based); the text and blob bytes are copied. */
    void (*bind_text)(cs__stmt *st, int i, const char *s); /* NULL binds SQL NULL */
    void (*bind_int)(cs__stmt *st, int i, int64_t v);
    void (*bind_double)(cs__stmt *st, int i, double v);
    void (*bind_null)(cs__stmt *st, int i);
    void (*bind_blob)(cs__stmt *st, int i, const void *p, size_t n);
    /* Executes (first call) and moves to the next row: CS__STEP_ROW, CS__STEP_DONE, or
     * CS__STEP_ERROR with the database's message in diag. */
    int (*step)(cs__stmt *st, cs_diag *diag);
    /* Columns of the current row, 0-based. Text stays valid until the next step or reset. */
    int (*column_is_null)(cs__stmt *st, int i);
    const char *(*column_text)(cs__stmt *st, int i); /* "" for NULL */
    int64_t (*column_int)(cs__stmt *st, int i);
    double (*column_double)(cs__stmt *st, int i);
    /* Blob bytes of column i; *n (OUT) their length. Valid until the next step or reset. */
    const void *(*column_blob)(cs__stmt *st, int i, size_t *n);
    /* Makes the statement ready to run again; bindings are kept until rebound. */
    void (*reset)(cs__stmt *st);
    void (*finalize)(cs__stmt *st);

    /* After rows were inserted with explicit ids (restore), makes the next automatic id of
     * table.id follow the largest one. */
    cs_status (*restart_ids)(cs__db *db, const char *table, cs_diag *diag);
} cs__backend;

extern const cs__backend cs__backend_sqlite;
extern const cs__backend cs__backend_pg;

#endif
