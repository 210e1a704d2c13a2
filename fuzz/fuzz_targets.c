/*
 * fuzz_targets.c — fuzz target for target files (发展目标): arbitrary bytes as a target file, read
 * against the shipped frameworks (named by id, loaded once from the source tree). Every error
 * must name line:column; whatever parses is assessed against a small scored data set (a region at
 * a star level, one under a veto, one below the line, one with no data) and written as text and
 * JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citystar/citystar.h"
#include "engine/results.h"
#include "planner/planner.h"
#include "planner/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The frameworks target files name, loaded and compiled once (reading them is not what is fuzzed). */
static struct {
    cs_framework *fw;
    cs_plan *plan;
    cs_results *res;
} fws[16];
static int nfws;

static const cs_framework *lookup(void *ctx, const char *id)
{
    (void)ctx;
    for (int i = 0; i < nfws; i++)
        if (!strcmp(fws[i].fw->id, id)) return fws[i].fw;
    if (nfws == (int)(sizeof fws / sizeof fws[0]) || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(id) || strlen(id) > 64)
        return NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/frameworks/%s.yaml", CS_SOURCE_DIR, id);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fclose(f);
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    cs_plan *plan = NULL;
    /* a shipped framework that does not load is unknown here: the framework fuzzer covers it */
    if (cs_framework_load_file(path, &fw, d) != CS_OK || strcmp(fw->id, id) || cs_plan_compile(fw, &plan, d) != CS_OK) {
        cs_plan_free(plan);
        cs_framework_free(fw);
        cs_diag_free(d);
        return NULL;
    }
    cs_diag_free(d);
    /* r1 every element 1, r2 every element 100 (a veto reading a count ≥ 1 applies), r3 half of them
     * 0; r4 reports nothing */
    cs_dataset *ds = cs_dataset_new();
    for (int e = 0; e < fw->nelements; e++) {
        cs_dataset_set(ds, "r1", "2024", fw->elements[e].code, 1);
        cs_dataset_set(ds, "r2", "2024", fw->elements[e].code, 100);
        if (e % 2) cs_dataset_set(ds, "r3", "2024", fw->elements[e].code, 0);
    }
    cs_results *res = NULL;
    if (cs_evaluate(plan, ds, "2024", &res) != CS_OK) abort();
    cs_dataset_free(ds);
    fws[nfws].fw = fw;
    fws[nfws].plan = plan;
    fws[nfws].res = res;
    return fws[nfws++].fw;
}

/* Whether text is "fuzz.yaml:LINE:COL: …" with LINE and COL ≥ 1. */
static int names_line_col(const char *text)
{
    static const char prefix[] = "fuzz.yaml:";
    if (strncmp(text, prefix, sizeof prefix - 1)) return 0;
    char *end;
    long line = strtol(text + sizeof prefix - 1, &end, 10);
    if (line < 1 || *end != ':') return 0;
    long col = strtol(end + 1, &end, 10);
    return col >= 1 && *end == ':';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    cs_diag *d = cs_diag_new();
    cs__target_set *set = NULL;
    cs_status rc = cs__targets_parse("fuzz.yaml", (const char *)data, size, lookup, NULL, &set, d);
    if ((rc == CS_OK) != (set != NULL) || (rc != CS_OK && !cs_diag_errors(d))) abort();
    for (size_t i = 0; i < cs_diag_count(d); i++)
        if (!names_line_col(cs_diag_text(d, i))) {
            fprintf(stderr, "a message without line:column: %s\n", cs_diag_text(d, i));
            abort();
        }
    static const char *const codes[] = {"r1", "r2", "r3", "r4"}, *const names[] = {"甲", "乙", "丙", "丁"};
    for (int k = 0; set && k < set->n; k++) {
        const cs__target *t = &set->items[k];
        int f = 0;
        while (fws[f].fw != t->fw) f++;
        cs__arena arena = {0};
        cs__target_state st;
        cs__target_assess(t, "2024", fws[f].plan, fws[f].res, codes, names, 4, &arena, &st);
        if (st.reached + st.nblocking != st.n || st.required < 1 || st.required > st.n) abort();
        cs__buf b = {0};
        cs__target_text(&st, &b);
        cs__buf_free(&b);
        json_decref(cs__target_to_json(&st));
        cs__arena_release(&arena);
    }
    cs__targets_free(set);
    cs_diag_free(d);
    return 0;
}
