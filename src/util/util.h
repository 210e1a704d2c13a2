/*
 * util.h — the small pieces every layer uses: an arena allocator, a growable string buffer,
 * number formatting for people, and the diagnostics collector. Internal to libcitystar.
 */
#ifndef CS_UTIL_H
#define CS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "citystar/citystar.h"

/* ---- Arena: many allocations freed in one call ------------------------------------------ */

typedef struct cs__arena_chunk cs__arena_chunk;
typedef struct {
    cs__arena_chunk *head;
} cs__arena;

/* Zeroed memory from the arena; aborts on out-of-memory (the arena's callers cannot recover). */
void *cs__arena_alloc(cs__arena *a, size_t size);
/* A copy of s (NUL-terminated) in the arena; NULL stays NULL. */
char *cs__arena_strdup(cs__arena *a, const char *s);
char *cs__arena_strndup(cs__arena *a, const char *s, size_t n);
char *cs__arena_printf(cs__arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every allocation of the arena; the arena may be used again afterwards. */
void cs__arena_release(cs__arena *a);

/* Allocation that aborts with a message on out-of-memory. */
void *cs__xmalloc(size_t size);
void *cs__xcalloc(size_t n, size_t size);
void *cs__xrealloc(void *p, size_t size);
char *cs__xstrdup(const char *s);

/* A growable array of pointers or values: T *items; size_t n, cap. */
#define CS__VEC(T) struct { T *items; size_t n, cap; }
#define cs__vec_push(v, x)                                                                   \
    do {                                                                                     \
        if ((v)->n == (v)->cap) {                                                            \
            (v)->cap = (v)->cap ? (v)->cap * 2 : 8;                                          \
            (v)->items = cs__xrealloc((v)->items, (v)->cap * sizeof(*(v)->items));          \
        }                                                                                    \
        (v)->items[(v)->n++] = (x);                                                          \
    } while (0)
#define cs__vec_free(v) (free((v)->items), (v)->items = NULL, (v)->n = (v)->cap = 0)

/* ---- String buffer ------------------------------------------------------------------------- */

typedef struct {
    char *s;     /* always NUL-terminated once anything was appended */
    size_t len, cap;
} cs__buf;

void cs__buf_append(cs__buf *b, const char *s);
void cs__buf_appendn(cs__buf *b, const char *s, size_t n);
void cs__buf_printf(cs__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cs__buf_vprintf(cs__buf *b, const char *fmt, va_list ap);
/* The text so far ("" when empty); stays owned by the buffer. */
const char *cs__buf_str(const cs__buf *b);
void cs__buf_reset(cs__buf *b);
void cs__buf_free(cs__buf *b);

/* Appends a number the way a person writes it: no trailing zeros, at most `decimals` decimals. */
void cs__buf_number(cs__buf *b, double v, int decimals);

/* Reads the whole file at path into out; refuses files over limit bytes (reported to diag). */
cs_status cs__read_file(const char *path, cs__buf *out, size_t limit, cs_diag *diag);

/* ---- Diagnostics ------------------------------------------------------------------------- */

typedef enum { CS__ERROR, CS__WARNING } cs__severity;

/* Adds a message located at file:line:col (line/col 0 = unknown). */
/* Whether message i is an error (not a warning). */
int cs__diag_is_error(const cs_diag *d, size_t i);
void cs__diag_add(cs_diag *d, cs__severity sev, const char *file, int line, int col,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void cs__diag_vadd(cs_diag *d, cs__severity sev, const char *file, int line, int col,
                   const char *fmt, va_list ap);

/* ---- Hashing (libsodium) ------------------------------------------------------------------ */

/* The lowercase hex SHA-256 of bytes (64 characters and a NUL). */
void cs__sha256_hex(const void *bytes, size_t n, char out[65]);

typedef struct {
    uint64_t state[16]; /* crypto_hash_sha256_state, kept opaque here */
} cs__sha256;
void cs__sha256_init(cs__sha256 *h);
void cs__sha256_update(cs__sha256 *h, const void *bytes, size_t n);
void cs__sha256_final(cs__sha256 *h, char out[65]);

/* ---- UTF-8 --------------------------------------------------------------------------------- */

/* Length of the longest valid UTF-8 prefix of s[0..n); equals n when all of it is valid. */
size_t cs__utf8_valid_prefix(const char *s, size_t n);

#endif
