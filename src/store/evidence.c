/*
 * evidence.c — evidence files (证明材料) attached to values or indicators, kept once per
 * content by SHA-256 inside the database (so a backup holds them and every server sharing a
 * PostgreSQL database sees them), and snapshots of score results tied to the data they came
 * from. Files are only ever addressed by their link id: a stored name is never used as a path.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "store_int.h"

/* The last path component of name, without control characters; "证明材料" when nothing is left. */
static char *safe_name(const char *name)
{
    const char *base = name ? name : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\') base = p + 1;
    cs__buf b = {0};
    for (const char *p = base; *p; p++)
        if ((unsigned char)*p >= 0x20 && *p != 0x7f) cs__buf_appendn(&b, p, 1);
    const char *s = cs__buf_str(&b);
    char *out = cs__xstrdup(*s && strcmp(s, ".") && strcmp(s, "..") ? s : "证明材料");
    cs__buf_free(&b);
    return out;
}

/* A media type from the file name's extension. */
static const char *guess_type(const char *name)
{
    static const char *const map[][2] = {
        {".pdf", "application/pdf"},   {".png", "image/png"},       {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},       {".gif", "image/gif"},       {".txt", "text/plain"},
        {".csv", "text/csv"},          {".zip", "application/zip"}, {".ofd", "application/ofd"},
        {".doc", "application/msword"}, {".xls", "application/vnd.ms-excel"},
        {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(dot, map[i][0])) return map[i][1];
    return "application/octet-stream";
}

cs_status cs_store_add_evidence(cs_store *s, const void *bytes, size_t n, const char *file_name, const char *media_type,
                                const char *region, const char *period, const char *element, const char *indicator,
                                const char *framework, const char *actor, const char *note, int64_t *out_id,
                                cs_diag *diag)
{
    char sha[65], now[32];
    cs__sha256_hex(bytes, n, sha);
    cs__store_now(now);
    char *name = safe_name(file_name);
    cs__stmt *blob = NULL, *link = NULL;
    cs_region reg;
    cs_status rc = cs_store_region(s, region, &reg, diag);
    if (rc != CS_OK) {
        if (rc == CS_ENOTFOUND) cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "地区代码 %s 不存在 / unknown region %s", region, region);
        goto out;
    }
    int future = 0;
    if (!cs__store_period_ok(period, &future)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "年度 '%s' 无效 / invalid period '%s'", period, period);
        rc = CS_EUSAGE;
        goto out;
    }
    int locked = 0;
    if ((rc = cs_store_round_locked(s, period, &locked, diag)) != CS_OK) goto out;
    if (locked) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "%s 年度的评估已锁定，不能再添加证明材料 / the %s round is locked", period, period);
        rc = CS_ELOCKED;
        goto out;
    }
    /* a closed assessment round of the region and period takes no more evidence either */
    {
        cs__stmt *st = cs__store_prepare(s, "SELECT id FROM assessment WHERE region = $1 AND period = $2 AND state = 'closed'", diag);
        if (!st) {
            rc = CS_EDB;
            goto out;
        }
        s->be->bind_text(st, 1, region);
        s->be->bind_text(st, 2, period);
        int r = s->be->step(st, diag);
        int64_t closed = r == CS__STEP_ROW ? s->be->column_int(st, 0) : 0;
        s->be->finalize(st);
        if (r == CS__STEP_ERROR) {
            rc = CS_EDB;
            goto out;
        }
        if (closed) {
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                         "评估轮次 %lld（%s %s 年度）已关闭锁定，不能再添加证明材料 / round %lld is closed: no more evidence",
                         (long long)closed, region, period, (long long)closed);
            rc = CS_ELOCKED;
            goto out;
        }
    }
    if ((rc = cs__store_begin(s, diag)) != CS_OK) goto out;
    blob = cs__store_prepare(s, "INSERT INTO evidence_blob (sha256, size, content) VALUES ($1, $2, $3)"
                                " ON CONFLICT (sha256) DO NOTHING", diag);
    link = cs__store_prepare(s, "INSERT INTO evidence (sha256, file_name, media_type, region, period, element, indicator,"
                                " framework, actor, at, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                             diag);
    if (!blob || !link) {
        rc = CS_EDB;
        goto fail;
    }
    s->be->bind_text(blob, 1, sha);
    s->be->bind_int(blob, 2, (int64_t)n);
    s->be->bind_blob(blob, 3, bytes, n);
    if (s->be->step(blob, diag) == CS__STEP_ERROR) {
        rc = CS_EDB;
        goto fail;
    }
    const char *args[] = {sha, name, media_type && *media_type ? media_type : guess_type(name), region, period,
                          element ? element : "", indicator ? indicator : "", framework ? framework : "",
                          actor ? actor : "unknown", now, note};
    for (int i = 0; i < 11; i++) s->be->bind_text(link, i + 1, args[i]);
    int r = s->be->step(link, diag);
    int64_t link_id = r == CS__STEP_ROW ? s->be->column_int(link, 0) : 0;
    if (out_id) *out_id = link_id;
    if (r == CS__STEP_ROW) r = s->be->step(link, diag);
    if (r == CS__STEP_ERROR) {
        rc = CS_EDB;
        goto fail;
    }
    {
        char object[48];
        snprintf(object, sizeof object, "evidence/%lld", (long long)link_id);
        json_t *detail = json_pack("{s:n, s:{s:s, s:s, s:I, s:s, s:s, s:s, s:s}}", "before", "after", "file_name", name,
                                   "sha256", sha, "size", (json_int_t)n, "region", region, "period", period, "element",
                                   element ? element : "", "indicator", indicator ? indicator : "");
        rc = cs__audit_append(s, actor ? actor : "unknown", "evidence.add", object, detail, diag);
    }
fail:
    /* statements end before the transaction does */
    s->be->finalize(blob);
    s->be->finalize(link);
    if (rc == CS_OK) rc = cs__store_commit(s, diag);
    else cs__store_rollback(s);
out:
    free(name);
    return rc;
}

#define EVIDENCE_COLUMNS                                                                                         \
    " e.id, e.sha256, e.file_name, e.media_type, b.size, e.region, e.period, e.element, e.indicator,"              \
    " e.framework, e.actor, e.at, e.note FROM evidence e JOIN evidence_blob b ON b.sha256 = e.sha256"
#define EVIDENCE_SELECT "SELECT" EVIDENCE_COLUMNS

static void evidence_from_row(cs_store *s, cs__stmt *st, cs_evidence *e)
{
    e->id = s->be->column_int(st, 0);
    e->sha256 = s->be->column_text(st, 1);
    e->file_name = s->be->column_text(st, 2);
    e->media_type = s->be->column_text(st, 3);
    e->size = s->be->column_int(st, 4);
    e->region = s->be->column_text(st, 5);
    e->period = s->be->column_text(st, 6);
    e->element = s->be->column_text(st, 7);
    e->indicator = s->be->column_text(st, 8);
    e->framework = s->be->column_text(st, 9);
    e->actor = s->be->column_text(st, 10);
    e->at = s->be->column_text(st, 11);
    e->note = s->be->column_text(st, 12);
}

cs_status cs_store_evidence(cs_store *s, const char *region, const char *period, cs_evidence_fn fn, void *ctx,
                            cs_diag *diag)
{
    cs__strmap subtree = {0};
    cs_status rc = CS_OK;
    if (region && (rc = cs__store_region_subtree(s, region, &subtree, diag)) != CS_OK) goto out;
    /* the CAST tells PostgreSQL the parameter's type, which "$1 IS NULL" alone does not */
    cs__stmt *st = cs__store_prepare(s, EVIDENCE_SELECT " WHERE (CAST($1 AS TEXT) IS NULL OR e.period = $1)"
                                        " ORDER BY e.region, e.period, e.id", diag);
    if (!st) {
        rc = CS_EDB;
        goto out;
    }
    s->be->bind_text(st, 1, period);
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        cs_evidence e;
        evidence_from_row(s, st, &e);
        if (region && cs__strmap_find(&subtree, e.region) < 0) continue;
        if (fn(ctx, &e)) break;
    }
    if (r == CS__STEP_ERROR) rc = CS_EDB;
    s->be->finalize(st);
out:
    cs__strmap_free(&subtree);
    return rc;
}

cs_status cs_store_evidence_content(cs_store *s, int64_t id, void **bytes, size_t *n, cs_evidence_fn fn, void *ctx,
                                    cs_diag *diag)
{
    *bytes = NULL;
    *n = 0;
    cs__stmt *st = cs__store_prepare(s, "SELECT b.content," EVIDENCE_COLUMNS " WHERE e.id = $1", diag);
    if (!st) return CS_EDB;
    s->be->bind_int(st, 1, id);
    cs_status rc = CS_OK;
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) {
        size_t len = 0;
        const void *p = s->be->column_blob(st, 0, &len);
        *bytes = cs__xmalloc(len ? len : 1);
        if (len) memcpy(*bytes, p, len);
        *n = len;
        if (fn) {
            /* the record's columns follow the content column */
            cs_evidence e;
            e.id = s->be->column_int(st, 1);
            e.sha256 = s->be->column_text(st, 2);
            e.file_name = s->be->column_text(st, 3);
            e.media_type = s->be->column_text(st, 4);
            e.size = s->be->column_int(st, 5);
            e.region = s->be->column_text(st, 6);
            e.period = s->be->column_text(st, 7);
            e.element = s->be->column_text(st, 8);
            e.indicator = s->be->column_text(st, 9);
            e.framework = s->be->column_text(st, 10);
            e.actor = s->be->column_text(st, 11);
            e.at = s->be->column_text(st, 12);
            e.note = s->be->column_text(st, 13);
            fn(ctx, &e);
        }
        char sha[65];
        cs__sha256_hex(*bytes, *n, sha);
        if (strcmp(sha, s->be->column_text(st, 2))) {
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "证明材料 %lld 的内容与其校验值不符 / evidence %lld does not match its SHA-256",
                         (long long)id, (long long)id);
            free(*bytes);
            *bytes = NULL;
            *n = 0;
            rc = CS_EDB;
        }
    } else if (r == CS__STEP_DONE) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有编号为 %lld 的证明材料 / no evidence %lld", (long long)id, (long long)id);
        rc = CS_ENOTFOUND;
    } else {
        rc = CS_EDB;
    }
    s->be->finalize(st);
    return rc;
}

/* ---- Snapshots ------------------------------------------------------------------------------- */

cs_status cs__store_save_snapshot_in(cs_store *s, const cs_snapshot *snap, int64_t *out_id, cs_diag *diag)
{
    char now[32];
    cs__store_now(now);
    cs__stmt *st = cs__store_prepare(s, "INSERT INTO snapshot (framework, framework_sha256, period, scope, as_of, data_sha256,"
                                        " regions, actor, at, note, results) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                                        " RETURNING id", diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, snap->framework);
    s->be->bind_text(st, 2, snap->framework_sha256);
    s->be->bind_text(st, 3, snap->period);
    s->be->bind_text(st, 4, snap->scope);
    s->be->bind_int(st, 5, snap->as_of);
    s->be->bind_text(st, 6, snap->data_sha256);
    s->be->bind_int(st, 7, snap->regions);
    s->be->bind_text(st, 8, snap->actor ? snap->actor : "unknown");
    s->be->bind_text(st, 9, now);
    s->be->bind_text(st, 10, snap->note);
    s->be->bind_text(st, 11, snap->results);
    int64_t id = 0;
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) id = s->be->column_int(st, 0), r = s->be->step(st, diag);
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) return CS_EDB;
    if (out_id) *out_id = id;
    char object[48];
    snprintf(object, sizeof object, "snapshot/%lld", (long long)id);
    json_t *detail = json_pack("{s:s, s:s, s:s, s:I, s:s, s:i}", "framework", snap->framework, "period", snap->period, "scope",
                               snap->scope, "as_of", (json_int_t)snap->as_of, "data_sha256", snap->data_sha256, "regions",
                               snap->regions);
    return cs__audit_append(s, snap->actor ? snap->actor : "unknown", "snapshot.save", object, detail, diag);
}

cs_status cs_store_save_snapshot(cs_store *s, const cs_snapshot *snap, int64_t *out_id, cs_diag *diag)
{
    cs_status rc = cs__store_begin(s, diag);
    if (rc != CS_OK) return rc;
    if ((rc = cs__store_save_snapshot_in(s, snap, out_id, diag)) != CS_OK) {
        cs__store_rollback(s);
        return rc;
    }
    return cs__store_commit(s, diag);
}

cs_status cs_store_snapshots(cs_store *s, int64_t id, int with_results, cs_snapshot_fn fn, void *ctx, cs_diag *diag)
{
    cs__stmt *st = cs__store_prepare(s, with_results
                                            ? "SELECT id, framework, framework_sha256, period, scope, as_of, data_sha256, regions,"
                                              " actor, at, note, results FROM snapshot WHERE ($1 = 0 OR id = $1) ORDER BY id DESC"
                                            : "SELECT id, framework, framework_sha256, period, scope, as_of, data_sha256, regions,"
                                              " actor, at, note, '' FROM snapshot WHERE ($1 = 0 OR id = $1) ORDER BY id DESC",
                                     diag);
    if (!st) return CS_EDB;
    s->be->bind_int(st, 1, id);
    int r, found = 0;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        cs_snapshot sn = {s->be->column_int(st, 0), s->be->column_text(st, 1), s->be->column_text(st, 2),
                          s->be->column_text(st, 3), s->be->column_text(st, 4), s->be->column_int(st, 5),
                          s->be->column_text(st, 6), (int)s->be->column_int(st, 7), s->be->column_text(st, 8),
                          s->be->column_text(st, 9), s->be->column_text(st, 10), s->be->column_text(st, 11)};
        found++;
        if (fn(ctx, &sn)) break;
    }
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) return CS_EDB;
    if (id && !found) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有编号为 %lld 的快照 / no snapshot %lld", (long long)id, (long long)id);
        return CS_ENOTFOUND;
    }
    return CS_OK;
}
