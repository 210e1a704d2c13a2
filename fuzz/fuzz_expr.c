/*
 * fuzz_expr.c — fuzz target for the expression language: parses arbitrary text, checks it against
 * a small symbol table, and when it is well-formed compiles and evaluates it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    /* the expression as a double-quoted YAML scalar inside a fixed framework */
    cs__buf b = {0};
    cs__buf_append(&b, "format: 1\nid: f\ntitle: f\nregion_level: county\nelements:\n"
                       "  - {code: a, name: a, type: real}\n  - {code: b, name: b, type: real}\n  - {code: c, name: c, type: boolean}\n"
                       "indicators:\n  - code: x\n    name: x\n    measures: [{code: m, name: m, expr: \"");
    for (size_t i = 0; i < size; i++) {
        char ch = (char)data[i];
        if (ch == '"' || ch == '\\') cs__buf_appendn(&b, "\\", 1);
        if (ch == '\n' || ch == '\0') ch = ' ';
        cs__buf_appendn(&b, &ch, 1);
    }
    cs__buf_append(&b, "\"}]\n    rule: {kind: monitor}\n");
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    if (cs_framework_load_buffer("fuzz.yaml", cs__buf_str(&b), b.len, &fw, d) == CS_OK) {
        cs_plan *plan = NULL;
        cs_plan_compile(fw, &plan, d);
        cs_dataset *ds = cs_dataset_new();
        cs_dataset_set(ds, "r1", "2023", "a", 3);
        cs_dataset_set(ds, "r1", "2023", "b", 0);
        cs_dataset_set(ds, "r2", "2023", "c", 1);
        cs_dataset_set(ds, "r2", "2022", "a", 1);
        cs_results *res = NULL;
        cs_evaluate(plan, ds, "2023", &res);
        for (size_t r = 0; r < cs_results_region_count(res); r++) {
            cs__buf e = {0};
            cs__explain_indicator(res, r, 0, &e);
            cs__buf_free(&e);
        }
        cs_results_free(res);
        cs_dataset_free(ds);
        cs_plan_free(plan);
    }
    cs_framework_free(fw);
    cs_diag_free(d);
    cs__buf_free(&b);
    return 0;
}
