/*
 * compare.c — the cross-framework view (跨框架对比): matches the indicators of several frameworks
 * by what they measure (a shared measure code or headline element, else the same data elements,
 * else the same name), lines one region's scores up side by side and marks what changed meaning
 * from one framework to the next: a different formula (口径变化), the same formula with other
 * thresholds or points (标准变化), an indicator added (新增) or dropped (取消). It reads the
 * frameworks' expressions and tiers as data; the points come from the engine's results.
 */
#include <math.h>
#include <string.h>

#include "compare.h"

const char *cs__cmp_kind_name(cs__cmp_kind k)
{
    static const char *const names[] = {
#define X(id, name, zh) name,
        CS__CMP_KIND_TABLE(X)
#undef X
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "";
}

const char *cs__cmp_kind_text(cs__cmp_kind k)
{
    static const char *const texts[] = {
#define X(id, name, zh) zh,
        CS__CMP_KIND_TABLE(X)
#undef X
    };
    return (unsigned)k < sizeof texts / sizeof texts[0] ? texts[k] : "";
}

static const char *match_name(cs__match_kind m)
{
    static const char *const names[] = {"first", "measure", "elements", "name"};
    return names[m];
}

/* ---- What an indicator measures and how it is judged, as comparable strings ------------------ */

/* Appends s without its white space: "a / b" and "a/b" are the same formula. */
static void append_squeezed(cs__buf *b, const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') cs__buf_appendn(b, s, 1);
}

/* The measure of indicator i with this code, or NULL. */
static const cs__measure *indicator_measure(const cs_framework *fw, int i, const char *code)
{
    const cs__indicator *ind = &fw->indicators[i];
    for (int k = 0; k < ind->nmeasures; k++)
        if (!strcmp(fw->measures[ind->measures[k]].code, code)) return &fw->measures[ind->measures[k]];
    return NULL;
}

/* The headline element's code when indicator i's value is an element itself, else NULL. */
static const char *headline_element(const cs_framework *fw, int i)
{
    int sym = fw->indicators[i].value_sym;
    return sym >= 0 && sym < fw->nelements ? fw->elements[sym].code : NULL;
}

/* Whether indicators a (of fa) and b (of fb) share a measure code or a headline element. */
static int share_measure(const cs_framework *fa, int a, const cs_framework *fb, int b)
{
    const cs__indicator *ia = &fa->indicators[a];
    for (int k = 0; k < ia->nmeasures; k++)
        if (indicator_measure(fb, b, fa->measures[ia->measures[k]].code)) return 1;
    const char *ea = headline_element(fa, a), *eb = headline_element(fb, b);
    return ea && eb && !strcmp(ea, eb);
}

/* The codes of the data elements indicator i reads, sorted and joined by commas (in arena). */
static const char *element_set(cs__arena *arena, const cs_framework *fw, int i)
{
    unsigned char *used = cs__xcalloc((size_t)fw->nelements + 1, 1);
    unsigned char *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
    cs__fw_indicator_elements(fw, i, used, walked);
    const char **codes = cs__xcalloc((size_t)fw->nelements + 1, sizeof *codes);
    int n = 0;
    for (int e = 0; e < fw->nelements; e++)
        if (used[e]) codes[n++] = fw->elements[e].code;
    /* insertion sort: an indicator reads a handful of elements */
    for (int x = 1; x < n; x++)
        for (int y = x; y > 0 && strcmp(codes[y - 1], codes[y]) > 0; y--) {
            const char *t = codes[y];
            codes[y] = codes[y - 1];
            codes[y - 1] = t;
        }
    cs__buf b = {0};
    for (int x = 0; x < n; x++) cs__buf_printf(&b, "%s%s", x ? "," : "", codes[x]);
    const char *s = cs__arena_strdup(arena, cs__buf_str(&b));
    cs__buf_free(&b);
    free(codes);
    free(walked);
    free(used);
    return s;
}

/* The formula of indicator i as people read it: its measures (code = expr; …), else its headline
 * element, else the elements it reads. */
static const char *formula_text(cs__arena *arena, const cs_framework *fw, int i, const char *elements)
{
    const cs__indicator *ind = &fw->indicators[i];
    if (!ind->nmeasures) return headline_element(fw, i) ? headline_element(fw, i) : elements;
    cs__buf b = {0};
    for (int k = 0; k < ind->nmeasures; k++) {
        const cs__measure *m = &fw->measures[ind->measures[k]];
        cs__buf_printf(&b, "%s%s = %s", k ? "；" : "", m->code, m->text);
    }
    const char *s = cs__arena_strdup(arena, cs__buf_str(&b));
    cs__buf_free(&b);
    return s;
}

/* The expression behind indicator i's headline value without white space (the headline element's
 * code; the elements it reads when it has no headline value). */
static void headline_formula(const cs_framework *fw, int i, const char *elements, cs__buf *out)
{
    int sym = fw->indicators[i].value_sym;
    if (sym >= fw->nelements && sym < fw->nelements + fw->nmeasures) append_squeezed(out, fw->measures[sym - fw->nelements].text);
    else if (sym >= 0 && sym < fw->nelements) cs__buf_append(out, fw->elements[sym].code);
    else cs__buf_append(out, elements);
}

/* Whether indicators a and b compute their value differently: the measures they share have other
 * expressions, or (sharing none) their headline values are computed differently. */
static int formula_differs(const cs_framework *fa, int a, const char *ea, const cs_framework *fb, int b, const char *eb)
{
    const cs__indicator *ia = &fa->indicators[a];
    int shared = 0, differs = 0;
    for (int k = 0; k < ia->nmeasures; k++) {
        const cs__measure *ma = &fa->measures[ia->measures[k]];
        const cs__measure *mb = indicator_measure(fb, b, ma->code);
        if (!mb) continue;
        shared++;
        cs__buf x = {0}, y = {0};
        append_squeezed(&x, ma->text);
        append_squeezed(&y, mb->text);
        if (strcmp(cs__buf_str(&x), cs__buf_str(&y))) differs = 1;
        cs__buf_free(&x);
        cs__buf_free(&y);
    }
    if (shared) return differs;
    cs__buf x = {0}, y = {0};
    headline_formula(fa, a, ea, &x);
    headline_formula(fb, b, eb, &y);
    differs = strcmp(cs__buf_str(&x), cs__buf_str(&y)) != 0;
    cs__buf_free(&x);
    cs__buf_free(&y);
    return differs;
}

/* Appends a rule's conditions and points, white space left out: two rules with the same
 * signature judge the same figures the same way. */
static void rule_signature(const cs__rule *r, cs__buf *out)
{
    cs__buf_printf(out, "%s:", cs__rule_kind_name(r->kind));
    switch (r->kind) {
    case CS__RULE_TIERS:
        for (int t = 0; t < r->ntiers; t++) {
            cs__buf_printf(out, "|%.6g:", r->tiers[t].points);
            for (int c = 0; c < r->tiers[t].ncriteria; c++) {
                cs__buf_append(out, c ? "&" : "");
                append_squeezed(out, r->tiers[t].criteria[c].src);
            }
        }
        break;
    case CS__RULE_ITEMS:
        for (int k = 0; k < r->nitems; k++)
            cs__buf_printf(out, "|%s*%.6g/%.6g", r->items[k].element, r->items[k].per, r->items[k].has_cap ? r->items[k].cap : -1);
        cs__buf_printf(out, "|%.6g", r->has_cap ? r->cap : -1);
        break;
    case CS__RULE_DEDUCTION:
    case CS__RULE_FORMULA:
        append_squeezed(out, r->points_text);
        cs__buf_printf(out, "|%.6g|%.6g|%.6g", r->has_cap ? r->cap : -1, r->min_points, r->max_points);
        break;
    case CS__RULE_MONITOR:
        break;
    }
}

static int standard_differs(const cs__rule *a, const cs__rule *b)
{
    cs__buf x = {0}, y = {0};
    rule_signature(a, &x);
    rule_signature(b, &y);
    int d = strcmp(cs__buf_str(&x), cs__buf_str(&y)) != 0;
    cs__buf_free(&x);
    cs__buf_free(&y);
    return d;
}

/* The rule of indicator i as printed: 三星：…（0.5分）；四星：… for tiers, else the rule's text. */
static const char *requirement_text(cs__arena *arena, const cs__indicator *ind)
{
    const cs__rule *r = &ind->rule;
    cs__buf b = {0};
    if (r->kind == CS__RULE_TIERS) {
        for (int t = 0; t < r->ntiers; t++) {
            const cs__tier *tier = &r->tiers[t];
            cs__buf_printf(&b, "%s%s：", t ? "；" : "", tier->level);
            if (tier->text) cs__buf_append(&b, tier->text);
            else
                for (int c = 0; c < tier->ncriteria; c++)
                    cs__buf_printf(&b, "%s%s", c ? "，" : "", tier->criteria[c].text ? tier->criteria[c].text : tier->criteria[c].src);
            if (!tier->text || !strstr(tier->text, "分")) { /* the printed text usually names its points already */
                cs__buf_append(&b, "（");
                cs__buf_number(&b, tier->points, 2);
                cs__buf_append(&b, "分）");
            }
        }
    } else if (r->kind == CS__RULE_ITEMS) {
        for (int k = 0; k < r->nitems; k++)
            cs__buf_printf(&b, "%s%s", k ? "；" : "", r->items[k].text ? r->items[k].text : r->items[k].element);
    } else if (r->text) {
        cs__buf_append(&b, r->text);
    } else if (r->points_text) {
        cs__buf_printf(&b, "%s = %s", r->kind == CS__RULE_DEDUCTION ? "扣分" : "得分", r->points_text);
    } else {
        cs__buf_append(&b, r->kind == CS__RULE_MONITOR ? "监测指标，不计分" : "");
    }
    const char *s = cs__arena_strdup(arena, cs__buf_str(&b));
    cs__buf_free(&b);
    return s;
}

/* ---- Matching ------------------------------------------------------------------------------- */

/* Per framework and indicator: the sorted element set (for matching by elements and for the formula
 * of indicators without measures). */
typedef struct {
    const char **elements;
} fw_keys;

typedef CS__VEC(cs__compare_concept) concept_vec;

/* Whether concept c may take an indicator of framework k matched by how: c has no cell in k yet and
 * one of its earlier cells matches indicator i. */
static int concept_matches(const cs__compare *c, const fw_keys *keys, const cs__compare_concept *cc, int k, int i,
                           cs__match_kind how)
{
    if (cc->cells[k].indicator >= 0) return 0;
    const cs_framework *fk = c->fws[k].res->plan->fw;
    for (int j = k - 1; j >= 0; j--) {
        int other = cc->cells[j].indicator;
        if (other < 0) continue;
        const cs_framework *fj = c->fws[j].res->plan->fw;
        if (how == CS__MATCH_MEASURE && share_measure(fj, other, fk, i)) return 1;
        if (how == CS__MATCH_ELEMENTS && *keys[k].elements[i] && !strcmp(keys[j].elements[other], keys[k].elements[i])) return 1;
        if (how == CS__MATCH_NAME && !strcmp(fj->indicators[other].name, fk->indicators[i].name)) return 1;
    }
    return 0;
}

/* Places the indicators of framework k into concepts: by measure for all of them first, then by
 * elements, then by name; the rest start new concepts. */
static void place_framework(cs__compare *c, const fw_keys *keys, int k, concept_vec *concepts)
{
    const cs_framework *fw = c->fws[k].res->plan->fw;
    int *placed = cs__xcalloc((size_t)fw->nindicators + 1, sizeof *placed);
    for (cs__match_kind how = CS__MATCH_MEASURE; how <= CS__MATCH_NAME; how++)
        for (int i = 0; i < fw->nindicators; i++) {
            if (placed[i]) continue;
            size_t before = concepts->n;
            for (size_t x = 0; x < before && !placed[i]; x++)
                if (concept_matches(c, keys, &concepts->items[x], k, i, how)) {
                    concepts->items[x].cells[k].indicator = i;
                    concepts->items[x].cells[k].match = how;
                    placed[i] = 1;
                }
        }
    for (int i = 0; i < fw->nindicators; i++) {
        if (placed[i]) continue;
        cs__compare_concept cc = {0};
        cc.cells = cs__arena_alloc(&c->arena, (size_t)c->nfws * sizeof *cc.cells);
        for (int j = 0; j < c->nfws; j++) cc.cells[j].indicator = -1;
        cc.cells[k].indicator = i;
        cc.cells[k].match = CS__MATCH_FIRST;
        cs__vec_push(concepts, cc);
    }
    free(placed);
}

/* ---- Cells: the region's figures and the change against the framework before ---------------- */

static void fill_cell(cs__compare *c, const fw_keys *keys, int k, cs__compare_cell *cell)
{
    const cs_results *res = c->fws[k].res;
    size_t row = c->fws[k].row;
    const cs_framework *fw = res->plan->fw;
    int i = cell->indicator;
    const cs__indicator *ind = &fw->indicators[i];
    cell->formula = formula_text(&c->arena, fw, i, keys[k].elements[i]);
    cell->requirement = requirement_text(&c->arena, ind);
    cell->value_missing = -1;
    if (ind->value_sym >= 0) {
        cell->value_missing = cs__res_sym(res, row, ind->value_sym, &cell->value);
        cs__buf b = {0};
        if (cell->value_missing) cs__buf_append(&b, "缺数据");
        else cs__format_sym_value(fw, ind->value_sym, cell->value, 0, &b);
        cell->value_text = cs__arena_strdup(&c->arena, cs__buf_str(&b));
        cs__buf_free(&b);
    }
    cell->tier = cs__res_tier(res, row, i);
    cell->points_missing = cs__res_points(res, row, i, &cell->points);
    cell->max_points = ind->max_points;
}

/* Sets each cell's change against the nearest earlier framework that has the concept. */
static void mark_changes(cs__compare *c, const fw_keys *keys, cs__compare_concept *cc)
{
    for (int k = 0; k < c->nfws; k++) {
        cs__compare_cell *cell = &cc->cells[k];
        int prev = -1;
        for (int j = k - 1; j >= 0 && prev < 0; j--)
            if (cc->cells[j].indicator >= 0) prev = j;
        cell->against = prev;
        if (cell->indicator < 0) {
            cell->change = k > 0 && cc->cells[k - 1].indicator >= 0 ? CS__CMP_DROPPED : CS__CMP_ABSENT;
            cell->against = cell->change == CS__CMP_DROPPED ? k - 1 : -1;
        } else if (prev < 0) {
            cell->change = k > 0 ? CS__CMP_ADDED : CS__CMP_SAME;
        } else {
            const cs_framework *fa = c->fws[prev].res->plan->fw, *fb = c->fws[k].res->plan->fw;
            int a = cc->cells[prev].indicator, b = cell->indicator;
            if (formula_differs(fa, a, keys[prev].elements[a], fb, b, keys[k].elements[b])) cell->change = CS__CMP_FORMULA;
            else if (standard_differs(&fa->indicators[a].rule, &fb->indicators[b].rule)) cell->change = CS__CMP_STANDARD;
            else cell->change = CS__CMP_SAME;
        }
        if (cell->change != CS__CMP_ABSENT) cc->changes |= 1u << cell->change;
        if (cell->indicator >= 0) cc->name = c->fws[k].res->plan->fw->indicators[cell->indicator].name;
    }
}

/* ---- The comparison ---------------------------------------------------------------------------- */

cs_status cs__compare_build(const cs__compare_input *in, int n, cs__compare **out, cs_diag *diag)
{
    *out = NULL;
    if (n < 1) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "跨框架对比至少需要一个框架 / the comparison needs a framework");
        return CS_EUSAGE;
    }
    cs__compare *c = cs__xcalloc(1, sizeof *c);
    c->region = cs__arena_strdup(&c->arena, in[0].res->regions[in[0].row]);
    c->period = cs__arena_strdup(&c->arena, in[0].res->period);
    c->nfws = n;
    c->fws = cs__arena_alloc(&c->arena, (size_t)n * sizeof *c->fws);
    fw_keys *keys = cs__arena_alloc(&c->arena, (size_t)n * sizeof *keys);
    for (int k = 0; k < n; k++) {
        cs__compare_fw *f = &c->fws[k];
        const cs_framework *fw = in[k].res->plan->fw;
        f->res = in[k].res;
        f->row = in[k].row;
        f->total_missing = cs__res_get(f->res, f->res->plan->total, f->row, &f->total);
        f->max_total = fw->max_score;
        f->rating = cs_results_rating(f->res, f->row);
        f->missing = cs__arena_alloc(&c->arena, ((size_t)fw->nindicators + 1) * sizeof *f->missing);
        keys[k].elements = cs__arena_alloc(&c->arena, ((size_t)fw->nindicators + 1) * sizeof *keys[k].elements);
        for (int i = 0; i < fw->nindicators; i++) {
            double p;
            if (cs__res_points(f->res, f->row, i, &p) > 0) f->missing[f->nmissing++] = i;
            keys[k].elements[i] = element_set(&c->arena, fw, i);
        }
    }
    concept_vec concepts = {0};
    for (int k = 0; k < n; k++) place_framework(c, keys, k, &concepts);
    c->nconcepts = (int)concepts.n;
    c->concepts = cs__arena_alloc(&c->arena, (concepts.n + 1) * sizeof *c->concepts);
    if (concepts.n) memcpy(c->concepts, concepts.items, concepts.n * sizeof *c->concepts);
    cs__vec_free(&concepts);
    for (int x = 0; x < c->nconcepts; x++) {
        for (int k = 0; k < n; k++)
            if (c->concepts[x].cells[k].indicator >= 0) fill_cell(c, keys, k, &c->concepts[x].cells[k]);
        mark_changes(c, keys, &c->concepts[x]);
    }
    *out = c;
    return CS_OK;
}

void cs__compare_free(cs__compare *c)
{
    if (!c) return;
    cs__arena_release(&c->arena);
    free(c);
}

/* Whether a concept changed meaning somewhere: a new formula or new standard. */
static int meaning_changed(const cs__compare_concept *cc)
{
    return (cc->changes & (1u << CS__CMP_FORMULA | 1u << CS__CMP_STANDARD)) != 0;
}

static int presence_changed(const cs__compare_concept *cc)
{
    return (cc->changes & (1u << CS__CMP_ADDED | 1u << CS__CMP_DROPPED)) != 0;
}

/* ---- Text --------------------------------------------------------------------------------------- */

/* Appends points / max points, 缺数据, or 不计分 for a monitor indicator. */
static void points_text(const cs__compare_cell *cell, cs__buf *out)
{
    if (cell->points_missing < 0) {
        cs__buf_append(out, "不计分");
        return;
    }
    if (cell->points_missing) cs__buf_append(out, "缺数据");
    else cs__buf_number(out, cell->points, 2);
    cs__buf_append(out, " / ");
    cs__buf_number(out, cell->max_points, 2);
    cs__buf_append(out, " 分");
}

void cs__compare_text(const cs__compare *c, int changed_only, cs__buf *out)
{
    cs__buf_printf(out, "跨框架对比：地区 %s，%s 年度\n\n", c->region, c->period);
    for (int k = 0; k < c->nfws; k++) {
        const cs__compare_fw *f = &c->fws[k];
        const cs_framework *fw = f->res->plan->fw;
        cs__buf_printf(out, "%s（%d）%s：总分 ", fw->id, fw->year, fw->title);
        if (f->total_missing) cs__buf_append(out, "缺数据");
        else cs__buf_number(out, f->total, 2);
        cs__buf_append(out, " / ");
        cs__buf_number(out, f->max_total, 2);
        if (!f->total_missing && f->max_total > 0) {
            cs__buf_append(out, "，得分率 ");
            cs__buf_number(out, f->total / f->max_total * 100.0, 2);
            cs__buf_append(out, "%");
        }
        cs__buf_printf(out, "，星级 %s", f->rating ? f->rating : (fw->nratings ? "未达到星级" : "—"));
        if (f->nmissing) {
            cs__buf_printf(out, "；缺数据 %d 项：", f->nmissing);
            for (int m = 0; m < f->nmissing; m++)
                cs__buf_printf(out, "%s%s %s", m ? "、" : "", fw->indicators[f->missing[m]].code, fw->indicators[f->missing[m]].name);
        }
        cs__buf_append(out, "\n");
    }
    cs__buf_append(out, "（满分不同的框架按得分率比较，不按分数比较）\n");
    int shown = 0;
    for (int x = 0; x < c->nconcepts; x++) {
        const cs__compare_concept *cc = &c->concepts[x];
        if (changed_only && !meaning_changed(cc)) continue;
        if (!shown++) cs__buf_append(out, "\n指标对比（按计算值代码、所读数据项、名称匹配）：\n");
        cs__buf_printf(out, "\n%s", cc->name);
        for (cs__cmp_kind kind = CS__CMP_ADDED; kind <= CS__CMP_STANDARD; kind++)
            if (cc->changes & (1u << kind)) cs__buf_printf(out, " [%s]", cs__cmp_kind_text(kind));
        cs__buf_append(out, "\n");
        for (int k = 0; k < c->nfws; k++) {
            const cs__compare_cell *cell = &cc->cells[k];
            const cs_framework *fw = c->fws[k].res->plan->fw;
            if (cell->indicator < 0) {
                if (cell->change == CS__CMP_DROPPED) cs__buf_printf(out, "  %s：取消（本框架无此指标）\n", fw->id);
                else cs__buf_printf(out, "  %s：无此指标\n", fw->id);
                continue;
            }
            const cs__indicator *ind = &fw->indicators[cell->indicator];
            cs__buf_printf(out, "  %s %s %s：", fw->id, ind->code, ind->name);
            if (cell->value_text) cs__buf_printf(out, "%s，", cell->value_text);
            if (cell->tier > 0) cs__buf_printf(out, "%s，", ind->rule.tiers[cell->tier - 1].level);
            else if (cell->tier == 0 && !cell->points_missing) cs__buf_append(out, "未达档，");
            points_text(cell, out);
            if (cell->change != CS__CMP_SAME) cs__buf_printf(out, " [%s]", cs__cmp_kind_text(cell->change));
            cs__buf_append(out, "\n");
            if (cell->change == CS__CMP_FORMULA) {
                cs__buf_printf(out, "    口径：%s\n", cell->formula);
                cs__buf_printf(out, "    原口径（%s）：%s\n", c->fws[cell->against].res->plan->fw->id, cc->cells[cell->against].formula);
            } else if (cell->change == CS__CMP_STANDARD) {
                cs__buf_printf(out, "    标准：%s\n", cell->requirement);
                cs__buf_printf(out, "    原标准（%s）：%s\n", c->fws[cell->against].res->plan->fw->id, cc->cells[cell->against].requirement);
            }
        }
    }
    if (!shown) cs__buf_append(out, changed_only ? "\n没有口径或标准变化的指标。\n" : "\n没有指标。\n");
}

/* ---- JSON --------------------------------------------------------------------------------------- */

static json_t *jnum(double v)
{
    return v == floor(v) && fabs(v) < 1e15 ? json_integer((json_int_t)v) : json_real(v);
}

static json_t *cell_json(const cs__compare *c, int k, const cs__compare_cell *cell)
{
    const cs_framework *fw = c->fws[k].res->plan->fw;
    json_t *j = json_object();
    json_object_set_new(j, "framework", json_string(fw->id));
    json_object_set_new(j, "change", json_string(cs__cmp_kind_name(cell->change)));
    json_object_set_new(j, "change_text", json_string(cs__cmp_kind_text(cell->change)));
    json_object_set_new(j, "against", cell->against >= 0 ? json_string(c->fws[cell->against].res->plan->fw->id) : json_null());
    if (cell->indicator < 0) {
        json_object_set_new(j, "present", json_false());
        return j;
    }
    const cs__indicator *ind = &fw->indicators[cell->indicator];
    json_object_set_new(j, "present", json_true());
    json_object_set_new(j, "code", json_string(ind->code));
    json_object_set_new(j, "name", json_string(ind->name));
    json_object_set_new(j, "matched_by", json_string(match_name(cell->match)));
    json_object_set_new(j, "rule", json_string(cs__rule_kind_name(ind->rule.kind)));
    if (cell->value_missing >= 0) {
        json_object_set_new(j, "value", cell->value_missing ? json_null() : jnum(cell->value));
        json_object_set_new(j, "value_text", json_string(cell->value_text));
        json_object_set_new(j, "unit", json_string(cs__fw_symbol_unit(fw, ind->value_sym)));
    }
    json_object_set_new(j, "tier", cell->tier > 0 ? json_string(ind->rule.tiers[cell->tier - 1].level) : json_null());
    if (cell->points_missing < 0) {
        json_object_set_new(j, "points", json_null());
        json_object_set_new(j, "max_points", json_integer(0));
        json_object_set_new(j, "scored", json_false());
    } else {
        json_object_set_new(j, "points", cell->points_missing ? json_null() : jnum(cell->points));
        json_object_set_new(j, "max_points", jnum(cell->max_points));
        json_object_set_new(j, "scored", json_true());
        if (cell->points_missing) json_object_set_new(j, "missing", json_string(cs__missing_text(cell->points_missing)));
    }
    json_object_set_new(j, "formula", json_string(cell->formula));
    json_object_set_new(j, "requirement", json_string(cell->requirement));
    return j;
}

json_t *cs__compare_to_json(const cs__compare *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "region", json_string(c->region));
    json_object_set_new(o, "period", json_string(c->period));
    json_t *fws = json_array();
    for (int k = 0; k < c->nfws; k++) {
        const cs__compare_fw *f = &c->fws[k];
        const cs_framework *fw = f->res->plan->fw;
        json_t *j = json_object();
        json_object_set_new(j, "id", json_string(fw->id));
        json_object_set_new(j, "title", json_string(fw->title));
        json_object_set_new(j, "year", json_integer(fw->year));
        json_object_set_new(j, "region_level", json_string(fw->region_level));
        json_object_set_new(j, "total", f->total_missing ? json_null() : jnum(f->total));
        json_object_set_new(j, "max_total", jnum(f->max_total));
        json_object_set_new(j, "share", !f->total_missing && f->max_total > 0 ? json_real(f->total / f->max_total) : json_null());
        json_object_set_new(j, "rating", f->rating ? json_string(f->rating) : json_null());
        json_object_set_new(j, "has_ratings", json_boolean(fw->nratings > 0));
        json_t *miss = json_array();
        for (int m = 0; m < f->nmissing; m++) {
            const cs__indicator *ind = &fw->indicators[f->missing[m]];
            json_array_append_new(miss, json_pack("{s:s, s:s}", "code", ind->code, "name", ind->name));
        }
        json_object_set_new(j, "missing_indicators", miss);
        json_array_append_new(fws, j);
    }
    json_object_set_new(o, "frameworks", fws);
    json_t *concepts = json_array();
    int nformula = 0, nstandard = 0, npresence = 0;
    for (int x = 0; x < c->nconcepts; x++) {
        const cs__compare_concept *cc = &c->concepts[x];
        json_t *j = json_object();
        json_object_set_new(j, "name", json_string(cc->name));
        json_t *changes = json_array();
        for (cs__cmp_kind kind = CS__CMP_ADDED; kind <= CS__CMP_STANDARD; kind++)
            if (cc->changes & (1u << kind)) json_array_append_new(changes, json_string(cs__cmp_kind_name(kind)));
        json_object_set_new(j, "changes", changes);
        json_object_set_new(j, "meaning_changed", json_boolean(meaning_changed(cc)));
        nformula += (cc->changes & (1u << CS__CMP_FORMULA)) != 0;
        nstandard += (cc->changes & (1u << CS__CMP_STANDARD)) != 0;
        npresence += presence_changed(cc);
        json_t *cells = json_array();
        for (int k = 0; k < c->nfws; k++) json_array_append_new(cells, cell_json(c, k, &cc->cells[k]));
        json_object_set_new(j, "cells", cells);
        json_array_append_new(concepts, j);
    }
    json_object_set_new(o, "concepts", concepts);
    json_object_set_new(o, "counts", json_pack("{s:i, s:i, s:i, s:i}", "concepts", c->nconcepts, "formula", nformula, "standard",
                                               nstandard, "added_or_dropped", npresence));
    return o;
}
