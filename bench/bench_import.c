/*
 * bench_import.c — import throughput: writes a CSV of 1,000,000 plausible values (every element
 * of the shipped frameworks, for as many synthetic county-level regions as it takes), then imports
 * it into a new SQLite store through the same path as `citystar data import`: read, check every
 * cell against every framework, numerator ≤ denominator, warnings, one transaction. Prints values
 * per second. Run with `make bench`; see docs/PERFORMANCE.md. An optional argument names a
 * PostgreSQL connection string to import into instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "service/service.h"

#define TARGET_VALUES 1000000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(cs_diag *d, const char *what)
{
    cs_diag_print(d, stderr);
    fprintf(stderr, "bench_import: %s failed\n", what);
    exit(1);
}

int main(int argc, char **argv)
{
    const char *target = argc > 1 ? argv[1] : NULL;
    cs_diag *d = cs_diag_new();
    cs_framework **fws = NULL;
    int nfws = 0;
    if (cs__frameworks_load_all(CS_SOURCE_DIR "/frameworks", &fws, &nfws, d) != CS_OK) die(d, "loading frameworks");
    cs__catalog cat;
    cs__catalog_init(&cat, (const cs_framework *const *)fws, nfws);
    /* the county framework with the most elements gives each region its figures */
    const cs_framework *fw = NULL;
    for (int i = 0; i < nfws; i++)
        if (!strcmp(fws[i]->region_level, "county") && (!fw || fws[i]->nelements > fw->nelements)) fw = fws[i];
    int nregions = (TARGET_VALUES + fw->nelements - 1) / fw->nelements;
    char dir[] = "/tmp/citystar-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char csv[256], db[256];
    snprintf(csv, sizeof csv, "%s/values.csv", dir);
    snprintf(db, sizeof db, "%s/bench.db", dir);

    /* regions: one province, one city, nregions counties */
    cs_region *regions = cs__xcalloc((size_t)nregions + 2, sizeof *regions);
    char (*codes)[16] = cs__xcalloc((size_t)nregions, 16);
    const char **names = cs__xcalloc((size_t)nregions, sizeof(char *));
    regions[0] = (cs_region){"99", "基准省", "province", NULL, "manual"};
    regions[1] = (cs_region){"9901", "基准市", "city", "99", "manual"};
    for (int i = 0; i < nregions; i++) {
        snprintf(codes[i], 16, "99%06d", i);
        names[i] = codes[i];
        regions[i + 2] = (cs_region){codes[i], codes[i], "county", "9901", "manual"};
    }
    cs_dataset *ds = cs_dataset_new();
    cs__sample_data(fw, names, (size_t)nregions, "2024", 7, 0.7, ds);
    FILE *f = fopen(csv, "w");
    fprintf(f, "region,period,element,value\n");
    size_t written = 0;
    for (int r = 0; r < nregions && written < TARGET_VALUES; r++)
        for (int e = 0; e < fw->nelements && written < TARGET_VALUES; e++) {
            double v;
            if (!cs_dataset_get(ds, codes[r], "2024", fw->elements[e].code, &v)) continue;
            fprintf(f, "%s,2024,%s,%.10g\n", codes[r], fw->elements[e].code, v);
            written++;
        }
    fclose(f);

    cs_store *s = NULL;
    if (cs_store_open(target ? target : db, &s, d) != CS_OK || cs_store_migrate(s, NULL, NULL, d) != CS_OK) die(d, "opening the store");
    if (cs_store_put_regions(s, regions, (size_t)nregions + 2, "bench", "bench", NULL, NULL, d) != CS_OK) die(d, "adding regions");

    cs__import_opts o = {"auto", "bench", NULL, 0};
    cs__import_result res;
    double t0 = now();
    if (cs__import_file(s, &cat, csv, &o, &res, d) != CS_OK) die(d, "importing");
    double t1 = now();
    printf("bench_import: %s, %zu values (%d regions × %d elements of %s), %s\n", target ? "PostgreSQL" : "SQLite", res.values,
           nregions, fw->nelements, fw->id, res.put.added == res.values ? "all added" : "NOT all added");
    printf("bench_import: %.2f s, %.0f values/s (read + check + write in one transaction)\n", t1 - t0,
           (double)res.values / (t1 - t0));
    /* again: every figure is already stored, so nothing is written */
    t0 = now();
    if (cs__import_file(s, &cat, csv, &o, &res, d) != CS_OK) die(d, "re-importing");
    t1 = now();
    printf("bench_import: re-import of the same file: %zu unchanged in %.2f s, %.0f values/s\n", res.put.unchanged, t1 - t0,
           (double)res.values / (t1 - t0));
    cs_store_close(s);
    remove(csv);
    char side[300];
    remove(db);
    snprintf(side, sizeof side, "%s-wal", db);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", db);
    remove(side);
    rmdir(dir);
    cs_dataset_free(ds);
    free(regions);
    free(codes);
    free(names);
    cs__catalog_clear(&cat);
    cs__frameworks_free(fws, nfws);
    cs_diag_free(d);
    return 0;
}
