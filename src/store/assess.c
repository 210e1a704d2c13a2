/*
 * assess.c — assessment rounds (framework, region, period, kind) and their steps: submit,
 * return with a comment, approve, close with the score snapshot and rating, publish; and the
 * reviewers' overrides of qualitative indicators. Each step moves the round's values through the
 * review states in the same transaction, records who did it and why, and is audited.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

const char *cs_round_kind_name(const char *kind)
{
    if (!strcmp(kind, CS_ROUND_SELF)) return "自评";
    if (!strcmp(kind, CS_ROUND_MIDTERM)) return "中期考核";
    if (!strcmp(kind, CS_ROUND_FINAL)) return "终期验收";
    if (!strcmp(kind, CS_ROUND_PROGRESS)) return "进展更新";
    return NULL;
}

static const char *round_state_zh(const char *state)
{
    static const char *const map[][2] = {{"open", "填报中"},   {"submitted", "已提交"}, {"returned", "已退回"},
                                         {"approved", "已审核"}, {"closed", "已关闭"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(state, map[i][0])) return map[i][1];
    return state;
}

#define ROUND_COLUMNS                                                                                           \
    "id, framework, region, period, kind, state, published, rating, total, snapshot_id, created_by, created_at," \
    " changed_at"

static void round_from_row(cs_store *s, cs__stmt *st, cs_assessment *a)
{
    a->id = s->be->column_int(st, 0);
    const char **f[] = {&a->framework, &a->region, &a->period, &a->kind, &a->state};
    for (int i = 0; i < 5; i++) {
        cs__buf_reset(&s->scratch[i]);
        cs__buf_append(&s->scratch[i], s->be->column_text(st, 1 + i));
        *f[i] = cs__buf_str(&s->scratch[i]);
    }
    a->published = (int)s->be->column_int(st, 6);
    cs__buf_reset(&s->scratch[5]);
    cs__buf_append(&s->scratch[5], s->be->column_text(st, 7));
    a->rating = cs__buf_str(&s->scratch[5]);
    a->total = s->be->column_is_null(st, 8) ? NAN : s->be->column_double(st, 8);
    a->snapshot_id = s->be->column_int(st, 9);
    cs__buf_reset(&s->scratch[6]);
    cs__buf_append(&s->scratch[6], s->be->column_text(st, 10));
    a->created_by = cs__buf_str(&s->scratch[6]);
    cs__buf_reset(&s->scratch[7]);
    cs__buf_printf(&s->scratch[7], "%s", s->be->column_text(st, 11));
    size_t split = s->scratch[7].len;
    cs__buf_appendn(&s->scratch[7], "", 1);
    cs__buf_append(&s->scratch[7], s->be->column_text(st, 12));
    a->created_at = cs__buf_str(&s->scratch[7]);
    a->changed_at = cs__buf_str(&s->scratch[7]) + split + 1;
}

static json_t *round_json(const cs_assessment *a)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "framework", a->framework, "region", a->region, "period",
                          a->period, "kind", a->kind, "state", a->state, "published", a->published);
    if (a->rating && *a->rating) json_object_set_new(j, "rating", json_string(a->rating));
    if (!isnan(a->total)) json_object_set_new(j, "total", json_real(a->total));
    return j;
}

cs_status cs_store_add_assessment(cs_store *s, const cs_assessment *a, const char *actor, int64_t *out_id,
                                  cs_diag *diag)
{
    if (out_id) *out_id = 0;
    int future = 0;
    if (!a->framework || !*a->framework || !a->kind || !cs_round_kind_name(a->kind)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                     "评估轮次需要框架和类型（self 自评、midterm 中期考核、final 终期验收、progress 进展更新）/ a round needs a framework and a kind");
        return CS_EDATA;
    }
    if (!cs__store_period_ok(a->period, &future)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "年度 '%s' 无效 / invalid period '%s'", a->period ? a->period : "",
                     a->period ? a->period : "");
        return CS_EDATA;
    }
    cs_region reg;
    cs_status rc = cs_store_region(s, a->region ? a->region : "", &reg, diag);
    if (rc == CS_ENOTFOUND) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "地区代码 %s 不存在 / unknown region %s", a->region ? a->region : "",
                     a->region ? a->region : "");
        return CS_EDATA;
    }
    if (rc != CS_OK) return rc;
    char now[32];
    cs__store_now(now);
    if ((rc = cs__store_begin(s, diag)) != CS_OK) return rc;
    cs__stmt *st = cs__store_prepare(s, "SELECT id FROM assessment WHERE framework = $1 AND region = $2 AND period = $3"
                                        " AND kind = $4", diag);
    if (!st) goto db_fail;
    s->be->bind_text(st, 1, a->framework);
    s->be->bind_text(st, 2, a->region);
    s->be->bind_text(st, 3, a->period);
    s->be->bind_text(st, 4, a->kind);
    int r0 = s->be->step(st, diag);
    int64_t existing = r0 == CS__STEP_ROW ? s->be->column_int(st, 0) : 0;
    s->be->finalize(st);
    if (r0 == CS__STEP_ERROR) goto db_fail;
    if (existing) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                     "%s %s 年度 %s 的%s轮次已存在（编号 %lld）/ this round already exists (id %lld)", a->region, a->period,
                     a->framework, cs_round_kind_name(a->kind), (long long)existing, (long long)existing);
        cs__store_rollback(s);
        return CS_ECONFLICT;
    }
    st = cs__store_prepare(s,
                           "INSERT INTO assessment (framework, region, period, kind, state, published, created_by, created_at,"
                           " changed_at) VALUES ($1, $2, $3, $4, 'open', 0, $5, $6, $6) RETURNING id", diag);
    if (!st) goto db_fail;
    s->be->bind_text(st, 1, a->framework);
    s->be->bind_text(st, 2, a->region);
    s->be->bind_text(st, 3, a->period);
    s->be->bind_text(st, 4, a->kind);
    s->be->bind_text(st, 5, actor);
    s->be->bind_text(st, 6, now);
    int64_t id = 0;
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) id = s->be->column_int(st, 0), r = s->be->step(st, diag);
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) goto db_fail;
    cs_assessment shown = *a;
    shown.state = "open";
    shown.published = 0;
    shown.rating = NULL;
    shown.total = NAN;
    char object[48];
    snprintf(object, sizeof object, "round/%lld", (long long)id);
    if (cs__audit_append(s, actor, "round.create", object, json_pack("{s:n, s:o}", "before", "after", round_json(&shown)),
                         diag) != CS_OK)
        goto db_fail;
    if ((rc = cs__store_commit(s, diag)) != CS_OK) return rc;
    if (out_id) *out_id = id;
    return CS_OK;
db_fail:
    cs__store_rollback(s);
    return CS_EDB;
}

cs_status cs_store_assessment(cs_store *s, int64_t id, cs_assessment *out, cs_diag *diag)
{
    cs__stmt *st = cs__store_prepare(s, "SELECT " ROUND_COLUMNS " FROM assessment WHERE id = $1", diag);
    if (!st) return CS_EDB;
    s->be->bind_int(st, 1, id);
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) round_from_row(s, st, out);
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) return CS_EDB;
    if (r != CS__STEP_ROW) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有编号为 %lld 的评估轮次 / no round %lld", (long long)id, (long long)id);
        return CS_ENOTFOUND;
    }
    return CS_OK;
}

cs_status cs_store_assessments(cs_store *s, const char *root, const char *period, int published_only,
                               cs_assessment_fn fn, void *ctx, cs_diag *diag)
{
    cs__strmap subtree = {0};
    cs_status rc = CS_OK;
    if (root && (rc = cs__store_region_subtree(s, root, &subtree, diag)) != CS_OK) goto out;
    cs__stmt *st = cs__store_prepare(s,
                                     "SELECT " ROUND_COLUMNS " FROM assessment WHERE (CAST($1 AS TEXT) IS NULL OR period = $1)"
                                     " AND ($2 = 0 OR published = 1) ORDER BY id DESC", diag);
    if (!st) {
        rc = CS_EDB;
        goto out;
    }
    s->be->bind_text(st, 1, period);
    s->be->bind_int(st, 2, published_only);
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        cs_assessment a;
        round_from_row(s, st, &a);
        if (root && cs__strmap_find(&subtree, a.region) < 0) continue;
        if (fn(ctx, &a)) break;
    }
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) rc = CS_EDB;
out:
    cs__strmap_free(&subtree);
    return rc;
}

/* The move a step makes: round states it starts from, the round state it leads to, and the value
 * states it moves from and to. */
typedef struct {
    const char *action, *zh;
    const char *from[3];
    const char *to;
    const char *values_from[3];
    const char *values_to;
    int needs_comment;
} step_rule;

static const step_rule rules[] = {
    {"submit", "提交", {"open", "returned"}, "submitted", {CS_STATE_DRAFT, CS_STATE_RETURNED}, CS_STATE_SUBMITTED, 0},
    {"return", "退回", {"submitted", "approved"}, "returned", {CS_STATE_SUBMITTED, CS_STATE_APPROVED}, CS_STATE_RETURNED, 1},
    {"approve", "审核通过", {"submitted"}, "approved", {CS_STATE_SUBMITTED}, CS_STATE_APPROVED, 0},
    {"close", "关闭并锁定", {"approved"}, "closed", {CS_STATE_APPROVED}, CS_STATE_LOCKED, 0},
    {"publish", "发布", {"closed"}, "closed", {NULL}, NULL, 0},
};

/* A round closes only when every value of it is approved (or already locked): a value returned
 * or resubmitted since — through another round of the same region and period — would otherwise
 * stay open after the close. */
static cs_status check_all_approved(cs_store *s, int64_t id, const char *region, const char *period,
                                    const char *const *elements, size_t n, cs_diag *diag)
{
    cs__strmap want = {0};
    for (size_t i = 0; i < n; i++) cs__strmap_intern(&want, elements[i]);
    cs__stmt *st = cs__store_prepare(s, "SELECT element, state FROM value_current WHERE period = $1 AND region = $2"
                                        " ORDER BY element", diag);
    if (!st) {
        cs__strmap_free(&want);
        return CS_EDB;
    }
    s->be->bind_text(st, 1, period);
    s->be->bind_text(st, 2, region);
    int r, open = 0;
    cs__buf list = {0};
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        const char *el = s->be->column_text(st, 0), *state = s->be->column_text(st, 1);
        if (cs__strmap_find(&want, el) < 0 || !strcmp(state, CS_STATE_APPROVED) || !strcmp(state, CS_STATE_LOCKED)) continue;
        if (open++ < 5) cs__buf_printf(&list, "%s%s（%s）", open > 1 ? "、" : "", el, state);
    }
    s->be->finalize(st);
    cs_status rc = r == CS__STEP_ERROR ? CS_EDB : CS_OK;
    if (rc == CS_OK && open) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                     "评估轮次 %lld 还有 %d 项数据未审核通过，不能关闭：%s%s / round %lld has %d values not approved: it cannot close",
                     (long long)id, open, cs__buf_str(&list), open > 5 ? "…" : "", (long long)id, open);
        rc = CS_ESTATE;
    }
    cs__buf_free(&list);
    cs__strmap_free(&want);
    return rc;
}

cs_status cs_store_assessment_step(cs_store *s, int64_t id, const cs_assessment_step *step, size_t *moved,
                                   cs_diag *diag)
{
    if (moved) *moved = 0;
    const step_rule *rule = NULL;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (step->action && !strcmp(step->action, rules[i].action)) rule = &rules[i];
    if (!rule) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                     "未知的操作 '%s'（submit, return, approve, close, publish）/ unknown step '%s'",
                     step->action ? step->action : "", step->action ? step->action : "");
        return CS_EUSAGE;
    }
    const char *comment = step->comment ? step->comment : "";
    if (rule->needs_comment && !*comment) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "退回必须填写意见 / a return needs a comment");
        return CS_EDATA;
    }
    cs_status rc = cs__store_begin(s, diag);
    if (rc != CS_OK) return rc;
    cs_assessment a;
    if ((rc = cs_store_assessment(s, id, &a, diag)) != CS_OK) goto fail;
    json_t *before = round_json(&a);
    char *region = cs__xstrdup(a.region), *period = cs__xstrdup(a.period), *state = cs__xstrdup(a.state);
    int published = a.published;
    int allowed = 0;
    for (int i = 0; i < 3 && rule->from[i]; i++) allowed |= !strcmp(state, rule->from[i]);
    if (!strcmp(state, "closed") && strcmp(rule->action, "publish")) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "评估轮次 %lld 已关闭锁定，不能再%s / round %lld is closed: it cannot be changed",
                     (long long)id, rule->zh, (long long)id);
        rc = CS_ELOCKED;
    } else if (!allowed || (!strcmp(rule->action, "publish") && published)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "评估轮次 %lld 当前%s%s，不能%s / round %lld is %s%s: cannot %s", (long long)id,
                     round_state_zh(state), published ? "（已发布）" : "", rule->zh, (long long)id, state,
                     published ? " (published)" : "", rule->action);
        rc = CS_ESTATE;
    }
    size_t n = 0;
    if (rc == CS_OK && !strcmp(rule->action, "close"))
        rc = check_all_approved(s, id, region, period, step->elements, step->nelements, diag);
    if (rc == CS_OK && rule->values_to) {
        cs__strmap elements = {0};
        for (size_t i = 0; i < step->nelements; i++) cs__strmap_intern(&elements, step->elements[i]);
        const char *from[4] = {rule->values_from[0], rule->values_from[1], rule->values_from[2], NULL};
        char note[512];
        snprintf(note, sizeof note, "评估轮次 %lld %s%s%s%s", (long long)id, rule->zh,
                 step->indicator && *step->indicator ? "：指标 " : "", step->indicator ? step->indicator : "",
                 *comment ? "；" : "");
        cs__buf full = {0};
        cs__buf_append(&full, note);
        cs__buf_append(&full, comment);
        /* submitting and closing cover every element of the round: one never reported gets a
         * missing value ("未填报") in the new state, so nothing can be added behind the review */
        int fill = !strcmp(rule->action, "close") || !strcmp(rule->action, "submit");
        rc = cs__store_move_values(s, region, period, &elements, from, rule->values_to, fill, step->actor,
                                   cs__buf_str(&full), &n, diag);
        cs__buf_free(&full);
        cs__strmap_free(&elements);
    }
    int64_t snapshot_id = 0;
    if (rc == CS_OK && !strcmp(rule->action, "close") && step->snapshot)
        rc = cs__store_save_snapshot_in(s, step->snapshot, &snapshot_id, diag);
    char now[32];
    cs__store_now(now);
    if (rc == CS_OK) {
        cs__stmt *st = cs__store_prepare(s,
                                         "UPDATE assessment SET state = $2, published = $3, changed_at = $4,"
                                         " rating = CASE WHEN $5 = 1 THEN $6 ELSE rating END,"
                                         " total = CASE WHEN $5 = 1 THEN $7 ELSE total END,"
                                         " snapshot_id = CASE WHEN $5 = 1 THEN $8 ELSE snapshot_id END WHERE id = $1", diag);
        int closing = !strcmp(rule->action, "close");
        int r = CS__STEP_ERROR;
        if (st) {
            s->be->bind_int(st, 1, id);
            s->be->bind_text(st, 2, rule->to);
            s->be->bind_int(st, 3, published || !strcmp(rule->action, "publish"));
            s->be->bind_text(st, 4, now);
            s->be->bind_int(st, 5, closing);
            s->be->bind_text(st, 6, step->rating ? step->rating : "");
            s->be->bind_double(st, 7, closing ? step->total : 0);
            if (snapshot_id) s->be->bind_int(st, 8, snapshot_id);
            else s->be->bind_null(st, 8);
            r = s->be->step(st, diag);
            s->be->finalize(st);
        }
        if (r == CS__STEP_ERROR) rc = CS_EDB;
    }
    if (rc == CS_OK) {
        cs__stmt *st = cs__store_prepare(s,
                                         "INSERT INTO assessment_step (assessment_id, action, indicator, comment, moved, actor, at)"
                                         " VALUES ($1, $2, $3, $4, $5, $6, $7)", diag);
        int r = CS__STEP_ERROR;
        if (st) {
            s->be->bind_int(st, 1, id);
            s->be->bind_text(st, 2, rule->action);
            s->be->bind_text(st, 3, step->indicator ? step->indicator : "");
            s->be->bind_text(st, 4, comment);
            s->be->bind_int(st, 5, (int64_t)n);
            s->be->bind_text(st, 6, step->actor);
            s->be->bind_text(st, 7, now);
            r = s->be->step(st, diag);
            s->be->finalize(st);
        }
        if (r == CS__STEP_ERROR) rc = CS_EDB;
    }
    if (rc == CS_OK) {
        json_t *after = json_deep_copy(before);
        json_object_set_new(after, "state", json_string(rule->to));
        json_object_set_new(after, "published", json_boolean(published || !strcmp(rule->action, "publish")));
        if (!strcmp(rule->action, "close")) {
            json_object_set_new(after, "rating", json_string(step->rating ? step->rating : ""));
            json_object_set_new(after, "total", json_real(step->total));
            json_object_set_new(after, "snapshot", json_integer(snapshot_id));
        }
        json_t *detail = json_pack("{s:O, s:o, s:I}", "before", before, "after", after, "values_moved", (json_int_t)n);
        if (step->indicator && *step->indicator) json_object_set_new(detail, "indicator", json_string(step->indicator));
        if (*comment) json_object_set_new(detail, "comment", json_string(comment));
        char object[48], action[32];
        snprintf(object, sizeof object, "round/%lld", (long long)id);
        snprintf(action, sizeof action, "round.%s", rule->action);
        rc = cs__audit_append(s, step->actor, action, object, detail, diag);
    }
    json_decref(before);
    free(region);
    free(period);
    free(state);
    if (rc != CS_OK) goto fail;
    if ((rc = cs__store_commit(s, diag)) != CS_OK) return rc;
    if (moved) *moved = n;
    return CS_OK;
fail:
    cs__store_rollback(s);
    return rc;
}

cs_status cs_store_assessment_events(cs_store *s, int64_t id, cs_assessment_event_fn fn, void *ctx, cs_diag *diag)
{
    cs__stmt *st = cs__store_prepare(s,
                                     "SELECT id, assessment_id, action, indicator, comment, actor, at, moved FROM assessment_step"
                                     " WHERE assessment_id = $1 ORDER BY id", diag);
    if (!st) return CS_EDB;
    s->be->bind_int(st, 1, id);
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        cs_assessment_event e = {s->be->column_int(st, 0), s->be->column_int(st, 1), s->be->column_text(st, 2),
                                 s->be->column_text(st, 3), s->be->column_text(st, 4), s->be->column_text(st, 5),
                                 s->be->column_text(st, 6), s->be->column_int(st, 7)};
        if (fn(ctx, &e)) break;
    }
    s->be->finalize(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

cs_status cs_store_add_override(cs_store *s, int64_t assessment_id, const char *indicator, double points,
                                const char *reason, const char *actor, int64_t *out_id, cs_diag *diag)
{
    if (out_id) *out_id = 0;
    if (!reason || !*reason) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "调整得分必须写明理由 / an override needs a written reason");
        return CS_EDATA;
    }
    if (!indicator || !*indicator || !isfinite(points) || points < 0) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "调整需要指标和不小于 0 的得分 / an override needs an indicator and points ≥ 0");
        return CS_EDATA;
    }
    cs_status rc = cs__store_begin(s, diag);
    if (rc != CS_OK) return rc;
    cs_assessment a;
    if ((rc = cs_store_assessment(s, assessment_id, &a, diag)) != CS_OK) goto fail;
    if (!strcmp(a.state, "closed")) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "评估轮次 %lld 已关闭锁定，不能调整得分 / round %lld is closed",
                     (long long)assessment_id, (long long)assessment_id);
        rc = CS_ELOCKED;
        goto fail;
    }
    /* the override it replaces, for the audit log */
    json_t *before = json_null();
    cs__stmt *st = cs__store_prepare(s, "SELECT points, reason, actor FROM override WHERE assessment_id = $1 AND indicator = $2"
                                        " ORDER BY id DESC LIMIT 1", diag);
    if (!st) {
        rc = CS_EDB;
        goto fail;
    }
    s->be->bind_int(st, 1, assessment_id);
    s->be->bind_text(st, 2, indicator);
    if (s->be->step(st, diag) == CS__STEP_ROW) {
        json_decref(before);
        before = json_pack("{s:f, s:s, s:s}", "points", s->be->column_double(st, 0), "reason", s->be->column_text(st, 1), "actor",
                           s->be->column_text(st, 2));
    }
    s->be->finalize(st);
    char now[32];
    cs__store_now(now);
    st = cs__store_prepare(s, "INSERT INTO override (assessment_id, indicator, points, reason, actor, at)"
                              " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", diag);
    int r = CS__STEP_ERROR;
    int64_t id = 0;
    if (st) {
        s->be->bind_int(st, 1, assessment_id);
        s->be->bind_text(st, 2, indicator);
        s->be->bind_double(st, 3, points);
        s->be->bind_text(st, 4, reason);
        s->be->bind_text(st, 5, actor);
        s->be->bind_text(st, 6, now);
        r = s->be->step(st, diag);
        if (r == CS__STEP_ROW) id = s->be->column_int(st, 0), r = s->be->step(st, diag);
        s->be->finalize(st);
    }
    if (r == CS__STEP_ERROR) {
        json_decref(before);
        rc = CS_EDB;
        goto fail;
    }
    char object[64];
    snprintf(object, sizeof object, "round/%lld/indicator/%s", (long long)assessment_id, indicator);
    json_t *detail = json_pack("{s:o, s:{s:f, s:s}}", "before", before, "after", "points", points, "reason", reason);
    if ((rc = cs__audit_append(s, actor, "round.override", object, detail, diag)) != CS_OK) goto fail;
    if ((rc = cs__store_commit(s, diag)) != CS_OK) return rc;
    if (out_id) *out_id = id;
    return CS_OK;
fail:
    cs__store_rollback(s);
    return rc;
}

cs_status cs_store_overrides(cs_store *s, int64_t assessment_id, cs_override_fn fn, void *ctx, cs_diag *diag)
{
    cs__stmt *st = cs__store_prepare(s,
                                     "SELECT id, assessment_id, indicator, points, reason, actor, at FROM override"
                                     " WHERE assessment_id = $1 ORDER BY id", diag);
    if (!st) return CS_EDB;
    s->be->bind_int(st, 1, assessment_id);
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        cs_override o = {s->be->column_int(st, 0), s->be->column_int(st, 1), s->be->column_text(st, 2),
                         s->be->column_double(st, 3), s->be->column_text(st, 4), s->be->column_text(st, 5),
                         s->be->column_text(st, 6)};
        if (fn(ctx, &o)) break;
    }
    s->be->finalize(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}
