/*
 * rollup.c — figures computed from the level below (汇总): a county's number of smart
 * communities from its communities scored under sd-2019-community, the number of its
 * communities from the region tree. An element declares how (framework-format.md, "rollup");
 * scoring (cs__score_store) calls cs__rollup_apply after reading the stored figures, and a
 * region's computed figure replaces the reported one only when the level below it has figures.
 * Every figure computed is returned as a note, so outputs can say where it came from.
 */
#include <string.h>

#include "service.h"
#include "util/strmap.h"

/* The region tree below root down to a level: each region's parent, and the regions of the level. */
typedef struct {
    const char *level;
    const char *name_contains; /* count only regions of level whose name holds it; NULL = all */
    cs__strmap codes;         /* every region walked */
    CS__VEC(int) parent;      /* by code index: the parent's index, -1 when outside the walk */
    CS__VEC(int) at_level;    /* code indexes of the regions of level */
} tree_ctx;

static int collect_tree(void *ctx, const cs_region *r)
{
    tree_ctx *t = ctx;
    int p = r->parent ? cs__strmap_find(&t->codes, r->parent) : -1;
    int k = cs__strmap_intern(&t->codes, r->code);
    if ((size_t)k == t->parent.n) cs__vec_push(&t->parent, p);
    if (!strcmp(r->level, t->level) && (!t->name_contains || strstr(r->name, t->name_contains))) cs__vec_push(&t->at_level, k);
    return 0;
}

/* The peer (index in peers) that region k of the tree lies below, or -1. */
static int peer_above(const tree_ctx *t, const cs__strmap *peers, int k)
{
    for (int guard = 0; k >= 0 && guard < 16; guard++) {
        int p = cs__strmap_find(peers, t->codes.keys[k]);
        if (p >= 0) return p;
        k = t->parent.items[k];
    }
    return -1;
}

/* Applies one element's roll-up for one period: scores the source framework over the regions
 * below root and sets each peer's figure when some region below it has figures. */
static cs_status apply_one(cs_store *s, const cs_framework *fw, int e, const char *root, const cs__strmap *peers,
                           const char *period, int64_t as_of, int approved_only, cs_dataset *ds, cs__sha256 *hash,
                           cs__store_scores *out, cs_diag *diag)
{
    const cs__rollup *ru = &fw->elements[e].rollup;
    cs_plan *plan = NULL;
    cs__store_scores low = {0};
    tree_ctx tree = {ru->source->region_level, ru->name_contains, {0}, {0}, {0}};
    size_t np = peers->n;
    double *sum = cs__xcalloc(np + 1, sizeof *sum);
    int *scored = cs__xcalloc(np + 1, sizeof *scored), *regions = cs__xcalloc(np + 1, sizeof *regions);
    cs_status rc = cs_plan_compile(ru->source, &plan, diag);
    if (rc != CS_OK) goto out;
    if ((rc = cs_store_regions(s, root, ru->source->region_level, collect_tree, &tree, diag)) != CS_OK) goto out;
    if (!tree.codes.n) goto out;
    cs_diag *quiet = cs_diag_new();
    rc = cs__score_store(s, plan, root, period, as_of, approved_only, &low, quiet);
    cs_diag_free(quiet);
    if (rc == CS_ENOTFOUND) rc = CS_OK;
    if (rc != CS_OK || !low.res) goto out;
    for (size_t k = 0; k < tree.at_level.n; k++) {
        int p = peer_above(&tree, peers, tree.at_level.items[k]);
        if (p >= 0) regions[p]++;
    }
    /* only the regions counted (of the level, and named as name_contains asks) */
    unsigned char *counted = cs__xcalloc(tree.codes.n + 1, 1);
    for (size_t k = 0; k < tree.at_level.n; k++) counted[tree.at_level.items[k]] = 1;
    for (size_t r = 0; r < low.res->n; r++) {
        int k = cs__strmap_find(&tree.codes, low.res->regions[r]);
        int p = k >= 0 && counted[k] ? peer_above(&tree, peers, k) : -1;
        if (p < 0) continue;
        scored[p]++;
        double v;
        if (ru->kind == CS__ROLLUP_RATED) {
            const char *rating = cs_results_rating(low.res, r);
            for (int q = ru->rating_index; rating && q < ru->source->nratings; q++)
                if (!strcmp(ru->source->ratings[q].name, rating)) sum[p] += 1;
        } else if (ru->kind == CS__ROLLUP_SUM && !cs__res_sym(low.res, r, ru->element_index, &v)) {
            sum[p] += v;
        }
    }
    free(counted);
    for (size_t p = 0; p < np; p++) {
        if (!scored[p]) continue; /* no figures below this region: its own report stands */
        double v = ru->kind == CS__ROLLUP_REGIONS ? regions[p] : ru->kind == CS__ROLLUP_SCORED ? scored[p] : sum[p];
        const char *region = peers->keys[p];
        cs__rollup_note note = {0};
        note.element = e;
        note.value = v;
        note.scored = scored[p];
        note.regions = regions[p];
        note.had_reported = cs_dataset_get(ds, region, period, fw->elements[e].code, &note.reported);
        snprintf(note.region, sizeof note.region, "%s", region);
        snprintf(note.period, sizeof note.period, "%s", period);
        cs_dataset_set(ds, region, period, fw->elements[e].code, v);
        char line[256];
        int n = snprintf(line, sizeof line, "rollup\t%s\t%s\t%s\t%.17g\n", region, period, fw->elements[e].code, v);
        cs__sha256_update(hash, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
        out->rollups = cs__xrealloc(out->rollups, (out->nrollups + 1) * sizeof *out->rollups);
        out->rollups[out->nrollups++] = note;
    }
out:
    free(sum);
    free(scored);
    free(regions);
    cs__vec_free(&tree.parent);
    cs__vec_free(&tree.at_level);
    cs__strmap_free(&tree.codes);
    cs__store_scores_free(&low);
    cs_plan_free(plan);
    return rc;
}

cs_status cs__rollup_apply(cs_store *s, const cs_framework *fw, const char *root, const cs__strmap *peers,
                           const char *const *periods, int nperiods, int64_t as_of, int approved_only, cs_dataset *ds,
                           cs__sha256 *hash, cs__store_scores *out, cs_diag *diag)
{
    for (int e = 0; e < fw->nelements; e++) {
        const cs__rollup *ru = &fw->elements[e].rollup;
        if (ru->kind == CS__ROLLUP_NONE) continue;
        if (!ru->source) {
            cs__diag_add(diag, CS__WARNING, fw->file, ru->loc.line, ru->loc.col,
                         "未加载框架 %s，数据项 %s 按填报值计算，未由下级汇总 / %s is not loaded: %s is scored as reported", ru->framework,
                         fw->elements[e].code, ru->framework, fw->elements[e].code);
            continue;
        }
        for (int p = 0; p < nperiods; p++) {
            cs_status rc = apply_one(s, fw, e, root, peers, periods[p], as_of, approved_only, ds, hash, out, diag);
            if (rc != CS_OK) return rc;
        }
    }
    return CS_OK;
}

void cs__rollup_describe(const cs_framework *fw, const cs__rollup_note *n, cs__buf *out)
{
    const cs__rollup *ru = &fw->elements[n->element].rollup;
    const char *level = ru->source->region_level;
    static const char *const names[][2] = {{"city", "市"}, {"county", "县"}, {"street", "街道"}, {"community", "社区"}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strcmp(level, names[k][0])) level = names[k][1];
    cs__buf_printf(out, "%s = ", fw->elements[n->element].name);
    cs__buf_number(out, n->value, 4);
    cs__buf_printf(out, "%s：由下级汇总（%s，%d 个%s有数据", fw->elements[n->element].unit, ru->source->id, n->scored, level);
    switch (ru->kind) {
    case CS__ROLLUP_REGIONS: cs__buf_printf(out, "；计区划中的%s数", level); break;
    case CS__ROLLUP_SCORED: cs__buf_printf(out, "；计有数据的%s数", level); break;
    case CS__ROLLUP_RATED: cs__buf_printf(out, "；计达到%s及以上的%s数", ru->rating, level); break;
    case CS__ROLLUP_SUM: cs__buf_printf(out, "；合计各%s的%s", level, ru->source->elements[ru->element_index].name); break;
    case CS__ROLLUP_NONE: break;
    }
    if (ru->name_contains) cs__buf_printf(out, "，只计名称含“%s”的", ru->name_contains);
    cs__buf_append(out, "）");
    if (n->had_reported && n->reported != n->value) {
        cs__buf_append(out, "，取代填报值 ");
        cs__buf_number(out, n->reported, 4);
    }
}

json_t *cs__rollup_notes_json(const cs_framework *fw, const cs__store_scores *sc, const char *region, const char *period)
{
    json_t *out = json_array();
    for (size_t k = 0; k < sc->nrollups; k++) {
        const cs__rollup_note *n = &sc->rollups[k];
        if (strcmp(n->region, region) || (period && strcmp(n->period, period))) continue;
        cs__buf text = {0};
        cs__rollup_describe(fw, n, &text);
        json_array_append_new(out, json_pack("{s:s, s:s, s:f, s:i, s:i, s:o, s:s}", "element", fw->elements[n->element].code, "period",
                                             n->period, "value", n->value, "scored", n->scored, "regions", n->regions, "reported",
                                             n->had_reported ? json_real(n->reported) : json_null(), "text", cs__buf_str(&text)));
        cs__buf_free(&text);
    }
    return out;
}
