/*
 * strmap.h — string interning: maps strings to dense indexes 0, 1, 2 … in insertion order.
 */
#ifndef CS_STRMAP_H
#define CS_STRMAP_H

#include <stddef.h>

typedef struct {
    char **keys;       /* by index; owned */
    size_t *hashes;    /* by index: the hash of each key, compared before the strings */
    size_t n, cap;
    int *slots;        /* open-addressing table of index + 1 (0 = empty) */
    size_t nslots;
} cs__strmap;

/* Index of s, or -1. */
int cs__strmap_find(const cs__strmap *m, const char *s);
/* Index of s, adding a copy of it when new. */
int cs__strmap_intern(cs__strmap *m, const char *s);
void cs__strmap_free(cs__strmap *m);

#endif
