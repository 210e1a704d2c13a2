/*
 * fuzz_costs.c — fuzz target for the planner's costs file: arbitrary bytes as a costs CSV
 * (indicator,tier,cost,unit), read against the planner's test framework, which has tiers,
 * counted items, formulas, a penalty, a veto and a star level with an extra condition.
 */
#include <stdint.h>
#include <stdlib.h>

#include "citystar/citystar.h"
#include "planner/planner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cs_framework *fw; /* loaded once: reading it is not what is fuzzed */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20) return 0;
    if (!fw) {
        cs_diag *d = cs_diag_new();
        if (cs_framework_load_file(CS_SOURCE_DIR "/tests/fixtures/planner/small.yaml", &fw, d) != CS_OK) abort();
        cs_diag_free(d);
    }
    cs_diag *d = cs_diag_new();
    cs__costs *c = NULL;
    if (cs__costs_parse(fw, "costs.csv", (const char *)data, size, &c, d) == CS_OK) (void)cs__costs_unit(c);
    cs__costs_free(c);
    cs_diag_free(d);
    return 0;
}
