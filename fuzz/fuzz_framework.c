/*
 * fuzz_framework.c — fuzz target for the framework loader: arbitrary bytes as a framework file;
 * whatever loads is compiled, scored on a small data set, and explained.
 */
#include <stdint.h>

#include "engine/results.h"
#include "output/output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    if (cs_framework_load_buffer("fuzz.yaml", (const char *)data, size, &fw, d) == CS_OK) {
        cs_plan *plan = NULL;
        cs_plan_compile(fw, &plan, d);
        cs_dataset *ds = cs_dataset_new();
        for (int e = 0; e < fw->nelements; e++) {
            cs_dataset_set(ds, "r1", "2023", fw->elements[e].code, e % 3);
            if (e % 2) cs_dataset_set(ds, "r2", "2023", fw->elements[e].code, 100);
        }
        cs_dataset_set(ds, "r3", "2023", "unrelated", 1);
        cs_results *res = NULL;
        cs_evaluate(plan, ds, "2023", &res);
        for (size_t r = 0; r < cs_results_region_count(res); r++) {
            json_t *j = cs__json_result(res, r);
            json_decref(j);
        }
        json_t *j = cs__json_framework(fw);
        json_decref(j);
        cs_results_free(res);
        cs_dataset_free(ds);
        cs_plan_free(plan);
    }
    cs_framework_free(fw);
    cs_diag_free(d);
    return 0;
}
