/*
 * expr.h — the expression language of framework files: source text → tokens → syntax tree,
 * name resolution and type checking against a caller-supplied symbol table, and rendering a tree
 * back to text for people (with names, or with a region's values). Knows nothing of frameworks,
 * plans or storage: the framework layer supplies symbols, the engine compiles trees to code.
 */
#ifndef CS_EXPR_H
#define CS_EXPR_H

#include "util/util.h"

typedef enum { CS__T_NONE = 0, CS__T_NUM = 1, CS__T_BOOL = 2, CS__T_STR = 4 } cs__type;

typedef enum {
    CS__N_NUM,
    CS__N_BOOL,
    CS__N_STR,
    CS__N_REF,
    CS__N_UNARY,
    CS__N_BINARY,
    CS__N_CALL
} cs__node_kind;

/* Operators of unary and binary nodes. */
typedef enum {
    CS__OP_NEG,
    CS__OP_NOT,
    CS__OP_ADD,
    CS__OP_SUB,
    CS__OP_MUL,
    CS__OP_DIV,
    CS__OP_LT,
    CS__OP_LE,
    CS__OP_GT,
    CS__OP_GE,
    CS__OP_EQ,
    CS__OP_NE,
    CS__OP_AND,
    CS__OP_OR
} cs__op;

/* Built-in functions: id, name, min args, max args (-1 = any), result type, Chinese label used
 * when rendering ("%s" is the first argument), or NULL to render as name(args). */
#define CS__FN_TABLE(X)                                                                      \
    X(MIN, "min", 1, -1, CS__T_NUM, NULL)                                                    \
    X(MAX, "max", 1, -1, CS__T_NUM, NULL)                                                    \
    X(SUM, "sum", 1, -1, CS__T_NUM, NULL)                                                    \
    X(AVG, "avg", 1, -1, CS__T_NUM, "平均值")                                                \
    X(COUNT, "count", 1, -1, CS__T_NUM, "满足项数")                                          \
    X(ALL, "all", 1, -1, CS__T_BOOL, NULL)                                                   \
    X(ANY, "any", 1, -1, CS__T_BOOL, NULL)                                                   \
    X(CLAMP, "clamp", 3, 3, CS__T_NUM, NULL)                                                 \
    X(ABS, "abs", 1, 1, CS__T_NUM, NULL)                                                     \
    X(SQRT, "sqrt", 1, 1, CS__T_NUM, "√")                                                   \
    X(ROUND, "round", 1, 2, CS__T_NUM, NULL)                                                 \
    X(IF, "if", 3, 3, CS__T_NONE, NULL)                                                      \
    X(COALESCE, "coalesce", 1, -1, CS__T_NONE, NULL)                                         \
    X(IS_MISSING, "is_missing", 1, 1, CS__T_BOOL, "%s缺失")                                  \
    X(PREV, "prev", 1, 1, CS__T_NUM, "上年%s")                                               \
    X(GROWTH, "growth", 1, 1, CS__T_NUM, "%s增幅")                                           \
    X(RANK, "rank", 1, 1, CS__T_NUM, "%s排名")                                               \
    X(RANK_ASC, "rank_asc", 1, 1, CS__T_NUM, "%s排名（由低到高）")                           \
    X(RANK_PCT, "rank_pct", 1, 1, CS__T_NUM, "%s排名位次百分比")                             \
    X(RANK_PCT_ASC, "rank_pct_asc", 1, 1, CS__T_NUM, "%s排名位次百分比（由低到高）")         \
    X(PEERS, "peers", 1, 1, CS__T_NUM, "%s参与排名地区数")                                   \
    X(POINTS, "points", 1, 1, CS__T_NUM, "指标%s得分")                                       \
    X(TIER, "tier", 1, 1, CS__T_NUM, "指标%s达到的档位")                                     \
    X(REACHED, "reached", 1, 1, CS__T_BOOL, "指标%s达标")

typedef enum {
#define X(id, name, mina, maxa, rtype, label) CS__FN_##id,
    CS__FN_TABLE(X)
#undef X
        CS__FN_COUNT_
} cs__fn;

typedef struct cs__node cs__node;
struct cs__node {
    cs__node_kind kind;
    int op;          /* cs__op for unary/binary, cs__fn for calls */
    cs__type type;   /* set by cs__expr_check */
    int line, col;   /* where the node starts in the source file */
    double num;      /* CS__N_NUM (a percent literal is already divided by 100); CS__N_BOOL */
    int percent;     /* the literal was written with a % sign */
    const char *name;   /* CS__N_REF name, CS__N_CALL name, CS__N_STR text */
    int sym;         /* CS__N_REF and indicator calls: symbol index from the resolver */
    cs__node **args; /* operands of unary/binary nodes, arguments of calls */
    int nargs;
};

/* Where an expression's text sits in its file, for error locations. */
typedef struct {
    const char *file;
    int line, col;   /* position of the first character of the text, 1-based */
} cs__srcpos;

/* Parses text into a tree allocated in arena. On a syntax error, reports it to diag with its
 * file:line:column and returns NULL. */
cs__node *cs__expr_parse(cs__arena *arena, const char *text, cs__srcpos pos, cs_diag *diag);

/* Symbol lookup supplied by the caller of cs__expr_check. */
typedef struct {
    void *ctx;
    /* A name used as a value: returns a symbol index >= 0 and its type (OUT), or -1 if unknown.
     * *is_element (OUT) tells whether the symbol is a reported data element. */
    int (*lookup)(void *ctx, const char *name, cs__type *type, int *is_element);
    /* An indicator code in points()/tier()/reached(): its index, or -1 if unknown. */
    int (*lookup_indicator)(void *ctx, const char *code);
} cs__symbols;

/* Resolves names and checks types in place. want is the type the context needs (CS__T_NONE for
 * any). Every problem is reported; returns the number of errors. */
int cs__expr_check(cs__node *n, const cs__symbols *syms, cs__type want, const char *file,
                   cs_diag *diag);

/* Calls visit(ctx, node) for every node of the tree, parents before children. */
void cs__expr_walk(const cs__node *n, void (*visit)(void *ctx, const cs__node *n), void *ctx);

/* Rendering hook: writes the text of node n and returns 1, or returns 0 to let the renderer
 * write it. Used to print names or a region's values in place of references. */
typedef int (*cs__render_hook)(void *ctx, const cs__node *n, cs__buf *out);

/* Writes n as text for people: operators as ≥ ≤ × and/or as 且/或, functions with their
 * Chinese labels. */
void cs__expr_render(const cs__node *n, cs__render_hook hook, void *ctx, cs__buf *out);

/* Name and arity of a function. */
const char *cs__fn_name(int fn);

#endif
