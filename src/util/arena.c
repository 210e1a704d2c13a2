/*
 * arena.c — the allocator layer: checked malloc wrappers and a bump arena whose allocations are
 * released together (one per loaded framework, compiled plan, or request).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct cs__arena_chunk {
    cs__arena_chunk *next;
    size_t used, size;
    max_align_t data[];
};

static void out_of_memory(size_t size)
{
    fprintf(stderr, "citystar: 内存不足 / out of memory (%zu bytes)\n", size);
    abort();
}

void *cs__xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

void *cs__xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) out_of_memory(n * size);
    return p;
}

void *cs__xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) out_of_memory(size);
    return q;
}

char *cs__xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = cs__xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void *cs__arena_alloc(cs__arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    cs__arena_chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        size_t csize = size > 32768 ? size : 32768;
        c = cs__xmalloc(sizeof(*c) + csize);
        c->used = 0;
        c->size = csize;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *cs__arena_strndup(cs__arena *a, const char *s, size_t n)
{
    char *p = cs__arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *cs__arena_strdup(cs__arena *a, const char *s)
{
    return s ? cs__arena_strndup(a, s, strlen(s)) : NULL;
}

char *cs__arena_printf(cs__arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs__buf b = {0};
    cs__buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *p = cs__arena_strndup(a, cs__buf_str(&b), b.len);
    cs__buf_free(&b);
    return p;
}

void cs__arena_release(cs__arena *a)
{
    cs__arena_chunk *c = a->head;
    while (c) {
        cs__arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}
