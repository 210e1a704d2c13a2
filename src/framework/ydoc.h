/*
 * ydoc.h — reading a parsed YAML document (libyaml) with every problem reported as
 * file:line:column: node lookup, mapping keys, unknown and repeated keys. Shared by the readers of
 * framework files (load.c) and target files (planner/targets.c).
 */
#ifndef CS_YDOC_H
#define CS_YDOC_H

#include <yaml.h>

#include "citystar/citystar.h"

typedef struct {
    yaml_document_t *doc;
    const char *file;
    cs_diag *diag;
    int errors;           /* errors reported so far */
} cs__ydoc;

yaml_node_t *cs__ydoc_node(cs__ydoc *y, int idx);
/* Reports an error at node n (its line and column) and counts it. */
void cs__ydoc_err(cs__ydoc *y, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The value of key in mapping map, or NULL. */
yaml_node_t *cs__ydoc_get(cs__ydoc *y, yaml_node_t *map, const char *key);
/* Reports keys of map not in allowed (NULL-terminated) and repeated keys; what names the map. */
void cs__ydoc_check_keys(cs__ydoc *y, yaml_node_t *map, const char *const *allowed, const char *what);

#endif
