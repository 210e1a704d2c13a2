/*
 * csv_data.c — reading CSV files: cells into a table (libcsv), in UTF-8 with or without BOM or
 * in GB18030/GBK (what Excel on a Chinese Windows machine saves), detected or as asked; and the
 * stateless `--data FILE` path, which checks the rows against one framework (records.c) and
 * loads them into a data set, all or nothing.
 */
#include <csv.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "io.h"
#include "records.h"
#include "table.h"

typedef struct {
    cs__table *t;
    CS__VEC(char *) cur;
    int row;
} table_reader;

/* A field, trimmed of surrounding spaces and tabs (and carriage returns at its end), as a string
 * in the table's arena. */
static void on_field(void *data, size_t len, void *ctx)
{
    table_reader *rd = ctx;
    const char *s = data;
    len = s ? strnlen(s, len) : 0; /* a NUL ends the text, as in any C string */
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) len--;
    size_t k = 0;
    while (k < len && (s[k] == ' ' || s[k] == '\t')) k++;
    cs__vec_push(&rd->cur, cs__arena_strndup(&rd->t->arena, len ? s + k : "", len - k));
}

static void on_row(int c, void *ctx)
{
    (void)c;
    table_reader *rd = ctx;
    rd->row++;
    char **cells = cs__arena_alloc(&rd->t->arena, (rd->cur.n ? rd->cur.n : 1) * sizeof *cells);
    if (rd->cur.n) memcpy(cells, rd->cur.items, rd->cur.n * sizeof *cells);
    cs__table_row r = {cells, (int)rd->cur.n, rd->row};
    cs__vec_push(&rd->t->rows, r);
    rd->cur.n = 0; /* the array is used again for the next row */
}

/* Converts GB18030 text to UTF-8; returns NULL when it is not valid GB18030 either, with the
 * offset of the first bad byte in *bad. */
static char *gb18030_to_utf8(const char *in, size_t len, size_t *outlen, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) return NULL;
    size_t cap = len * 2 + 16, left = cap;
    char *out = cs__xmalloc(cap), *op = out;
    char *ip = (char *)in;
    size_t ileft = len;
    size_t rc = iconv(cd, &ip, &ileft, &op, &left);
    iconv_close(cd);
    if (rc == (size_t)-1) {
        *bad = (size_t)(ip - in);
        free(out);
        return NULL;
    }
    *outlen = cap - left;
    return out;
}

/* The 1-based line of byte offset off in buf. */
static int line_of(const char *buf, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++) line += buf[i] == '\n';
    return line;
}

cs_status cs__csv_read_table(const char *file, const char *buf, size_t len, const char *encoding, cs__table *out,
                             cs_diag *diag)
{
    char *converted = NULL;
    cs_status rc = CS_OK;
    const char *enc = encoding && *encoding ? encoding : "auto";
    int want_gb = !strcasecmp(enc, "gb18030") || !strcasecmp(enc, "gbk") || !strcasecmp(enc, "gb2312");
    int want_utf8 = !strcasecmp(enc, "utf-8") || !strcasecmp(enc, "utf8");
    if (!want_gb && !want_utf8 && strcasecmp(enc, "auto")) {
        cs__diag_add(diag, CS__ERROR, file, 0, 0, "不支持的编码 '%s'（可用 auto、utf-8、gb18030）/ unknown encoding '%s'", enc, enc);
        return CS_EUSAGE;
    }
    size_t valid = cs__utf8_valid_prefix(buf, len);
    if (want_utf8 && valid != len) {
        cs__diag_add(diag, CS__ERROR, file, line_of(buf, valid), 0,
                     "文件不是有效的 UTF-8（可试 --encoding gb18030）/ the file is not valid UTF-8 (try --encoding gb18030)");
        return CS_EDATA;
    }
    if (want_gb || (!want_utf8 && valid != len)) {
        size_t n, bad = 0;
        converted = gb18030_to_utf8(buf, len, &n, &bad);
        if (!converted) {
            if (want_gb)
                cs__diag_add(diag, CS__ERROR, file, line_of(buf, bad), 0, "文件不是有效的 GB18030/GBK 编码 / the file is not valid GB18030/GBK");
            else
                cs__diag_add(diag, CS__ERROR, file, line_of(buf, bad > valid ? bad : valid), 0,
                             "文件既不是 UTF-8 也不是 GB18030/GBK 编码 / the file is neither UTF-8 nor GB18030/GBK");
            return CS_EDATA;
        }
        buf = converted;
        len = n;
    }
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) buf += 3, len -= 3;
    table_reader rd = {out, {0}, 0};
    out->in_arena = 1;
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    if (csv_parse(&p, buf, len, on_field, on_row, &rd) != len) {
        cs__diag_add(diag, CS__ERROR, file, rd.row + 1, 0, "CSV 格式错误 / malformed CSV: %s", csv_strerror(csv_error(&p)));
        rc = CS_EDATA;
    } else if (csv_fini(&p, on_field, on_row, &rd) != 0) {
        cs__diag_add(diag, CS__ERROR, file, rd.row + 1, 0, "CSV 格式错误：引号未闭合 / malformed CSV: unterminated quoted field");
        rc = CS_EDATA;
    }
    csv_free(&p);
    cs__vec_free(&rd.cur);
    free(converted);
    return rc;
}

cs_status cs__read_data_csv_buffer(const char *file, const char *buf, size_t len, const cs_framework *fw, int strict,
                                   cs_dataset *ds, cs_diag *diag, size_t *ignored)
{
    cs__table t = {0};
    cs__records recs = {0};
    cs__catalog cat;
    cs__catalog_init(&cat, &fw, fw ? 1 : 0);
    cs__records_opts opts = {strict || !fw, 0, 0, 0, fw ? fw->id : NULL};
    cs_status rc = cs__csv_read_table(file, buf, len, "auto", &t, diag);
    if (rc == CS_OK && !fw) {
        /* without a framework every element is taken as a number */
        rc = CS_EUSAGE;
        cs__diag_add(diag, CS__ERROR, file, 0, 0, "需要框架才能检查数据 / a framework is needed to check the data");
    }
    if (rc == CS_OK) rc = cs__records_from_table(file, &t, &cat, &opts, &recs, diag);
    if (rc == CS_OK) rc = cs__records_check_at_most(file, &recs, &cat, NULL, NULL, diag);
    if (rc == CS_OK)
        for (size_t i = 0; i < recs.values.n; i++) {
            const cs_value_in *v = &recs.values.items[i];
            cs_dataset_set(ds, v->region, v->period, v->element, v->value);
        }
    if (ignored) *ignored = recs.ignored;
    cs__records_clear(&recs);
    cs__catalog_clear(&cat);
    cs__table_clear(&t);
    return rc == CS_OK ? CS_OK : CS_EDATA;
}

cs_status cs__read_data_csv(const char *path, const cs_framework *fw, int strict, cs_dataset *ds, cs_diag *diag, size_t *ignored)
{
    cs__buf b = {0};
    cs_status rc = cs__read_file(path, &b, 512u << 20, diag);
    if (rc == CS_OK) rc = cs__read_data_csv_buffer(path, cs__buf_str(&b), b.len, fw, strict, ds, diag, ignored);
    cs__buf_free(&b);
    return rc;
}
