/*
 * harness.h — helpers shared by the unit tests: load a fixture framework, fill a data set row by
 * row, score it, and read one indicator's points by code.
 */
#ifndef CS_TEST_HARNESS_H
#define CS_TEST_HARNESS_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/results.h"

typedef struct {
    cs_framework *fw;
    cs_plan *plan;
    cs_dataset *ds;
    cs_results *res;
} fixture;

/* Loads tests/fixtures/NAME and compiles it; fails the test on any error. */
static inline void fixture_open(fixture *f, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", CS_SOURCE_DIR, name);
    cs_diag *d = cs_diag_new();
    memset(f, 0, sizeof *f);
    cs_status rc = cs_framework_load_file(path, &f->fw, d);
    if (rc != CS_OK) cs_diag_print(d, stderr);
    assert_int_equal(rc, CS_OK);
    assert_int_equal(cs_plan_compile(f->fw, &f->plan, d), CS_OK);
    cs_diag_free(d);
    f->ds = cs_dataset_new();
}

static inline void fixture_close(fixture *f)
{
    cs_results_free(f->res);
    cs_dataset_free(f->ds);
    cs_plan_free(f->plan);
    cs_framework_free(f->fw);
}

static inline void put(fixture *f, const char *region, const char *element, double v)
{
    assert_int_equal(cs_dataset_set(f->ds, region, "2023", element, v), CS_OK);
}

static inline void put_period(fixture *f, const char *region, const char *period, const char *element, double v)
{
    assert_int_equal(cs_dataset_set(f->ds, region, period, element, v), CS_OK);
}

static inline void run(fixture *f, const char *period)
{
    cs_results_free(f->res);
    f->res = NULL;
    assert_int_equal(cs_evaluate(f->plan, f->ds, period, &f->res), CS_OK);
}

static inline size_t row_of(fixture *f, const char *region)
{
    for (size_t r = 0; r < cs_results_region_count(f->res); r++)
        if (!strcmp(cs_results_region(f->res, r), region)) return r;
    fail_msg("region %s not in results", region);
    return 0;
}

/* Points of indicator code for region; fails when missing. */
static inline double points(fixture *f, const char *region, const char *code)
{
    int i = cs__fw_indicator_index(f->fw, code);
    assert_true(i >= 0);
    double p = -999;
    int miss = cs__res_points(f->res, row_of(f, region), i, &p);
    if (miss) fail_msg("indicator %s of %s is missing (%d)", code, region, miss);
    return p;
}

/* Missing reason of indicator code's points (0 = present). */
static inline int points_missing(fixture *f, const char *region, const char *code)
{
    double p;
    return cs__res_points(f->res, row_of(f, region), cs__fw_indicator_index(f->fw, code), &p);
}

static inline const char *tier_of(fixture *f, const char *region, const char *code)
{
    int i = cs__fw_indicator_index(f->fw, code);
    int t = cs__res_tier(f->res, row_of(f, region), i);
    return t > 0 ? f->fw->indicators[i].rule.tiers[t - 1].level : NULL;
}

static inline double total(fixture *f, const char *region)
{
    return cs_results_total(f->res, row_of(f, region));
}

static inline const char *rating(fixture *f, const char *region)
{
    return cs_results_rating(f->res, row_of(f, region));
}

/* The explanation of an indicator, in a static buffer. */
static inline const char *explanation(fixture *f, const char *region, const char *code)
{
    static char text[8192];
    cs__buf b = {0};
    cs__explain_indicator(f->res, row_of(f, region), cs__fw_indicator_index(f->fw, code), &b);
    snprintf(text, sizeof text, "%s", cs__buf_str(&b));
    cs__buf_free(&b);
    return text;
}

static inline const char *total_explanation(fixture *f, const char *region)
{
    static char text[8192];
    cs__buf b = {0};
    cs__explain_total(f->res, row_of(f, region), &b);
    snprintf(text, sizeof text, "%s", cs__buf_str(&b));
    cs__buf_free(&b);
    return text;
}

#define assert_near(actual, expected)                                                                        \
    do {                                                                                                     \
        double a_ = (actual), e_ = (expected);                                                               \
        if (!(fabs(a_ - e_) < 1e-9)) fail_msg("%s = %.10g, expected %.10g", #actual, a_, e_);                \
    } while (0)
#define assert_points(f, region, code, expected) assert_near(points((f), (region), (code)), (expected))
#define assert_contains(haystack, needle)                                                                    \
    do {                                                                                                     \
        const char *h_ = (haystack);                                                                         \
        if (!strstr(h_, (needle))) fail_msg("expected \"%s\" in \"%s\"", (needle), h_);                       \
    } while (0)

#endif
