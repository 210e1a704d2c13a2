/*
 * buf.c — a growable string buffer and the formatting of numbers for people.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void reserve(cs__buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->s = cs__xrealloc(b->s, cap);
    b->cap = cap;
}

void cs__buf_appendn(cs__buf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void cs__buf_append(cs__buf *b, const char *s)
{
    cs__buf_appendn(b, s, strlen(s));
}

void cs__buf_vprintf(cs__buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return;
    reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void cs__buf_printf(cs__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs__buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *cs__buf_str(const cs__buf *b)
{
    return b->s ? b->s : "";
}

void cs__buf_reset(cs__buf *b)
{
    b->len = 0;
    if (b->s) b->s[0] = '\0';
}

void cs__buf_free(cs__buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void cs__buf_number(cs__buf *b, double v, int decimals)
{
    if (isnan(v)) {
        cs__buf_append(b, "NaN");
        return;
    }
    if (isinf(v)) {
        cs__buf_append(b, v > 0 ? "∞" : "-∞");
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    char *dot = strchr(tmp, '.');
    if (dot) {
        char *end = tmp + strlen(tmp) - 1;
        while (end > dot && *end == '0') *end-- = '\0';
        if (end == dot) *end = '\0';
    }
    if (strcmp(tmp, "-0") == 0) strcpy(tmp, "0");
    cs__buf_append(b, tmp);
}

/* Reads a whole file into out (appending); files larger than limit bytes are refused. */
cs_status cs__read_file(const char *path, cs__buf *out, size_t limit, cs_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "无法打开文件 / cannot open the file: %s", strerror(errno));
        return CS_EIO;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        cs__buf_appendn(out, chunk, n);
        if (out->len > limit) {
            fclose(f);
            cs__diag_add(diag, CS__ERROR, path, 0, 0, "文件过大（超过 %zu MiB）/ the file is larger than %zu MiB", limit >> 20, limit >> 20);
            return CS_EDATA;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "读取文件失败 / cannot read the file");
        return CS_EIO;
    }
    if (!out->s) cs__buf_append(out, "");
    return CS_OK;
}
