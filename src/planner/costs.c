/*
 * costs.c — the costs file of the upgrade planner: what raising an indicator costs, in 万元 or in
 * days, per indicator and optionally per tier; also what lifting a penalty or veto, or meeting a
 * star level's extra condition, costs. A CSV with a header row; every bad cell is reported as
 * file:line:column, all of them in one pass.
 */
#include <math.h>
#include <string.h>

#include "io/table.h"
#include "planner_int.h"

typedef struct {
    cs__subject_kind kind;
    int index;            /* indicator, adjustment or rating */
    int tier;             /* 1-based; 0 = no tier given */
    double cost;
    int line;
} cost_row;

struct cs__costs {
    char unit[16];
    cost_row *rows;
    size_t n;
};

/* Column names accepted in the header, English or Chinese. */
enum { COL_INDICATOR, COL_TIER, COL_COST, COL_UNIT, NCOLS };
static const char *const col_names[NCOLS][4] = {
    {"indicator", "指标", "指标编号", NULL},
    {"tier", "档位", "星级要求", NULL},
    {"cost", "费用", "成本", NULL},
    {"unit", "单位", NULL, NULL},
};

/* Prefixes naming what is not an indicator: an adjustment by its code, a star level by name. */
static const struct {
    const char *prefix;
    cs__subject_kind kind;
} subject_prefixes[] = {
    {"penalty:", CS__SUBJECT_PENALTY}, {"减分:", CS__SUBJECT_PENALTY}, {"减分：", CS__SUBJECT_PENALTY},
    {"veto:", CS__SUBJECT_VETO},       {"否决:", CS__SUBJECT_VETO},   {"否决：", CS__SUBJECT_VETO},
    {"rating:", CS__SUBJECT_RATING},   {"星级:", CS__SUBJECT_RATING}, {"星级：", CS__SUBJECT_RATING},
};

const char *cs__costs_unit(const cs__costs *c)
{
    return c->unit;
}

void cs__costs_free(cs__costs *c)
{
    if (!c) return;
    free(c->rows);
    free(c);
}

static const char *cell(const cs__table_row *r, int col)
{
    return col >= 0 && col < r->ncells ? r->cells[col] : "";
}

/* Reads the subject a cell names; returns 0 after reporting. */
static int read_subject(const cs_framework *fw, const char *file, int line, int col, const char *s, cost_row *out, cs_diag *diag)
{
    for (size_t k = 0; k < sizeof subject_prefixes / sizeof subject_prefixes[0]; k++) {
        size_t n = strlen(subject_prefixes[k].prefix);
        if (strncmp(s, subject_prefixes[k].prefix, n)) continue;
        const char *name = s + n;
        out->kind = subject_prefixes[k].kind;
        if (out->kind == CS__SUBJECT_RATING) {
            out->index = cs__rating_lookup(fw, name) - 1;
            if (out->index < 0) {
                cs__diag_add(diag, CS__ERROR, file, line, col, "框架 %s 没有星级“%s” / no star level '%s'", fw->id, name, name);
                return 0;
            }
            return 1;
        }
        cs__adj_kind want = out->kind == CS__SUBJECT_VETO ? CS__ADJ_VETO : CS__ADJ_PENALTY;
        for (int a = 0; a < fw->nadjustments; a++)
            if (fw->adjustments[a].kind == want && fw->adjustments[a].code && !strcmp(fw->adjustments[a].code, name)) {
                out->index = a;
                return 1;
            }
        cs__diag_add(diag, CS__ERROR, file, line, col, "框架 %s 没有编号为 '%s' 的%s / framework %s has no %s '%s'", fw->id, name,
                     want == CS__ADJ_VETO ? "一票否决项" : "减分项", fw->id, want == CS__ADJ_VETO ? "veto" : "penalty", name);
        return 0;
    }
    out->kind = CS__SUBJECT_INDICATOR;
    out->index = cs__fw_indicator_index(fw, s);
    if (out->index < 0) {
        cs__diag_add(diag, CS__ERROR, file, line, col, "框架 %s 没有指标 '%s' / framework %s has no indicator '%s'", fw->id, s, fw->id, s);
        return 0;
    }
    cs__rule_kind k = fw->indicators[out->index].rule.kind;
    if (k == CS__RULE_MONITOR || k == CS__RULE_DEDUCTION) {
        cs__diag_add(diag, CS__ERROR, file, line, col, "指标 %s 是%s，不能升级 / indicator %s is a %s rule and cannot be raised", s,
                     k == CS__RULE_MONITOR ? "监测指标" : "扣分项", s, cs__rule_kind_name(k));
        return 0;
    }
    return 1;
}

/* Reads the tier a cell names for the subject in out (empty: none); returns 0 after reporting. */
static int read_tier(const cs_framework *fw, const char *file, int line, int col, const char *s, cost_row *out, cs_diag *diag)
{
    out->tier = 0;
    if (!*s) return 1;
    if (out->kind != CS__SUBJECT_INDICATOR || fw->indicators[out->index].rule.kind != CS__RULE_TIERS) {
        cs__diag_add(diag, CS__ERROR, file, line, col, "此项没有档位，档位一栏应留空 / this row's subject has no tiers: leave the tier empty");
        return 0;
    }
    const cs__rule *r = &fw->indicators[out->index].rule;
    for (int t = 0; t < r->ntiers; t++)
        if (!strcmp(r->tiers[t].level, s)) out->tier = t + 1;
    char *end;
    long n = strtol(s, &end, 10);
    if (!out->tier && !*end && n >= 1 && n <= r->ntiers) out->tier = (int)n;
    if (out->tier) return 1;
    cs__buf b = {0};
    for (int t = 0; t < r->ntiers; t++) cs__buf_printf(&b, "%s%s", t ? "、" : "", r->tiers[t].level);
    cs__diag_add(diag, CS__ERROR, file, line, col, "指标 %s 没有档位“%s”（可选：%s）/ indicator %s has no tier '%s'",
                 fw->indicators[out->index].code, s, cs__buf_str(&b), fw->indicators[out->index].code, s);
    cs__buf_free(&b);
    return 0;
}

cs_status cs__costs_parse(const cs_framework *fw, const char *file, const char *buf, size_t len, cs__costs **out, cs_diag *diag)
{
    *out = NULL;
    cs__table t = {0};
    size_t errors_before = cs_diag_errors(diag);
    cs__costs *c = cs__xcalloc(1, sizeof *c);
    cs_status rc = cs__csv_read_table(file, buf, len, "auto", &t, diag);
    if (rc != CS_OK) goto out;
    if (!t.rows.n) {
        cs__diag_add(diag, CS__ERROR, file, 1, 1, "费用文件为空：首行应为表头 indicator,tier,cost,unit / empty file: the first row must be the header indicator,tier,cost,unit");
        goto out;
    }
    /* the header */
    const cs__table_row *h = &t.rows.items[0];
    int col[NCOLS] = {-1, -1, -1, -1};
    for (int k = 0; k < h->ncells; k++) {
        const char *name = h->cells[k];
        if (k == 0 && !strncmp(name, "\xEF\xBB\xBF", 3)) name += 3;
        int known = -1;
        for (int c2 = 0; c2 < NCOLS && known < 0; c2++)
            for (int a = 0; a < 4 && col_names[c2][a] && known < 0; a++)
                if (!strcmp(name, col_names[c2][a])) known = c2;
        if (known < 0) {
            if (*name) cs__diag_add(diag, CS__ERROR, file, h->row, k + 1, "未知的列“%s”（应为 indicator,tier,cost,unit）/ unknown column '%s'", name, name);
            continue;
        }
        if (col[known] >= 0) cs__diag_add(diag, CS__ERROR, file, h->row, k + 1, "列“%s”重复 / column '%s' appears twice", name, name);
        col[known] = k;
    }
    for (int c2 = 0; c2 < NCOLS; c2++)
        if (col[c2] < 0 && c2 != COL_TIER)
            cs__diag_add(diag, CS__ERROR, file, h->row, 1, "表头缺少“%s”列（应为 indicator,tier,cost,unit）/ the header lacks the column '%s'",
                         col_names[c2][0], col_names[c2][0]);
    if (cs_diag_errors(diag) > errors_before) goto out;
    c->rows = cs__xcalloc(t.rows.n + 1, sizeof(cost_row));
    int unit_line = 0;
    for (size_t r = 1; r < t.rows.n; r++) {
        const cs__table_row *row = &t.rows.items[r];
        int empty = 1;
        for (int k = 0; k < row->ncells; k++) empty &= !*row->cells[k];
        if (empty) continue;
        cost_row cr = {0};
        cr.line = row->row;
        int ok = 1;
        const char *subject = cell(row, col[COL_INDICATOR]);
        if (!*subject) {
            cs__diag_add(diag, CS__ERROR, file, row->row, col[COL_INDICATOR] + 1, "缺少指标编号 / the indicator is empty");
            ok = 0;
        } else if (!read_subject(fw, file, row->row, col[COL_INDICATOR] + 1, subject, &cr, diag)) {
            ok = 0;
        } else if (!read_tier(fw, file, row->row, col[COL_TIER] + 1, cell(row, col[COL_TIER]), &cr, diag)) {
            ok = 0;
        }
        const char *cost = cell(row, col[COL_COST]);
        char *end;
        cr.cost = strtod(cost, &end);
        if (!*cost || *end || !isfinite(cr.cost) || cr.cost < 0) {
            cs__diag_add(diag, CS__ERROR, file, row->row, col[COL_COST] + 1, "费用“%s”应为不小于 0 的数 / the cost '%s' must be a number of at least 0",
                         cost, cost);
            ok = 0;
        }
        const char *unit = cell(row, col[COL_UNIT]);
        if (strcmp(unit, "万元") && strcmp(unit, "天")) {
            cs__diag_add(diag, CS__ERROR, file, row->row, col[COL_UNIT] + 1, "单位“%s”应为 万元 或 天 / the unit '%s' must be 万元 or 天 (days)", unit,
                         unit);
            ok = 0;
        } else if (!unit_line) {
            snprintf(c->unit, sizeof c->unit, "%s", unit);
            unit_line = row->row;
        } else if (strcmp(unit, c->unit)) {
            cs__diag_add(diag, CS__ERROR, file, row->row, col[COL_UNIT] + 1,
                         "单位“%s”与第 %d 行的“%s”不一致，同一文件只能用一种单位 / mixed units: '%s' here, '%s' on line %d", unit, unit_line, c->unit,
                         unit, c->unit, unit_line);
            ok = 0;
        }
        if (!ok) continue;
        for (size_t k = 0; k < c->n; k++)
            if (c->rows[k].kind == cr.kind && c->rows[k].index == cr.index && c->rows[k].tier == cr.tier) {
                cs__diag_add(diag, CS__ERROR, file, row->row, col[COL_INDICATOR] + 1, "与第 %d 行重复 / repeats line %d", c->rows[k].line,
                             c->rows[k].line);
                ok = 0;
                break;
            }
        if (ok) c->rows[c->n++] = cr;
    }
    if (!unit_line && cs_diag_errors(diag) == errors_before)
        cs__diag_add(diag, CS__ERROR, file, 2, 1, "费用文件没有任何费用 / the costs file lists no cost");
out:
    cs__table_clear(&t);
    if (cs_diag_errors(diag) > errors_before) {
        cs__costs_free(c);
        return rc != CS_OK ? rc : CS_EDATA;
    }
    *out = c;
    return CS_OK;
}

double cs__costs_lookup(const cs__costs *c, cs__subject_kind kind, int index, int from_tier, int to_tier, double points)
{
    const cost_row *exact = NULL, *any = NULL;
    for (size_t k = 0; k < c->n; k++) {
        const cost_row *r = &c->rows[k];
        if (r->kind != kind || r->index != index) continue;
        if (r->tier == 0) any = r;
        else if (r->tier == to_tier) exact = r;
    }
    if (kind != CS__SUBJECT_INDICATOR) return any ? any->cost : -1;
    if (to_tier > 0) {
        if (exact) return exact->cost;
        return any ? any->cost * (to_tier - from_tier) : -1;
    }
    return any ? any->cost * points : -1;
}
