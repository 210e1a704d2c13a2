/*
 * backup.c — a portable backup of a whole store: one JSON line per row, tables in an order
 * that keeps foreign keys satisfied, read in one consistent transaction. Either back-end can
 * restore what either wrote, so the same file also moves a SQLite store to PostgreSQL.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* Tables in restore order; types: t text, i integer, d double, b binary; `order` sorts rows so
 * that referenced rows come first. */
static const struct {
    const char *name, *columns, *types, *order;
    int has_id;
} tables[] = {
    {"region", "code, name, level, parent, kind, source, changed_at, changed_by", "tttttttt",
     "CASE level WHEN 'province' THEN 0 WHEN 'city' THEN 1 WHEN 'county' THEN 2 WHEN 'street' THEN 3 ELSE 4 END, code", 0},
    {"round", "period, state, changed_at, changed_by, note", "ttttt", "period", 0},
    {"source", "id, kind, name, sha256, actor, at, note", "itttttt", "id", 1},
    {"value_revision", "id, region, period, element, value, missing, state, source_id, source_row, note, previous", "itttdttiiti",
     "id", 1},
    {"value_current", "period, region, element, revision, value, missing, state", "tttidtt", "period, region, element", 0},
    {"evidence_blob", "sha256, size, content", "tib", "sha256", 0},
    {"evidence", "id, sha256, file_name, media_type, region, period, element, indicator, framework, actor, at, note",
     "ittttttttttt", "id", 1},
    {"snapshot", "id, framework, framework_sha256, period, scope, as_of, data_sha256, regions, actor, at, note, results",
     "ittttititttt", "id", 1},
    /* sessions and login attempts are not kept: a restored store starts with nobody logged in */
    {"account", "id, login, name, password_hash, role, region, department, active, created_at, changed_at", "ittttttitt",
     "id", 1},
    {"assessment",
     "id, framework, region, period, kind, state, published, rating, total, snapshot_id, created_by, created_at, changed_at",
     "itttttitdittt", "id", 1},
    {"assessment_step", "id, assessment_id, action, indicator, comment, moved, actor, at", "iitttitt", "id", 1},
    {"override", "id, assessment_id, indicator, points, reason, actor, at", "iitdttt", "id", 1},
    /* the audit log keeps its own numbering: ids are part of each entry's hash */
    {"audit", "id, at, actor, origin, action, object, detail, prev_sha256, sha256", "itttttttt", "id", 0},
};
#define NTABLES ((int)(sizeof tables / sizeof tables[0]))

static json_t *cell_json(cs_store *s, cs__stmt *st, int i, char type)
{
    if (s->be->column_is_null(st, i)) return json_null();
    switch (type) {
    case 'i': return json_integer(s->be->column_int(st, i));
    case 'd': return json_real(s->be->column_double(st, i));
    case 'b': {
        size_t n = 0;
        const unsigned char *p = s->be->column_blob(st, i, &n);
        char *hex = cs__xmalloc(n * 2 + 1);
        for (size_t k = 0; k < n; k++) snprintf(hex + 2 * k, 3, "%02x", p[k]);
        hex[n * 2] = '\0';
        json_t *j = json_string(hex);
        free(hex);
        return j;
    }
    default: return json_string(s->be->column_text(st, i));
    }
}

cs_status cs_store_backup(cs_store *s, const char *path, cs_diag *diag)
{
    int cur = 0, latest = 0;
    cs_status rc = cs_store_schema_version(s, &cur, &latest, diag);
    if (rc != CS_OK) return rc;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "无法写入备份文件 / cannot write the backup file");
        return CS_EIO;
    }
    /* one transaction: every table is read at the same moment */
    if ((rc = s->be->exec(s->db, s->be->begin_read, diag)) != CS_OK) goto out;
    s->in_tx = 1;
    char now[32];
    cs__store_now(now);
    json_t *head = json_pack("{s:s, s:i, s:i, s:s, s:s}", "format", "citystar-backup", "version", 1, "schema", cur, "at",
                             now, "backend", s->be->name);
    char *line = json_dumps(head, JSON_COMPACT);
    fprintf(f, "%s\n", line);
    free(line);
    json_decref(head);
    for (int t = 0; t < NTABLES && rc == CS_OK; t++) {
        char sql[1024];
        snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY %s", tables[t].columns, tables[t].name, tables[t].order);
        cs__stmt *st = cs__store_prepare(s, sql, diag);
        if (!st) {
            rc = CS_EDB;
            break;
        }
        int ncols = (int)strlen(tables[t].types), r;
        while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
            json_t *row = json_array();
            for (int i = 0; i < ncols; i++) json_array_append_new(row, cell_json(s, st, i, tables[t].types[i]));
            json_t *obj = json_pack("{s:s, s:o}", "table", tables[t].name, "row", row);
            line = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(17));
            fprintf(f, "%s\n", line);
            free(line);
            json_decref(obj);
        }
        if (r == CS__STEP_ERROR) rc = CS_EDB;
        s->be->finalize(st);
    }
    s->be->exec(s->db, "COMMIT", diag);
    s->in_tx = 0;
out:
    if (fclose(f) != 0 && rc == CS_OK) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "写入备份文件失败 / writing the backup failed");
        rc = CS_EIO;
    }
    if (rc == CS_OK && rename(tmp, path) != 0) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "无法写入备份文件 / cannot write the backup file");
        rc = CS_EIO;
    }
    if (rc != CS_OK) remove(tmp);
    return rc;
}

/* Binds a JSON cell to parameter i as the column's type; returns 0 when it does not fit. */
static int bind_cell(cs_store *s, cs__stmt *st, int i, char type, json_t *v)
{
    if (json_is_null(v)) {
        s->be->bind_null(st, i);
        return 1;
    }
    switch (type) {
    case 'i':
        if (!json_is_integer(v)) return 0;
        s->be->bind_int(st, i, json_integer_value(v));
        return 1;
    case 'd':
        if (!json_is_number(v)) return 0;
        s->be->bind_double(st, i, json_number_value(v));
        return 1;
    case 'b': {
        if (!json_is_string(v)) return 0;
        const char *hex = json_string_value(v);
        size_t n = strlen(hex) / 2;
        unsigned char *p = cs__xmalloc(n ? n : 1);
        for (size_t k = 0; k < n; k++) {
            unsigned x;
            if (sscanf(hex + 2 * k, "%2x", &x) != 1) {
                free(p);
                return 0;
            }
            p[k] = (unsigned char)x;
        }
        s->be->bind_blob(st, i, p, n);
        free(p);
        return 1;
    }
    default:
        if (!json_is_string(v)) return 0;
        s->be->bind_text(st, i, json_string_value(v));
        return 1;
    }
}

cs_status cs_store_restore(cs_store *s, const char *path, cs_diag *diag)
{
    int cur = 0, latest = 0;
    cs_status rc = cs_store_schema_version(s, &cur, &latest, diag);
    if (rc != CS_OK) return rc;
    if (cur != latest) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "请先运行 citystar db init / run 'citystar db init' first");
        return CS_EDB;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "无法读取备份文件 / cannot read the backup file");
        return CS_EIO;
    }
    cs__stmt *ins[NTABLES] = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0;
    if ((rc = cs__store_begin(s, diag)) != CS_OK) goto out;
    /* only into an empty store: a restore never mixes with existing data (rows of any table count: a
     * snapshot or a round needs no region) */
    cs__buf count_sql = {0};
    cs__buf_append(&count_sql, "SELECT 0");
    for (int t = 0; t < NTABLES; t++) cs__buf_printf(&count_sql, " + (SELECT COUNT(*) FROM %s)", tables[t].name);
    cs__stmt *cnt = cs__store_prepare(s, cs__buf_str(&count_sql), diag);
    cs__buf_free(&count_sql);
    if (!cnt || s->be->step(cnt, diag) != CS__STEP_ROW) {
        if (cnt) s->be->finalize(cnt);
        rc = CS_EDB;
        goto fail;
    }
    int64_t rows = s->be->column_int(cnt, 0);
    s->be->finalize(cnt);
    if (rows) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "数据库不是空的，只能恢复到新建的数据库 / the database is not empty: restore into a new one");
        rc = CS_ECONFLICT;
        goto fail;
    }
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        json_error_t jerr;
        json_t *j = json_loadb(line, (size_t)len, 0, &jerr);
        if (!j) {
            cs__diag_add(diag, CS__ERROR, path, lineno, jerr.column, "备份文件格式错误 / malformed backup line: %s", jerr.text);
            rc = CS_EDATA;
            goto fail;
        }
        if (lineno == 1) {
            const char *fmt = json_string_value(json_object_get(j, "format"));
            json_int_t schema = json_integer_value(json_object_get(j, "schema"));
            if (!fmt || strcmp(fmt, "citystar-backup") || schema != cur) {
                cs__diag_add(diag, CS__ERROR, path, 1, 0,
                             "不是 citystar 备份文件，或其结构版本（%lld）与数据库（%d）不同 / not a citystar backup, or schema %lld differs from %d",
                             (long long)schema, cur, (long long)schema, cur);
                json_decref(j);
                rc = CS_EDATA;
                goto fail;
            }
            json_decref(j);
            continue;
        }
        const char *name = json_string_value(json_object_get(j, "table"));
        json_t *row = json_object_get(j, "row");
        int t = -1;
        for (int k = 0; name && k < NTABLES; k++)
            if (!strcmp(name, tables[k].name)) t = k;
        int ncols = t >= 0 ? (int)strlen(tables[t].types) : 0;
        if (t < 0 || !json_is_array(row) || (int)json_array_size(row) != ncols) {
            cs__diag_add(diag, CS__ERROR, path, lineno, 0, "备份行无法识别 / unrecognised backup line");
            json_decref(j);
            rc = CS_EDATA;
            goto fail;
        }
        if (!ins[t]) {
            cs__buf sql = {0};
            cs__buf_printf(&sql, "INSERT INTO %s (%s) VALUES (", tables[t].name, tables[t].columns);
            for (int i = 0; i < ncols; i++) cs__buf_printf(&sql, "%s$%d", i ? ", " : "", i + 1);
            cs__buf_append(&sql, ")");
            ins[t] = cs__store_prepare(s, cs__buf_str(&sql), diag);
            cs__buf_free(&sql);
            if (!ins[t]) {
                json_decref(j);
                rc = CS_EDB;
                goto fail;
            }
        }
        s->be->reset(ins[t]);
        int ok = 1;
        for (int i = 0; i < ncols && ok; i++) ok = bind_cell(s, ins[t], i + 1, tables[t].types[i], json_array_get(row, (size_t)i));
        json_decref(j);
        if (!ok) {
            cs__diag_add(diag, CS__ERROR, path, lineno, 0, "备份行的值类型不对 / a value of the backup line has the wrong type");
            rc = CS_EDATA;
            goto fail;
        }
        if (s->be->step(ins[t], diag) == CS__STEP_ERROR) {
            cs__diag_add(diag, CS__ERROR, path, lineno, 0, "无法恢复这一行 / cannot restore this line");
            rc = CS_EDB;
            goto fail;
        }
    }
    if (lineno == 0) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "备份文件为空 / the backup file is empty");
        rc = CS_EDATA;
        goto fail;
    }
    for (int t = 0; t < NTABLES; t++)
        if (tables[t].has_id && (rc = s->be->restart_ids(s->db, tables[t].name, diag)) != CS_OK) goto fail;
    for (int t = 0; t < NTABLES; t++) s->be->finalize(ins[t]), ins[t] = NULL;
    /* the restore itself is the next entry of the restored chain */
    {
        const char *base = strrchr(path, '/');
        rc = cs__audit_append(s, "restore", "store.restore", base ? base + 1 : path,
                              json_pack("{s:i, s:s}", "schema", cur, "backend", s->be->name), diag);
        if (rc != CS_OK) goto fail;
    }
    rc = cs__store_commit(s, diag);
    goto out;
fail:
    for (int t = 0; t < NTABLES; t++) s->be->finalize(ins[t]), ins[t] = NULL;
    cs__store_rollback(s);
out:
    free(line);
    fclose(f);
    return rc;
}
