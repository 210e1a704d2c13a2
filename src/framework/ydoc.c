/*
 * ydoc.c — see ydoc.h.
 */
#include "ydoc.h"

#include <stdarg.h>
#include <string.h>

#include "util/util.h"

yaml_node_t *cs__ydoc_node(cs__ydoc *y, int idx)
{
    return yaml_document_get_node(y->doc, idx);
}

void cs__ydoc_err(cs__ydoc *y, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs__diag_vadd(y->diag, CS__ERROR, y->file, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1, fmt, ap);
    va_end(ap);
    y->errors++;
}

yaml_node_t *cs__ydoc_get(cs__ydoc *y, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cs__ydoc_node(y, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return cs__ydoc_node(y, p->value);
    }
    return NULL;
}

void cs__ydoc_check_keys(cs__ydoc *y, yaml_node_t *map, const char *const *allowed, const char *what)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cs__ydoc_node(y, p->key);
        if (!k || k->type != YAML_SCALAR_NODE) {
            if (k) cs__ydoc_err(y, k, "键必须是文字 / keys must be plain text");
            continue;
        }
        const char *key = (const char *)k->data.scalar.value;
        int ok = 0;
        for (const char *const *a = allowed; *a; a++) ok |= !strcmp(*a, key);
        if (!ok) {
            cs__buf b = {0};
            for (const char *const *a = allowed; *a; a++) cs__buf_printf(&b, "%s%s", a == allowed ? "" : ", ", *a);
            cs__ydoc_err(y, k, "%s 中有未知的键 '%s' / unknown key '%s' in %s (allowed: %s)", what, key, key, what, cs__buf_str(&b));
            cs__buf_free(&b);
        }
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *k2 = cs__ydoc_node(y, q->key);
            if (k2 && k2->type == YAML_SCALAR_NODE && !strcmp((const char *)k2->data.scalar.value, key)) {
                cs__ydoc_err(y, k, "键 '%s' 重复 / duplicate key '%s'", key, key);
                break;
            }
        }
    }
}
