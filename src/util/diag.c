/*
 * diag.c — diagnostics: every problem found in a framework or data file, with its location,
 * collected so that a person can fix them all in one pass.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
    cs__severity sev;
    char *text;
} entry;

struct cs_diag {
    CS__VEC(entry) entries;
    size_t errors;
};

const char *cs_status_message(cs_status rc)
{
    switch (rc) {
#define X(code, msg)                                                                         \
    case code:                                                                               \
        return msg;
        CS_STATUS_TABLE(X)
#undef X
    }
    return "未知错误 / unknown error";
}

cs_diag *cs_diag_new(void)
{
    return cs__xcalloc(1, sizeof(cs_diag));
}

void cs_diag_free(cs_diag *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->entries.n; i++) free(d->entries.items[i].text);
    cs__vec_free(&d->entries);
    free(d);
}

size_t cs_diag_errors(const cs_diag *d)
{
    return d ? d->errors : 0;
}

size_t cs_diag_count(const cs_diag *d)
{
    return d ? d->entries.n : 0;
}

const char *cs_diag_text(const cs_diag *d, size_t i)
{
    return i < d->entries.n ? d->entries.items[i].text : NULL;
}

int cs__diag_is_error(const cs_diag *d, size_t i)
{
    return i < d->entries.n && d->entries.items[i].sev == CS__ERROR;
}

void cs_diag_print(const cs_diag *d, FILE *f)
{
    for (size_t i = 0; d && i < d->entries.n; i++) fprintf(f, "%s\n", d->entries.items[i].text);
}

void cs__diag_vadd(cs_diag *d, cs__severity sev, const char *file, int line, int col,
                   const char *fmt, va_list ap)
{
    if (!d) return;
    cs__buf b = {0};
    if (file) cs__buf_printf(&b, "%s:", file);
    if (line > 0) cs__buf_printf(&b, "%d:", line);
    if (line > 0 && col > 0) cs__buf_printf(&b, "%d:", col);
    if (b.len) cs__buf_append(&b, " ");
    if (sev == CS__WARNING) cs__buf_append(&b, "警告 / warning: ");
    cs__buf_vprintf(&b, fmt, ap);
    entry e = {sev, b.s ? b.s : cs__xstrdup("")};
    cs__vec_push(&d->entries, e);
    if (sev == CS__ERROR) d->errors++;
}

void cs__diag_add(cs_diag *d, cs__severity sev, const char *file, int line, int col,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs__diag_vadd(d, sev, file, line, col, fmt, ap);
    va_end(ap);
}

size_t cs__utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000, c &= 0x07;
        } else {
            return i;
        }
        if (i + len > n) return i;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
            c = (c << 6) | (p[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return i;
        i += len;
    }
    return n;
}
