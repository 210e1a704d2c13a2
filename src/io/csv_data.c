/*
 * csv_data.c — reads the long data file (region,period,element,value) into a data set, checking
 * every row against the framework's element declarations. All problems are reported as
 * file:row:column, and a file with any problem loads nothing. UTF-8 (with or without BOM) is
 * read as is; a file that is not UTF-8 is taken as GB18030/GBK (what Excel on a Chinese Windows
 * machine saves) and converted.
 */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io.h"

typedef struct {
    char *region, *period, *element;
    double value;
    int row;
} pending;

typedef struct {
    const char *file;
    const cs_framework *fw;
    cs_diag *diag;
    int strict;
    int row;          /* record number, header = 1 */
    int field;
    int col[4];       /* column index of region, period, element, value */
    int ncols_header;
    char *cur[4];
    int errors;
    CS__VEC(pending) rows;
    cs__strmap keys;  /* region|period|element → first row */
    CS__VEC(int) key_rows;
    size_t ignored;
    int bad_header;   /* a required column is missing: rows are not read */
} reader;

static const char *const names[4][5] = {
    {"region", "地区", "地区代码", "行政区划代码", NULL},
    {"period", "年度", "期间", "年份", NULL},
    {"element", "数据项", "数据项编号", "指标数据项", NULL},
    {"value", "值", "数值", "填报值", NULL},
};

static void rerr(reader *rd, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void rerr(reader *rd, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (rd->errors < 1000) cs__diag_vadd(rd->diag, CS__ERROR, rd->file, rd->row, col, fmt, ap);
    va_end(ap);
    rd->errors++;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    size_t k = 0;
    while (s[k] == ' ' || s[k] == '\t') k++;
    if (k) memmove(s, s + k, n - k + 1);
}

static void on_field(void *data, size_t len, void *ctx)
{
    reader *rd = ctx;
    char *s = cs__xmalloc(len + 1);
    memcpy(s, data, len);
    s[len] = '\0';
    trim(s);
    if (rd->row == 1) {
        for (int k = 0; k < 4; k++)
            for (int a = 0; names[k][a]; a++)
                if (!strcasecmp(s, names[k][a]) && rd->col[k] < 0) rd->col[k] = rd->field;
        rd->field++;
        free(s);
        return;
    }
    for (int k = 0; k < 4; k++)
        if (rd->col[k] == rd->field) {
            free(rd->cur[k]);
            rd->cur[k] = s;
            s = NULL;
        }
    free(s);
    rd->field++;
}

static int parse_value(reader *rd, const cs__element *el, const char *text, double *out)
{
    int vcol = rd->col[3] + 1;
    if (!*text) {
        rerr(rd, vcol, "值为空 / the value is empty (leave the row out if the figure is not reported)");
        return 0;
    }
    if (el && el->type == CS__ELEM_BOOLEAN) {
        static const char *yes[] = {"是", "true", "yes", "y", "1", "有", NULL}, *no[] = {"否", "false", "no", "n", "0", "无", NULL};
        for (int i = 0; yes[i]; i++)
            if (!strcasecmp(text, yes[i])) return *out = 1, 1;
        for (int i = 0; no[i]; i++)
            if (!strcasecmp(text, no[i])) return *out = 0, 1;
        rerr(rd, vcol, "“%s”（%s）应填 是 或 否，这里是 \"%s\" / %s is yes/no: use 是 or 否", el->name, el->code, text, el->code);
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end != text && (*end == '%' || !strcmp(end, "％")) && !errno) {
        /* "85%" is the ratio 0.85 */
        v /= 100.0;
        end += *end == '%' ? 1 : strlen("％");
    }
    if (end == text || *end || errno || !isfinite(v)) {
        if (el)
            rerr(rd, vcol, "“%s”（%s）的值 \"%s\" 不是数字 / the value of %s is not a number", el->name, el->code, text, el->code);
        else
            rerr(rd, vcol, "值 \"%s\" 不是数字 / the value \"%s\" is not a number", text, text);
        return 0;
    }
    if (!el) return *out = v, 1;
    if (el->type == CS__ELEM_INTEGER && v != floor(v)) {
        rerr(rd, vcol, "“%s”（%s）应为整数，这里是 %s / %s must be a whole number", el->name, el->code, text, el->code);
        return 0;
    }
    if ((el->has_min && v < el->min) || (el->has_max && v > el->max)) {
        cs__buf b = {0};
        if (el->has_min) cs__buf_number(&b, el->min, 6);
        cs__buf_append(&b, " – ");
        if (el->has_max) cs__buf_number(&b, el->max, 6);
        rerr(rd, vcol, "“%s”（%s）的值 %s 超出允许范围 [%s] / %s is out of its allowed range", el->name, el->code, text,
             cs__buf_str(&b), el->code);
        cs__buf_free(&b);
        return 0;
    }
    *out = v;
    return 1;
}

static void on_row(int c, void *ctx)
{
    (void)c;
    reader *rd = ctx;
    if (rd->row == 1) {
        static const char *label[] = {"region", "period", "element", "value"};
        for (int k = 0; k < 4; k++)
            if (rd->col[k] < 0) {
                rerr(rd, 0, "表头缺少列 %s（%s）/ the header has no '%s' column", label[k], names[k][1], label[k]);
                rd->bad_header = 1;
            }
        rd->ncols_header = rd->field;
        rd->row++;
        rd->field = 0;
        return;
    }
    int blank = 1;
    for (int k = 0; k < 4; k++) blank &= !rd->cur[k] || !*rd->cur[k];
    if (rd->bad_header) blank = 1;
    if (!blank) {
        static const char *what[] = {"地区 / region", "年度 / period", "数据项 / element"};
        int ok = 1;
        for (int k = 0; k < 3; k++)
            if (!rd->cur[k] || !*rd->cur[k]) {
                rerr(rd, rd->col[k] + 1, "%s为空 / %s is empty", what[k], what[k]);
                ok = 0;
            }
        const cs__element *el = NULL;
        if (ok && rd->fw) {
            int e = cs__fw_element_index(rd->fw, rd->cur[2]);
            if (e >= 0) el = &rd->fw->elements[e];
            else if (rd->strict) {
                rerr(rd, rd->col[2] + 1, "框架 %s 中没有数据项 '%s' / framework %s has no element '%s'", rd->fw->id, rd->cur[2], rd->fw->id, rd->cur[2]);
                ok = 0;
            } else {
                rd->ignored++;
            }
        }
        double v = 0;
        if (ok && !parse_value(rd, el, rd->cur[3] ? rd->cur[3] : "", &v)) ok = 0;
        if (ok) {
            cs__buf key = {0};
            cs__buf_printf(&key, "%s\x1f%s\x1f%s", rd->cur[0], rd->cur[1], rd->cur[2]);
            size_t before = rd->keys.n;
            int idx = cs__strmap_intern(&rd->keys, cs__buf_str(&key));
            cs__buf_free(&key);
            if (rd->keys.n == before) {
                rerr(rd, rd->col[2] + 1, "地区 %s 年度 %s 的数据项 %s 重复（第 %d 行已有）/ duplicate value (first at row %d)",
                     rd->cur[0], rd->cur[1], rd->cur[2], rd->key_rows.items[idx], rd->key_rows.items[idx]);
            } else {
                cs__vec_push(&rd->key_rows, rd->row);
                pending p = {cs__xstrdup(rd->cur[0]), cs__xstrdup(rd->cur[1]), cs__xstrdup(rd->cur[2]), v, rd->row};
                cs__vec_push(&rd->rows, p);
            }
        }
    }
    for (int k = 0; k < 4; k++) {
        free(rd->cur[k]);
        rd->cur[k] = NULL;
    }
    rd->row++;
    rd->field = 0;
}

/* Converts GB18030 text to UTF-8; returns NULL when it is not valid GB18030 either. */
static char *gb18030_to_utf8(const char *in, size_t len, size_t *outlen)
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
        free(out);
        return NULL;
    }
    *outlen = cap - left;
    return out;
}

/* The value read for (region, period, element), from the rows' key map; 0 when absent. */
static int row_value(reader *rd, const char *region, const char *period, const char *element, double *v)
{
    cs__buf key = {0};
    cs__buf_printf(&key, "%s\x1f%s\x1f%s", region, period, element);
    int idx = cs__strmap_find(&rd->keys, cs__buf_str(&key));
    cs__buf_free(&key);
    if (idx < 0) return 0;
    *v = rd->rows.items[idx].value; /* keys and rows are added together, so their indexes agree */
    return 1;
}

/* Checks numerator ≤ denominator declarations over the rows read. */
static void check_at_most(reader *rd)
{
    const cs_framework *fw = rd->fw;
    for (size_t i = 0; i < rd->rows.n; i++) {
        pending *p = &rd->rows.items[i];
        int e = cs__fw_element_index(fw, p->element);
        if (e < 0) continue;
        const cs__element *el = &fw->elements[e];
        for (int k = 0; k < el->n_at_most; k++) {
            double d;
            if (!row_value(rd, p->region, p->period, el->at_most[k], &d) || p->value <= d) continue;
            int de = cs__fw_element_index(fw, el->at_most[k]);
            rd->row = p->row;
            cs__buf a = {0}, b = {0};
            cs__buf_number(&a, p->value, 6);
            cs__buf_number(&b, d, 6);
            rerr(rd, rd->col[3] + 1, "“%s”（%s = %s）大于“%s”（%s = %s）/ %s is larger than %s", el->name, el->code,
                 cs__buf_str(&a), de >= 0 ? fw->elements[de].name : el->at_most[k], el->at_most[k], cs__buf_str(&b), el->code,
                 el->at_most[k]);
            cs__buf_free(&a);
            cs__buf_free(&b);
        }
    }
}

cs_status cs__read_data_csv_buffer(const char *file, const char *buf, size_t len, const cs_framework *fw, int strict,
                                   cs_dataset *ds, cs_diag *diag, size_t *ignored)
{
    char *converted = NULL;
    if (cs__utf8_valid_prefix(buf, len) != len) {
        size_t n;
        converted = gb18030_to_utf8(buf, len, &n);
        if (!converted) {
            cs__diag_add(diag, CS__ERROR, file, 0, 0, "文件既不是 UTF-8 也不是 GB18030/GBK 编码 / the file is neither UTF-8 nor GB18030/GBK");
            return CS_EDATA;
        }
        buf = converted;
        len = n;
    }
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) buf += 3, len -= 3;
    reader rd = {0};
    rd.file = file;
    rd.fw = fw;
    rd.diag = diag;
    rd.strict = strict;
    rd.row = 1;
    for (int k = 0; k < 4; k++) rd.col[k] = -1;
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    if (csv_parse(&p, buf, len, on_field, on_row, &rd) != len) {
        cs__diag_add(diag, CS__ERROR, file, rd.row, 0, "CSV 格式错误 / malformed CSV: %s", csv_strerror(csv_error(&p)));
        rd.errors++;
    }
    if (csv_fini(&p, on_field, on_row, &rd) != 0) {
        cs__diag_add(diag, CS__ERROR, file, rd.row, 0, "CSV 格式错误：引号未闭合 / malformed CSV: unterminated quoted field");
        rd.errors++;
    }
    csv_free(&p);
    if (rd.row == 1) cs__diag_add(diag, CS__ERROR, file, 0, 0, "文件为空 / the file is empty"), rd.errors++;
    if (!rd.errors && fw) check_at_most(&rd);
    if (!rd.errors)
        for (size_t i = 0; i < rd.rows.n; i++)
            cs_dataset_set(ds, rd.rows.items[i].region, rd.rows.items[i].period, rd.rows.items[i].element, rd.rows.items[i].value);
    if (rd.errors > 1000) cs__diag_add(diag, CS__ERROR, file, 0, 0, "共 %d 个错误，只列出前 1000 个 / %d errors, the first 1000 shown", rd.errors, rd.errors);
    for (size_t i = 0; i < rd.rows.n; i++) {
        free(rd.rows.items[i].region);
        free(rd.rows.items[i].period);
        free(rd.rows.items[i].element);
    }
    for (int k = 0; k < 4; k++) free(rd.cur[k]);
    cs__vec_free(&rd.rows);
    cs__vec_free(&rd.key_rows);
    cs__strmap_free(&rd.keys);
    free(converted);
    if (ignored) *ignored = rd.ignored;
    return rd.errors ? CS_EDATA : CS_OK;
}

cs_status cs__read_data_csv(const char *path, const cs_framework *fw, int strict, cs_dataset *ds, cs_diag *diag, size_t *ignored)
{
    cs__buf b = {0};
    cs_status rc = cs__read_file(path, &b, 512u << 20, diag);
    if (rc == CS_OK) rc = cs__read_data_csv_buffer(path, cs__buf_str(&b), b.len, fw, strict, ds, diag, ignored);
    cs__buf_free(&b);
    return rc;
}

