/*
 * load.c — reads a framework file (YAML, through libyaml) into the model and checks it: unknown
 * keys, missing fields, duplicate codes, unknown names, type errors and cycles are all reported
 * as file:line:column in one pass. A framework with any error is not returned.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "model.h"
#include "ydoc.h"

typedef struct {
    cs__ydoc y;           /* the document, file, diagnostics and error count */
    cs_framework *fw;
    int allow_total;      /* symbol lookups may see total/max_total */
    int *measure_state;   /* cycle detection: 0 new, 1 on stack, 2 done */
    int *measure_checked;
} loader;

/* ---- YAML access ------------------------------------------------------------------------- */

static yaml_node_t *ynode(loader *ld, int idx)
{
    return cs__ydoc_node(&ld->y, idx);
}

static void err_at(loader *ld, cs__loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err_at(loader *ld, cs__loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs__diag_vadd(ld->y.diag, CS__ERROR, ld->y.file, loc.line, loc.col, fmt, ap);
    va_end(ap);
    ld->y.errors++;
}

static cs__loc loc_of(const yaml_node_t *n)
{
    cs__loc l = {(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
    return l;
}

#define err(ld, n, ...) err_at((ld), loc_of(n), __VA_ARGS__)

static const char *kind_text(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static int is_map(loader *ld, yaml_node_t *n, const char *what)
{
    if (n->type == YAML_MAPPING_NODE) return 1;
    err(ld, n, "%s 应为映射（key: value）/ %s must be a mapping, found %s", what, what, kind_text(n));
    return 0;
}

static int is_seq(loader *ld, yaml_node_t *n, const char *what)
{
    if (n->type == YAML_SEQUENCE_NODE) return 1;
    err(ld, n, "%s 应为列表 / %s must be a list, found %s", what, what, kind_text(n));
    return 0;
}

static yaml_node_t *get(loader *ld, yaml_node_t *map, const char *key)
{
    return cs__ydoc_get(&ld->y, map, key);
}

static void check_keys(loader *ld, yaml_node_t *map, const char *const *allowed, const char *what)
{
    cs__ydoc_check_keys(&ld->y, map, allowed, what);
}

/* A scalar's text copied into the framework arena; reports and returns NULL otherwise. */
static const char *scalar(loader *ld, yaml_node_t *n, const char *what)
{
    if (!n) return NULL;
    if (n->type != YAML_SCALAR_NODE) {
        err(ld, n, "%s 应为文字 / %s must be a scalar, found %s", what, what, kind_text(n));
        return NULL;
    }
    return cs__arena_strndup(&ld->fw->arena, (const char *)n->data.scalar.value, n->data.scalar.length);
}

/* The required text field key of map, reported when absent or empty. */
static const char *req_text(loader *ld, yaml_node_t *map, const char *key, const char *what)
{
    yaml_node_t *n = get(ld, map, key);
    if (!n) {
        err(ld, map, "%s 缺少 '%s' / %s needs '%s'", what, key, what, key);
        return NULL;
    }
    const char *s = scalar(ld, n, key);
    if (s && !*s) err(ld, n, "'%s' 不能为空 / '%s' must not be empty", key, key);
    return s;
}

static const char *opt_text(loader *ld, yaml_node_t *map, const char *key)
{
    yaml_node_t *n = get(ld, map, key);
    return n ? scalar(ld, n, key) : NULL;
}

static int parse_number(loader *ld, yaml_node_t *n, const char *what, double *out)
{
    const char *s = scalar(ld, n, what);
    if (!s) return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    int pct = 0;
    if (end != s && *end == '%') pct = 1, end++;
    if (end == s || *end || errno || !isfinite(v)) {
        err(ld, n, "%s 应为数值，这里是 \"%s\" / %s must be a number, found \"%s\"", what, s, what, s);
        return 0;
    }
    *out = pct ? v / 100.0 : v;
    return 1;
}

static int opt_number(loader *ld, yaml_node_t *map, const char *key, double *out)
{
    yaml_node_t *n = get(ld, map, key);
    return n ? parse_number(ld, n, key, out) : 0;
}

static int opt_bool(loader *ld, yaml_node_t *map, const char *key, int dflt)
{
    yaml_node_t *n = get(ld, map, key);
    if (!n) return dflt;
    const char *s = scalar(ld, n, key);
    if (!s) return dflt;
    if (!strcmp(s, "true") || !strcmp(s, "yes")) return 1;
    if (!strcmp(s, "false") || !strcmp(s, "no")) return 0;
    err(ld, n, "'%s' 应为 true 或 false / '%s' must be true or false", key, key);
    return dflt;
}

/* A list of scalars (a single scalar is taken as a one-item list). */
static const char **text_list(loader *ld, yaml_node_t *n, const char *what, int *count)
{
    *count = 0;
    if (!n) return NULL;
    if (n->type == YAML_SCALAR_NODE) {
        const char **v = cs__arena_alloc(&ld->fw->arena, sizeof(char *));
        v[0] = scalar(ld, n, what);
        *count = 1;
        return v;
    }
    if (!is_seq(ld, n, what)) return NULL;
    int len = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
    const char **v = cs__arena_alloc(&ld->fw->arena, sizeof(char *) * (size_t)(len ? len : 1));
    for (int i = 0; i < len; i++) {
        const char *s = scalar(ld, ynode(ld, n->data.sequence.items.start[i]), what);
        if (s) v[(*count)++] = s;
    }
    return v;
}

#define SEQ_LEN(n) ((int)((n)->data.sequence.items.top - (n)->data.sequence.items.start))
#define SEQ_ITEM(ld, n, i) ynode((ld), (n)->data.sequence.items.start[i])

/* Parses the expression in scalar node n. */
static cs__node *parse_expr(loader *ld, yaml_node_t *n, const char *what, const char **text_out)
{
    const char *text = scalar(ld, n, what);
    if (text_out) *text_out = text;
    if (!text) return NULL;
    cs__srcpos pos = {ld->y.file, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
    yaml_scalar_style_t st = n->data.scalar.style;
    if (st == YAML_SINGLE_QUOTED_SCALAR_STYLE || st == YAML_DOUBLE_QUOTED_SCALAR_STYLE) pos.col++;
    size_t before = cs_diag_errors(ld->y.diag);
    cs__node *e = cs__expr_parse(&ld->fw->arena, text, pos, ld->y.diag);
    ld->y.errors += (int)(cs_diag_errors(ld->y.diag) - before);
    return e;
}

/* ---- Sections ------------------------------------------------------------------------------ */

typedef CS__VEC(cs__element) element_vec;
typedef CS__VEC(cs__measure) measure_vec;

/* A warning factor (yoy_factor, peer_factor): a number above 1, or 0 when absent. */
static double opt_factor(loader *ld, yaml_node_t *map, const char *key)
{
    double f = 0;
    if (!opt_number(ld, map, key, &f)) return 0;
    if (f <= 1) {
        err(ld, get(ld, map, key), "%s 应大于 1 / %s must be greater than 1", key, key);
        return 0;
    }
    return f;
}

/* An element's rollup: {framework: ID, count: regions|scored|rated, rating: NAME} or
 * {framework: ID, sum: ELEMENT}. The framework named is resolved when the file is loaded from a
 * folder (resolve_rollups). */
static void parse_rollup(loader *ld, yaml_node_t *n, cs__rollup *r)
{
    static const char *const keys[] = {"framework", "count", "rating", "sum", "name_contains", NULL};
    if (!is_map(ld, n, "rollup")) return;
    check_keys(ld, n, keys, "rollup");
    r->loc = loc_of(n);
    r->framework = req_text(ld, n, "framework", "rollup");
    const char *count = opt_text(ld, n, "count");
    r->element = opt_text(ld, n, "sum");
    r->rating = opt_text(ld, n, "rating");
    r->name_contains = opt_text(ld, n, "name_contains");
    if (!count == !r->element) {
        err(ld, n, "rollup 需要 count 或 sum 之一 / rollup needs exactly one of count and sum");
        return;
    }
    if (r->element) r->kind = CS__ROLLUP_SUM;
    else if (!strcmp(count, "regions")) r->kind = CS__ROLLUP_REGIONS;
    else if (!strcmp(count, "scored")) r->kind = CS__ROLLUP_SCORED;
    else if (!strcmp(count, "rated")) r->kind = CS__ROLLUP_RATED;
    else err(ld, get(ld, n, "count"), "count 应为 regions、scored 或 rated / unknown count '%s'", count);
    if (r->kind == CS__ROLLUP_RATED && !r->rating) err(ld, n, "count: rated 需要 rating（星级名称）/ count: rated needs a rating");
    if (r->rating && r->kind != CS__ROLLUP_RATED)
        err(ld, get(ld, n, "rating"), "rating 只用于 count: rated / rating goes with count: rated only");
}

static void parse_element(loader *ld, yaml_node_t *n, int indicator, element_vec *out)
{
    static const char *const keys[] = {"code", "name", "unit", "type", "min", "max", "at_most", "required",
                                       "yoy_factor", "peer_factor", "rollup", NULL};
    if (!is_map(ld, n, "element")) return;
    check_keys(ld, n, keys, "element");
    cs__element e = {0};
    e.loc = loc_of(n);
    e.first_indicator = indicator;
    e.code = req_text(ld, n, "code", "数据项 / element");
    e.name = req_text(ld, n, "name", "数据项 / element");
    e.unit = opt_text(ld, n, "unit");
    if (!e.unit) e.unit = "";
    const char *type = req_text(ld, n, "type", "数据项 / element");
    if (type) {
        if (!strcmp(type, "integer")) e.type = CS__ELEM_INTEGER;
        else if (!strcmp(type, "real")) e.type = CS__ELEM_REAL;
        else if (!strcmp(type, "boolean")) e.type = CS__ELEM_BOOLEAN;
        else err(ld, get(ld, n, "type"), "未知的数据项类型 '%s'（应为 integer、real 或 boolean）/ unknown element type", type);
    }
    e.has_min = opt_number(ld, n, "min", &e.min);
    e.has_max = opt_number(ld, n, "max", &e.max);
    if (e.has_min && e.has_max && e.min > e.max) err(ld, n, "min 大于 max / min is greater than max");
    e.at_most = text_list(ld, get(ld, n, "at_most"), "at_most", &e.n_at_most);
    e.required = opt_bool(ld, n, "required", -1);
    e.yoy_factor = opt_factor(ld, n, "yoy_factor");
    e.peer_factor = opt_factor(ld, n, "peer_factor");
    yaml_node_t *ru = get(ld, n, "rollup");
    if (ru) parse_rollup(ld, ru, &e.rollup);
    if (e.code) cs__vec_push(out, e);
}

static void parse_measure(loader *ld, yaml_node_t *n, int indicator, measure_vec *out)
{
    static const char *const keys[] = {"code", "name", "unit", "expr", NULL};
    if (!is_map(ld, n, "measure")) return;
    check_keys(ld, n, keys, "measure");
    cs__measure m = {0};
    m.loc = loc_of(n);
    m.indicator = indicator;
    m.code = req_text(ld, n, "code", "计算值 / measure");
    m.name = req_text(ld, n, "name", "计算值 / measure");
    m.unit = opt_text(ld, n, "unit");
    if (!m.unit) m.unit = "";
    yaml_node_t *e = get(ld, n, "expr");
    if (!e) err(ld, n, "计算值缺少 'expr' / measure needs 'expr'");
    else m.expr = parse_expr(ld, e, "expr", &m.text);
    if (m.code) cs__vec_push(out, m);
}

/* A condition: an expression, or a list of expressions or {expr, text} mappings. */
static cs__criterion *parse_criteria(loader *ld, yaml_node_t *n, int *count)
{
    static const char *const keys[] = {"expr", "text", NULL};
    *count = 0;
    int len = n->type == YAML_SEQUENCE_NODE ? SEQ_LEN(n) : 1;
    if (n->type == YAML_MAPPING_NODE) {
        err(ld, n, "条件应为表达式或表达式列表 / a condition must be an expression or a list of them");
        return NULL;
    }
    if (len == 0) {
        err(ld, n, "条件列表为空 / empty list of conditions");
        return NULL;
    }
    cs__criterion *v = cs__arena_alloc(&ld->fw->arena, sizeof(cs__criterion) * (size_t)len);
    for (int i = 0; i < len; i++) {
        yaml_node_t *c = n->type == YAML_SEQUENCE_NODE ? SEQ_ITEM(ld, n, i) : n;
        cs__criterion *cr = &v[*count];
        cr->loc = loc_of(c);
        if (c->type == YAML_MAPPING_NODE) {
            check_keys(ld, c, keys, "condition");
            cr->text = opt_text(ld, c, "text");
            yaml_node_t *e = get(ld, c, "expr");
            if (!e) {
                err(ld, c, "条件缺少 'expr' / condition needs 'expr'");
                continue;
            }
            cr->expr = parse_expr(ld, e, "expr", &cr->src);
        } else {
            cr->expr = parse_expr(ld, c, "condition", &cr->src);
        }
        (*count)++;
    }
    return v;
}

static void parse_rule(loader *ld, yaml_node_t *n, cs__indicator *ind)
{
    static const char *const keys[] = {"kind", "text", "tiers", "points", "min_points", "max_points", "cap", "items", NULL};
    static const char *const tier_keys[] = {"level", "text", "points", "when", NULL};
    static const char *const item_keys[] = {"element", "per", "cap", "text", NULL};
    cs__rule *r = &ind->rule;
    r->loc = loc_of(n);
    if (!is_map(ld, n, "rule")) return;
    check_keys(ld, n, keys, "rule");
    const char *kind = req_text(ld, n, "kind", "评分规则 / rule");
    r->text = opt_text(ld, n, "text");
    if (!kind) return;
    if (!strcmp(kind, "tiers")) r->kind = CS__RULE_TIERS;
    else if (!strcmp(kind, "formula")) r->kind = CS__RULE_FORMULA;
    else if (!strcmp(kind, "items")) r->kind = CS__RULE_ITEMS;
    else if (!strcmp(kind, "deduction")) r->kind = CS__RULE_DEDUCTION;
    else if (!strcmp(kind, "monitor")) r->kind = CS__RULE_MONITOR;
    else {
        err(ld, get(ld, n, "kind"), "未知的规则类型 '%s'（应为 tiers、formula、items、deduction 或 monitor）/ unknown rule kind", kind);
        return;
    }
    yaml_node_t *tiers = get(ld, n, "tiers"), *items = get(ld, n, "items"), *pts = get(ld, n, "points");
    if (tiers && r->kind != CS__RULE_TIERS) err(ld, tiers, "只有 tiers 规则有 'tiers' / only a tiers rule has 'tiers'");
    if (items && r->kind != CS__RULE_ITEMS) err(ld, items, "只有 items 规则有 'items' / only an items rule has 'items'");
    if (pts && r->kind != CS__RULE_FORMULA && r->kind != CS__RULE_DEDUCTION)
        err(ld, pts, "只有 formula 和 deduction 规则有 'points' / only formula and deduction rules have 'points'");
    switch (r->kind) {
    case CS__RULE_TIERS:
        if (!tiers) {
            err(ld, n, "tiers 规则缺少 'tiers' / a tiers rule needs 'tiers'");
            return;
        }
        if (!is_seq(ld, tiers, "tiers")) return;
        r->tiers = cs__arena_alloc(&ld->fw->arena, sizeof(cs__tier) * (size_t)(SEQ_LEN(tiers) + 1));
        for (int i = 0; i < SEQ_LEN(tiers); i++) {
            yaml_node_t *t = SEQ_ITEM(ld, tiers, i);
            if (!is_map(ld, t, "tier")) continue;
            check_keys(ld, t, tier_keys, "tier");
            cs__tier *tr = &r->tiers[r->ntiers++];
            tr->loc = loc_of(t);
            tr->level = req_text(ld, t, "level", "档位 / tier");
            tr->text = opt_text(ld, t, "text");
            yaml_node_t *p = get(ld, t, "points");
            if (!p) err(ld, t, "档位缺少 'points' / tier needs 'points'");
            else parse_number(ld, p, "points", &tr->points);
            yaml_node_t *w = get(ld, t, "when");
            if (!w) err(ld, t, "档位缺少条件 'when' / tier needs 'when'");
            else tr->criteria = parse_criteria(ld, w, &tr->ncriteria);
            if (tr->level && ld->fw->ntier_levels) {
                int found = 0;
                for (int k = 0; k < ld->fw->ntier_levels; k++) found |= !strcmp(ld->fw->tier_levels[k], tr->level);
                if (!found) err(ld, get(ld, t, "level"), "档位 '%s' 不在 tier_levels 中 / tier level '%s' is not in tier_levels", tr->level, tr->level);
            }
        }
        if (r->ntiers == 0) err(ld, tiers, "tiers 规则至少需要一个档位 / a tiers rule needs at least one tier");
        break;
    case CS__RULE_FORMULA:
        if (!pts) {
            err(ld, n, "formula 规则缺少 'points' / a formula rule needs 'points'");
            return;
        }
        r->points = parse_expr(ld, pts, "points", &r->points_text);
        if (!opt_number(ld, n, "max_points", &r->max_points))
            err(ld, n, "formula 规则缺少 'max_points' / a formula rule needs 'max_points'");
        r->min_points = 0;
        opt_number(ld, n, "min_points", &r->min_points);
        break;
    case CS__RULE_DEDUCTION:
        if (!pts) {
            err(ld, n, "deduction 规则缺少 'points' / a deduction rule needs 'points'");
            return;
        }
        r->points = parse_expr(ld, pts, "points", &r->points_text);
        r->has_cap = opt_number(ld, n, "cap", &r->cap);
        break;
    case CS__RULE_ITEMS:
        if (!items) {
            err(ld, n, "items 规则缺少 'items' / an items rule needs 'items'");
            return;
        }
        if (!is_seq(ld, items, "items")) return;
        r->has_cap = opt_number(ld, n, "cap", &r->cap);
        r->items = cs__arena_alloc(&ld->fw->arena, sizeof(cs__item) * (size_t)(SEQ_LEN(items) + 1));
        for (int i = 0; i < SEQ_LEN(items); i++) {
            yaml_node_t *t = SEQ_ITEM(ld, items, i);
            if (!is_map(ld, t, "item")) continue;
            check_keys(ld, t, item_keys, "item");
            cs__item *it = &r->items[r->nitems++];
            it->loc = loc_of(t);
            it->sym = -1;
            it->element = req_text(ld, t, "element", "计分项 / item");
            it->text = opt_text(ld, t, "text");
            if (!opt_number(ld, t, "per", &it->per)) {
                if (!get(ld, t, "per")) err(ld, t, "计分项缺少 'per' / item needs 'per'");
            }
            it->has_cap = opt_number(ld, t, "cap", &it->cap);
        }
        if (!r->has_cap) {
            for (int i = 0; i < r->nitems; i++)
                if (!r->items[i].has_cap)
                    err(ld, n, "items 规则需要总上限 'cap' 或每项都有上限 / an items rule needs an overall 'cap' or a cap on every item");
        }
        break;
    case CS__RULE_MONITOR:
        break;
    }
}

static void parse_source(loader *ld, yaml_node_t *n, cs__indicator *ind)
{
    static const char *const keys[] = {"document", "table", "row", NULL};
    if (!is_map(ld, n, "source")) return;
    check_keys(ld, n, keys, "source");
    ind->src_document = opt_text(ld, n, "document");
    ind->src_table = opt_text(ld, n, "table");
    ind->src_row = opt_text(ld, n, "row");
}

static void parse_indicator(loader *ld, yaml_node_t *n, int index, element_vec *elems, measure_vec *measures)
{
    static const char *const keys[] = {"code", "name", "group", "leading", "weight", "departments", "definition",
                                       "source", "tags", "codes", "elements", "measures", "value", "rule", NULL};
    cs__indicator *ind = &ld->fw->indicators[index];
    ind->loc = loc_of(n);
    ind->group = -1;
    ind->value_sym = -1;
    if (!is_map(ld, n, "indicator")) return;
    check_keys(ld, n, keys, "indicator");
    ind->code = req_text(ld, n, "code", "指标 / indicator");
    ind->name = req_text(ld, n, "name", "指标 / indicator");
    ind->group_code = opt_text(ld, n, "group");
    ind->leading = opt_bool(ld, n, "leading", 0);
    ind->has_weight = opt_number(ld, n, "weight", &ind->weight);
    ind->departments = text_list(ld, get(ld, n, "departments"), "departments", &ind->ndepartments);
    ind->definition = opt_text(ld, n, "definition");
    yaml_node_t *src = get(ld, n, "source");
    if (src) parse_source(ld, src, ind);
    ind->tags = text_list(ld, get(ld, n, "tags"), "tags", &ind->ntags);
    yaml_node_t *codes = get(ld, n, "codes");
    if (codes && is_map(ld, codes, "codes")) {
        static const char *const ck[] = {"national", "shandong", NULL};
        check_keys(ld, codes, ck, "codes");
        ind->code_national = opt_text(ld, codes, "national");
        ind->code_shandong = opt_text(ld, codes, "shandong");
    }
    yaml_node_t *el = get(ld, n, "elements");
    if (el && is_seq(ld, el, "elements"))
        for (int i = 0; i < SEQ_LEN(el); i++) parse_element(ld, SEQ_ITEM(ld, el, i), index, elems);
    yaml_node_t *ms = get(ld, n, "measures");
    if (ms && is_seq(ld, ms, "measures")) {
        size_t first = measures->n;
        for (int i = 0; i < SEQ_LEN(ms); i++) parse_measure(ld, SEQ_ITEM(ld, ms, i), index, measures);
        ind->nmeasures = (int)(measures->n - first);
        ind->measures = cs__arena_alloc(&ld->fw->arena, sizeof(int) * (size_t)(ind->nmeasures + 1));
        for (int i = 0; i < ind->nmeasures; i++) ind->measures[i] = (int)first + i;
    }
    yaml_node_t *rule = get(ld, n, "rule");
    if (!rule) err(ld, n, "指标缺少评分规则 'rule' / indicator needs 'rule'");
    else parse_rule(ld, rule, ind);
}

static void parse_group(loader *ld, yaml_node_t *n, cs__group *g)
{
    static const char *const keys[] = {"code", "name", "parent", "weight", NULL};
    g->loc = loc_of(n);
    g->parent = -1;
    if (!is_map(ld, n, "group")) return;
    check_keys(ld, n, keys, "group");
    g->code = req_text(ld, n, "code", "分组 / group");
    g->name = req_text(ld, n, "name", "分组 / group");
    g->parent_code = opt_text(ld, n, "parent");
    g->has_weight = opt_number(ld, n, "weight", &g->weight);
}

static void parse_adjustment(loader *ld, yaml_node_t *n, cs__adjustment *a)
{
    static const char *const keys[] = {"code", "kind", "when", "points", "text", NULL};
    a->loc = loc_of(n);
    if (!is_map(ld, n, "adjustment")) return;
    check_keys(ld, n, keys, "adjustment");
    a->code = opt_text(ld, n, "code");
    a->text = opt_text(ld, n, "text");
    const char *kind = req_text(ld, n, "kind", "调整项 / adjustment");
    if (kind && !strcmp(kind, "penalty")) a->kind = CS__ADJ_PENALTY;
    else if (kind && !strcmp(kind, "veto")) a->kind = CS__ADJ_VETO;
    else if (kind) err(ld, get(ld, n, "kind"), "未知的调整类型 '%s'（应为 penalty 或 veto）/ unknown adjustment kind", kind);
    yaml_node_t *w = get(ld, n, "when");
    if (w) a->criteria = parse_criteria(ld, w, &a->ncriteria);
    else if (a->kind == CS__ADJ_VETO) err(ld, n, "veto 需要条件 'when' / a veto needs 'when'");
    yaml_node_t *p = get(ld, n, "points");
    if (a->kind == CS__ADJ_PENALTY) {
        if (!p) err(ld, n, "penalty 需要 'points' / a penalty needs 'points'");
        else a->points = parse_expr(ld, p, "points", &a->points_text);
    } else if (p) {
        err(ld, p, "veto 没有 'points'（整体不得分）/ a veto has no 'points'");
    }
}

static void parse_rating(loader *ld, yaml_node_t *n, cs__rating *r)
{
    static const char *const keys[] = {"name", "min_total", "when", "text", NULL};
    r->loc = loc_of(n);
    if (!is_map(ld, n, "rating")) return;
    check_keys(ld, n, keys, "rating");
    r->name = req_text(ld, n, "name", "星级 / rating");
    r->text = opt_text(ld, n, "text");
    yaml_node_t *m = get(ld, n, "min_total");
    if (!m) err(ld, n, "星级缺少 'min_total' / rating needs 'min_total'");
    else parse_number(ld, m, "min_total", &r->min_total);
    yaml_node_t *w = get(ld, n, "when");
    if (w) r->criteria = parse_criteria(ld, w, &r->ncriteria);
}

/* ---- Resolution and checks ------------------------------------------------------------------- */

static int lookup_sym(void *ctx, const char *name, cs__type *type, int *is_element)
{
    loader *ld = ctx;
    cs_framework *fw = ld->fw;
    *is_element = 0;
    for (int i = 0; i < fw->nelements; i++)
        if (!strcmp(fw->elements[i].code, name)) {
            *type = fw->elements[i].type == CS__ELEM_BOOLEAN ? CS__T_BOOL : CS__T_NUM;
            *is_element = 1;
            return i;
        }
    for (int i = 0; i < fw->nmeasures; i++)
        if (!strcmp(fw->measures[i].code, name)) {
            *type = fw->measures[i].expr ? fw->measures[i].expr->type : CS__T_NONE;
            return fw->nelements + i;
        }
    if (ld->allow_total && !strcmp(name, "total")) {
        *type = CS__T_NUM;
        return CS__SYM_TOTAL(fw);
    }
    if (ld->allow_total && !strcmp(name, "max_total")) {
        *type = CS__T_NUM;
        return CS__SYM_MAX_TOTAL(fw);
    }
    return -1;
}

static int lookup_ind(void *ctx, const char *code)
{
    loader *ld = ctx;
    return cs__fw_indicator_index(ld->fw, code);
}

static int check_expr(loader *ld, cs__node *e, cs__type want)
{
    if (!e) return 1;
    cs__symbols syms = {ld, lookup_sym, lookup_ind};
    int n = cs__expr_check(e, &syms, want, ld->y.file, ld->y.diag);
    ld->y.errors += n;
    return n;
}

/* Collects the measures an expression references directly. */
typedef struct {
    cs_framework *fw;
    CS__VEC(int) measures;
} ref_collect;

static void collect_measure_refs(void *ctx, const cs__node *n)
{
    ref_collect *rc = ctx;
    if (n->kind != CS__N_REF) return;
    for (int i = 0; i < rc->fw->nmeasures; i++)
        if (!strcmp(rc->fw->measures[i].code, n->name)) cs__vec_push(&rc->measures, i);
}

/* Checks measure m after the measures it depends on, reporting cycles. */
static void check_measure(loader *ld, int m, int *stack, int depth)
{
    cs_framework *fw = ld->fw;
    if (ld->measure_state[m] == 2) return;
    if (ld->measure_state[m] == 1) {
        cs__buf b = {0};
        int start = depth - 1;
        while (start > 0 && stack[start] != m) start--;
        for (int i = start; i < depth; i++) cs__buf_printf(&b, "%s → ", fw->measures[stack[i]].code);
        cs__buf_append(&b, fw->measures[m].code);
        err_at(ld, fw->measures[m].loc, "计算值循环引用 / measures refer to each other in a cycle: %s", cs__buf_str(&b));
        cs__buf_free(&b);
        return;
    }
    ld->measure_state[m] = 1;
    stack[depth] = m;
    ref_collect rc = {fw, {0}};
    cs__expr_walk(fw->measures[m].expr, collect_measure_refs, &rc);
    for (size_t i = 0; i < rc.measures.n; i++) check_measure(ld, rc.measures.items[i], stack, depth + 1);
    cs__vec_free(&rc.measures);
    if (ld->measure_state[m] == 1 && fw->measures[m].expr) check_expr(ld, fw->measures[m].expr, CS__T_NONE);
    ld->measure_state[m] = 2;
}

static void check_criteria(loader *ld, cs__criterion *c, int n)
{
    for (int i = 0; i < n; i++) check_expr(ld, c[i].expr, CS__T_BOOL);
}

/* Indicator dependency through points()/tier()/reached(): reports cycles. */
typedef struct {
    CS__VEC(int) inds;
} ind_collect;

static void collect_ind_refs(void *ctx, const cs__node *n)
{
    ind_collect *ic = ctx;
    if (n->kind == CS__N_CALL && (n->op == CS__FN_POINTS || n->op == CS__FN_TIER || n->op == CS__FN_REACHED) && n->sym >= 0)
        cs__vec_push(&ic->inds, n->sym);
}

static void indicator_deps(const cs_framework *fw, int i, ind_collect *ic)
{
    const cs__indicator *ind = &fw->indicators[i];
    for (int m = 0; m < fw->nmeasures; m++)
        if (fw->measures[m].indicator == i) cs__expr_walk(fw->measures[m].expr, collect_ind_refs, ic);
    for (int t = 0; t < ind->rule.ntiers; t++)
        for (int c = 0; c < ind->rule.tiers[t].ncriteria; c++)
            cs__expr_walk(ind->rule.tiers[t].criteria[c].expr, collect_ind_refs, ic);
    cs__expr_walk(ind->rule.points, collect_ind_refs, ic);
}

static int indicator_cycle(loader *ld, int i, int *state)
{
    if (state[i] == 2) return 0;
    if (state[i] == 1) return 1;
    state[i] = 1;
    ind_collect ic = {{0}};
    indicator_deps(ld->fw, i, &ic);
    int cyc = 0;
    for (size_t k = 0; k < ic.inds.n && !cyc; k++) {
        if (indicator_cycle(ld, ic.inds.items[k], state)) {
            cyc = 1;
            if (state[i] == 1)
                err_at(ld, ld->fw->indicators[i].loc, "指标 '%s' 通过 points()/tier()/reached() 循环引用 / indicator '%s' depends on itself through points()/tier()/reached()",
                       ld->fw->indicators[i].code, ld->fw->indicators[i].code);
        }
    }
    cs__vec_free(&ic.inds);
    state[i] = 2;
    return cyc;
}

static double rule_max(const cs__rule *r)
{
    double m = 0;
    switch (r->kind) {
    case CS__RULE_TIERS:
        for (int i = 0; i < r->ntiers; i++) m = r->tiers[i].points > m ? r->tiers[i].points : m;
        return m;
    case CS__RULE_FORMULA:
        return r->max_points;
    case CS__RULE_ITEMS:
        for (int i = 0; i < r->nitems; i++) m += r->items[i].has_cap ? r->items[i].cap : INFINITY;
        return r->has_cap && r->cap < m ? r->cap : m;
    default:
        return 0;
    }
}

/* Whether group g holds any scored (non-deduction) indicator in its subtree. */
static int group_scored(const cs_framework *fw, int g)
{
    for (int i = 0; i < fw->nindicators; i++)
        if (fw->indicators[i].group == g && fw->indicators[i].rule.kind != CS__RULE_DEDUCTION) return 1;
    for (int k = 0; k < fw->ngroups; k++)
        if (fw->groups[k].parent == g && group_scored(fw, k)) return 1;
    return 0;
}

/* The maximum score of group g (weighted frameworks: on the children's scale). */
static double group_max(const cs_framework *fw, int g)
{
    double sum = 0;
    for (int i = 0; i < fw->ngroups; i++)
        if (fw->groups[i].parent == g) sum += fw->groups[i].weight / 100.0 * group_max(fw, i);
    for (int i = 0; i < fw->nindicators; i++)
        if (fw->indicators[i].group == g && fw->indicators[i].rule.kind != CS__RULE_DEDUCTION)
            sum += fw->indicators[i].weight / 100.0 * fw->indicators[i].max_points;
    return sum;
}

static void resolve(loader *ld)
{
    cs_framework *fw = ld->fw;
    /* duplicate codes */
    for (int i = 0; i < fw->nelements; i++) {
        for (int j = 0; j < i; j++)
            if (!strcmp(fw->elements[i].code, fw->elements[j].code))
                err_at(ld, fw->elements[i].loc, "数据项编号 '%s' 重复（第 %d 行已声明）/ duplicate element code '%s' (first at line %d)",
                       fw->elements[i].code, fw->elements[j].loc.line, fw->elements[i].code, fw->elements[j].loc.line);
        for (int k = 0; k < fw->elements[i].n_at_most; k++)
            if (cs__fw_element_index(fw, fw->elements[i].at_most[k]) < 0)
                err_at(ld, fw->elements[i].loc, "at_most 中的 '%s' 不是已声明的数据项 / at_most names unknown element '%s'",
                       fw->elements[i].at_most[k], fw->elements[i].at_most[k]);
    }
    for (int i = 0; i < fw->nmeasures; i++) {
        if (cs__fw_element_index(fw, fw->measures[i].code) >= 0)
            err_at(ld, fw->measures[i].loc, "计算值编号 '%s' 与数据项重名 / measure code '%s' is already an element", fw->measures[i].code, fw->measures[i].code);
        for (int j = 0; j < i; j++)
            if (!strcmp(fw->measures[i].code, fw->measures[j].code))
                err_at(ld, fw->measures[i].loc, "计算值编号 '%s' 重复 / duplicate measure code '%s'", fw->measures[i].code, fw->measures[i].code);
    }
    for (int i = 0; i < fw->ngroups; i++) {
        cs__group *g = &fw->groups[i];
        for (int j = 0; j < i; j++)
            if (g->code && fw->groups[j].code && !strcmp(g->code, fw->groups[j].code))
                err_at(ld, g->loc, "分组编号 '%s' 重复 / duplicate group code '%s'", g->code, g->code);
        if (g->parent_code) {
            for (int j = 0; j < i; j++)
                if (fw->groups[j].code && !strcmp(fw->groups[j].code, g->parent_code)) g->parent = j;
            if (g->parent < 0)
                err_at(ld, g->loc, "上级分组 '%s' 未在此前声明 / parent group '%s' is not declared before this group", g->parent_code, g->parent_code);
            else
                g->depth = fw->groups[g->parent].depth + 1;
        }
    }
    for (int i = 0; i < fw->ngroups; i++)
        if (fw->scoring == CS__SCORING_WEIGHTED && !fw->groups[i].has_weight && group_scored(fw, i))
            err_at(ld, fw->groups[i].loc, "加权框架的分组需要 'weight'（只含扣分项的分组除外）/ groups of a weighted framework need 'weight' (except deduction-only groups)");
    for (int i = 0; i < fw->nindicators; i++) {
        cs__indicator *ind = &fw->indicators[i];
        if (!ind->code) continue;
        for (int j = 0; j < i; j++)
            if (fw->indicators[j].code && !strcmp(ind->code, fw->indicators[j].code))
                err_at(ld, ind->loc, "指标编号 '%s' 重复 / duplicate indicator code '%s'", ind->code, ind->code);
        if (ind->group_code) {
            for (int j = 0; j < fw->ngroups; j++)
                if (fw->groups[j].code && !strcmp(fw->groups[j].code, ind->group_code)) ind->group = j;
            if (ind->group < 0) err_at(ld, ind->loc, "未知的分组 '%s' / unknown group '%s'", ind->group_code, ind->group_code);
        } else if (fw->ngroups > 0) {
            err_at(ld, ind->loc, "指标缺少 'group' / indicator needs 'group' (the framework has groups)");
        }
        if (fw->scoring == CS__SCORING_WEIGHTED && !ind->has_weight && ind->rule.kind != CS__RULE_DEDUCTION)
            err_at(ld, ind->loc, "加权框架的指标需要 'weight' / indicators of a weighted framework need 'weight'");
        if (fw->scoring == CS__SCORING_MONITOR && ind->rule.kind != CS__RULE_MONITOR)
            err_at(ld, ind->rule.loc, "监测框架（scoring: monitor）的指标只能用 monitor 规则 / a monitor framework has only monitor rules");
    }

    /* measures in dependency order, then everything that uses them */
    ld->measure_state = cs__xcalloc((size_t)fw->nmeasures + 1, sizeof(int));
    int *stack = cs__xcalloc((size_t)fw->nmeasures + 1, sizeof(int));
    for (int m = 0; m < fw->nmeasures; m++) check_measure(ld, m, stack, 0);
    free(stack);
    free(ld->measure_state);
    ld->measure_state = NULL;

    for (int i = 0; i < fw->nindicators; i++) {
        cs__indicator *ind = &fw->indicators[i];
        cs__rule *r = &ind->rule;
        for (int t = 0; t < r->ntiers; t++) check_criteria(ld, r->tiers[t].criteria, r->tiers[t].ncriteria);
        if (r->points) check_expr(ld, r->points, CS__T_NUM);
        for (int k = 0; k < r->nitems; k++) {
            cs__item *it = &r->items[k];
            if (!it->element) continue;
            it->sym = cs__fw_element_index(fw, it->element);
            if (it->sym < 0)
                err_at(ld, it->loc, "计分项的数据项 '%s' 未声明 / item element '%s' is not declared", it->element, it->element);
            else if (fw->elements[it->sym].type == CS__ELEM_BOOLEAN)
                err_at(ld, it->loc, "计分项的数据项 '%s' 必须是数值 / item element '%s' must be a number", it->element, it->element);
        }
        ind->max_points = rule_max(r);
        if (!isfinite(ind->max_points))
            err_at(ld, r->loc, "指标 '%s' 的满分无上限 / indicator '%s' has no maximum", ind->code ? ind->code : "?", ind->code ? ind->code : "?");
    }
    ld->allow_total = 1;
    for (int a = 0; a < fw->nadjustments; a++) {
        check_criteria(ld, fw->adjustments[a].criteria, fw->adjustments[a].ncriteria);
        if (fw->adjustments[a].points) check_expr(ld, fw->adjustments[a].points, CS__T_NUM);
    }
    for (int r = 0; r < fw->nratings; r++) {
        check_criteria(ld, fw->ratings[r].criteria, fw->ratings[r].ncriteria);
        if (r > 0 && fw->ratings[r].min_total < fw->ratings[r - 1].min_total)
            err_at(ld, fw->ratings[r].loc, "星级应从低到高排列 / ratings must be listed lowest first");
    }
    ld->allow_total = 0;

    int *state = cs__xcalloc((size_t)fw->nindicators + 1, sizeof(int));
    for (int i = 0; i < fw->nindicators; i++) indicator_cycle(ld, i, state);
    free(state);

    /* maximum score */
    if (fw->scoring == CS__SCORING_WEIGHTED) {
        fw->max_score = group_max(fw, -1);
        for (int g = -1; g < fw->ngroups; g++) {
            double sum = 0;
            int any = 0;
            for (int i = 0; i < fw->ngroups; i++)
                if (fw->groups[i].parent == g && group_scored(fw, i)) sum += fw->groups[i].weight, any = 1;
            for (int i = 0; i < fw->nindicators; i++)
                if (fw->indicators[i].group == g && fw->indicators[i].rule.kind != CS__RULE_DEDUCTION)
                    sum += fw->indicators[i].weight, any = 1;
            if (any && fabs(sum - 100.0) > 1e-9) {
                cs__loc l = g >= 0 ? fw->groups[g].loc : (cs__loc){1, 1};
                err_at(ld, l, "'%s' 下各项权重之和为 %g%%，应为 100%% / the weights under '%s' sum to %g%%, not 100%%",
                       g >= 0 ? fw->groups[g].name : fw->id, sum, g >= 0 ? fw->groups[g].name : fw->id, sum);
            }
        }
    } else {
        fw->max_score = 0;
        for (int i = 0; i < fw->nindicators; i++) fw->max_score += fw->indicators[i].max_points;
    }
    if (fw->has_max_score && fabs(fw->max_score - fw->max_score_declared) > 1e-9)
        err_at(ld, (cs__loc){1, 1}, "max_score 声明为 %g，但各指标满分合计为 %g / max_score is declared %g but the indicators add up to %g",
               fw->max_score_declared, fw->max_score, fw->max_score_declared, fw->max_score);
}

/* ---- Top level ------------------------------------------------------------------------------- */

static void parse_top(loader *ld, yaml_node_t *root)
{
    static const char *const keys[] = {"format", "id", "title", "issuer", "year", "source", "region_level", "scoring",
                                       "max_score", "decimals", "levels", "tier_levels", "validation", "elements",
                                       "groups", "indicators", "adjustments", "ratings", NULL};
    cs_framework *fw = ld->fw;
    if (!is_map(ld, root, "框架文件 / framework file")) return;
    check_keys(ld, root, keys, "framework");
    double format = 0;
    yaml_node_t *fn = get(ld, root, "format");
    if (!fn) err(ld, root, "缺少 'format: 1' / missing 'format: 1'");
    else if (parse_number(ld, fn, "format", &format) && format != 1)
        err(ld, fn, "不支持的格式版本 %g（本程序支持 1）/ unsupported format %g (this program reads 1)", format, format);
    fw->id = req_text(ld, root, "id", "框架 / framework");
    if (fw->id) {
        for (const char *p = fw->id; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
                err(ld, get(ld, root, "id"), "id 只能由小写字母、数字和 - 组成 / id must be [a-z0-9-]+");
                break;
            }
    }
    fw->title = req_text(ld, root, "title", "框架 / framework");
    fw->issuer = opt_text(ld, root, "issuer");
    fw->source = opt_text(ld, root, "source");
    double year = 0;
    if (opt_number(ld, root, "year", &year)) fw->year = (int)year;
    fw->region_level = req_text(ld, root, "region_level", "框架 / framework");
    if (fw->region_level) {
        static const char *const lv[] = {"province", "city", "county", "street", "community", NULL};
        int ok = 0;
        for (const char *const *l = lv; *l; l++) ok |= !strcmp(*l, fw->region_level);
        if (!ok) err(ld, get(ld, root, "region_level"), "region_level 应为 province、city、county、street 或 community / unknown region_level '%s'", fw->region_level);
    }
    const char *scoring = opt_text(ld, root, "scoring");
    if (!scoring || !strcmp(scoring, "points")) fw->scoring = CS__SCORING_POINTS;
    else if (!strcmp(scoring, "weighted")) fw->scoring = CS__SCORING_WEIGHTED;
    else if (!strcmp(scoring, "monitor")) fw->scoring = CS__SCORING_MONITOR;
    else err(ld, get(ld, root, "scoring"), "scoring 应为 points、weighted 或 monitor / unknown scoring '%s'", scoring);
    fw->has_max_score = opt_number(ld, root, "max_score", &fw->max_score_declared);
    double dec = -1;
    fw->decimals = opt_number(ld, root, "decimals", &dec) ? (int)dec : -1;
    if (fw->decimals < -1 || fw->decimals > 6) err(ld, get(ld, root, "decimals"), "decimals 应为 0–6 / decimals must be 0–6");
    fw->levels = text_list(ld, get(ld, root, "levels"), "levels", &fw->nlevels);
    fw->tier_levels = text_list(ld, get(ld, root, "tier_levels"), "tier_levels", &fw->ntier_levels);

    element_vec elems = {0};
    measure_vec measures = {0};
    yaml_node_t *el = get(ld, root, "elements");
    if (el && is_seq(ld, el, "elements"))
        for (int i = 0; i < SEQ_LEN(el); i++) parse_element(ld, SEQ_ITEM(ld, el, i), -1, &elems);

    yaml_node_t *gr = get(ld, root, "groups");
    if (gr && is_seq(ld, gr, "groups")) {
        fw->ngroups = SEQ_LEN(gr);
        fw->groups = cs__arena_alloc(&fw->arena, sizeof(cs__group) * (size_t)(fw->ngroups + 1));
        for (int i = 0; i < fw->ngroups; i++) parse_group(ld, SEQ_ITEM(ld, gr, i), &fw->groups[i]);
    }
    yaml_node_t *in = get(ld, root, "indicators");
    if (!in) err(ld, root, "缺少 'indicators' / missing 'indicators'");
    else if (is_seq(ld, in, "indicators")) {
        fw->nindicators = SEQ_LEN(in);
        if (!fw->nindicators) err(ld, in, "至少需要一个指标 / at least one indicator is needed");
        fw->indicators = cs__arena_alloc(&fw->arena, sizeof(cs__indicator) * (size_t)(fw->nindicators + 1));
        for (int i = 0; i < fw->nindicators; i++) parse_indicator(ld, SEQ_ITEM(ld, in, i), i, &elems, &measures);
    }
    /* validation: defaults for every element that does not say otherwise */
    int dflt_required = 0;
    double dflt_yoy = 0, dflt_peer = 0;
    yaml_node_t *va = get(ld, root, "validation");
    if (va && is_map(ld, va, "validation")) {
        static const char *const vkeys[] = {"required", "yoy_factor", "peer_factor", NULL};
        check_keys(ld, va, vkeys, "validation");
        dflt_required = opt_bool(ld, va, "required", 0);
        dflt_yoy = opt_factor(ld, va, "yoy_factor");
        dflt_peer = opt_factor(ld, va, "peer_factor");
    }
    for (size_t i = 0; i < elems.n; i++) {
        cs__element *e = &elems.items[i];
        if (e->required < 0) e->required = dflt_required;
        if (e->yoy_factor == 0) e->yoy_factor = dflt_yoy;
        if (e->peer_factor == 0) e->peer_factor = dflt_peer;
    }
    fw->nelements = (int)elems.n;
    fw->elements = cs__arena_alloc(&fw->arena, sizeof(cs__element) * (elems.n + 1));
    if (elems.n) memcpy(fw->elements, elems.items, sizeof(cs__element) * elems.n);
    fw->nmeasures = (int)measures.n;
    fw->measures = cs__arena_alloc(&fw->arena, sizeof(cs__measure) * (measures.n + 1));
    if (measures.n) memcpy(fw->measures, measures.items, sizeof(cs__measure) * measures.n);
    cs__vec_free(&elems);
    cs__vec_free(&measures);

    yaml_node_t *ad = get(ld, root, "adjustments");
    if (ad && is_seq(ld, ad, "adjustments")) {
        fw->nadjustments = SEQ_LEN(ad);
        fw->adjustments = cs__arena_alloc(&fw->arena, sizeof(cs__adjustment) * (size_t)(fw->nadjustments + 1));
        for (int i = 0; i < fw->nadjustments; i++) parse_adjustment(ld, SEQ_ITEM(ld, ad, i), &fw->adjustments[i]);
    }
    yaml_node_t *ra = get(ld, root, "ratings");
    if (ra && is_seq(ld, ra, "ratings")) {
        fw->nratings = SEQ_LEN(ra);
        fw->ratings = cs__arena_alloc(&fw->arena, sizeof(cs__rating) * (size_t)(fw->nratings + 1));
        for (int i = 0; i < fw->nratings; i++) parse_rating(ld, SEQ_ITEM(ld, ra, i), &fw->ratings[i]);
    }
    if (fw->scoring == CS__SCORING_MONITOR && fw->nratings)
        err(ld, ra, "监测框架没有星级 / a monitor framework has no ratings");

    if (ld->y.errors) return; /* names cannot be resolved reliably in a half-read file */
    resolve(ld);
    for (int i = 0; i < fw->nindicators; i++) {
        yaml_node_t *n = SEQ_ITEM(ld, in, i);
        yaml_node_t *v = get(ld, n, "value");
        if (!v) continue;
        const char *name = scalar(ld, v, "value");
        cs__type t;
        int is_el;
        if (name) fw->indicators[i].value_sym = lookup_sym(ld, name, &t, &is_el);
        if (name && fw->indicators[i].value_sym < 0)
            err(ld, v, "value 应为已声明的计算值或数据项，'%s' 未声明 / value names unknown '%s'", name, name);
    }
}

cs_status cs_framework_load_buffer(const char *name, const char *buf, size_t len, cs_framework **out, cs_diag *diag)
{
    *out = NULL;
    cs_framework *fw = cs__xcalloc(1, sizeof *fw);
    fw->file = cs__arena_strdup(&fw->arena, name);
    loader ld = {0};
    ld.fw = fw;
    ld.y.file = fw->file;
    ld.y.diag = diag;
    if (cs__utf8_valid_prefix(buf, len) != len) {
        size_t ok = cs__utf8_valid_prefix(buf, len);
        int line = 1;
        for (size_t i = 0; i < ok; i++) line += buf[i] == '\n';
        cs__diag_add(diag, CS__ERROR, name, line, 0, "文件不是 UTF-8 编码（可能是 GBK）/ the file is not UTF-8 (GBK?); save it as UTF-8");
        cs_framework_free(fw);
        return CS_EFRAMEWORK;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        cs__diag_add(diag, CS__ERROR, name, (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1,
                     "YAML 语法错误 / YAML syntax error: %s%s%s", parser.problem ? parser.problem : "?",
                     parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        cs_framework_free(fw);
        return CS_EFRAMEWORK;
    }
    ld.y.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) cs__diag_add(diag, CS__ERROR, name, 1, 1, "文件为空 / the file is empty"), ld.y.errors++;
    else parse_top(&ld, root);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (ld.y.errors) {
        cs_framework_free(fw);
        return CS_EFRAMEWORK;
    }
    *out = fw;
    return CS_OK;
}

/* Rank of a region level, province 0 … community 4 (-1 unknown): a roll-up reads a lower level. */
static int level_rank(const char *level)
{
    static const char *const levels[] = {"province", "city", "county", "street", "community"};
    for (int k = 0; k < 5; k++)
        if (level && !strcmp(levels[k], level)) return k;
    return -1;
}

static cs_status load_file(const char *path, int depth, cs_framework **out, cs_diag *diag);

/* Loads the frameworks fw's roll-ups read, from the folder of fw's file (<id>.yaml), and checks
 * each roll-up against its source: a lower region level, the star level or element it names.
 * Reports at the roll-up's place in fw's file; returns the number of errors. */
static int resolve_rollups(cs_framework *fw, const char *path, int depth, cs_diag *diag)
{
    int errors = 0;
    const char *slash = strrchr(path, '/');
    for (int i = 0; i < fw->nelements; i++) {
        cs__rollup *r = &fw->elements[i].rollup;
        if (r->kind == CS__ROLLUP_NONE) continue;
        for (int k = 0; k < fw->nrollup_sources && !r->source; k++)
            if (!strcmp(fw->rollup_sources[k]->id, r->framework)) r->source = fw->rollup_sources[k];
        if (!r->source) {
            if (!strcmp(r->framework, fw->id) || strchr(r->framework, '/') || depth >= 3) {
                cs__diag_add(diag, CS__ERROR, path, r->loc.line, r->loc.col,
                             "rollup 不能引用框架 '%s'（自身、路径或引用层级过深）/ rollup cannot read framework '%s'", r->framework,
                             r->framework);
                errors++;
                continue;
            }
            cs__buf sub = {0};
            cs__buf_printf(&sub, "%.*s%s.yaml", slash ? (int)(slash - path + 1) : 0, path, r->framework);
            cs_diag *d = cs_diag_new();
            cs_framework *src = NULL;
            if (load_file(cs__buf_str(&sub), depth + 1, &src, d) != CS_OK) {
                cs__diag_add(diag, CS__ERROR, path, r->loc.line, r->loc.col,
                             "rollup 引用的框架 '%s' 无法读取（%s）/ the framework rollup reads cannot be loaded", r->framework,
                             cs__buf_str(&sub));
                errors++;
            } else {
                fw->rollup_sources = cs__xrealloc(fw->rollup_sources, (size_t)(fw->nrollup_sources + 1) * sizeof *fw->rollup_sources);
                fw->rollup_sources[fw->nrollup_sources++] = src;
                r->source = src;
            }
            cs_diag_free(d);
            cs__buf_free(&sub);
            if (!r->source) continue;
        }
        const cs_framework *src = r->source;
        if (level_rank(src->region_level) <= level_rank(fw->region_level)) {
            cs__diag_add(diag, CS__ERROR, path, r->loc.line, r->loc.col,
                         "rollup 应读取更低一级的框架：'%s' 评价%s级，本框架评价%s级 / rollup must read a lower level: %s scores %s regions",
                         src->id, src->region_level, fw->region_level, src->id, src->region_level);
            errors++;
        }
        r->rating_index = r->element_index = -1;
        for (int k = 0; r->rating && k < src->nratings; k++)
            if (!strcmp(src->ratings[k].name, r->rating)) r->rating_index = k;
        if (r->kind == CS__ROLLUP_RATED && r->rating_index < 0) {
            cs__diag_add(diag, CS__ERROR, path, r->loc.line, r->loc.col, "框架 '%s' 没有星级 '%s' / %s has no star level '%s'", src->id,
                         r->rating, src->id, r->rating);
            errors++;
        }
        if (r->kind == CS__ROLLUP_SUM && (r->element_index = cs__fw_element_index(src, r->element)) < 0) {
            cs__diag_add(diag, CS__ERROR, path, r->loc.line, r->loc.col, "框架 '%s' 没有数据项 '%s' / %s has no element '%s'", src->id,
                         r->element, src->id, r->element);
            errors++;
        }
    }
    return errors;
}

static cs_status load_file(const char *path, int depth, cs_framework **out, cs_diag *diag)
{
    *out = NULL;
    cs__buf b = {0};
    cs_status rc = cs__read_file(path, &b, 64u << 20, diag);
    if (rc == CS_OK) rc = cs_framework_load_buffer(path, cs__buf_str(&b), b.len, out, diag);
    else if (rc == CS_EDATA) rc = CS_EFRAMEWORK;
    cs__buf_free(&b);
    if (rc == CS_OK && resolve_rollups(*out, path, depth, diag)) {
        cs_framework_free(*out);
        *out = NULL;
        rc = CS_EFRAMEWORK;
    }
    return rc;
}

cs_status cs_framework_load_file(const char *path, cs_framework **out, cs_diag *diag)
{
    return load_file(path, 0, out, diag);
}

void cs_framework_free(cs_framework *fw)
{
    if (!fw) return;
    for (int k = 0; k < fw->nrollup_sources; k++) cs_framework_free(fw->rollup_sources[k]);
    free(fw->rollup_sources);
    cs__arena_release(&fw->arena);
    free(fw);
}
