/*
 * fuzz_csv.c — fuzz target for the data file reader: arbitrary bytes as a long CSV, checked
 * against a fixed framework (types, ranges, numerator ≤ denominator).
 */
#include <stdint.h>
#include <string.h>

#include "io/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fw_text =
    "format: 1\nid: f\ntitle: f\nregion_level: county\nelements:\n"
    "  - {code: a, name: a, type: integer, min: 0, at_most: [b]}\n  - {code: b, name: b, type: real, max: 1000}\n"
    "  - {code: c, name: c, type: boolean}\n"
    "indicators:\n  - {code: x, name: x, rule: {kind: monitor}}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20) return 0;
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    cs_framework_load_buffer("f.yaml", fw_text, strlen(fw_text), &fw, d);
    cs_dataset *ds = cs_dataset_new();
    cs__read_data_csv_buffer("fuzz.csv", (const char *)data, size, fw, (int)(size & 1), ds, d, NULL);
    cs_dataset_free(ds);
    cs_framework_free(fw);
    cs_diag_free(d);
    return 0;
}
