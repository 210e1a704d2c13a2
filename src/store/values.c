/*
 * values.c — reported values: writing a batch (all or nothing, never overwriting: every change
 * is a new revision), reading the current or any past state and the full history, and moving
 * values through the review states (draft → submitted → approved / returned → locked).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* What the store holds now for one (region, element) of a period. */
typedef struct {
    double value;
    int64_t revision;
    int is_missing;
    char *missing;
    char state[12];
} current;

/* The (region, element) keys of one period, numbered 0, 1, 2 … as they are met. A key is the
 * region's index in the batch's map of region codes (high half) and the element's in its map of
 * element codes (low half): one integer hashed per value instead of a string. */
typedef struct {
    struct {
        uint64_t key;
        uint32_t at;      /* the key's number + 1; 0 = an empty slot */
    } *slots;
    size_t nslots, n;
} key_index;

static size_t key_hash(uint64_t k)
{
    k *= 0x9e3779b97f4a7c15ull;
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k;
}

/* Makes room for n keys in all without growing again. */
static void key_reserve(key_index *m, size_t n)
{
    if (n * 2 <= m->nslots) return;
    size_t ns = m->nslots ? m->nslots : 256;
    while (ns < n * 2) ns *= 2;
    __typeof__(m->slots) slots = cs__xcalloc(ns, sizeof *slots);
    for (size_t j = 0; j < m->nslots; j++) {
        if (!m->slots[j].at) continue;
        size_t i = key_hash(m->slots[j].key) & (ns - 1);
        while (slots[i].at) i = (i + 1) & (ns - 1);
        slots[i] = m->slots[j];
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = ns;
}

/* The number of key, giving it the next number when new. */
static size_t key_intern(key_index *m, uint64_t key)
{
    key_reserve(m, m->n + 1);
    size_t i = key_hash(key) & (m->nslots - 1);
    for (; m->slots[i].at; i = (i + 1) & (m->nslots - 1))
        if (m->slots[i].key == key) return m->slots[i].at - 1;
    m->slots[i].key = key;
    m->slots[i].at = (uint32_t)++m->n;
    return m->n - 1;
}

/* The key of (region, element), adding either code to its map when new. */
static uint64_t key_of(cs__strmap *regions, cs__strmap *elements, const char *region, const char *element)
{
    return (uint64_t)cs__strmap_intern(regions, region) << 32 | (uint32_t)cs__strmap_intern(elements, element);
}

typedef struct {
    char *period;
    int ok, future;       /* cs__store_period_ok of period */
    key_index keys;       /* (region, element) */
    CS__VEC(current) cur;
    size_t nloaded;       /* keys [0, nloaded) are stored values; later ones are new in the batch */
    CS__VEC(uint8_t) seen; /* by key: already met in this batch */
    int locked;
    int first_row;        /* first row of the batch with this period */
} period_state;

/* Reads the stored current values the batch may replace into ps: for a small batch one lookup
 * per value (a form entry need not read a whole year), for a large one the whole period at once.
 * keys[] holds the (region, element) pairs of the batch whose period is ps->period. */
static cs_status load_current(cs_store *s, period_state *ps, const cs_value_in *const *keys, size_t nkeys, cs__strmap *regions,
                              cs__strmap *elements, cs_diag *diag)
{
    int bulk = nkeys >= 2000;
    cs__stmt *st = bulk ? cs__store_stmt(s, ST_CURRENT_OF_PERIOD,
                                          "SELECT region, element, value, missing, state, revision FROM value_current"
                                          " WHERE period = $1", diag)
                        : cs__store_stmt(s, ST_CURRENT_OF_KEY,
                                         "SELECT region, element, value, missing, state, revision FROM value_current"
                                         " WHERE period = $1 AND region = $2 AND element = $3", diag);
    if (!st) return CS_EDB;
    key_reserve(&ps->keys, nkeys);
    int r = CS__STEP_DONE;
    for (size_t k = 0; k < (bulk ? 1 : nkeys) && r != CS__STEP_ERROR; k++) {
        s->be->reset(st);
        s->be->bind_text(st, 1, ps->period);
        if (!bulk) {
            s->be->bind_text(st, 2, keys[k]->region);
            s->be->bind_text(st, 3, keys[k]->element);
        }
        while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
            size_t before = ps->keys.n;
            key_intern(&ps->keys, key_of(regions, elements, s->be->column_text(st, 0), s->be->column_text(st, 1)));
            if (ps->keys.n == before) continue; /* a key twice in the batch: looked up twice */
            current c = {0};
            c.is_missing = s->be->column_is_null(st, 2);
            c.value = c.is_missing ? 0 : s->be->column_double(st, 2);
            if (c.is_missing) c.missing = cs__xstrdup(s->be->column_text(st, 3));
            snprintf(c.state, sizeof c.state, "%s", s->be->column_text(st, 4));
            c.revision = s->be->column_int(st, 5);
            cs__vec_push(&ps->cur, c);
        }
    }
    s->be->reset(st);
    ps->nloaded = ps->keys.n;
    for (size_t i = 0; i < ps->nloaded; i++) cs__vec_push(&ps->seen, 0);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

/* Makes sure the round of period exists and holds its row until the transaction ends (so two
 * servers writing the same period take turns); *locked (OUT) tells whether it is locked. */
static cs_status touch_round(cs_store *s, const char *period, const char *actor, int *locked, cs_diag *diag)
{
    char now[32];
    cs__store_now(now);
    cs__stmt *ins = cs__store_stmt(s, ST_ROUND_ENSURE,
                                   "INSERT INTO round (period, state, changed_at, changed_by) VALUES ($1, 'open', $2, $3)"
                                   " ON CONFLICT (period) DO NOTHING", diag);
    if (!ins) return CS_EDB;
    s->be->bind_text(ins, 1, period);
    s->be->bind_text(ins, 2, now);
    s->be->bind_text(ins, 3, actor);
    if (s->be->step(ins, diag) == CS__STEP_ERROR) return CS_EDB;
    cs__stmt *st = cs__store_stmt(s, ST_ROUND_TOUCH, "UPDATE round SET state = state WHERE period = $1 RETURNING state", diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, period);
    int r = s->be->step(st, diag);
    *locked = r == CS__STEP_ROW && !strcmp(s->be->column_text(st, 0), "locked");
    if (r == CS__STEP_ROW) r = s->be->step(st, diag);
    s->be->reset(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

/* Inserts a source row and returns its id in *id. */
static cs_status insert_source(cs_store *s, const cs_source *src, int64_t *id, cs_diag *diag)
{
    char now[32];
    cs__store_now(now);
    cs__stmt *st = cs__store_stmt(s, ST_SOURCE_INSERT,
                                  "INSERT INTO source (kind, name, sha256, actor, at, note) VALUES ($1, $2, $3, $4, $5, $6)"
                                  " RETURNING id", diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, src->kind);
    s->be->bind_text(st, 2, src->name ? src->name : "");
    s->be->bind_text(st, 3, src->sha256);
    s->be->bind_text(st, 4, src->actor ? src->actor : "unknown");
    s->be->bind_text(st, 5, now);
    s->be->bind_text(st, 6, src->note);
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) *id = s->be->column_int(st, 0), r = s->be->step(st, diag);
    s->be->reset(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

/* Takes the right to number revisions until the transaction ends and returns the next free
 * number in *next. Numbering here (rather than asking the database for each id) lets a batch of
 * a million values be written as plain inserts. */
static cs_status first_revision_id(cs_store *s, int64_t *next, cs_diag *diag)
{
    if (cs__store_lock_table(s, "value_revision", diag) != CS_OK) return CS_EDB;
    cs_status rc = cs_store_last_revision(s, next, diag);
    ++*next;
    return rc;
}

/* One revision waiting to be written. Its strings must stay valid until the batch is flushed. */
typedef struct {
    int64_t id, previous, source_id;
    const char *region, *period, *element, *missing, *state, *note;
    double value;
    int is_missing, row;
} rev_row;

/* Revisions are written REV_BATCH to a statement: one multi-row INSERT into value_revision and
 * one into value_current, instead of two statements per value. */
#define REV_BATCH 64
typedef struct {
    rev_row rows[REV_BATCH];
    int n;
} rev_batch;

/* The INSERT for n revision rows (11 parameters each) or n current rows (7 each). */
static char *batch_sql(int n, int to_current)
{
    cs__buf b = {0};
    cs__buf_append(&b, to_current ? "INSERT INTO value_current (period, region, element, revision, value, missing, state) VALUES "
                               : "INSERT INTO value_revision (region, period, element, value, missing, state, source_id,"
                                 " source_row, note, id, previous) VALUES ");
    int per = to_current ? 7 : 11;
    for (int r = 0; r < n; r++) {
        cs__buf_append(&b, r ? ", (" : "(");
        for (int k = 1; k <= per; k++) cs__buf_printf(&b, "%s$%d", k > 1 ? ", " : "", r * per + k);
        cs__buf_append(&b, ")");
    }
    if (to_current)
        cs__buf_append(&b, " ON CONFLICT (period, region, element) DO UPDATE SET revision = excluded.revision,"
                           " value = excluded.value, missing = excluded.missing, state = excluded.state");
    char *out = cs__xstrdup(cs__buf_str(&b));
    cs__buf_free(&b);
    return out;
}

/* Writes the waiting revisions and makes each the current value of its key. */
static cs_status rev_flush(cs_store *s, rev_batch *b, cs_diag *diag)
{
    if (!b->n) return CS_OK;
    const cs__backend *be = s->be;
    cs_status rc = CS_OK;
    cs__stmt *st[2] = {NULL, NULL};
    int full = b->n == REV_BATCH;
    for (int t = 0; t < 2 && rc == CS_OK; t++) {
        /* the full-batch statement is kept prepared for the connection: its SQL is built once */
        int id = t ? ST_CURRENT_UPSERT : ST_REVISION_INSERT;
        if (full && s->st[id]) {
            st[t] = s->st[id];
            be->reset(st[t]);
        } else {
            char *sql = batch_sql(b->n, t);
            st[t] = full ? cs__store_stmt(s, id, sql, diag) : cs__store_prepare(s, sql, diag);
            free(sql);
        }
        if (!st[t]) {
            rc = CS_EDB;
            break;
        }
        for (int r = 0; r < b->n; r++) {
            const rev_row *x = &b->rows[r];
            const char *missing = x->is_missing ? (x->missing && *x->missing ? x->missing : "未填报") : NULL;
            int p = t ? r * 7 : r * 11;
            if (t == 0) {
                be->bind_text(st[t], p + 1, x->region);
                be->bind_text(st[t], p + 2, x->period);
                be->bind_text(st[t], p + 3, x->element);
                if (x->is_missing) be->bind_null(st[t], p + 4);
                else be->bind_double(st[t], p + 4, x->value);
                be->bind_text(st[t], p + 5, missing);
                be->bind_text(st[t], p + 6, x->state);
                be->bind_int(st[t], p + 7, x->source_id);
                if (x->row > 0) be->bind_int(st[t], p + 8, x->row);
                else be->bind_null(st[t], p + 8);
                be->bind_text(st[t], p + 9, x->note && *x->note ? x->note : NULL);
                be->bind_int(st[t], p + 10, x->id);
                if (x->previous) be->bind_int(st[t], p + 11, x->previous);
                else be->bind_null(st[t], p + 11);
            } else {
                be->bind_text(st[t], p + 1, x->period);
                be->bind_text(st[t], p + 2, x->region);
                be->bind_text(st[t], p + 3, x->element);
                be->bind_int(st[t], p + 4, x->id);
                if (x->is_missing) be->bind_null(st[t], p + 5);
                else be->bind_double(st[t], p + 5, x->value);
                be->bind_text(st[t], p + 6, missing);
                be->bind_text(st[t], p + 7, x->state);
            }
        }
        if (be->step(st[t], diag) == CS__STEP_ERROR) rc = CS_EDB;
        be->reset(st[t]);
    }
    if (!full)
        for (int t = 0; t < 2; t++) be->finalize(st[t]);
    b->n = 0;
    return rc;
}

/* Queues one revision, writing the batch when it is full. */
static cs_status rev_add(cs_store *s, rev_batch *b, const rev_row *r, cs_diag *diag)
{
    b->rows[b->n++] = *r;
    return b->n == REV_BATCH ? rev_flush(s, b, diag) : CS_OK;
}

static const char *state_zh(const char *state)
{
    if (!strcmp(state, CS_STATE_DRAFT)) return "草稿";
    if (!strcmp(state, CS_STATE_SUBMITTED)) return "已提交";
    if (!strcmp(state, CS_STATE_APPROVED)) return "已审核通过";
    if (!strcmp(state, CS_STATE_RETURNED)) return "已退回";
    if (!strcmp(state, CS_STATE_LOCKED)) return "已锁定";
    return state;
}

static void free_periods(period_state *ps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < ps[i].cur.n; k++) free(ps[i].cur.items[k].missing);
        cs__vec_free(&ps[i].cur);
        cs__vec_free(&ps[i].seen);
        free(ps[i].keys.slots);
        free(ps[i].period);
    }
    free(ps);
}

/* The audit entry of a batch: its source and counts, the revisions it wrote, and for a small
 * batch (a form, an API call) every value with the revision it replaced (the figures before and
 * after are in those revisions). */
static cs_status audit_put(cs_store *s, const cs_source *src, const cs_value_in *values, size_t n, const uint8_t *write,
                           const int64_t *previous, const cs_put_summary *sum, int64_t next_id, cs_diag *diag)
{
    json_t *detail = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:[I, I]}", "source_kind", src->kind ? src->kind : "",
                               "source_name", src->name ? src->name : "", "source_id", (json_int_t)sum->source_id, "added",
                               (json_int_t)sum->added, "changed", (json_int_t)sum->changed, "unchanged",
                               (json_int_t)sum->unchanged, "revisions", (json_int_t)(next_id - (int64_t)(sum->added + sum->changed)),
                               (json_int_t)(next_id - 1));
    if (src->sha256) json_object_set_new(detail, "sha256", json_string(src->sha256));
    if (sum->added + sum->changed <= 100) {
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++) {
            if (!write[i]) continue;
            const cs_value_in *v = &values[i];
            json_t *after = v->is_missing ? json_pack("{s:s}", "missing", v->missing_reason ? v->missing_reason : "未填报")
                                          : json_pack("{s:f}", "value", v->value);
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:o, s:o}", "region", v->region, "period", v->period, "element",
                                                  v->element, "previous_revision",
                                                  previous[i] ? json_integer(previous[i]) : json_null(), "after", after));
        }
        json_object_set_new(detail, "values", list);
    }
    return cs__audit_append(s, src->actor ? src->actor : "unknown", "values.write", src->name ? src->name : "values", detail, diag);
}

cs_status cs_store_put_values(cs_store *s, const cs_source *src, const cs_value_in *values, size_t n,
                              cs_put_summary *summary, cs_diag *diag)
{
    cs_put_summary sum = {0};
    /* messages name the source: a file, or the API's "values" (row N = item N) */
    const char *file = src->kind && (!strcmp(src->kind, "file") || !strcmp(src->kind, "api")) ? src->name : NULL;
    int errors = 0, locked_values = 0;
    cs_status rc = CS_OK;
    cs__strmap periods = {0}, regions = {0}, elements = {0};
    period_state *ps = NULL;
    uint8_t *region_known = NULL;
    uint8_t *write = NULL;
    int64_t *previous = NULL;
    rev_batch *batch = cs__xcalloc(1, sizeof *batch);

#define VERR(v, col, ...)                                                                                      \
    do {                                                                                                     \
        if (errors < 1000) cs__diag_add(diag, CS__ERROR, file, (v)->row, (col), __VA_ARGS__);                 \
        errors++;                                                                                            \
    } while (0)

    /* rows that cannot be right whatever is stored */
    int *period_of = cs__xcalloc(n ? n : 1, sizeof(int));
    int *region_of = cs__xcalloc(n ? n : 1, sizeof(int));
    for (size_t i = 0; i < n; i++) {
        const cs_value_in *v = &values[i];
        size_t before = periods.n;
        period_of[i] = cs__strmap_intern(&periods, v->period);
        if (periods.n != before) {
            ps = cs__xrealloc(ps, periods.n * sizeof *ps);
            period_state *np = &ps[periods.n - 1];
            memset(np, 0, sizeof *np);
            np->period = cs__xstrdup(v->period);
            np->first_row = v->row;
            np->ok = cs__store_period_ok(v->period, &np->future);
        }
        const period_state *p = &ps[period_of[i]];
        if (!p->ok) {
            if (p->future)
                VERR(v, v->col_period, "年度 %s 尚未到来，不能填报 / period %s is in the future", v->period, v->period);
            else
                VERR(v, v->col_period, "年度 '%s' 无效，应为四位年份 / invalid period '%s' (a four-digit year)", v->period, v->period);
        }
        region_of[i] = cs__strmap_intern(&regions, v->region);
    }
    if (errors) {
        rc = CS_EDATA;
        goto out;
    }
    if ((rc = cs__store_begin(s, diag)) != CS_OK) goto out;

    /* regions must be known */
    region_known = cs__xcalloc(regions.n + 1, 1);
    for (size_t r = 0; r < regions.n; r++) {
        cs_region reg;
        cs_status q = cs_store_region(s, regions.keys[r], &reg, diag);
        if (q == CS_EDB) {
            rc = q;
            goto fail;
        }
        region_known[r] = q == CS_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (!region_known[region_of[i]])
            VERR(&values[i], values[i].col_region, "地区代码 %s 不存在（请先导入或添加该地区）/ unknown region %s", values[i].region,
                 values[i].region);

    /* rounds: locked ones refuse; open ones are held until commit */
    for (size_t p = 0; p < periods.n; p++) {
        if ((rc = touch_round(s, ps[p].period, src->actor, &ps[p].locked, diag)) != CS_OK) goto fail;
        if (ps[p].locked) {
            cs__diag_add(diag, CS__ERROR, file, ps[p].first_row, 0,
                         "%s 年度的评估已锁定，不能再修改数据 / the %s round is locked: no value can change", ps[p].period, ps[p].period);
            errors++;
        }
        CS__VEC(const cs_value_in *) mine = {0};
        for (size_t i = 0; i < n; i++)
            if ((size_t)period_of[i] == p) cs__vec_push(&mine, &values[i]);
        rc = load_current(s, &ps[p], (const cs_value_in *const *)mine.items, mine.n, &regions, &elements, diag);
        cs__vec_free(&mine);
        if (rc != CS_OK) goto fail;
    }

    /* compare with what is stored */
    write = cs__xcalloc(n ? n : 1, 1);
    previous = cs__xcalloc(n ? n : 1, sizeof *previous);
    int before_compare = errors;
    for (size_t i = 0; i < n && !before_compare; i++) {
        const cs_value_in *v = &values[i];
        period_state *p = &ps[period_of[i]];
        size_t before = p->keys.n;
        size_t k = key_intern(&p->keys, (uint64_t)region_of[i] << 32 | (uint32_t)cs__strmap_intern(&elements, v->element));
        if (p->keys.n != before) cs__vec_push(&p->seen, 0);
        if (p->seen.items[k]) {
            VERR(v, v->col_element, "地区 %s 年度 %s 的数据项 %s 重复 / duplicate value for %s %s %s", v->region, v->period,
                 v->element, v->region, v->period, v->element);
            continue;
        }
        p->seen.items[k] = 1;
        if (k >= p->nloaded) {
            write[i] = 1;
            sum.added++;
            continue;
        }
        current *c = &p->cur.items[k];
        int same_value = c->is_missing ? v->is_missing && !strcmp(c->missing ? c->missing : "", v->missing_reason ? v->missing_reason : "未填报")
                                       : !v->is_missing && c->value == v->value;
        if (same_value) {
            sum.unchanged++;
            continue;
        }
        if (!strcmp(c->state, CS_STATE_LOCKED)) {
            VERR(v, v->col_value, "地区 %s 年度 %s 的数据项 %s 已锁定（评估轮次已关闭或年度已锁定），不能再修改 / the value is locked: its round is closed",
                 v->region, v->period, v->element);
            locked_values++;
            continue;
        }
        if (strcmp(c->state, CS_STATE_DRAFT) && strcmp(c->state, CS_STATE_RETURNED)) {
            VERR(v, v->col_value, "地区 %s 年度 %s 的数据项 %s %s，不能修改；需先退回 / the value is %s and cannot change until it is returned",
                 v->region, v->period, v->element, state_zh(c->state), c->state);
            continue;
        }
        write[i] = 1;
        previous[i] = c->revision;
        sum.changed++;
    }
    if (errors) {
        rc = locked_values == errors ? CS_ELOCKED : CS_EDATA;
        for (size_t p = 0; p < periods.n; p++)
            if (ps[p].locked) rc = CS_ELOCKED;
        goto fail;
    }
    if ((!sum.added && !sum.changed) || src->dry_run) {
        cs__store_rollback(s);
        goto out;
    }
    if ((rc = insert_source(s, src, &sum.source_id, diag)) != CS_OK) goto fail;
    int64_t next_id = 0;
    if ((rc = first_revision_id(s, &next_id, diag)) != CS_OK) goto fail;
    for (size_t i = 0; i < n; i++) {
        if (!write[i]) continue;
        const cs_value_in *v = &values[i];
        if (src->progress && (i & 65535) == 65535) src->progress(src->progress_ctx, i, n);
        rev_row x = {next_id++, previous[i], sum.source_id, v->region, v->period, v->element, v->missing_reason, CS_STATE_DRAFT,
                     v->note, v->value, v->is_missing, v->row};
        if ((rc = rev_add(s, batch, &x, diag)) != CS_OK) goto fail;
    }
    if ((rc = rev_flush(s, batch, diag)) != CS_OK) goto fail;
    if ((rc = s->be->restart_ids(s->db, "value_revision", diag)) != CS_OK) goto fail;
    if ((rc = audit_put(s, src, values, n, write, previous, &sum, next_id, diag)) != CS_OK) goto fail;
    rc = cs__store_commit(s, diag);
    if (rc != CS_OK) sum = (cs_put_summary){0};
    goto out;
fail:
    cs__store_rollback(s);
    sum = (cs_put_summary){0};
    if (errors > 1000)
        cs__diag_add(diag, CS__ERROR, file, 0, 0, "共 %d 个错误，只列出前 1000 个 / %d errors, the first 1000 shown", errors, errors);
out:
    if (summary) *summary = sum;
    if (ps) free_periods(ps, periods.n);
    cs__strmap_free(&periods);
    cs__strmap_free(&regions);
    cs__strmap_free(&elements);
    free(period_of);
    free(region_of);
    free(region_known);
    free(write);
    free(previous);
    free(batch);
#undef VERR
    return rc;
}

/* ---- Reading -------------------------------------------------------------------------------- */

#define VALUE_SELECT                                                                                          \
    "SELECT r.id, r.region, r.period, r.element, r.value, r.missing, r.state, r.note, s.actor, s.at, s.kind,"   \
    " s.name, r.source_row FROM value_revision r JOIN source s ON s.id = r.source_id"

cs_status cs_store_values(cs_store *s, const cs_value_query *q, cs_value_fn fn, void *ctx, cs_diag *diag)
{
    cs__strmap subtree = {0};
    cs_status rc = CS_OK;
    cs__stmt *st = NULL;
    if (q->region && !q->exact && (rc = cs__store_region_subtree(s, q->region, &subtree, diag)) != CS_OK) goto out;
    const char *sql;
    /* the CASTs give PostgreSQL the parameters' types, which "$1 IS NULL" alone does not */
    /* every query starts from the current revisions and, for history or a past state, walks
     * back along previous */
    if (q->history)
        sql = "WITH RECURSIVE h(id) AS (SELECT c.revision FROM value_current c WHERE (CAST($1 AS TEXT) IS NULL OR"
              " c.period = $1) AND (CAST($2 AS TEXT) IS NULL OR c.element = $2) UNION ALL SELECT x.previous FROM h"
              " JOIN value_revision x ON x.id = h.id WHERE x.previous IS NOT NULL) " VALUE_SELECT
              " JOIN h ON h.id = r.id WHERE (CAST($3 AS BIGINT) = 0 OR r.id <= $3) ORDER BY r.region, r.period, r.element, r.id";
    else if (q->as_of)
        sql = "WITH RECURSIVE h(id) AS (SELECT c.revision FROM value_current c WHERE (CAST($1 AS TEXT) IS NULL OR"
              " c.period = $1) AND (CAST($2 AS TEXT) IS NULL OR c.element = $2) UNION ALL SELECT x.previous FROM h"
              " JOIN value_revision x ON x.id = h.id WHERE x.id > CAST($3 AS BIGINT) AND x.previous IS NOT NULL) "
              VALUE_SELECT " JOIN h ON h.id = r.id WHERE r.id <= $3 ORDER BY r.region, r.period, r.element";
    else
        sql = VALUE_SELECT " JOIN value_current c ON c.revision = r.id WHERE (CAST($1 AS TEXT) IS NULL OR c.period = $1)"
                           " AND (CAST($2 AS TEXT) IS NULL OR c.element = $2) AND CAST($3 AS BIGINT) = 0"
                           " ORDER BY r.region, r.period, r.element";
    if (!(st = cs__store_prepare(s, sql, diag))) {
        rc = CS_EDB;
        goto out;
    }
    s->be->bind_text(st, 1, q->period);
    s->be->bind_text(st, 2, q->element);
    s->be->bind_int(st, 3, q->as_of);
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        cs_value v = {0};
        v.region = s->be->column_text(st, 1);
        if (q->region && (q->exact ? strcmp(v.region, q->region) : cs__strmap_find(&subtree, v.region) < 0)) continue;
        v.revision = s->be->column_int(st, 0);
        v.period = s->be->column_text(st, 2);
        v.element = s->be->column_text(st, 3);
        v.is_missing = s->be->column_is_null(st, 4);
        v.value = v.is_missing ? NAN : s->be->column_double(st, 4);
        v.missing_reason = v.is_missing ? s->be->column_text(st, 5) : NULL;
        v.state = s->be->column_text(st, 6);
        v.note = s->be->column_text(st, 7);
        v.actor = s->be->column_text(st, 8);
        v.at = s->be->column_text(st, 9);
        v.source_kind = s->be->column_text(st, 10);
        v.source_name = s->be->column_text(st, 11);
        v.source_row = (int)s->be->column_int(st, 12);
        if (fn(ctx, &v)) break;
    }
    if (r == CS__STEP_ERROR) rc = CS_EDB;
out:
    if (st) s->be->finalize(st);
    cs__strmap_free(&subtree);
    return rc;
}

cs_status cs_store_last_revision(cs_store *s, int64_t *out, cs_diag *diag)
{
    *out = 0;
    cs__stmt *st = cs__store_stmt(s, ST_LAST_REVISION, "SELECT COALESCE(MAX(id), 0) FROM value_revision", diag);
    if (!st) return CS_EDB;
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) *out = s->be->column_int(st, 0);
    s->be->reset(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

/* ---- Review states ---------------------------------------------------------------------------- */

typedef struct {
    char *region, *element, *missing, *note;
    double value;
    int is_missing;
    int64_t revision;
} moving;

/* Writes a revision in state `to` for every current value of period matching the filters
 * (regions in subtree when given, element when given, state in from[]). */
static cs_status move_states_in(cs_store *s, const char *period, const cs__strmap *subtree, const cs__strmap *exclude,
                                const char *element, const cs__strmap *elements, const char *fill_region,
                                const char *const *from, const char *to, const char *actor, const char *note,
                                size_t *moved, cs_diag *diag);

static cs_status move_states(cs_store *s, const char *period, const cs__strmap *subtree, const char *element,
                             const char *const *from, const char *to, const char *actor, const char *note,
                             size_t *moved, cs_diag *diag)
{
    return move_states_in(s, period, subtree, NULL, element, NULL, NULL, from, to, actor, note, moved, diag);
}

cs_status cs__store_move_values(cs_store *s, const char *region, const char *period, const cs__strmap *elements,
                                const char *const *from, const char *to, int fill_missing, const char *actor,
                                const char *note, size_t *moved, cs_diag *diag)
{
    cs__strmap one = {0};
    cs__strmap_intern(&one, region);
    cs_status rc = move_states_in(s, period, &one, NULL, NULL, elements, fill_missing ? region : NULL, from, to, actor,
                                  note, moved, diag);
    cs__strmap_free(&one);
    return rc;
}

/* fill_region: also writes a missing value ("未填报") in state `to` for every element of
 * elements that region has no value of. */
static cs_status move_states_in(cs_store *s, const char *period, const cs__strmap *subtree, const cs__strmap *exclude,
                                const char *element, const cs__strmap *elements, const char *fill_region,
                                const char *const *from, const char *to, const char *actor, const char *note,
                                size_t *moved, cs_diag *diag)
{
    cs_status rc = CS_OK;
    CS__VEC(moving) list = {0};
    CS__VEC(char *) have = {0}; /* elements fill_region has a value of */
    cs__stmt *st = cs__store_prepare(s,
                                     "SELECT c.region, c.element, c.value, c.missing, c.state, r.note, c.revision FROM value_current c"
                                     " JOIN value_revision r ON r.id = c.revision WHERE c.period = $1 AND (CAST($2 AS TEXT) IS NULL OR"
                                     " c.element = $2) ORDER BY c.region, c.element", diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, period);
    s->be->bind_text(st, 2, element);
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        const char *region = s->be->column_text(st, 0), *state = s->be->column_text(st, 4);
        if (subtree && cs__strmap_find(subtree, region) < 0) continue;
        if (exclude && cs__strmap_find(exclude, region) >= 0) continue;
        if (elements && cs__strmap_find(elements, s->be->column_text(st, 1)) < 0) continue;
        if (fill_region && !strcmp(region, fill_region)) cs__vec_push(&have, cs__xstrdup(s->be->column_text(st, 1)));
        int ok = 0;
        for (int i = 0; from[i]; i++) ok |= !strcmp(from[i], state);
        if (!ok) continue;
        moving m = {cs__xstrdup(region), cs__xstrdup(s->be->column_text(st, 1)), NULL, NULL, 0, s->be->column_is_null(st, 2),
                    s->be->column_int(st, 6)};
        if (m.is_missing) m.missing = cs__xstrdup(s->be->column_text(st, 3));
        else m.value = s->be->column_double(st, 2);
        if (!s->be->column_is_null(st, 5)) m.note = cs__xstrdup(s->be->column_text(st, 5));
        cs__vec_push(&list, m);
    }
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) rc = CS_EDB;
    size_t nmoved = list.n;
    if (rc == CS_OK && fill_region && elements) {
        cs__strmap present = {0};
        for (size_t i = 0; i < have.n; i++) cs__strmap_intern(&present, have.items[i]);
        for (size_t e = 0; e < elements->n; e++) {
            if (cs__strmap_find(&present, elements->keys[e]) >= 0) continue;
            moving m = {cs__xstrdup(fill_region), cs__xstrdup(elements->keys[e]), cs__xstrdup("未填报"), NULL, 0, 1, 0};
            cs__vec_push(&list, m);
        }
        cs__strmap_free(&present);
    }
    for (size_t i = 0; i < have.n; i++) free(have.items[i]);
    cs__vec_free(&have);
    if (rc == CS_OK && list.n) {
        char name[96];
        snprintf(name, sizeof name, "状态变更为 %s / state change to %s", state_zh(to), to);
        cs_source src = {"review", name, NULL, actor, note};
        int64_t sid = 0, next_id = 0;
        rc = insert_source(s, &src, &sid, diag);
        if (rc == CS_OK) rc = first_revision_id(s, &next_id, diag);
        rev_batch *batch = cs__xcalloc(1, sizeof *batch);
        for (size_t i = 0; rc == CS_OK && i < list.n; i++) {
            rev_row x = {next_id++, list.items[i].revision, sid, list.items[i].region, period, list.items[i].element,
                         list.items[i].missing, to, list.items[i].note, list.items[i].value, list.items[i].is_missing, 0};
            rc = rev_add(s, batch, &x, diag);
        }
        if (rc == CS_OK) rc = rev_flush(s, batch, diag);
        free(batch);
        if (rc == CS_OK) rc = s->be->restart_ids(s->db, "value_revision", diag);
    }
    if (moved) *moved = rc == CS_OK ? nmoved : 0;
    for (size_t i = 0; i < list.n; i++) {
        free(list.items[i].region);
        free(list.items[i].element);
        free(list.items[i].missing);
        free(list.items[i].note);
    }
    cs__vec_free(&list);
    return rc;
}

cs_status cs__store_mark_all(cs_store *s, const char *period, const char *from, const char *to, const char *actor,
                             const char *note, cs_diag *diag)
{
    static const char *const any[] = {CS_STATE_DRAFT, CS_STATE_SUBMITTED, CS_STATE_APPROVED, CS_STATE_RETURNED,
                                      CS_STATE_LOCKED, NULL};
    const char *only[] = {from, NULL};
    /* the values of regions with a closed assessment round stay as the close left them */
    cs__strmap closed = {0};
    cs__stmt *st = cs__store_prepare(s, "SELECT region FROM assessment WHERE period = $1 AND state = 'closed'", diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, period);
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) cs__strmap_intern(&closed, s->be->column_text(st, 0));
    s->be->finalize(st);
    cs_status rc = r == CS__STEP_ERROR ? CS_EDB
                                       : move_states_in(s, period, NULL, &closed, NULL, NULL, NULL, from ? only : any, to, actor,
                                                        note, NULL, diag);
    cs__strmap_free(&closed);
    return rc;
}

cs_status cs_store_set_state(cs_store *s, const char *region, const char *period, const char *element,
                             const char *to_state, const char *actor, const char *note, size_t *moved,
                             cs_diag *diag)
{
    return cs_store_set_states(s, region, period, element ? &element : NULL, element ? 1 : 0, to_state, actor, note,
                               moved, diag);
}

cs_status cs_store_set_states(cs_store *s, const char *region, const char *period, const char *const *elements,
                              size_t nelements, const char *to_state, const char *actor, const char *note,
                              size_t *moved, cs_diag *diag)
{
    static const char *const to_submitted[] = {CS_STATE_DRAFT, CS_STATE_RETURNED, NULL};
    static const char *const from_submitted[] = {CS_STATE_SUBMITTED, NULL};
    /* an approved value may still be returned for correction until the round is locked */
    static const char *const to_returned[] = {CS_STATE_SUBMITTED, CS_STATE_APPROVED, NULL};
    const char *const *from;
    if (moved) *moved = 0;
    if (!strcmp(to_state, CS_STATE_SUBMITTED)) from = to_submitted;
    else if (!strcmp(to_state, CS_STATE_APPROVED)) from = from_submitted;
    else if (!strcmp(to_state, CS_STATE_RETURNED)) from = to_returned;
    else {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                     "不能直接改为状态 '%s'（锁定请用 round lock）/ values cannot be moved to '%s' directly", to_state, to_state);
        return CS_ESTATE;
    }
    int future = 0;
    if (!cs__store_period_ok(period, &future)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "年度 '%s' 无效 / invalid period '%s'", period, period);
        return CS_EUSAGE;
    }
    cs__strmap subtree = {0}, wanted = {0};
    cs_status rc = cs__store_region_subtree(s, region, &subtree, diag);
    if (rc != CS_OK) goto out;
    int locked = 0;
    if ((rc = cs__store_begin(s, diag)) != CS_OK) goto out;
    if ((rc = touch_round(s, period, actor, &locked, diag)) != CS_OK) goto fail;
    if (locked) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "%s 年度的评估已锁定 / the %s round is locked", period, period);
        rc = CS_ELOCKED;
        goto fail;
    }
    size_t total = 0;
    if (elements) {
        for (size_t k = 0; k < nelements; k++) cs__strmap_intern(&wanted, elements[k]);
        rc = move_states_in(s, period, &subtree, NULL, NULL, &wanted, NULL, from, to_state, actor, note, &total, diag);
    } else
        rc = move_states(s, period, &subtree, NULL, from, to_state, actor, note, &total, diag);
    if (rc != CS_OK) goto fail;
    if (moved) *moved = total;
    {
        const char *element = elements && nelements == 1 ? elements[0] : NULL;
        char object[96];
        snprintf(object, sizeof object, "values/%s/%s%s%s", region, period, element ? "/" : "", element ? element : "");
        json_t *detail = json_pack("{s:s, s:s, s:s, s:I}", "to_state", to_state, "note", note ? note : "", "region", region,
                                   "values_moved", (json_int_t)total);
        if (elements && nelements > 1) {
            json_t *list = json_array();
            for (size_t k = 0; k < nelements; k++) json_array_append_new(list, json_string(elements[k]));
            json_object_set_new(detail, "elements", list);
        }
        if ((rc = cs__audit_append(s, actor ? actor : "unknown", "values.state", object, detail, diag)) != CS_OK) goto fail;
    }
    rc = cs__store_commit(s, diag);
    goto out;
fail:
    cs__store_rollback(s);
out:
    cs__strmap_free(&subtree);
    cs__strmap_free(&wanted);
    return rc;
}
