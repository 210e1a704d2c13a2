/*
 * xlsx_read.c — reads every worksheet of an XLSX workbook (Office Open XML, as Excel, WPS and
 * LibreOffice write it) into tables of text cells. The zip is opened with libzip and each XML part
 * is streamed through expat, never held whole: the package relationships lead to the workbook,
 * the workbook lists its sheets in order, the workbook's relationships name each sheet's part, and
 * the shared strings are read once before the sheets. Elements and attributes are matched on their
 * local names, whatever prefix a producer chose. Limits on bytes, rows, columns, cells and text
 * keep a small hostile file (a zip bomb) from taking the machine's memory.
 */
#include <expat.h>
#include <string.h>
#include <zip.h>

#include "table.h"

#define FILE_LIMIT ((size_t)256 << 20)           /* bytes of the .xlsx file itself */
#define PART_LIMIT ((zip_uint64_t)256 << 20)     /* uncompressed bytes of one part */
#define BOOK_LIMIT ((zip_uint64_t)1024 << 20)    /* uncompressed bytes read for one workbook */
#define MAX_ROWS 1048576
#define MAX_COLS 16384
#define STRING_LIMIT ((size_t)1 << 20)           /* bytes of one cell's or shared string's text */
#define CELL_LIMIT ((size_t)1 << 24)             /* cells of one workbook, gaps filled with "" included */
#define TEXT_LIMIT ((size_t)256 << 20)           /* bytes of cell text of one workbook */
#define MAX_MESSAGES 100
#define CHUNK 65536

/* Every empty cell a reader creates points here, so that filling a gap costs no allocation;
 * cs__table_clear frees every other cell. */
static char empty_cell[1];

typedef struct {
    char *id, *target, *type; /* target resolved to a part name in the zip, or NULL when external */
} rel;

typedef CS__VEC(rel) rel_list;

typedef struct {
    char *name, *rid;
} sheet_ref;

typedef CS__VEC(sheet_ref) sheet_list;

/* One workbook being read: the zip, the shared strings and what has been used of the limits. */
typedef struct {
    const char *file;
    cs_diag *diag;
    zip_t *za;
    int errors;
    cs__buf sst;                  /* the shared strings, each NUL-terminated, back to back */
    CS__VEC(size_t) sst_at;       /* offset of each shared string in sst */
    zip_uint64_t bytes;           /* uncompressed bytes read so far */
    size_t cells, text;           /* cells and text bytes handed out so far */
    int exhausted;                /* a workbook-wide limit was passed: stop reading */
} reader;

/* One XML part being streamed. Each kind of part has a state struct that starts with this. */
typedef struct {
    reader *rd;
    XML_Parser xp;
    const char *path;             /* part name in the zip */
    char *where_zh, *where_en;    /* the part (and sheet) as named in messages */
    int depth;                    /* of the element being read; the root is 1 */
    int failed;                   /* an error was reported and parsing stopped */
    int collecting;               /* character data goes to text */
    int overlong;                 /* text passed STRING_LIMIT and was cut */
    cs__buf text;
} part;

static void rerr(reader *rd, int row, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void rerr(reader *rd, int row, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (rd->errors < MAX_MESSAGES) cs__diag_vadd(rd->diag, CS__ERROR, rd->file, row, col, fmt, ap);
    va_end(ap);
    rd->errors++;
}

/* Reports an error found inside a part and stops its parser; later callbacks are ignored. */
static void perr(part *p, int row, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void perr(part *p, int row, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (p->rd->errors < MAX_MESSAGES) cs__diag_vadd(p->rd->diag, CS__ERROR, p->rd->file, row, col, fmt, ap);
    va_end(ap);
    p->rd->errors++;
    if (!p->failed) XML_StopParser(p->xp, XML_FALSE);
    p->failed = 1;
}

/* ---- Names, references and paths ------------------------------------------------------- */

/* s for a message: as it is when shorter than n bytes, otherwise cut at a character boundary
 * with "…" in buf (n bytes), so that a hostile name cannot make the messages huge. */
static const char *shorten(char *buf, size_t n, const char *s)
{
    size_t cut = n - 4; /* room for "…" and the NUL */
    if (strlen(s) < n) return s;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    memcpy(buf, s, cut);
    memcpy(buf + cut, "…", 4);
    return buf;
}

static const char *local_name(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

/* The value of the attribute whose local name is name, or NULL; namespace declarations are skipped. */
static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2) {
        if (!strncmp(atts[i], "xmlns", 5) && (atts[i][5] == '\0' || atts[i][5] == ':')) continue;
        if (!strcmp(local_name(atts[i]), name)) return atts[i + 1];
    }
    return NULL;
}

/* A decimal number in 0..max with nothing around it, or -1. */
static long parse_number(const char *s, long max)
{
    long v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        v = v * 10 + (*s - '0');
        if (v > max) return -1;
    }
    return v;
}

/* A row number (1..MAX_ROWS), or -1. */
static int parse_row(const char *s)
{
    long v = parse_number(s, MAX_ROWS);
    return v >= 1 ? (int)v : -1;
}

/* Splits a cell reference such as "C7" into *col (1-based) and *row (0 when the reference has no
 * row part); returns 0 when it is not a reference within Excel's grid. */
static int parse_ref(const char *s, int *col, int *row)
{
    int c = 0, n = 0;
    for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++, n++) {
        c = c * 26 + ((*s | 0x20) - 'a' + 1);
        if (c > MAX_COLS) return 0;
    }
    if (n == 0) return 0;
    *col = c;
    *row = 0;
    if (*s) {
        *row = parse_row(s);
        if (*row < 0) return 0;
    }
    return 1;
}

/* The part name that target (a relationship's Target, relative to the folder dir or absolute from
 * the package root) refers to, with "." and ".." resolved; caller frees. */
static char *resolve_target(const char *dir, const char *target)
{
    cs__buf in = {0}, out = {0};
    if (target[0] != '/' && target[0] != '\\') cs__buf_append(&in, dir);
    cs__buf_append(&in, "/");
    cs__buf_append(&in, target);
    for (char *c = in.s; *c; c++)
        if (*c == '\\') *c = '/';
    for (const char *s = in.s; *s;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 1 && s[0] == '.')) {
            /* empty or "." segment: nothing */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            char *slash = out.len ? strrchr(out.s, '/') : NULL;
            out.len = slash ? (size_t)(slash - out.s) : 0;
            if (out.s) out.s[out.len] = '\0';
        } else {
            if (out.len) cs__buf_append(&out, "/");
            cs__buf_appendn(&out, s, n);
        }
        s += n + (e ? 1 : 0);
    }
    cs__buf_free(&in);
    if (!out.s) cs__buf_append(&out, "");
    return out.s;
}

/* The folder of a part name ("xl" for "xl/workbook.xml", "" for a part at the root); caller frees. */
static char *part_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    cs__buf b = {0};
    cs__buf_appendn(&b, path, slash ? (size_t)(slash - path) : 0);
    if (!b.s) cs__buf_append(&b, "");
    return b.s;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Turns Excel's escapes of characters XML cannot carry ("_x000D_", "_x005F_" for '_') into the
 * characters, in place. */
static void unescape_xstring(cs__buf *b)
{
    if (!b->s || !strstr(b->s, "_x")) return;
    size_t w = 0;
    for (size_t r = 0; r < b->len;) {
        unsigned cp = 0;
        int ok = r + 7 <= b->len && b->s[r] == '_' && b->s[r + 1] == 'x' && b->s[r + 6] == '_';
        for (int i = 2; ok && i < 6; i++) {
            int d = hex_digit(b->s[r + i]);
            if (d < 0) ok = 0;
            else cp = cp * 16 + (unsigned)d;
        }
        if (ok && cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
            if (cp < 0x80) {
                b->s[w++] = (char)cp;
            } else if (cp < 0x800) {
                b->s[w++] = (char)(0xC0 | (cp >> 6));
                b->s[w++] = (char)(0x80 | (cp & 0x3F));
            } else {
                b->s[w++] = (char)(0xE0 | (cp >> 12));
                b->s[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                b->s[w++] = (char)(0x80 | (cp & 0x3F));
            }
            r += 7;
        } else {
            b->s[w++] = b->s[r++];
        }
    }
    b->len = w;
    b->s[w] = '\0';
}

/* ---- Streaming one part through expat --------------------------------------------------- */

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    part *p = ud;
    if (p->failed || !p->collecting) return;
    if (p->text.len + (size_t)len > STRING_LIMIT) {
        p->overlong = 1;
        return;
    }
    cs__buf_appendn(&p->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
    part *p = ud;
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    perr(p, 0, 0, "%s：含有 DTD 声明，XLSX 中不允许 / %s contains a DTD declaration, which XLSX does not allow",
         p->where_zh, p->where_en);
}

static const XML_Memory_Handling_Suite xml_memory = {cs__xmalloc, cs__xrealloc, free};

/* Prepares p to stream the part at path with the given handlers; state (which starts with p) is
 * what the handlers receive. sheet names the worksheet in messages (NULL for other parts). */
static void part_open(part *p, void *state, reader *rd, const char *path, const char *sheet,
                      XML_StartElementHandler start, XML_EndElementHandler end)
{
    cs__buf zh = {0}, en = {0};
    char short_path[256], short_sheet[128];
    p->rd = rd;
    p->path = path;
    path = shorten(short_path, sizeof short_path, path);
    if (sheet) {
        sheet = shorten(short_sheet, sizeof short_sheet, sheet);
        cs__buf_printf(&zh, "工作表“%s”（%s）", sheet, path);
        cs__buf_printf(&en, "sheet '%s' (%s)", sheet, path);
    } else {
        cs__buf_append(&zh, path);
        cs__buf_append(&en, path);
    }
    p->where_zh = zh.s;
    p->where_en = en.s;
    p->xp = XML_ParserCreate_MM(NULL, &xml_memory, NULL);
    XML_SetUserData(p->xp, state);
    XML_SetElementHandler(p->xp, start, end);
    XML_SetCharacterDataHandler(p->xp, on_text);
    XML_SetStartDoctypeDeclHandler(p->xp, on_doctype);
}

static void part_close(part *p)
{
    if (p->xp) XML_ParserFree(p->xp);
    free(p->where_zh);
    free(p->where_en);
    cs__buf_free(&p->text);
}

/* Streams the part through its parser. Returns 1 when it was read whole and well-formed, 0 after
 * reporting an error, -1 (no message) when the zip has no such part. */
static int part_parse(part *p)
{
    reader *rd = p->rd;
    zip_file_t *zf = NULL;
    zip_uint64_t size = 0;
    int rc = 0;
    zip_int64_t idx = zip_name_locate(rd->za, p->path, ZIP_FL_NOCASE);
    if (idx < 0) return -1;
    zf = zip_fopen_index(rd->za, (zip_uint64_t)idx, 0);
    if (!zf) {
        const char *why = zip_strerror(rd->za); /* libzip's string, valid until its next call */
        rerr(rd, 0, 0, "%s：无法读取（%s）/ cannot read %s (%s)", p->where_zh, why, p->where_en, why);
        goto out;
    }
    for (;;) {
        void *chunk = XML_GetBuffer(p->xp, CHUNK);
        if (!chunk) {
            rerr(rd, 0, 0, "%s：无法解析 / cannot parse %s", p->where_zh, p->where_en);
            goto out;
        }
        zip_int64_t n = zip_fread(zf, chunk, CHUNK);
        if (n < 0) {
            const char *why = zip_file_strerror(zf);
            rerr(rd, 0, 0, "%s：无法解压，zip 数据损坏（%s）/ cannot decompress %s (damaged zip data: %s)", p->where_zh,
                 why, p->where_en, why);
            goto out;
        }
        size += (zip_uint64_t)n;
        rd->bytes += (zip_uint64_t)n;
        if (size > PART_LIMIT) {
            rerr(rd, 0, 0, "%s：解压后超过 %d MiB / %s is larger than %d MiB uncompressed", p->where_zh,
                 (int)(PART_LIMIT >> 20), p->where_en, (int)(PART_LIMIT >> 20));
            goto out;
        }
        if (rd->bytes > BOOK_LIMIT) {
            rerr(rd, 0, 0, "工作簿解压后超过 %d MiB / the workbook is larger than %d MiB uncompressed",
                 (int)(BOOK_LIMIT >> 20), (int)(BOOK_LIMIT >> 20));
            rd->exhausted = 1;
            goto out;
        }
        if (XML_ParseBuffer(p->xp, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (!p->failed) {
                enum XML_Error e = XML_GetErrorCode(p->xp);
                unsigned long line = (unsigned long)XML_GetCurrentLineNumber(p->xp);
                unsigned long col = (unsigned long)XML_GetCurrentColumnNumber(p->xp) + 1;
                rerr(rd, 0, 0, "%s：XML 格式错误（第 %lu 行第 %lu 列：%s）/ malformed XML in %s (line %lu, column %lu: %s)",
                     p->where_zh, line, col, XML_ErrorString(e), p->where_en, line, col, XML_ErrorString(e));
            }
            goto out;
        }
        if (p->failed) goto out;
        if (n == 0) break;
    }
    rc = 1;
out:
    if (zf) zip_fclose(zf);
    return rc;
}

/* ---- Relationships (_rels/.rels, xl/_rels/workbook.xml.rels) ---------------------------- */

typedef struct {
    part base;
    rel_list *rels;
    char *dir;                    /* folder the targets are relative to */
} rels_state;

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    rels_state *s = ud;
    s->base.depth++;
    if (s->base.failed || strcmp(local_name(name), "Relationship")) return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    const char *mode = attr(atts, "TargetMode");
    if (!id || !target) return;
    rel r = {cs__xstrdup(id), NULL, cs__xstrdup(type ? type : "")};
    if (!mode || strcmp(mode, "External")) r.target = resolve_target(s->dir, target);
    cs__vec_push(s->rels, r);
}

static void XMLCALL rels_end(void *ud, const XML_Char *name)
{
    rels_state *s = ud;
    (void)name;
    s->base.depth--;
}

/* Reads the relationships part path into *out; targets are resolved against the folder of source
 * (the part they belong to). Returns what part_parse returns. */
static int read_rels(reader *rd, const char *path, const char *source, rel_list *out)
{
    rels_state s = {.rels = out, .dir = part_dir(source)};
    part_open(&s.base, &s, rd, path, NULL, rels_start, rels_end);
    int rc = part_parse(&s.base);
    part_close(&s.base);
    free(s.dir);
    return rc;
}

static void rels_free(rel_list *rels)
{
    for (size_t i = 0; i < rels->n; i++) {
        free(rels->items[i].id);
        free(rels->items[i].target);
        free(rels->items[i].type);
    }
    cs__vec_free(rels);
}

/* The first internal relationship whose type's last segment is kind (e.g. "officeDocument"). */
static const rel *rel_by_type(const rel_list *rels, const char *kind)
{
    for (size_t i = 0; i < rels->n; i++) {
        const char *slash = strrchr(rels->items[i].type, '/');
        if (rels->items[i].target && slash && !strcmp(slash + 1, kind)) return &rels->items[i];
    }
    return NULL;
}

static const rel *rel_by_id(const rel_list *rels, const char *id)
{
    for (size_t i = 0; i < rels->n; i++)
        if (!strcmp(rels->items[i].id, id)) return &rels->items[i];
    return NULL;
}

/* ---- The workbook: sheet names and relationship ids, in order --------------------------- */

typedef struct {
    part base;
    sheet_list *sheets;
    int sheets_depth;             /* depth of <sheets>, 0 outside */
} workbook_state;

static void XMLCALL workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    workbook_state *s = ud;
    int depth = ++s->base.depth;
    if (s->base.failed) return;
    const char *l = local_name(name);
    if (depth == 2 && !strcmp(l, "sheets")) {
        s->sheets_depth = depth;
    } else if (s->sheets_depth && depth == s->sheets_depth + 1 && !strcmp(l, "sheet")) {
        const char *sname = attr(atts, "name"), *rid = attr(atts, "id");
        if (!sname || !rid) {
            perr(&s->base, 0, 0, "%s 中第 %zu 个工作表缺少 name 或 r:id / sheet %zu in %s has no name or r:id",
                 s->base.path, s->sheets->n + 1, s->sheets->n + 1, s->base.path);
            return;
        }
        sheet_ref r = {cs__xstrdup(sname), cs__xstrdup(rid)};
        cs__vec_push(s->sheets, r);
    }
}

static void XMLCALL workbook_end(void *ud, const XML_Char *name)
{
    workbook_state *s = ud;
    (void)name;
    if (s->base.depth == s->sheets_depth) s->sheets_depth = 0;
    s->base.depth--;
}

/* ---- Shared strings: <si> with <t>, or rich text runs <r><t>; phonetic <rPh> left out ---- */

typedef struct {
    part base;
    int si_depth, rph_depth, t_depth;
} sst_state;

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sst_state *s = ud;
    int depth = ++s->base.depth;
    (void)atts;
    if (s->base.failed) return;
    const char *l = local_name(name);
    if (depth == 2 && !strcmp(l, "si")) {
        s->si_depth = depth;
        cs__buf_reset(&s->base.text);
        s->base.overlong = 0;
    } else if (s->si_depth && !s->rph_depth && !strcmp(l, "rPh")) {
        s->rph_depth = depth;
    } else if (s->si_depth && !s->rph_depth && !s->t_depth && !strcmp(l, "t")) {
        s->t_depth = depth;
        s->base.collecting = 1;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    sst_state *s = ud;
    part *p = &s->base;
    int depth = p->depth--;
    (void)name;
    if (p->failed) return;
    if (depth == s->t_depth) {
        s->t_depth = 0;
        p->collecting = 0;
    } else if (depth == s->rph_depth) {
        s->rph_depth = 0;
    } else if (depth == s->si_depth) {
        s->si_depth = 0;
        reader *rd = p->rd;
        if (p->overlong) {
            perr(p, 0, 0, "%s：第 %zu 个共享字符串超过 %zu MiB / %s: shared string %zu is longer than %zu MiB", p->path,
                 rd->sst_at.n + 1, STRING_LIMIT >> 20, p->path, rd->sst_at.n + 1, STRING_LIMIT >> 20);
            return;
        }
        unescape_xstring(&p->text);
        cs__vec_push(&rd->sst_at, rd->sst.len);
        cs__buf_appendn(&rd->sst, cs__buf_str(&p->text), p->text.len + 1);
    }
}

/* ---- Worksheets: <sheetData><row r><c r t><v>|<is><t> ------------------------------------ */

typedef struct {
    part base;
    const char *name;             /* the sheet's name as messages show it */
    char name_buf[128];
    cs__table *table;
    int data_depth, row_depth, cell_depth, v_depth, is_depth, rph_depth, t_depth;
    int row, last_row;            /* row being read; the one before (0 at the start) */
    int row_has_r, row_placed;    /* the row has its own number; a cell was seen in it */
    int col, next_col;            /* column of the cell being read; of the next cell without r */
    char type[12];                /* the cell's t attribute, cut short */
    char ref[16];                 /* the cell's reference for messages */
    CS__VEC(char *) cells;        /* the row being read */
} sheet_state;

/* Counts cells and text bytes against the workbook's limits; returns 0 (reported) when one is passed. */
static int charge(sheet_state *s, size_t cells, size_t bytes)
{
    reader *rd = s->base.rd;
    rd->cells += cells;
    rd->text += bytes;
    if (rd->cells > CELL_LIMIT) {
        perr(&s->base, 0, 0, "工作簿超过 %zu 个单元格（含行内空白）/ the workbook has more than %zu cells (counting gaps in rows)",
             CELL_LIMIT, CELL_LIMIT);
        rd->exhausted = 1;
        return 0;
    }
    if (rd->text > TEXT_LIMIT) {
        perr(&s->base, 0, 0, "工作簿中的文本超过 %zu MiB / the workbook holds more than %zu MiB of text",
             TEXT_LIMIT >> 20, TEXT_LIMIT >> 20);
        rd->exhausted = 1;
        return 0;
    }
    return 1;
}

static void cell_begin(sheet_state *s, const char **atts)
{
    const char *r = attr(atts, "r"), *t = attr(atts, "t");
    int ref_row = 0;
    if (r) {
        if (!parse_ref(r, &s->col, &ref_row)) {
            char buf[32];
            r = shorten(buf, sizeof buf, r);
            perr(&s->base, s->row, 0, "工作表“%s”第 %d 行的单元格引用“%s”无效 / sheet '%s' row %d: invalid cell reference '%s'",
                 s->name, s->row, r, s->name, s->row, r);
            return;
        }
        if (!s->row_has_r && !s->row_placed && ref_row > 0) s->row = ref_row;
        snprintf(s->ref, sizeof s->ref, "%s", r);
    } else {
        s->col = s->next_col;
        if (s->col > MAX_COLS) {
            perr(&s->base, s->row, 0, "工作表“%s”第 %d 行超过 %d 列 / sheet '%s' row %d has more than %d columns", s->name,
                 s->row, MAX_COLS, s->name, s->row, MAX_COLS);
            return;
        }
        int n = 0;
        char letters[4];
        for (int c = s->col; c > 0; c = (c - 1) / 26) letters[n++] = (char)('A' + (c - 1) % 26);
        for (int i = 0; i < n; i++) s->ref[i] = letters[n - 1 - i];
        snprintf(s->ref + n, sizeof s->ref - (size_t)n, "%d", s->row);
    }
    s->row_placed = 1;
    snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
    cs__buf_reset(&s->base.text);
    s->base.overlong = 0;
}

/* Places the finished cell's text in the row, filling any gap before it with empty cells. */
static void cell_end(sheet_state *s)
{
    part *p = &s->base;
    reader *rd = p->rd;
    const char *text = cs__buf_str(&p->text);
    size_t len = p->text.len;
    s->next_col = s->col + 1;
    if (p->overlong) {
        perr(p, s->row, s->col, "工作表“%s”单元格 %s 的文本超过 %zu MiB / sheet '%s' cell %s: text longer than %zu MiB",
             s->name, s->ref, STRING_LIMIT >> 20, s->name, s->ref, STRING_LIMIT >> 20);
        return;
    }
    if (!strcmp(s->type, "s")) {
        if (len == 0) return;
        long k = parse_number(text, 0x7fffffffL);
        if (k < 0 || (size_t)k >= rd->sst_at.n) {
            char buf[32];
            text = shorten(buf, sizeof buf, text);
            perr(p, s->row, s->col,
                 "工作表“%s”单元格 %s：共享字符串编号“%s”无效（共 %zu 个）/ sheet '%s' cell %s: shared string index '%s' is out of range (%zu strings)",
                 s->name, s->ref, text, rd->sst_at.n, s->name, s->ref, text, rd->sst_at.n);
            return;
        }
        text = rd->sst.s + rd->sst_at.items[k];
        len = strlen(text);
    } else if (!strcmp(s->type, "b")) {
        if (!strcmp(text, "1")) text = "TRUE", len = 4;
        else if (!strcmp(text, "0")) text = "FALSE", len = 5;
    } else if (!strcmp(s->type, "inlineStr") || !strcmp(s->type, "str")) {
        unescape_xstring(&p->text);
        len = p->text.len;
    }
    if (len == 0) return;

    size_t at = (size_t)s->col - 1;
    if (at < s->cells.n) {
        if (!charge(s, 0, len)) return;
        if (s->cells.items[at] != empty_cell) free(s->cells.items[at]);
    } else {
        if (!charge(s, at + 1 - s->cells.n, len)) return;
        while (s->cells.n < at) cs__vec_push(&s->cells, empty_cell);
        cs__vec_push(&s->cells, NULL);
    }
    char *copy = cs__xmalloc(len + 1);
    memcpy(copy, text, len + 1);
    s->cells.items[at] = copy;
}

static void row_begin(sheet_state *s, const char **atts)
{
    const char *r = attr(atts, "r");
    s->row_has_r = r != NULL;
    s->row_placed = 0;
    s->next_col = 1;
    if (r) {
        s->row = parse_row(r);
        if (s->row < 0) {
            char buf[32];
            r = shorten(buf, sizeof buf, r);
            perr(&s->base, 0, 0, "工作表“%s”的行号“%s”无效（应为 1–%d）/ sheet '%s': invalid row number '%s' (must be 1–%d)",
                 s->name, r, MAX_ROWS, s->name, r, MAX_ROWS);
            return;
        }
    } else {
        s->row = s->last_row + 1;
        if (s->row > MAX_ROWS) {
            perr(&s->base, 0, 0, "工作表“%s”超过 %d 行 / sheet '%s' has more than %d rows", s->name, MAX_ROWS, s->name,
                 MAX_ROWS);
            return;
        }
    }
}

static void row_end(sheet_state *s)
{
    if (s->cells.n) {
        cs__table_row r = {s->cells.items, (int)s->cells.n, s->row};
        cs__vec_push(&s->table->rows, r);
        s->cells.items = NULL;
        s->cells.n = s->cells.cap = 0;
    }
    s->last_row = s->row;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sheet_state *s = ud;
    int depth = ++s->base.depth;
    if (s->base.failed) return;
    const char *l = local_name(name);
    if (depth == 2 && !strcmp(l, "sheetData")) {
        s->data_depth = depth;
    } else if (s->data_depth && depth == s->data_depth + 1 && !strcmp(l, "row")) {
        s->row_depth = depth;
        row_begin(s, atts);
    } else if (s->row_depth && depth == s->row_depth + 1 && !strcmp(l, "c")) {
        s->cell_depth = depth;
        cell_begin(s, atts);
    } else if (s->cell_depth && depth == s->cell_depth + 1 && !strcmp(l, "v")) {
        s->v_depth = depth;
        s->base.collecting = 1;
    } else if (s->cell_depth && depth == s->cell_depth + 1 && !strcmp(l, "is")) {
        s->is_depth = depth;
    } else if (s->is_depth && !s->rph_depth && !strcmp(l, "rPh")) {
        s->rph_depth = depth;
    } else if (s->is_depth && !s->rph_depth && !s->t_depth && !strcmp(l, "t")) {
        s->t_depth = depth;
        s->base.collecting = 1;
    }
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    sheet_state *s = ud;
    int depth = s->base.depth--;
    (void)name;
    if (s->base.failed) return;
    if (depth == s->v_depth || depth == s->t_depth) {
        s->v_depth = s->t_depth = 0;
        s->base.collecting = 0;
    } else if (depth == s->rph_depth) {
        s->rph_depth = 0;
    } else if (depth == s->is_depth) {
        s->is_depth = 0;
    } else if (depth == s->cell_depth) {
        s->cell_depth = 0;
        cell_end(s);
    } else if (depth == s->row_depth) {
        s->row_depth = 0;
        row_end(s);
    } else if (depth == s->data_depth) {
        s->data_depth = 0;
    }
}

/* Reads the worksheet part path into table; returns 1 on success, 0 after reporting an error. */
static int read_sheet(reader *rd, const char *name, const char *path, cs__table *table)
{
    sheet_state s = {.table = table};
    char path_buf[256];
    s.name = shorten(s.name_buf, sizeof s.name_buf, name);
    part_open(&s.base, &s, rd, path, name, sheet_start, sheet_end);
    int rc = part_parse(&s.base);
    if (rc < 0) {
        path = shorten(path_buf, sizeof path_buf, path);
        rerr(rd, 0, 0, "工作表“%s”的部件 %s 不存在 / sheet '%s': part %s is missing from the workbook", s.name, path, s.name,
             path);
    }
    for (size_t i = 0; i < s.cells.n; i++)
        if (s.cells.items[i] != empty_cell) free(s.cells.items[i]);
    cs__vec_free(&s.cells);
    part_close(&s.base);
    return rc > 0;
}

/* ---- The workbook as a whole ------------------------------------------------------------ */

void cs__table_clear(cs__table *t)
{
    if (!t) return;
    for (size_t r = 0; r < t->rows.n && !t->in_arena; r++) {
        cs__table_row *row = &t->rows.items[r];
        for (int c = 0; c < row->ncells; c++)
            if (row->cells[c] != empty_cell) free(row->cells[c]);
        free(row->cells);
    }
    cs__vec_free(&t->rows);
    cs__arena_release(&t->arena);
    t->in_arena = 0;
    free(t->name);
    t->name = NULL;
}

void cs__tables_free(cs__table *tables, int n)
{
    for (int i = 0; tables && i < n; i++) cs__table_clear(&tables[i]);
    free(tables);
}

cs_status cs__xlsx_read_buffer(const char *name, const void *buf, size_t len, cs__table **tables, int *ntables,
                               cs_diag *diag)
{
    reader rd = {.file = name, .diag = diag};
    rel_list pkg_rels = {0}, wb_rels = {0};
    sheet_list sheets = {0};
    CS__VEC(cs__table) out = {0};
    char *wb_path = NULL, *wb_rels_path = NULL, *wb_dir = NULL, *sst_path = NULL;
    zip_source_t *src = NULL;
    zip_error_t zerr;
    workbook_state ws = {.sheets = &sheets};
    sst_state ss = {0};
    const rel *office, *sst_rel;
    int rc;

    zip_error_init(&zerr);
    *tables = NULL;
    *ntables = 0;
    if (len >= 8 && !memcmp(buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
        rerr(&rd, 0, 0, "不是有效的 XLSX 文件（这是旧版 .xls 文件或加密的工作簿，请在 Excel 或 WPS 中另存为 .xlsx）/ "
                        "not an XLSX workbook (an old .xls file or an encrypted workbook: save it as .xlsx)");
        goto out;
    }
    src = zip_source_buffer_create(len ? buf : NULL, len, 0, &zerr);
    if (src) rd.za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    if (!rd.za) {
        if (src) zip_source_free(src);
        rerr(&rd, 0, 0, "不是有效的 XLSX 文件（无法打开 zip）/ not an XLSX workbook (not a zip file)");
        goto out;
    }

    /* The package relationships name the workbook part; xl/workbook.xml when they are absent. */
    rc = read_rels(&rd, "_rels/.rels", "", &pkg_rels);
    if (rc == 0) goto out;
    office = rel_by_type(&pkg_rels, "officeDocument");
    wb_path = cs__xstrdup(office && zip_name_locate(rd.za, office->target, ZIP_FL_NOCASE) >= 0 ? office->target
                                                                                               : "xl/workbook.xml");
    wb_dir = part_dir(wb_path);
    {
        cs__buf b = {0};
        const char *base = strrchr(wb_path, '/');
        cs__buf_printf(&b, "%s%s_rels/%s.rels", wb_dir, *wb_dir ? "/" : "", base ? base + 1 : wb_path);
        wb_rels_path = b.s;
    }

    part_open(&ws.base, &ws, &rd, wb_path, NULL, workbook_start, workbook_end);
    rc = part_parse(&ws.base);
    part_close(&ws.base);
    if (rc < 0)
        rerr(&rd, 0, 0, "不是有效的 XLSX 文件（缺少 %s）/ not an XLSX workbook (%s is missing)", wb_path, wb_path);
    if (rc <= 0) goto out;
    if (sheets.n == 0) {
        rerr(&rd, 0, 0, "%s 中没有工作表 / %s lists no sheets", wb_path, wb_path);
        goto out;
    }

    rc = read_rels(&rd, wb_rels_path, wb_path, &wb_rels);
    if (rc < 0)
        rerr(&rd, 0, 0, "不是有效的 XLSX 文件（缺少 %s）/ not an XLSX workbook (%s is missing)", wb_rels_path,
             wb_rels_path);
    if (rc <= 0) goto out;

    sst_rel = rel_by_type(&wb_rels, "sharedStrings");
    if (sst_rel) {
        sst_path = cs__xstrdup(sst_rel->target);
    } else {
        cs__buf b = {0};
        cs__buf_printf(&b, "%s%ssharedStrings.xml", wb_dir, *wb_dir ? "/" : "");
        sst_path = b.s;
    }
    part_open(&ss.base, &ss, &rd, sst_path, NULL, sst_start, sst_end);
    rc = part_parse(&ss.base);
    part_close(&ss.base);
    if (rc == 0) goto out;

    for (size_t i = 0; i < sheets.n && !rd.exhausted; i++) {
        const sheet_ref *sr = &sheets.items[i];
        const rel *r = rel_by_id(&wb_rels, sr->rid);
        if (!r || !r->target) {
            char name_buf[128], rid_buf[64];
            const char *sname = shorten(name_buf, sizeof name_buf, sr->name), *rid = shorten(rid_buf, sizeof rid_buf, sr->rid);
            rerr(&rd, 0, 0, "工作表“%s”的关系 %s 在 %s 中找不到 / sheet '%s': relationship %s is not in %s", sname, rid,
                 wb_rels_path, sname, rid, wb_rels_path);
            continue;
        }
        const char *kind = strrchr(r->type, '/');
        if (kind && !strcmp(kind, "/chartsheet")) continue; /* a chart, no cells */
        cs__table t = {.name = cs__xstrdup(sr->name)};
        read_sheet(&rd, sr->name, r->target, &t);
        cs__vec_push(&out, t);
    }

out:
    if (rd.errors) {
        cs__tables_free(out.items, (int)out.n);
    } else {
        *tables = out.items;
        *ntables = (int)out.n;
    }
    if (rd.za) zip_discard(rd.za);
    zip_error_fini(&zerr);
    for (size_t i = 0; i < sheets.n; i++) {
        free(sheets.items[i].name);
        free(sheets.items[i].rid);
    }
    cs__vec_free(&sheets);
    rels_free(&pkg_rels);
    rels_free(&wb_rels);
    cs__buf_free(&rd.sst);
    cs__vec_free(&rd.sst_at);
    free(wb_path);
    free(wb_dir);
    free(wb_rels_path);
    free(sst_path);
    return rd.errors ? CS_EDATA : CS_OK;
}

cs_status cs__xlsx_read(const char *path, cs__table **tables, int *ntables, cs_diag *diag)
{
    cs__buf b = {0};
    cs_status rc = cs__read_file(path, &b, FILE_LIMIT, diag);
    if (rc == CS_OK) {
        rc = cs__xlsx_read_buffer(path, b.s, b.len, tables, ntables, diag);
    } else {
        *tables = NULL;
        *ntables = 0;
    }
    cs__buf_free(&b);
    return rc;
}
