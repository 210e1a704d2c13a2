/*
 * strmap.c — string interning with an open-addressing hash table: FNV-1a, mixed so that the low
 * bits used for the slot depend on every byte, with each key's hash kept to skip string compares.
 */
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    /* murmur3's finaliser: keys that differ only near the end spread over the table */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

int cs__strmap_find(const cs__strmap *m, const char *s)
{
    if (!m->nslots) return -1;
    size_t h = hash(s);
    for (size_t i = h & (m->nslots - 1);; i = (i + 1) & (m->nslots - 1)) {
        int v = m->slots[i];
        if (!v) return -1;
        if (m->hashes[v - 1] == h && !strcmp(m->keys[v - 1], s)) return v - 1;
    }
}

static void grow(cs__strmap *m)
{
    size_t ns = m->nslots ? m->nslots * 2 : 64;
    int *slots = cs__xcalloc(ns, sizeof(int));
    for (size_t k = 0; k < m->n; k++) {
        size_t i = m->hashes[k] & (ns - 1);
        while (slots[i]) i = (i + 1) & (ns - 1);
        slots[i] = (int)k + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = ns;
}

int cs__strmap_intern(cs__strmap *m, const char *s)
{
    int found = cs__strmap_find(m, s);
    if (found >= 0) return found;
    if ((m->n + 1) * 2 > m->nslots) grow(m);
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->keys = cs__xrealloc(m->keys, m->cap * sizeof(char *));
        m->hashes = cs__xrealloc(m->hashes, m->cap * sizeof(size_t));
    }
    m->keys[m->n] = cs__xstrdup(s);
    size_t h = hash(s);
    m->hashes[m->n] = h;
    size_t i = h & (m->nslots - 1);
    while (m->slots[i]) i = (i + 1) & (m->nslots - 1);
    m->slots[i] = (int)m->n + 1;
    return (int)m->n++;
}

void cs__strmap_free(cs__strmap *m)
{
    for (size_t i = 0; i < m->n; i++) free(m->keys[i]);
    free(m->keys);
    free(m->hashes);
    free(m->slots);
    memset(m, 0, sizeof *m);
}
