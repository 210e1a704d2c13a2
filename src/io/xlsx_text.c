/*
 * xlsx_text.c — text as a workbook holds it (xlsx_text.h): decoding, widths, wrapping, cleaning.
 */
#include <string.h>

#include "io/xlsx_text.h"

uint32_t cs__utf8_next(const char **p)
{
    const unsigned char *s = (const unsigned char *)*p;
    uint32_t c = s[0];
    int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (len > 1) c &= 0xFF >> (len + 1);
    for (int k = 1; k < len; k++) c = (c << 6) | (s[k] & 0x3F);
    *p += len;
    return c;
}

int cs__char_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

double cs__xlsx_text_width(const char *s)
{
    double w = 0, line = 0;
    while (s && *s) {
        uint32_t c = cs__utf8_next(&s);
        if (c == '\n') {
            line = 0;
            continue;
        }
        line += cs__char_wide(c) ? 2 : 1;
        if (line > w) w = line;
    }
    return w;
}

int cs__xlsx_wrapped_lines(const char *text, double width, double wide)
{
    double usable = width > 4 ? width - 2 : 2, line = 0;
    int lines = 1;
    while (text && *text) {
        uint32_t c = cs__utf8_next(&text);
        double w = c == '\n' ? 0 : cs__char_wide(c) ? wide : 1;
        if (c == '\n' || line + w > usable) {
            lines++;
            line = 0;
        }
        line += w;
    }
    return lines;
}

const char *cs__xlsx_clean_text(cs__buf *b, const char *s, size_t max_units)
{
    cs__buf_reset(b);
    cs__buf_append(b, "");
    size_t n = s ? strlen(s) : 0, units = 0;
    while (n > 0) {
        size_t ok = cs__utf8_valid_prefix(s, n);
        const char *p = s, *end = s + ok;
        while (p < end) {
            const char *q = p;
            uint32_t c = cs__utf8_next(&q);
            size_t u = c >= 0x10000 ? 2 : 1;
            if (units + u > max_units) return cs__buf_str(b);
            units += u;
            if (c < 0x20 && c != '\n' && c != '\t') cs__buf_append(b, " ");
            else cs__buf_appendn(b, p, (size_t)(q - p));
            p = q;
        }
        s += ok, n -= ok;
        if (n > 0) {
            if (units + 1 > max_units) break;
            cs__buf_append(b, "\xEF\xBF\xBD");
            units++;
            s++, n--;
        }
    }
    return cs__buf_str(b);
}
