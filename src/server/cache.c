/*
 * cache.c — scores kept between requests. Scoring a county needs every peer of its province
 * (rank functions), which is tens of thousands of values; the figures change rarely compared
 * with how often they are read. An entry is keyed by framework, province and period and holds
 * the data revision it was computed at; every request asks the store for its current revision
 * (one indexed lookup) and uses the entry only when they match, so a write on any server is seen
 * by the next request on every server.
 */
#define _GNU_SOURCE /* qsort_r */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "server.h"

struct cs__score_cache {
    pthread_mutex_t mu;
    cs__scores_entry **e;
    int n, cap;
    uint64_t *used;          /* by slot: last use, for eviction */
    uint64_t clock;
};

cs__score_cache *cs__score_cache_new(int capacity)
{
    cs__score_cache *c = cs__xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->cap = capacity;
    c->e = cs__xcalloc((size_t)capacity, sizeof *c->e);
    c->used = cs__xcalloc((size_t)capacity, sizeof *c->used);
    return c;
}

static void entry_free(cs__scores_entry *e)
{
    if (!e) return;
    size_t n = e->sc.res ? e->sc.res->n : 0;
    for (size_t i = 0; i < n; i++) free(e->json[i]);
    free(e->json);
    free(e->rank);
    cs__strmap_free(&e->rows);
    cs__store_scores_free(&e->sc);
    pthread_mutex_destroy(&e->json_mu);
    free(e);
}

void cs__score_cache_free(cs__score_cache *c)
{
    if (!c) return;
    for (int i = 0; i < c->n; i++) entry_free(c->e[i]);
    free(c->e);
    free(c->used);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

void cs__score_cache_release(cs__score_cache *c, cs__scores_entry *e)
{
    if (!e) return;
    pthread_mutex_lock(&c->mu);
    int last = --e->refs == 0;
    pthread_mutex_unlock(&c->mu);
    if (last) entry_free(e);
}

typedef struct {
    const double *total;
    const uint8_t *missing;
} rank_ctx;

static int by_total(const void *a, const void *b, void *ctx)
{
    const rank_ctx *rc = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    double tx = rc->total[x], ty = rc->total[y];
    return tx < ty ? 1 : tx > ty ? -1 : 0;
}

/* The province above region. */
static cs_status province_of(cs_store *s, const char *region, char out[64], cs_diag *diag)
{
    cs_region r;
    snprintf(out, 64, "%s", region);
    for (int depth = 0; depth < 8; depth++) {
        cs_status rc = cs_store_region(s, out, &r, diag);
        if (rc == CS_ENOTFOUND) cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有地区 %s / no region %s", out, out);
        if (rc != CS_OK) return rc;
        if (!r.parent) return CS_OK;
        snprintf(out, 64, "%s", r.parent);
    }
    return CS_OK;
}

static cs__scores_entry *entry_build(cs_store *s, const cs_plan *plan, const char *root, const char *period,
                                     int approved_only, int64_t as_of, cs_status *rc, cs_diag *diag)
{
    cs__scores_entry *e = cs__xcalloc(1, sizeof *e);
    pthread_mutex_init(&e->json_mu, NULL);
    *rc = cs__score_store(s, plan, root, period, as_of, approved_only, &e->sc, diag);
    if (*rc != CS_OK) {
        pthread_mutex_destroy(&e->json_mu);
        free(e);
        return NULL;
    }
    e->plan = plan;
    e->as_of = as_of;
    e->approved_only = approved_only;
    size_t n = e->sc.res->n;
    e->json = cs__xcalloc(n + 1, sizeof *e->json);
    e->rank = cs__xcalloc(n + 1, sizeof *e->rank);
    for (size_t i = 0; i < n; i++) cs__strmap_intern(&e->rows, e->sc.res->regions[i]);
    /* ranks among regions with a total, best first; equal totals share a rank */
    double *total = cs__xcalloc(n + 1, sizeof *total);
    uint8_t *miss = cs__xcalloc(n + 1, 1);
    size_t *order = cs__xcalloc(n + 1, sizeof *order), k = 0;
    for (size_t i = 0; i < n; i++) {
        miss[i] = (uint8_t)cs__res_get(e->sc.res, plan->total, i, &total[i]);
        if (!miss[i]) order[k++] = i;
    }
    rank_ctx rcx = {total, miss};
    qsort_r(order, k, sizeof *order, by_total, &rcx);
    e->npeers = k;
    for (size_t j = 0; j < k; j++)
        e->rank[order[j]] = j && total[order[j]] == total[order[j - 1]] ? e->rank[order[j - 1]] : (int)j + 1;
    free(total);
    free(miss);
    free(order);
    e->refs = 1;
    return e;
}

cs_status cs__score_cache_get(cs__score_cache *c, cs_store *s, const cs_plan *plan, const char *region,
                              const char *period, int approved_only, cs__scores_entry **out, cs_diag *diag)
{
    *out = NULL;
    char root[64];
    cs_status rc = province_of(s, region, root, diag);
    if (rc != CS_OK) return rc;
    int64_t as_of = 0;
    if ((rc = cs_store_last_revision(s, &as_of, diag)) != CS_OK) return rc;
    char key[160];
    snprintf(key, sizeof key, "%s|%s|%s|%d", plan->fw->id, root, period, approved_only);
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->e[i]->key, key) && c->e[i]->as_of == as_of) {
            c->e[i]->refs++;
            c->used[i] = ++c->clock;
            *out = c->e[i];
            pthread_mutex_unlock(&c->mu);
            return CS_OK;
        }
    pthread_mutex_unlock(&c->mu);
    cs__scores_entry *e = entry_build(s, plan, root, period, approved_only, as_of, &rc, diag);
    if (!e) return rc;
    snprintf(e->key, sizeof e->key, "%s", key);
    e->refs = 2; /* the cache's and the caller's */
    pthread_mutex_lock(&c->mu);
    int slot = -1;
    for (int i = 0; i < c->n && slot < 0; i++)
        if (!strcmp(c->e[i]->key, key)) slot = i; /* an older revision of the same scores */
    if (slot < 0 && c->n < c->cap) slot = c->n++;
    if (slot < 0) {
        slot = 0;
        for (int i = 1; i < c->n; i++)
            if (c->used[i] < c->used[slot]) slot = i;
    }
    cs__scores_entry *old = slot < c->n && c->e[slot] && c->e[slot] != e ? c->e[slot] : NULL;
    if (old && old->as_of > as_of) {
        /* another request already stored newer scores: keep them, use ours once */
        e->refs = 1;
        pthread_mutex_unlock(&c->mu);
        *out = e;
        return CS_OK;
    }
    c->e[slot] = e;
    c->used[slot] = ++c->clock;
    int drop = old && --old->refs == 0;
    pthread_mutex_unlock(&c->mu);
    if (drop) entry_free(old);
    *out = e;
    return CS_OK;
}

const char *cs__scores_entry_json(cs__scores_entry *e, size_t r)
{
    pthread_mutex_lock(&e->json_mu);
    if (!e->json[r]) {
        json_t *j = cs__json_result(e->sc.res, r);
        e->json[r] = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
        json_decref(j);
    }
    const char *out = e->json[r];
    pthread_mutex_unlock(&e->json_mu);
    return out;
}
