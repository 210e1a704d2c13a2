/*
 * audit.c — the tamper-evident audit log. Every write of the store appends one entry in the same
 * transaction as the write itself: who, when, from where, what (action and object) and what
 * changed (a JSON object with before and after). Entries are numbered 1, 2, 3 … with no gaps and
 * each carries the SHA-256 of its own content and of the entry before it, so editing or deleting
 * any entry breaks the chain at that entry; `citystar audit verify` walks it and names the first
 * broken one. Truncating the newest entries is detected by comparing the head hash with one kept
 * elsewhere (verify prints it).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

void cs_store_set_origin(cs_store *s, const char *origin)
{
    snprintf(s->origin, sizeof s->origin, "%s", origin && *origin ? origin : "");
}

/* The hash of one entry: every field length-prefixed, so no two different entries hash the same
 * text. */
static void entry_hash(int64_t id, const char *at, const char *actor, const char *origin, const char *action,
                       const char *object, const char *detail, const char *prev, char out[65])
{
    cs__sha256 h;
    cs__sha256_init(&h);
    char head[64]; /* room for any 64-bit id */
    int n = snprintf(head, sizeof head, "citystar-audit-1\n%lld\n", (long long)id);
    cs__sha256_update(&h, head, n > 0 && (size_t)n < sizeof head ? (size_t)n : strlen(head));
    const char *fields[] = {at, actor, origin, action, object, detail, prev};
    for (int i = 0; i < 7; i++) {
        char len[24];
        int k = snprintf(len, sizeof len, "%zu:", strlen(fields[i]));
        cs__sha256_update(&h, len, (size_t)k);
        cs__sha256_update(&h, fields[i], strlen(fields[i]));
        cs__sha256_update(&h, "\n", 1);
    }
    cs__sha256_final(&h, out);
}

cs_status cs__audit_append(cs_store *s, const char *actor, const char *action, const char *object, json_t *detail,
                           cs_diag *diag)
{
    cs_status rc = CS_OK;
    char *text = NULL;
    /* two servers never chain onto the same entry */
    if (cs__store_lock_table(s, "audit", diag) != CS_OK) {
        json_decref(detail);
        return CS_EDB;
    }
    cs__stmt *last = cs__store_prepare(s, "SELECT id, sha256 FROM audit ORDER BY id DESC LIMIT 1", diag);
    if (!last) {
        json_decref(detail);
        return CS_EDB;
    }
    int64_t id = 1;
    char prev[65] = GENESIS;
    int r = s->be->step(last, diag);
    if (r == CS__STEP_ROW) {
        id = s->be->column_int(last, 0) + 1;
        snprintf(prev, sizeof prev, "%s", s->be->column_text(last, 1));
    }
    s->be->finalize(last);
    if (r == CS__STEP_ERROR) {
        json_decref(detail);
        return CS_EDB;
    }
    text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    const char *dtext = text ? text : "{}";
    const char *origin = *s->origin ? s->origin : "cli";
    char at[32], hash[65];
    cs__store_now(at);
    entry_hash(id, at, actor, origin, action, object, dtext, prev, hash);
    cs__stmt *ins = cs__store_prepare(s,
                                      "INSERT INTO audit (id, at, actor, origin, action, object, detail, prev_sha256, sha256)"
                                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", diag);
    if (!ins) {
        free(text);
        return CS_EDB;
    }
    s->be->bind_int(ins, 1, id);
    s->be->bind_text(ins, 2, at);
    s->be->bind_text(ins, 3, actor);
    s->be->bind_text(ins, 4, origin);
    s->be->bind_text(ins, 5, action);
    s->be->bind_text(ins, 6, object);
    s->be->bind_text(ins, 7, dtext);
    s->be->bind_text(ins, 8, prev);
    s->be->bind_text(ins, 9, hash);
    if (s->be->step(ins, diag) == CS__STEP_ERROR) rc = CS_EDB;
    s->be->finalize(ins);
    free(text);
    return rc;
}

#define AUDIT_COLUMNS "id, at, actor, origin, action, object, detail, prev_sha256, sha256"

static void entry_from_row(cs_store *s, cs__stmt *st, cs_audit_entry *e)
{
    e->id = s->be->column_int(st, 0);
    const char **f[] = {&e->at, &e->actor, &e->origin, &e->action, &e->object, &e->detail, &e->prev_sha256, &e->sha256};
    for (int i = 0; i < 8; i++) *f[i] = s->be->column_text(st, i + 1);
}

cs_status cs_store_audit(cs_store *s, int64_t after_id, size_t limit, int newest_first, cs_audit_fn fn, void *ctx,
                         cs_diag *diag)
{
    const char *sql = newest_first
                          ? "SELECT " AUDIT_COLUMNS " FROM audit WHERE ($1 = 0 OR id < $1) ORDER BY id DESC LIMIT $2"
                          : "SELECT " AUDIT_COLUMNS " FROM audit WHERE id > $1 ORDER BY id LIMIT $2";
    cs__stmt *st = cs__store_prepare(s, sql, diag);
    if (!st) return CS_EDB;
    s->be->bind_int(st, 1, after_id);
    s->be->bind_int(st, 2, limit ? (int64_t)limit : INT64_MAX);
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        cs_audit_entry e;
        entry_from_row(s, st, &e);
        if (fn(ctx, &e)) break;
    }
    s->be->finalize(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

cs_status cs_store_audit_verify(cs_store *s, int64_t *count, char head[65], int64_t *broken, cs_diag *diag)
{
    *count = 0;
    *broken = 0;
    snprintf(head, 65, "%s", GENESIS);
    cs_status rc = s->be->exec(s->db, s->be->begin_read, diag);
    if (rc != CS_OK) return rc;
    cs__stmt *st = cs__store_prepare(s, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id", diag);
    if (!st) {
        s->be->exec(s->db, "ROLLBACK", diag);
        return CS_EDB;
    }
    int64_t expect = 1;
    char prev[65] = GENESIS;
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        cs_audit_entry e;
        entry_from_row(s, st, &e);
        char hash[65];
        entry_hash(e.id, e.at, e.actor, e.origin, e.action, e.object, e.detail, e.prev_sha256, hash);
        if (e.id != expect) {
            *broken = expect;
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                         "审计日志第 %lld 条缺失（下一条是第 %lld 条）：记录被删除 / audit entry %lld is missing (next is %lld): deleted",
                         (long long)expect, (long long)e.id, (long long)expect, (long long)e.id);
        } else if (strcmp(e.prev_sha256, prev)) {
            *broken = e.id;
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                         "审计日志第 %lld 条记录的前序哈希与第 %lld 条不符：链条在此断开 / audit entry %lld does not chain onto entry %lld",
                         (long long)e.id, (long long)e.id - 1, (long long)e.id, (long long)e.id - 1);
        } else if (strcmp(hash, e.sha256)) {
            *broken = e.id;
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                         "审计日志第 %lld 条记录的内容与其哈希不符：已被改动（%s，%s，%s）/ audit entry %lld was altered: its content does not match its hash",
                         (long long)e.id, e.at, e.actor, e.action, (long long)e.id);
        }
        if (*broken) break;
        snprintf(prev, sizeof prev, "%s", e.sha256);
        expect++;
        (*count)++;
    }
    s->be->finalize(st);
    s->be->exec(s->db, "COMMIT", diag);
    if (r == CS__STEP_ERROR) return CS_EDB;
    snprintf(head, 65, "%s", prev);
    return *broken ? CS_EDATA : CS_OK;
}
