/*
 * model.c — read access to a loaded framework: public accessors and the lookups the engine and
 * the CLI share.
 */
#include <string.h>

#include "model.h"

const char *cs_framework_id(const cs_framework *fw) { return fw->id; }
const char *cs_framework_title(const cs_framework *fw) { return fw->title; }
size_t cs_framework_indicator_count(const cs_framework *fw) { return (size_t)fw->nindicators; }
double cs_framework_max_score(const cs_framework *fw) { return fw->max_score; }

const char *cs__fw_symbol_name(const cs_framework *fw, int sym)
{
    if (sym < 0) return "?";
    if (sym < fw->nelements) return fw->elements[sym].name;
    if (sym < fw->nelements + fw->nmeasures) return fw->measures[sym - fw->nelements].name;
    if (sym == CS__SYM_TOTAL(fw)) return "总分";
    if (sym == CS__SYM_MAX_TOTAL(fw)) return "满分";
    return "?";
}

const char *cs__fw_symbol_unit(const cs_framework *fw, int sym)
{
    if (sym < 0) return "";
    if (sym < fw->nelements) return fw->elements[sym].unit;
    if (sym < fw->nelements + fw->nmeasures) return fw->measures[sym - fw->nelements].unit;
    return "分";
}

int cs__fw_indicator_index(const cs_framework *fw, const char *code)
{
    for (int i = 0; i < fw->nindicators; i++)
        if (fw->indicators[i].code && !strcmp(fw->indicators[i].code, code)) return i;
    return -1;
}

int cs__fw_element_index(const cs_framework *fw, const char *code)
{
    for (int i = 0; i < fw->nelements; i++)
        if (!strcmp(fw->elements[i].code, code)) return i;
    return -1;
}

const char *cs__rule_kind_name(cs__rule_kind k)
{
    static const char *names[] = {"tiers", "formula", "items", "deduction", "monitor"};
    return names[k];
}

/* ---- Which elements an expression or indicator refers to ------------------------------------ */

typedef struct {
    const cs_framework *fw;
    unsigned char *used;
    unsigned char *walked;
} use_walk;

static void mark_use(void *vctx, const cs__node *n)
{
    use_walk *u = vctx;
    if (n->kind != CS__N_REF || n->sym < 0) return;
    if (n->sym < u->fw->nelements) {
        u->used[n->sym] = 1;
    } else if (n->sym < u->fw->nelements + u->fw->nmeasures) {
        int m = n->sym - u->fw->nelements;
        if (!u->walked[m]) {
            u->walked[m] = 1;
            cs__expr_walk(u->fw->measures[m].expr, mark_use, u);
        }
    }
}

void cs__fw_expr_elements(const cs_framework *fw, const cs__node *e, unsigned char *used, unsigned char *walked)
{
    use_walk u = {fw, used, walked};
    cs__expr_walk(e, mark_use, &u);
}

void cs__fw_indicator_elements(const cs_framework *fw, int i, unsigned char *used, unsigned char *walked)
{
    const cs__indicator *ind = &fw->indicators[i];
    use_walk u = {fw, used, walked};
    memset(walked, 0, (size_t)fw->nmeasures);
    for (int m = 0; m < ind->nmeasures; m++) {
        cs__node ref = {.kind = CS__N_REF, .sym = fw->nelements + ind->measures[m]};
        mark_use(&u, &ref);
    }
    if (ind->value_sym >= 0) {
        cs__node ref = {.kind = CS__N_REF, .sym = ind->value_sym};
        mark_use(&u, &ref);
    }
    for (int t = 0; t < ind->rule.ntiers; t++)
        for (int k = 0; k < ind->rule.tiers[t].ncriteria; k++) cs__expr_walk(ind->rule.tiers[t].criteria[k].expr, mark_use, &u);
    cs__expr_walk(ind->rule.points, mark_use, &u);
    for (int k = 0; k < ind->rule.nitems; k++)
        if (ind->rule.items[k].sym >= 0 && ind->rule.items[k].sym < fw->nelements) used[ind->rule.items[k].sym] = 1;
}
