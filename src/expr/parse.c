/*
 * parse.c — lexer and recursive-descent parser of the expression language. Produces a syntax tree
 * whose every node knows its file:line:column; the first syntax error of an expression is reported
 * with its location and the expression is rejected.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

typedef enum {
    T_END,
    T_NUM,
    T_IDENT,
    T_STR,
    T_LP,
    T_RP,
    T_COMMA,
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_EQ,
    T_NE,
    T_AND,
    T_OR,
    T_NOT,
    T_TRUE,
    T_FALSE,
    T_ERROR
} tok_kind;

typedef struct {
    tok_kind kind;
    const char *start;
    size_t len;
    double num;
    int percent;
    int line, col;
} token;

typedef struct {
    cs__arena *arena;
    const char *text, *p;
    cs__srcpos pos;
    int line, col;     /* position of p */
    cs_diag *diag;
    token tok;
    int failed;
    int nodes;         /* nodes made so far */
    int depth;         /* nesting of parentheses and calls */
} parser;

/* Limits that keep every recursive walk of a tree shallow: seed expressions have tens of nodes. */
#define MAX_NODES 2000
#define MAX_DEPTH 64

/* Advances p by one UTF-8 character, keeping line and column. */
static void advance_char(parser *ps)
{
    unsigned char c = (unsigned char)*ps->p;
    if (c == '\n') {
        ps->line++;
        ps->col = 1;
        ps->p++;
        return;
    }
    size_t w = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    for (size_t i = 0; i < w && *ps->p; i++) ps->p++;
    ps->col++;
}

static void error_at(parser *ps, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void error_at(parser *ps, int line, int col, const char *fmt, ...)
{
    if (ps->failed) return;
    ps->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    cs__diag_vadd(ps->diag, CS__ERROR, ps->pos.file, line, col, fmt, ap);
    va_end(ap);
}

static int starts_with(const char *p, const char *s)
{
    return strncmp(p, s, strlen(s)) == 0;
}

/* Reads the next token into ps->tok. */
static void next(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') advance_char(ps);
    /* full-width space U+3000 */
    while (starts_with(ps->p, "\xE3\x80\x80")) advance_char(ps);
    token *t = &ps->tok;
    memset(t, 0, sizeof *t);
    t->start = ps->p;
    t->line = ps->line;
    t->col = ps->col;
    const char *p = ps->p;
    if (!*p) {
        t->kind = T_END;
        return;
    }
    if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        char *end;
        t->num = strtod(p, &end);
        while (ps->p < end) advance_char(ps);
        if (*ps->p == '%' || starts_with(ps->p, "\xEF\xBC\x85")) { /* % or full-width ％ */
            /* read "1.8%" as the decimal 1.8e-2, correctly rounded: 1.8 / 100 would give
             * 0.018000000000000002 and miss a rate of exactly 1.8 % */
            char digits[64];
            size_t n = (size_t)(end - p);
            if (n < sizeof digits - 8 && !memchr(p, 'e', n) && !memchr(p, 'E', n)) {
                memcpy(digits, p, n);
                strcpy(digits + n, "e-2");
                t->num = strtod(digits, NULL);
            } else {
                t->num /= 100.0;
            }
            t->percent = 1;
            advance_char(ps);
        }
        t->kind = T_NUM;
        t->len = (size_t)(ps->p - t->start);
        if (isalpha((unsigned char)*ps->p) || *ps->p == '_') {
            t->kind = T_ERROR;
            error_at(ps, t->line, t->col, "数字后不能紧跟字母或下划线 / a number cannot be followed by a letter");
        }
        return;
    }
    if (isalpha((unsigned char)*p) || *p == '_') {
        while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '.') advance_char(ps);
        t->len = (size_t)(ps->p - t->start);
        t->kind = T_IDENT;
        if (t->len == 3 && !strncmp(p, "and", 3)) t->kind = T_AND;
        else if (t->len == 2 && !strncmp(p, "or", 2)) t->kind = T_OR;
        else if (t->len == 3 && !strncmp(p, "not", 3)) t->kind = T_NOT;
        else if (t->len == 4 && !strncmp(p, "true", 4)) t->kind = T_TRUE;
        else if (t->len == 5 && !strncmp(p, "false", 5)) t->kind = T_FALSE;
        else if (t->start[t->len - 1] == '.') {
            t->kind = T_ERROR;
            error_at(ps, t->line, t->col, "名称不能以点号结尾 / a name cannot end with a dot");
        }
        return;
    }
    if (*p == '\'' || *p == '"') {
        char q = *p;
        advance_char(ps);
        const char *s = ps->p;
        while (*ps->p && *ps->p != q && *ps->p != '\n') advance_char(ps);
        if (*ps->p != q) {
            t->kind = T_ERROR;
            error_at(ps, t->line, t->col, "字符串缺少结束引号 / unterminated string");
            return;
        }
        t->kind = T_STR;
        t->start = s;
        t->len = (size_t)(ps->p - s);
        advance_char(ps);
        return;
    }
    static const struct {
        const char *s;
        tok_kind k;
    } ops[] = {
        {"<=", T_LE}, {">=", T_GE}, {"==", T_EQ}, {"!=", T_NE}, {"&&", T_AND}, {"||", T_OR},
        {"\xE2\x89\xA4", T_LE},  /* ≤ */
        {"\xE2\x89\xA5", T_GE},  /* ≥ */
        {"\xE2\x89\xA0", T_NE},  /* ≠ */
        {"\xC3\x97", T_STAR},    /* × */
        {"\xC3\xB7", T_SLASH},   /* ÷ */
        {"\xE2\x88\x92", T_MINUS}, /* − */
        {"\xEF\xBC\x88", T_LP},  /* （ */
        {"\xEF\xBC\x89", T_RP},  /* ） */
        {"\xEF\xBC\x8C", T_COMMA}, /* ， */
        {"<", T_LT}, {">", T_GT}, {"(", T_LP}, {")", T_RP}, {",", T_COMMA}, {"+", T_PLUS},
        {"-", T_MINUS}, {"*", T_STAR}, {"/", T_SLASH}, {"!", T_NOT},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (starts_with(p, ops[i].s)) {
            t->kind = ops[i].k;
            size_t n = strlen(ops[i].s);
            while (ps->p < p + n) advance_char(ps);
            t->len = n;
            return;
        }
    }
    t->kind = T_ERROR;
    size_t n = 1;
    unsigned char c = (unsigned char)*p;
    if (c >= 0x80) n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    char buf[8] = {0};
    memcpy(buf, p, n < strlen(p) ? n : strlen(p));
    if (*p == '=')
        error_at(ps, t->line, t->col, "比较相等请用 == / use == to compare");
    else
        error_at(ps, t->line, t->col, "无法识别的字符 / unexpected character '%s'", buf);
}

static cs__node *new_node(parser *ps, cs__node_kind kind, const token *at)
{
    if (++ps->nodes == MAX_NODES)
        error_at(ps, at->line, at->col, "表达式过长（超过 %d 个节点），请拆成几个计算值 / expression too long; split it into measures", MAX_NODES);
    cs__node *n = cs__arena_alloc(ps->arena, sizeof *n);
    n->kind = kind;
    n->line = at->line;
    n->col = at->col;
    n->sym = -1;
    return n;
}

static const char *tok_text(parser *ps, const token *t)
{
    if (t->kind == T_END) return "表达式结尾 / end of expression";
    return cs__arena_strndup(ps->arena, t->start, t->len);
}

static cs__node *parse_or(parser *ps);

static cs__node *parse_primary_inner(parser *ps);

static cs__node *parse_primary(parser *ps)
{
    if (ps->failed) return NULL;
    if (++ps->depth > MAX_DEPTH) {
        error_at(ps, ps->tok.line, ps->tok.col, "括号或函数嵌套过深（超过 %d 层）/ nesting too deep", MAX_DEPTH);
        ps->depth--;
        return NULL;
    }
    cs__node *n = parse_primary_inner(ps);
    ps->depth--;
    return ps->failed ? NULL : n;
}

static cs__node *parse_primary_inner(parser *ps)
{
    token t = ps->tok;
    switch (t.kind) {
    case T_NUM: {
        next(ps);
        cs__node *n = new_node(ps, CS__N_NUM, &t);
        n->num = t.num;
        n->percent = t.percent;
        if (!isfinite(n->num)) error_at(ps, t.line, t.col, "数值超出范围 / number out of range");
        return n;
    }
    case T_TRUE:
    case T_FALSE: {
        next(ps);
        cs__node *n = new_node(ps, CS__N_BOOL, &t);
        n->num = t.kind == T_TRUE;
        return n;
    }
    case T_STR: {
        next(ps);
        cs__node *n = new_node(ps, CS__N_STR, &t);
        n->name = cs__arena_strndup(ps->arena, t.start, t.len);
        return n;
    }
    case T_IDENT: {
        next(ps);
        const char *name = cs__arena_strndup(ps->arena, t.start, t.len);
        if (ps->tok.kind != T_LP) {
            cs__node *n = new_node(ps, CS__N_REF, &t);
            n->name = name;
            return n;
        }
        next(ps);
        cs__node *n = new_node(ps, CS__N_CALL, &t);
        n->name = name;
        CS__VEC(cs__node *) args = {0};
        if (ps->tok.kind != T_RP) {
            for (;;) {
                cs__node *a = parse_or(ps);
                if (!a) {
                    cs__vec_free(&args);
                    return NULL;
                }
                cs__vec_push(&args, a);
                if (ps->tok.kind == T_COMMA) {
                    next(ps);
                    continue;
                }
                break;
            }
        }
        if (ps->tok.kind != T_RP) {
            cs__vec_free(&args);
            error_at(ps, ps->tok.line, ps->tok.col, "缺少右括号 ')' / expected ')' but found %s",
                     tok_text(ps, &ps->tok));
            return NULL;
        }
        next(ps);
        n->nargs = (int)args.n;
        n->args = cs__arena_alloc(ps->arena, sizeof(cs__node *) * (args.n ? args.n : 1));
        if (args.n) memcpy(n->args, args.items, sizeof(cs__node *) * args.n);
        cs__vec_free(&args);
        return n;
    }
    case T_LP: {
        next(ps);
        cs__node *n = parse_or(ps);
        if (!n) return NULL;
        if (ps->tok.kind != T_RP) {
            error_at(ps, ps->tok.line, ps->tok.col, "缺少右括号 ')' / expected ')' but found %s",
                     tok_text(ps, &ps->tok));
            return NULL;
        }
        next(ps);
        return n;
    }
    case T_ERROR:
        return NULL;
    default:
        error_at(ps, t.line, t.col, "此处应为数值、名称或 '(' / expected a value, a name or '(' but found %s",
                 tok_text(ps, &t));
        return NULL;
    }
}

static cs__node *make_op(parser *ps, const token *at, cs__node_kind kind, int op, cs__node *a, cs__node *b)
{
    cs__node *n = new_node(ps, kind, at);
    n->op = op;
    n->nargs = b ? 2 : 1;
    n->args = cs__arena_alloc(ps->arena, sizeof(cs__node *) * 2);
    n->args[0] = a;
    n->args[1] = b;
    if (kind == CS__N_BINARY) {
        n->line = a->line;
        n->col = a->col;
    }
    return n;
}

static cs__node *parse_unary(parser *ps)
{
    if (ps->failed) return NULL;
    if (ps->tok.kind == T_MINUS || ps->tok.kind == T_PLUS) {
        token t = ps->tok;
        next(ps);
        if (++ps->depth > MAX_DEPTH) {
            error_at(ps, t.line, t.col, "正负号嵌套过深（超过 %d 层）/ too many signs in a row", MAX_DEPTH);
            return NULL;
        }
        cs__node *a = parse_unary(ps);
        ps->depth--;
        if (!a) return NULL;
        return t.kind == T_MINUS ? make_op(ps, &t, CS__N_UNARY, CS__OP_NEG, a, NULL) : a;
    }
    return parse_primary(ps);
}

static cs__node *parse_mul(parser *ps)
{
    cs__node *a = parse_unary(ps);
    while (a && (ps->tok.kind == T_STAR || ps->tok.kind == T_SLASH)) {
        token t = ps->tok;
        next(ps);
        cs__node *b = parse_unary(ps);
        if (!b) return NULL;
        a = make_op(ps, &t, CS__N_BINARY, t.kind == T_STAR ? CS__OP_MUL : CS__OP_DIV, a, b);
    }
    return a;
}

static cs__node *parse_add(parser *ps)
{
    cs__node *a = parse_mul(ps);
    while (a && (ps->tok.kind == T_PLUS || ps->tok.kind == T_MINUS)) {
        token t = ps->tok;
        next(ps);
        cs__node *b = parse_mul(ps);
        if (!b) return NULL;
        a = make_op(ps, &t, CS__N_BINARY, t.kind == T_PLUS ? CS__OP_ADD : CS__OP_SUB, a, b);
    }
    return a;
}

static int comparison_op(tok_kind k)
{
    switch (k) {
    case T_LT: return CS__OP_LT;
    case T_LE: return CS__OP_LE;
    case T_GT: return CS__OP_GT;
    case T_GE: return CS__OP_GE;
    case T_EQ: return CS__OP_EQ;
    case T_NE: return CS__OP_NE;
    default: return -1;
    }
}

static cs__node *parse_cmp(parser *ps)
{
    cs__node *a = parse_add(ps);
    if (!a) return NULL;
    int op = comparison_op(ps->tok.kind);
    if (op < 0) return a;
    token t = ps->tok;
    next(ps);
    cs__node *b = parse_add(ps);
    if (!b) return NULL;
    if (comparison_op(ps->tok.kind) >= 0) {
        error_at(ps, ps->tok.line, ps->tok.col,
                 "比较不能连写，请用 and 连接 / comparisons cannot be chained; join them with and");
        return NULL;
    }
    return make_op(ps, &t, CS__N_BINARY, op, a, b);
}

static cs__node *parse_not(parser *ps)
{
    if (ps->failed) return NULL;
    if (ps->tok.kind == T_NOT) {
        token t = ps->tok;
        next(ps);
        if (++ps->depth > MAX_DEPTH) {
            error_at(ps, t.line, t.col, "not 嵌套过深（超过 %d 层）/ too many nots in a row", MAX_DEPTH);
            return NULL;
        }
        cs__node *a = parse_not(ps);
        ps->depth--;
        if (!a) return NULL;
        return make_op(ps, &t, CS__N_UNARY, CS__OP_NOT, a, NULL);
    }
    return parse_cmp(ps);
}

static cs__node *parse_and(parser *ps)
{
    cs__node *a = parse_not(ps);
    while (a && ps->tok.kind == T_AND) {
        token t = ps->tok;
        next(ps);
        cs__node *b = parse_not(ps);
        if (!b) return NULL;
        a = make_op(ps, &t, CS__N_BINARY, CS__OP_AND, a, b);
    }
    return a;
}

static cs__node *parse_or(parser *ps)
{
    cs__node *a = parse_and(ps);
    while (a && ps->tok.kind == T_OR) {
        token t = ps->tok;
        next(ps);
        cs__node *b = parse_and(ps);
        if (!b) return NULL;
        a = make_op(ps, &t, CS__N_BINARY, CS__OP_OR, a, b);
    }
    return a;
}

cs__node *cs__expr_parse(cs__arena *arena, const char *text, cs__srcpos pos, cs_diag *diag)
{
    parser ps = {0};
    ps.arena = arena;
    ps.text = ps.p = text;
    ps.pos = pos;
    ps.line = pos.line > 0 ? pos.line : 1;
    ps.col = pos.col > 0 ? pos.col : 1;
    ps.diag = diag;
    next(&ps);
    if (ps.tok.kind == T_END) {
        error_at(&ps, ps.tok.line, ps.tok.col, "表达式为空 / empty expression");
        return NULL;
    }
    cs__node *n = parse_or(&ps);
    if (n && ps.tok.kind != T_END)
        error_at(&ps, ps.tok.line, ps.tok.col, "多余的内容 / unexpected %s after the expression",
                 tok_text(&ps, &ps.tok));
    return ps.failed ? NULL : n;
}

void cs__expr_walk(const cs__node *n, void (*visit)(void *ctx, const cs__node *n), void *ctx)
{
    if (!n) return;
    visit(ctx, n);
    for (int i = 0; i < n->nargs; i++) cs__expr_walk(n->args[i], visit, ctx);
}
