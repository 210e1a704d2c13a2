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
