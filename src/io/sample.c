/*
 * sample.c — plausible synthetic data for a framework, for demos and trials (always labelled as
 * demo data): denominators first, numerators as a share of them, yes/no criteria mostly met,
 * rates following the region's level, incident counts that feed deductions and vetoes mostly
 * zero. Deterministic for a given seed.
 */
#include <stdlib.h>
#include <string.h>

#include "io.h"

/* xorshift64*: a small deterministic generator, independent of the C library's rand(). */
static double next_uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

typedef struct {
    const cs_framework *fw;
    uint8_t *penal;   /* per element: feeds a deduction, veto or penalty */
} sample_ctx;

static void mark_refs(void *vctx, const cs__node *n)
{
    sample_ctx *c = vctx;
    if (n->kind == CS__N_REF && n->sym >= 0 && n->sym < c->fw->nelements) c->penal[n->sym] = 1;
}

static uint64_t hash_str(const char *s, uint64_t h)
{
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

void cs__sample_data(const cs_framework *fw, const char *const *regions, size_t nregions, const char *period,
                     unsigned seed, double quality, cs_dataset *ds)
{
    sample_ctx c = {fw, cs__xcalloc((size_t)fw->nelements + 1, 1)};
    for (int i = 0; i < fw->nindicators; i++)
        if (fw->indicators[i].rule.kind == CS__RULE_DEDUCTION) cs__expr_walk(fw->indicators[i].rule.points, mark_refs, &c);
    for (int a = 0; a < fw->nadjustments; a++)
        if (fw->adjustments[a].kind == CS__ADJ_VETO)
            for (int k = 0; k < fw->adjustments[a].ncriteria; k++) cs__expr_walk(fw->adjustments[a].criteria[k].expr, mark_refs, &c);
    double *val = cs__xcalloc((size_t)fw->nelements + 1, sizeof(double));
    uint8_t *done = cs__xcalloc((size_t)fw->nelements + 1, 1);
    for (size_t r = 0; r < nregions; r++) {
        uint64_t s = hash_str(regions[r], hash_str(period, 1469598103934665603ull ^ seed));
        /* a region's own level of development: some regions are ahead, some behind */
        double level = quality + (next_uniform(&s) - 0.5) * 0.3;
        memset(done, 0, (size_t)fw->nelements);
        /* an element after the elements it may not exceed (denominators before numerators) */
        for (int progress = 1, last = 0; progress || !last;) {
            if (!progress) last = 1; /* a cycle of at_most: take the rest as they come */
            progress = 0;
            for (int e = 0; e < fw->nelements; e++) {
                const cs__element *el = &fw->elements[e];
                if (done[e]) continue;
                int ready = 1;
                for (int k = 0; k < el->n_at_most && !last; k++) {
                    int d = cs__fw_element_index(fw, el->at_most[k]);
                    if (d >= 0 && !done[d]) ready = 0;
                }
                if (!ready) continue;
                progress = 1;
                double u = next_uniform(&s), v;
                if (c.penal[e] && strcmp(el->unit, "%")) {
                    /* incidents: mostly none */
                    v = u < 0.95 ? 0 : 1 + (int)(next_uniform(&s) * 2);
                } else if (el->type == CS__ELEM_BOOLEAN) {
                    v = u < level + 0.1;
                } else if (el->n_at_most > 0) {
                    double cap = -1;
                    for (int k = 0; k < el->n_at_most; k++) {
                        int d = cs__fw_element_index(fw, el->at_most[k]);
                        if (d >= 0 && done[d] && (cap < 0 || val[d] < cap)) cap = val[d];
                    }
                    if (cap < 0) cap = 1000;
                    double share = level + 0.12 + (u - 0.5) * 0.25;
                    share = share < 0.3 ? 0.3 : share > 1 ? 1 : share;
                    v = cap * share;
                } else if (!strcmp(el->unit, "%")) {
                    /* rates (satisfaction, coverage) follow the region's level */
                    v = level + 0.15 + (u - 0.5) * 0.3;
                    v = v < 0.3 ? 0.3 : v > 1 ? 1 : v;
                } else {
                    double lo = el->has_min ? el->min : 0, hi = el->has_max ? el->max : 0;
                    if (hi <= lo) hi = lo + 50 + 950 * next_uniform(&s) * (0.5 + level);
                    v = lo + (hi - lo) * (0.4 + 0.6 * u * level);
                }
                if (el->has_min && v < el->min) v = el->min;
                if (el->has_max && v > el->max) v = el->max;
                if (el->type == CS__ELEM_INTEGER) v = (double)(long long)v;
                else if (el->type == CS__ELEM_REAL) v = (double)(long long)(v * 100) / 100.0;
                val[e] = v;
                done[e] = 1;
                cs_dataset_set(ds, regions[r], period, el->code, v);
            }
        }
    }
    free(val);
    free(done);
    free(c.penal);
}
