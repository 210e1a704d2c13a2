/*
 * targets.c — reads target files (YAML, through libyaml) and works out each target's state from
 * the scores of the regions it counts: regions at or above its star level (that rating or a
 * higher one in the framework's order), how many more are needed, and the regions that block it,
 * the cheapest to lift first, each with what blocks it: points, a rating's extra condition, a veto
 * (named, with the total it would have without it) or missing data. Formatting for people and JSON
 * is here too.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "framework/model.h"
#include "framework/ydoc.h"
#include "planner.h"
#include "targets.h"

typedef struct {
    cs__ydoc y;           /* the document, file, diagnostics and error count */
    cs__target_set *set;
    cs__framework_lookup lookup;
    void *ctx;
} reader;

static yaml_node_t *ynode(reader *rd, int idx)
{
    return cs__ydoc_node(&rd->y, idx);
}

#define err(rd, n, ...) cs__ydoc_err(&(rd)->y, (n), __VA_ARGS__)

static yaml_node_t *get(reader *rd, yaml_node_t *map, const char *key)
{
    return cs__ydoc_get(&rd->y, map, key);
}

static void check_keys(reader *rd, yaml_node_t *map, const char *const *allowed, const char *what)
{
    cs__ydoc_check_keys(&rd->y, map, allowed, what);
}

/* The required, non-empty text field key of map (copied into the set's arena), or NULL after
 * reporting; *node (OUT, may be NULL) is its node. */
static const char *req_text(reader *rd, yaml_node_t *map, const char *key, yaml_node_t **node)
{
    yaml_node_t *n = get(rd, map, key);
    if (node) *node = n;
    if (!n) {
        err(rd, map, "目标缺少 '%s' / a target needs '%s'", key, key);
        return NULL;
    }
    if (n->type != YAML_SCALAR_NODE || !n->data.scalar.length) {
        err(rd, n, "'%s' 应为非空文字 / '%s' must be non-empty text", key, key);
        return NULL;
    }
    return cs__arena_strndup(&rd->set->arena, (const char *)n->data.scalar.value, n->data.scalar.length);
}

/* Reads the share: a number in (0, 1] or a percentage (90%). */
static int parse_share(reader *rd, yaml_node_t *map, double *out)
{
    yaml_node_t *n;
    const char *s = req_text(rd, map, "share", &n);
    if (!s) return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && *end == '%') v /= 100.0, end++;
    if (end == s || *end || errno || !isfinite(v)) {
        err(rd, n, "share 应为数值（如 0.9 或 90%%），这里是 \"%s\" / share must be a number, found \"%s\"", s, s);
        return 0;
    }
    if (!(v > 0 && v <= 1)) {
        err(rd, n, "share 应在 (0, 1] 之内，这里是 %s / share must lie in (0, 1], found %s", s, s);
        return 0;
    }
    *out = v;
    return 1;
}

static void parse_target(reader *rd, yaml_node_t *n, cs__target *t)
{
    static const char *const keys[] = {"id", "text", "source", "region", "period", "framework", "level", "min_rating", "share", NULL};
    t->file = rd->y.file;
    t->line = (int)n->start_mark.line + 1;
    t->col = (int)n->start_mark.column + 1;
    if (n->type != YAML_MAPPING_NODE) {
        err(rd, n, "目标应为映射（key: value）/ a target must be a mapping");
        return;
    }
    check_keys(rd, n, keys, "目标 / target");
    yaml_node_t *fn, *ln, *rn, *pn, *gn;
    t->id = req_text(rd, n, "id", NULL);
    t->text = req_text(rd, n, "text", NULL);
    t->source = req_text(rd, n, "source", NULL);
    t->region = req_text(rd, n, "region", &gn);
    t->period = req_text(rd, n, "period", &pn);
    t->framework = req_text(rd, n, "framework", &fn);
    t->level = req_text(rd, n, "level", &ln);
    t->min_rating = req_text(rd, n, "min_rating", &rn);
    parse_share(rd, n, &t->share);
    if (t->region && strspn(t->region, "0123456789") != strlen(t->region))
        err(rd, gn, "region 应为行政区划代码（如 3708），这里是 '%s' / region must be a GB/T 2260 code, found '%s'", t->region, t->region);
    if (t->period && (strlen(t->period) != 4 || strspn(t->period, "0123456789") != 4))
        err(rd, pn, "period 应为年份（如 2025），这里是 '%s' / period must be a year, found '%s'", t->period, t->period);
    if (t->framework && !(t->fw = rd->lookup(rd->ctx, t->framework)))
        err(rd, fn, "未知的框架 '%s' / unknown framework '%s'", t->framework, t->framework);
    if (t->fw && t->level && strcmp(t->level, t->fw->region_level))
        err(rd, ln, "框架 %s 评价 %s 级地区，这里 level 是 '%s' / framework %s scores %s regions, not '%s'", t->framework,
            t->fw->region_level, t->level, t->framework, t->fw->region_level, t->level);
    if (t->fw && t->min_rating && !(t->rating = cs__rating_lookup(t->fw, t->min_rating))) {
        cs__buf b = {0};
        for (int r = 0; r < t->fw->nratings; r++) cs__buf_printf(&b, "%s%s", r ? "、" : "", t->fw->ratings[r].name);
        err(rd, rn, "框架 %s 没有星级 '%s'（有：%s）/ unknown rating '%s' of %s", t->framework, t->min_rating,
            t->fw->nratings ? cs__buf_str(&b) : "无", t->min_rating, t->framework);
        cs__buf_free(&b);
    }
}

cs_status cs__targets_parse(const char *file, const char *buf, size_t len, cs__framework_lookup lookup, void *ctx,
                            cs__target_set **out, cs_diag *diag)
{
    *out = NULL;
    cs__target_set *set = cs__xcalloc(1, sizeof *set);
    reader rd = {{NULL, cs__arena_strdup(&set->arena, file), diag, 0}, set, lookup, ctx};
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (cs__utf8_valid_prefix(buf, len) != len) {
        cs__diag_add(diag, CS__ERROR, file, 1, 1, "文件不是 UTF-8 编码 / the file is not UTF-8");
        yaml_parser_delete(&parser);
        cs__targets_free(set);
        return CS_EDATA;
    }
    if (!yaml_parser_load(&parser, &doc)) {
        cs__diag_add(diag, CS__ERROR, file, (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1,
                     "YAML 语法错误 / YAML syntax error: %s%s%s", parser.problem ? parser.problem : "?", parser.context ? " " : "",
                     parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        cs__targets_free(set);
        return CS_EDATA;
    }
    rd.y.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        cs__diag_add(diag, CS__ERROR, file, 1, 1, "文件为空 / the file is empty");
        rd.y.errors++;
    } else if (root->type != YAML_MAPPING_NODE) {
        err(&rd, root, "目标文件应为映射（format、targets）/ a target file must be a mapping with format and targets");
    } else {
        static const char *const keys[] = {"format", "title", "targets", NULL};
        check_keys(&rd, root, keys, "目标文件 / target file");
        yaml_node_t *f = get(&rd, root, "format");
        if (!f || f->type != YAML_SCALAR_NODE || strcmp((const char *)f->data.scalar.value, "1"))
            err(&rd, f ? f : root, "目标文件需要 format: 1 / a target file needs format: 1");
        yaml_node_t *ts = get(&rd, root, "targets");
        if (!ts || ts->type != YAML_SEQUENCE_NODE || ts->data.sequence.items.top == ts->data.sequence.items.start) {
            err(&rd, ts ? ts : root, "targets 应为非空列表 / targets must be a non-empty list");
        } else {
            int n = (int)(ts->data.sequence.items.top - ts->data.sequence.items.start);
            set->items = cs__arena_alloc(&set->arena, sizeof *set->items * (size_t)n);
            for (int i = 0; i < n; i++) {
                yaml_node_t *tn = ynode(&rd, ts->data.sequence.items.start[i]);
                parse_target(&rd, tn, &set->items[i]);
                for (int j = 0; j < i && set->items[i].id; j++)
                    if (set->items[j].id && !strcmp(set->items[j].id, set->items[i].id)) {
                        err(&rd, get(&rd, tn, "id"), "目标 id '%s' 重复 / duplicate target id '%s'", set->items[i].id, set->items[i].id);
                        break;
                    }
            }
            set->n = n;
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rd.y.errors) {
        cs__targets_free(set);
        return CS_EDATA;
    }
    *out = set;
    return CS_OK;
}

void cs__targets_free(cs__target_set *t)
{
    if (!t) return;
    cs__arena_release(&t->arena);
    free(t);
}

/* ---- State ------------------------------------------------------------------------------------ */

static int cmp_blocking(const void *a, const void *b)
{
    const cs__target_region *x = a, *y = b;
    int gx = x->blocker == CS__BLOCK_CONDITIONS ? CS__BLOCK_POINTS : (int)x->blocker;
    int gy = y->blocker == CS__BLOCK_CONDITIONS ? CS__BLOCK_POINTS : (int)y->blocker;
    if (gx != gy) return gx - gy;
    if (x->scored && x->points_missing != y->points_missing) return x->points_missing < y->points_missing ? -1 : 1;
    return strcmp(x->code, y->code);
}

/* The rating (1-based, 0 none) total earns for row r: the highest whose line it meets and whose
 * conditions hold, as the engine rates. */
static int rating_of(const cs_plan *plan, const cs_results *res, size_t r, double total)
{
    const cs_framework *fw = plan->fw;
    for (int j = fw->nratings - 1; j >= 0; j--) {
        double c;
        if (total + 1e-9 < fw->ratings[j].min_total) continue;
        if (plan->rating_crit_cond[j] >= 0 && (cs__res_get(res, plan->rating_crit_cond[j], r, &c) || c == 0)) continue;
        return j + 1;
    }
    return 0;
}

/* Fills x's vetoes and its total and rating without them (the penalties applied in order, as the
 * engine applies them, every veto skipped). */
static void read_vetoes(const cs__target *t, const cs_plan *plan, const cs_results *res, size_t r, cs__arena *arena,
                        cs__target_region *x)
{
    const cs_framework *fw = t->fw;
    double total, c, p;
    cs__res_get(res, plan->total_raw, r, &total);
    x->vetoes = cs__arena_alloc(arena, sizeof *x->vetoes * (size_t)(fw->nadjustments ? fw->nadjustments : 1));
    for (int a = 0; a < fw->nadjustments; a++) {
        const cs__adj_slots *as = &plan->adj[a];
        int on = as->cond < 0 || (!cs__res_get(res, as->cond, r, &c) && c != 0);
        if (!on) continue;
        if (fw->adjustments[a].kind == CS__ADJ_VETO) x->vetoes[x->nvetoes++] = a;
        else if (as->points >= 0 && !cs__res_get(res, as->points, r, &p)) total = total - p < 0 ? 0 : total - p;
    }
    x->total_without_veto = total;
    x->rating_without_veto = plan->rating >= 0 ? rating_of(plan, res, r, total) : 0;
}

/* Fills x's unmet rating conditions: of the ratings above x's up to the target's, those whose line
 * x's total meets but whose extra conditions fail. */
static void read_unmet(const cs__target *t, const cs_plan *plan, const cs_results *res, size_t r, cs__arena *arena,
                       cs__target_region *x)
{
    const cs_framework *fw = t->fw;
    int n = 0;
    for (int j = x->rating; j < t->rating; j++) n += fw->ratings[j].ncriteria;
    x->unmet = cs__arena_alloc(arena, sizeof *x->unmet * (size_t)(n ? n : 1));
    for (int j = x->rating; j < t->rating; j++) {
        const cs__rating *rt = &fw->ratings[j];
        if (x->total + 1e-9 < rt->min_total || plan->rating_crit_cond[j] < 0) continue;
        for (int k = 0; k < rt->ncriteria; k++) {
            double v;
            int miss = cs__res_get(res, plan->rating_crit[j][k], r, &v);
            if (!miss && v != 0) continue;
            x->unmet[x->nunmet++] = (cs__target_unmet){j + 1, &rt->criteria[k], miss != 0};
        }
    }
}

void cs__target_assess(const cs__target *t, const char *period, const cs_plan *plan, const cs_results *res,
                       const char *const *codes, const char *const *names, size_t nregions, cs__arena *arena,
                       cs__target_state *out)
{
    memset(out, 0, sizeof *out);
    out->t = t;
    out->period = cs__arena_strdup(arena, period);
    out->n = (int)nregions;
    out->blocking = cs__arena_alloc(arena, sizeof *out->blocking * (nregions ? nregions : 1));
    double min_total = t->fw->ratings[t->rating - 1].min_total;
    for (size_t i = 0; i < nregions; i++) {
        cs__target_region x;
        memset(&x, 0, sizeof x);
        x.code = cs__arena_strdup(arena, codes[i]);
        x.name = cs__arena_strdup(arena, names[i]);
        x.blocker = CS__BLOCK_MISSING;
        size_t row = 0;
        for (size_t r = 0; res && r < res->n; r++) {
            if (strcmp(res->regions[r], codes[i])) continue;
            double v;
            int scored_inds = 0;
            for (int k = 0; k < t->fw->nindicators; k++) {
                int why = cs__res_points(res, r, k, &v);
                if (why == 0) scored_inds++;
                else if (why > 0) x.missing_indicators++;
            }
            /* A total read from no figure at all is not a score: 缺数据. */
            if (scored_inds && !cs__res_get(res, plan->total, r, &x.total)) {
                x.scored = 1;
                row = r;
                if (plan->rating >= 0 && !cs__res_get(res, plan->rating, r, &v)) x.rating = (int)v;
            }
            break;
        }
        if (x.scored && x.rating >= t->rating) {
            out->reached++;
            continue;
        }
        if (!x.scored) {
            out->nunscored++;
        } else {
            read_vetoes(t, plan, res, row, arena, &x);
            double base = x.nvetoes ? x.total_without_veto : x.total;
            x.points_missing = base < min_total ? min_total - base : 0;
            if (x.nvetoes) {
                x.blocker = CS__BLOCK_VETO;
            } else if (x.points_missing > 0) {
                x.blocker = CS__BLOCK_POINTS;
            } else {
                x.blocker = CS__BLOCK_CONDITIONS;
                read_unmet(t, plan, res, row, arena, &x);
            }
        }
        out->blocking[out->nblocking++] = x;
    }
    qsort(out->blocking, (size_t)out->nblocking, sizeof *out->blocking, cmp_blocking);
    out->required = (int)ceil(t->share * out->n - 1e-9);
    if (out->n && out->required < 1) out->required = 1; /* a share above 0 asks for one region at least */
    out->met = out->n > 0 && out->reached >= out->required;
    out->needed = out->reached >= out->required ? 0 : out->required - out->reached;
    /* the cheapest of those a points or condition question blocks, as many as are still needed */
    for (int i = 0, marked = 0; i < out->nblocking && marked < out->needed; i++)
        if (out->blocking[i].blocker == CS__BLOCK_POINTS || out->blocking[i].blocker == CS__BLOCK_CONDITIONS)
            out->blocking[i].priority = 1, marked++;
}

void cs__target_keep_blocking(cs__target_state *st, int (*keep)(void *ctx, const char *code), void *ctx, const char *scope,
                              cs__arena *arena)
{
    int k = 0;
    for (int i = 0; i < st->nblocking; i++) {
        if (keep(ctx, st->blocking[i].code)) st->blocking[k++] = st->blocking[i];
        else st->nhidden++;
    }
    st->nblocking = k;
    st->scope = scope ? cs__arena_strdup(arena, scope) : NULL;
}

/* The regions counted, as people call them (县（市、区）). */
static const char *level_text(const char *level)
{
    static const char *const names[][2] = {{"province", "省"}, {"city", "设区市"}, {"county", "县（市、区）"}, {"street", "街道（乡镇）"}, {"community", "社区"}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strcmp(level, names[k][0])) return names[k][1];
    return level;
}

void cs__target_text(const cs__target_state *st, cs__buf *out)
{
    const cs__target *t = st->t;
    const cs_framework *fw = t->fw;
    const char *rating = fw->ratings[t->rating - 1].name;
    cs__buf_printf(out, "【%s】%s %s\n", st->met ? "达成" : "未达成", t->id, t->text);
    cs__buf_printf(out, "  依据：%s；框架 %s，%s年度数据", t->source, t->framework, st->period);
    if (strcmp(st->period, t->period)) cs__buf_printf(out, "（目标年度 %s）", t->period);
    cs__buf_append(out, "\n");
    cs__buf_printf(out, "  %d / %d 个%s达到%s及以上（", st->reached, st->n, level_text(t->level), rating);
    cs__buf_number(out, st->n ? 100.0 * st->reached / st->n : 0, 1);
    cs__buf_append(out, "%，目标 ≥ ");
    cs__buf_number(out, 100.0 * t->share, 1);
    cs__buf_printf(out, "%%，即至少 %d 个）\n", st->required);
    if (!st->n) cs__buf_printf(out, "  %s 下没有%s级地区 / no %s regions under %s\n", t->region, level_text(t->level), t->level, t->region);
    if (st->needed) cs__buf_printf(out, "  还需 %d 个达到%s\n", st->needed, rating);
    if (!st->nblocking) return;
    cs__buf_printf(out, "  未达到%s的地区（按差距从小到大）：\n", rating);
    for (int i = 0; i < st->nblocking; i++) {
        const cs__target_region *x = &st->blocking[i];
        cs__buf_printf(out, "    %s %s  ", x->code, x->name);
        if (!x->scored) {
            cs__buf_append(out, "缺数据（无总分，不计为达到）\n");
            continue;
        }
        cs__buf_number(out, x->total, 2);
        cs__buf_printf(out, " 分  %s  ", x->rating ? fw->ratings[x->rating - 1].name : "未达到星级");
        if (x->blocker == CS__BLOCK_VETO) {
            for (int v = 0; v < x->nvetoes; v++) {
                const cs__adjustment *adj = &fw->adjustments[x->vetoes[v]];
                cs__buf_printf(out, "%s一票否决", v ? "；" : "");
                if (adj->code) cs__buf_printf(out, "（%s）", adj->code);
                if (adj->text) cs__buf_printf(out, "“%s”", adj->text);
            }
            cs__buf_append(out, "；不计否决为 ");
            cs__buf_number(out, x->total_without_veto, 2);
            cs__buf_printf(out, " 分（%s）", x->rating_without_veto ? fw->ratings[x->rating_without_veto - 1].name : "未达到星级");
            if (x->points_missing > 0) {
                cs__buf_append(out, "，仍距 ");
                cs__buf_number(out, fw->ratings[t->rating - 1].min_total, 2);
                cs__buf_append(out, " 分差 ");
                cs__buf_number(out, x->points_missing, 2);
                cs__buf_append(out, " 分");
            }
        } else if (x->blocker == CS__BLOCK_CONDITIONS) {
            cs__buf_append(out, "总分已够，未满足");
            for (int u = 0; u < x->nunmet; u++) {
                const cs__target_unmet *m = &x->unmet[u];
                cs__buf_printf(out, "%s%s的条件：%s（%s）", u ? "；" : "", fw->ratings[m->rating - 1].name, m->c->text ? m->c->text : m->c->src,
                               m->missing ? "缺少数据，未能判定" : "未满足");
            }
            if (!x->nunmet) cs__buf_printf(out, "%s的其他条件", rating);
        } else {
            cs__buf_append(out, "距 ");
            cs__buf_number(out, fw->ratings[t->rating - 1].min_total, 2);
            cs__buf_append(out, " 分还差 ");
            cs__buf_number(out, x->points_missing, 2);
            cs__buf_append(out, " 分");
        }
        if (x->missing_indicators) cs__buf_printf(out, "（另有 %d 项指标缺数据，未计分）", x->missing_indicators);
        if (x->priority) cs__buf_append(out, "  ← 优先");
        cs__buf_append(out, "\n");
    }
    if (st->nhidden)
        cs__buf_printf(out, "  （另有 %d 个地区不在 %s 辖区内，未列出）\n", st->nhidden, st->scope ? st->scope : "");
}

static const char *const blocker_names[] = {"points", "conditions", "veto", "missing_data"};

json_t *cs__target_to_json(const cs__target_state *st)
{
    const cs__target *t = st->t;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(t->id));
    json_object_set_new(o, "text", json_string(t->text));
    json_object_set_new(o, "source", json_string(t->source));
    json_object_set_new(o, "file", json_string(t->file));
    json_object_set_new(o, "region", json_string(t->region));
    json_object_set_new(o, "region_name", st->region_name ? json_string(st->region_name) : json_null());
    json_object_set_new(o, "target_period", json_string(t->period));
    json_object_set_new(o, "period", json_string(st->period));
    json_object_set_new(o, "framework", json_string(t->framework));
    json_object_set_new(o, "level", json_string(t->level));
    json_object_set_new(o, "min_rating", json_string(t->fw->ratings[t->rating - 1].name));
    json_object_set_new(o, "min_total", json_real(t->fw->ratings[t->rating - 1].min_total));
    json_object_set_new(o, "share", json_real(t->share));
    json_object_set_new(o, "met", json_boolean(st->met));
    json_object_set_new(o, "regions", json_integer(st->n));
    json_object_set_new(o, "reached", json_integer(st->reached));
    json_object_set_new(o, "required", json_integer(st->required));
    json_object_set_new(o, "needed", json_integer(st->needed));
    json_object_set_new(o, "unscored", json_integer(st->nunscored));
    json_t *b = json_array();
    for (int i = 0; i < st->nblocking; i++) {
        const cs__target_region *x = &st->blocking[i];
        json_t *r = json_object();
        json_object_set_new(r, "region", json_string(x->code));
        json_object_set_new(r, "name", json_string(x->name));
        json_object_set_new(r, "scored", json_boolean(x->scored));
        json_object_set_new(r, "total", x->scored ? json_real(x->total) : json_null());
        json_object_set_new(r, "rating", x->scored && x->rating ? json_string(t->fw->ratings[x->rating - 1].name) : json_null());
        json_object_set_new(r, "points_missing", x->scored ? json_real(x->points_missing) : json_null());
        json_object_set_new(r, "missing_indicators", json_integer(x->missing_indicators));
        json_object_set_new(r, "blocker", json_string(blocker_names[x->blocker]));
        json_object_set_new(r, "priority", json_boolean(x->priority));
        if (x->blocker == CS__BLOCK_VETO) {
            json_t *vs = json_array();
            for (int v = 0; v < x->nvetoes; v++) {
                const cs__adjustment *adj = &t->fw->adjustments[x->vetoes[v]];
                json_array_append_new(vs, json_pack("{s:o, s:o}", "code", adj->code ? json_string(adj->code) : json_null(), "text",
                                                    adj->text ? json_string(adj->text) : json_null()));
            }
            json_object_set_new(r, "vetoes", vs);
            json_object_set_new(r, "total_without_veto", json_real(x->total_without_veto));
            json_object_set_new(r, "rating_without_veto",
                                x->rating_without_veto ? json_string(t->fw->ratings[x->rating_without_veto - 1].name) : json_null());
        }
        if (x->blocker == CS__BLOCK_CONDITIONS) {
            json_t *us = json_array();
            for (int u = 0; u < x->nunmet; u++) {
                const cs__target_unmet *m = &x->unmet[u];
                json_array_append_new(us, json_pack("{s:s, s:s, s:s, s:b}", "rating", t->fw->ratings[m->rating - 1].name, "text",
                                                    m->c->text ? m->c->text : m->c->src, "expr", m->c->src, "missing", m->missing));
            }
            json_object_set_new(r, "unmet_conditions", us);
        }
        json_array_append_new(b, r);
    }
    json_object_set_new(o, "blocking", b);
    json_object_set_new(o, "blocking_hidden", json_integer(st->nhidden));
    json_object_set_new(o, "blocking_scope", st->scope ? json_string(st->scope) : json_null());
    return o;
}
