/*
 * check.c — name resolution and type checking of expression trees. Every unknown name, wrong
 * argument count and type mismatch is reported with its file:line:column; a tree that passes is
 * fully resolved (every reference carries its symbol index) and typed.
 */
#include <math.h>
#include <string.h>

#include "expr.h"

typedef struct {
    const cs__symbols *syms;
    const char *file;
    cs_diag *diag;
    int errors;
} checker;

static const struct {
    const char *name;
    int min_args, max_args;
    cs__type result;
    const char *label;
} fns[] = {
#define X(id, name, mina, maxa, rtype, label) {name, mina, maxa, rtype, label},
    CS__FN_TABLE(X)
#undef X
};

const char *cs__fn_name(int fn)
{
    return fn >= 0 && fn < CS__FN_COUNT_ ? fns[fn].name : "?";
}

static const char *type_name(cs__type t)
{
    switch (t) {
    case CS__T_NUM: return "数值 / number";
    case CS__T_BOOL: return "真假值 / boolean";
    case CS__T_STR: return "字符串 / string";
    default: return "无 / none";
    }
}

static void err(checker *c, const cs__node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err(checker *c, const cs__node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs__diag_vadd(c->diag, CS__ERROR, c->file, n->line, n->col, fmt, ap);
    va_end(ap);
    c->errors++;
}

static cs__type check(checker *c, cs__node *n);

/* Checks that node n has type want; reports and returns 0 when not (none = already reported). */
static int expect(checker *c, cs__node *n, cs__type got, cs__type want, const char *what)
{
    if (got == CS__T_NONE || got == want) return got == want;
    err(c, n, "%s需要%s，这里是%s / %s needs a %s here", what, type_name(want), type_name(got), what,
        want == CS__T_NUM ? "number" : want == CS__T_BOOL ? "boolean" : "string");
    return 0;
}

static const char *op_text(int op)
{
    static const char *t[] = {"-", "not", "+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"};
    return t[op];
}

static cs__type check_call(checker *c, cs__node *n)
{
    int fn = -1;
    for (int i = 0; i < CS__FN_COUNT_; i++)
        if (!strcmp(fns[i].name, n->name)) fn = i;
    if (fn < 0) {
        err(c, n, "未知的函数 / unknown function '%s'", n->name);
        for (int i = 0; i < n->nargs; i++) check(c, n->args[i]);
        return CS__T_NONE;
    }
    n->op = fn;
    if (n->nargs < fns[fn].min_args || (fns[fn].max_args >= 0 && n->nargs > fns[fn].max_args)) {
        if (fns[fn].min_args == fns[fn].max_args)
            err(c, n, "%s() 需要 %d 个参数，这里有 %d 个 / %s() takes %d argument(s), got %d", n->name,
                fns[fn].min_args, n->nargs, n->name, fns[fn].min_args, n->nargs);
        else
            err(c, n, "%s() 的参数个数不对（%d 个）/ %s() got a wrong number of arguments (%d)", n->name,
                n->nargs, n->name, n->nargs);
        return fns[fn].result;
    }
    switch (fn) {
    case CS__FN_POINTS:
    case CS__FN_TIER:
    case CS__FN_REACHED: {
        cs__node *a = n->args[0];
        if (a->kind != CS__N_STR) {
            err(c, a, "%s() 的参数应为带引号的指标编号，如 %s('12') / %s() takes a quoted indicator code",
                n->name, n->name, n->name);
            return fns[fn].result;
        }
        a->type = CS__T_STR;
        n->sym = c->syms->lookup_indicator ? c->syms->lookup_indicator(c->syms->ctx, a->name) : -1;
        if (n->sym < 0) err(c, a, "未知的指标编号 / unknown indicator '%s'", a->name);
        return fns[fn].result;
    }
    case CS__FN_PREV:
    case CS__FN_GROWTH:
    case CS__FN_RANK:
    case CS__FN_RANK_ASC:
    case CS__FN_RANK_PCT:
    case CS__FN_RANK_PCT_ASC:
    case CS__FN_PEERS: {
        cs__node *a = n->args[0];
        int need_element = fn == CS__FN_PREV || fn == CS__FN_GROWTH;
        if (a->kind != CS__N_REF) {
            err(c, a, "%s() 的参数必须是%s的名称 / %s() takes the name of a %s", n->name,
                need_element ? "数据项" : "数据项或计算值", n->name,
                need_element ? "data element" : "data element or measure");
            check(c, a);
            return fns[fn].result;
        }
        cs__type t = check(c, a);
        if (t == CS__T_NONE) return fns[fn].result;
        expect(c, a, t, CS__T_NUM, n->name);
        int is_element = 0;
        c->syms->lookup(c->syms->ctx, a->name, &t, &is_element);
        if (need_element && !is_element)
            err(c, a, "%s() 的参数必须是数据项，'%s' 是计算值 / %s() takes a data element; '%s' is a measure",
                n->name, a->name, n->name, a->name);
        return fns[fn].result;
    }
    case CS__FN_ROUND: {
        expect(c, n->args[0], check(c, n->args[0]), CS__T_NUM, "round()");
        if (n->nargs == 2) {
            cs__node *d = n->args[1];
            if (d->kind != CS__N_NUM || d->num != floor(d->num) || d->num < 0 || d->num > 10)
                err(c, d, "round() 的小数位数必须是 0–10 的整数常量 / round() digits must be a constant 0–10");
            d->type = CS__T_NUM;
        }
        return CS__T_NUM;
    }
    case CS__FN_IF: {
        expect(c, n->args[0], check(c, n->args[0]), CS__T_BOOL, "if() 的条件 / if() condition");
        cs__type a = check(c, n->args[1]), b = check(c, n->args[2]);
        if (a && b && a != b) {
            err(c, n->args[2], "if() 两个分支的类型不同（%s 与 %s）/ the branches of if() differ in type",
                type_name(a), type_name(b));
            return CS__T_NONE;
        }
        return a ? a : b;
    }
    case CS__FN_COALESCE: {
        cs__type t = CS__T_NONE;
        for (int i = 0; i < n->nargs; i++) {
            cs__type u = check(c, n->args[i]);
            if (!u) continue;
            if (t && u != t) {
                err(c, n->args[i], "coalesce() 的参数类型必须一致 / coalesce() arguments must share one type");
                return CS__T_NONE;
            }
            t = u;
        }
        return t;
    }
    case CS__FN_IS_MISSING:
        check(c, n->args[0]);
        return CS__T_BOOL;
    default: {
        cs__type want = (fn == CS__FN_COUNT || fn == CS__FN_ALL || fn == CS__FN_ANY) ? CS__T_BOOL : CS__T_NUM;
        for (int i = 0; i < n->nargs; i++) expect(c, n->args[i], check(c, n->args[i]), want, n->name);
        return fns[fn].result;
    }
    }
}

static cs__type check(checker *c, cs__node *n)
{
    cs__type t = CS__T_NONE;
    switch (n->kind) {
    case CS__N_NUM:
        t = CS__T_NUM;
        break;
    case CS__N_BOOL:
        t = CS__T_BOOL;
        break;
    case CS__N_STR:
        err(c, n, "此处不能使用字符串 / a string cannot be used here");
        break;
    case CS__N_REF: {
        int is_element = 0;
        n->sym = c->syms->lookup(c->syms->ctx, n->name, &t, &is_element);
        if (n->sym < 0) {
            err(c, n, "未知的名称 / unknown name '%s'（不是已声明的数据项或计算值 / not a declared data element or measure）",
                n->name);
            t = CS__T_NONE;
        }
        break;
    }
    case CS__N_UNARY: {
        cs__type a = check(c, n->args[0]);
        if (n->op == CS__OP_NEG) {
            expect(c, n->args[0], a, CS__T_NUM, "负号 / minus");
            t = CS__T_NUM;
        } else {
            expect(c, n->args[0], a, CS__T_BOOL, "not");
            t = CS__T_BOOL;
        }
        break;
    }
    case CS__N_BINARY: {
        cs__type a = check(c, n->args[0]), b = check(c, n->args[1]);
        char what[64];
        snprintf(what, sizeof what, "'%s'", op_text(n->op));
        switch (n->op) {
        case CS__OP_AND:
        case CS__OP_OR:
            expect(c, n->args[0], a, CS__T_BOOL, what);
            expect(c, n->args[1], b, CS__T_BOOL, what);
            t = CS__T_BOOL;
            break;
        case CS__OP_EQ:
        case CS__OP_NE:
            if (a && b && a != b)
                err(c, n, "'%s' 两边的类型不同（%s 与 %s）/ both sides of '%s' must have one type", op_text(n->op),
                    type_name(a), type_name(b), op_text(n->op));
            t = CS__T_BOOL;
            break;
        case CS__OP_LT:
        case CS__OP_LE:
        case CS__OP_GT:
        case CS__OP_GE:
            expect(c, n->args[0], a, CS__T_NUM, what);
            expect(c, n->args[1], b, CS__T_NUM, what);
            t = CS__T_BOOL;
            break;
        default:
            expect(c, n->args[0], a, CS__T_NUM, what);
            expect(c, n->args[1], b, CS__T_NUM, what);
            t = CS__T_NUM;
        }
        break;
    }
    case CS__N_CALL:
        t = check_call(c, n);
        break;
    }
    n->type = t;
    return t;
}

int cs__expr_check(cs__node *n, const cs__symbols *syms, cs__type want, const char *file, cs_diag *diag)
{
    checker c = {syms, file, diag, 0};
    cs__type t = check(&c, n);
    if (want != CS__T_NONE && t != CS__T_NONE && t != want) {
        if (want == CS__T_BOOL)
            err(&c, n, "这里需要一个条件（真假值），这是%s / a condition (boolean) is needed here", type_name(t));
        else
            err(&c, n, "这里需要一个数值，这是%s / a number is needed here", type_name(t));
    }
    return c.errors;
}

/* ---- Rendering ------------------------------------------------------------------------------ */

static int precedence(const cs__node *n)
{
    if (n->kind == CS__N_BINARY) {
        switch (n->op) {
        case CS__OP_OR: return 1;
        case CS__OP_AND: return 2;
        case CS__OP_ADD:
        case CS__OP_SUB: return 5;
        case CS__OP_MUL:
        case CS__OP_DIV: return 6;
        default: return 4;
        }
    }
    if (n->kind == CS__N_UNARY) return n->op == CS__OP_NOT ? 3 : 7;
    return 8;
}

static void render(const cs__node *n, cs__render_hook hook, void *ctx, cs__buf *out, int parent_prec, int right);

static void render_child(const cs__node *n, cs__render_hook hook, void *ctx, cs__buf *out, int prec, int right)
{
    int p = precedence(n);
    int paren = p < prec || (right && p == prec && p >= 5);
    if (paren) cs__buf_append(out, "(");
    render(n, hook, ctx, out, p, right);
    if (paren) cs__buf_append(out, ")");
}

static void render(const cs__node *n, cs__render_hook hook, void *ctx, cs__buf *out, int parent_prec, int right)
{
    (void)parent_prec;
    (void)right;
    if (hook && hook(ctx, n, out)) return;
    switch (n->kind) {
    case CS__N_NUM:
        if (n->percent) {
            cs__buf_number(out, n->num * 100.0, 6);
            cs__buf_append(out, "%");
        } else {
            cs__buf_number(out, n->num, 6);
        }
        break;
    case CS__N_BOOL:
        cs__buf_append(out, n->num ? "是" : "否");
        break;
    case CS__N_STR:
        cs__buf_append(out, n->name);
        break;
    case CS__N_REF:
        cs__buf_append(out, n->name);
        break;
    case CS__N_UNARY:
        cs__buf_append(out, n->op == CS__OP_NEG ? "-" : "非");
        render_child(n->args[0], hook, ctx, out, precedence(n), 0);
        break;
    case CS__N_BINARY: {
        static const char *sym[] = {"", "", " + ", " - ", " × ", " / ", " < ", " ≤ ", " > ", " ≥ ", " = ", " ≠ ", "，且", "，或"};
        int p = precedence(n);
        render_child(n->args[0], hook, ctx, out, p, 0);
        cs__buf_append(out, sym[n->op]);
        render_child(n->args[1], hook, ctx, out, p, 1);
        break;
    }
    case CS__N_CALL: {
        const char *label = n->op >= 0 && n->op < CS__FN_COUNT_ ? fns[n->op].label : NULL;
        if (label && strstr(label, "%s")) {
            const char *s = strstr(label, "%s");
            cs__buf_appendn(out, label, (size_t)(s - label));
            render_child(n->args[0], hook, ctx, out, 8, 0);
            cs__buf_append(out, s + 2);
            break;
        }
        if (n->op == CS__FN_ALL || n->op == CS__FN_ANY) {
            for (int i = 0; i < n->nargs; i++) {
                if (i) cs__buf_append(out, n->op == CS__FN_ALL ? "，且" : "，或");
                render_child(n->args[i], hook, ctx, out, 3, 0);
            }
            break;
        }
        cs__buf_append(out, label ? label : n->name);
        cs__buf_append(out, "(");
        for (int i = 0; i < n->nargs; i++) {
            if (i) cs__buf_append(out, ", ");
            render(n->args[i], hook, ctx, out, 0, 0);
        }
        cs__buf_append(out, ")");
        break;
    }
    }
}

void cs__expr_render(const cs__node *n, cs__render_hook hook, void *ctx, cs__buf *out)
{
    render(n, hook, ctx, out, 0, 0);
}
