/*
 * compare_cmds.c — the `citystar compare` command: one region and period scored under several
 * frameworks side by side (跨框架对比), with the indicators that changed meaning, on stored data
 * (--db) or a data file (--data FILE.csv). Without --framework it compares every framework of
 * the region's level that scores points, oldest first. Exit status 0 on success, 1 on bad input
 * (an unknown framework or region, a framework of another level, no data), 2 on usage errors.
 */
#include <string.h>

#include "cli.h"
#include "planner/compare.h"
#include "service/service.h"

/* One framework of the comparison, scored. */
typedef cs__cli_region_scores scored_fw;

typedef CS__VEC(scored_fw) scored_vec;

static void scored_free(scored_vec *v)
{
    for (size_t k = 0; k < v->n; k++) {
        cs__cli_region_scores_free(&v->items[k]);
    }
    cs__vec_free(v);
}

/* The level of a region by the length of its GB/T 2260 code (37, 3708, 370811, 9 and 12 digits),
 * for data files, where no region tree is at hand; NULL when the length fits none. */
static const char *level_by_code(const char *code)
{
    static const struct {
        size_t len;
        const char *level;
    } levels[] = {{2, "province"}, {4, "city"}, {6, "county"}, {9, "street"}, {12, "community"}};
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++)
        if (strlen(code) == levels[k].len) return levels[k].level;
    return NULL;
}

/* Orders frameworks oldest first, then by id. */
static int by_year(const void *a, const void *b)
{
    const scored_fw *x = a, *y = b;
    if (x->fw->year != y->fw->year) return x->fw->year < y->fw->year ? -1 : 1;
    return strcmp(x->fw->id, y->fw->id);
}

/* Loads the frameworks named in list (comma-separated), or every framework of level that scores
 * points; returns an exit code after reporting. */
static int load_frameworks(const char *list, const char *level, const char *region, scored_vec *out)
{
    if (list) {
        char *copy = cs__xstrdup(list);
        str_vec ids = {0};
        cs__cli_split_list(copy, &ids);
        int rc = ids.n ? EXIT_OK : cs__cli_usage_error("--framework 为空 / --framework is empty%s", "");
        for (size_t k = 0; k < ids.n && !rc; k++) {
            for (size_t j = 0; j < k; j++)
                if (!strcmp(ids.items[j], ids.items[k])) rc = cs__cli_usage_error("--framework 中框架重复：%s / a framework is named twice", ids.items[k]);
            if (rc) break;
            scored_fw x = {0};
            if (!(x.fw = cs__cli_load_framework(ids.items[k]))) {
                rc = EXIT_INPUT;
                break;
            }
            cs__vec_push(out, x);
            if (strcmp(x.fw->region_level, level)) {
                fprintf(stderr, "citystar: 框架 %s 评价%s级地区，%s 是%s级地区 / framework %s scores %s regions; %s is a %s region\n",
                        x.fw->id, x.fw->region_level, region, level, x.fw->id, x.fw->region_level, region, level);
                rc = EXIT_INPUT;
            }
        }
        cs__vec_free(&ids);
        free(copy);
        return rc;
    }
    cs_diag *d = cs_diag_new();
    cs_framework **fws = NULL;
    int n = 0;
    cs_status st = cs__frameworks_load_all(cs__cli_frameworks_dir, &fws, &n, d);
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    if (st != CS_OK) return EXIT_INPUT;
    for (int k = 0; k < n; k++) {
        if (strcmp(fws[k]->region_level, level) || fws[k]->scoring == CS__SCORING_MONITOR) {
            cs_framework_free(fws[k]);
            continue;
        }
        scored_fw x = {0};
        x.fw = fws[k];
        cs__vec_push(out, x);
    }
    free(fws);
    if (!out->n) {
        fprintf(stderr, "citystar: 没有评价%s级地区并计分的框架 / no framework scores %s regions\n", level, level);
        return EXIT_INPUT;
    }
    qsort(out->items, out->n, sizeof *out->items, by_year);
    return EXIT_OK;
}

/* Scores x for region and period from the data file or the store; returns an exit code. */
static int score_one(scored_fw *x, cs_store *s, const char *data, const char *region, const char *period)
{
    int no_row;
    int rc = cs__cli_region_score(x, s, data, region, period, &no_row);
    if (no_row)
        fprintf(stderr, "citystar: 地区 %s 在 %s 年度没有 %s 的数据 / no data for region %s in period %s under %s\n", region, period,
                x->fw->id, region, period, x->fw->id);
    return rc;
}

int cs__cli_cmd_compare(int argc, char **argv)
{
    option opts[] = {{"region", 1, NULL, 0}, {"period", 1, NULL, 0},   {"framework", 1, NULL, 0}, {"format", 1, "text", 0},
                     {"data", 1, NULL, 0},   {"changed", 0, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    const char *region = cs__cli_opt(opts, "region"), *period = cs__cli_opt(opts, "period");
    const char *data = cs__cli_opt(opts, "data"), *format = cs__cli_opt(opts, "format");
    if (!region || !period) return cs__cli_usage_error("compare 需要 --region 和 --period / compare needs --region and --period%s", "");
    if (strcmp(format, "text") && strcmp(format, "json")) return cs__cli_usage_error("--format 应为 text 或 json / unknown format '%s'", format);

    scored_vec fws = {0};
    cs_store *s = NULL;
    cs__compare *cmp = NULL;
    int rc = EXIT_OK;
    const char *level = NULL;
    char level_buf[32];
    cs_region reg;
    if (data) {
        if (!(level = level_by_code(region))) {
            fprintf(stderr, "citystar: %s 不是行政区划代码 / %s is not a region code\n", region, region);
            rc = EXIT_INPUT;
            goto out;
        }
    } else {
        if (!(s = cs__cli_open_store(1))) {
            rc = EXIT_INPUT;
            goto out;
        }
        cs_diag *d = cs_diag_new();
        cs_status st = cs_store_region(s, region, &reg, d);
        if (st == CS_ENOTFOUND) fprintf(stderr, "citystar: 没有地区 %s / no region %s\n", region, region);
        else cs_diag_print(d, stderr);
        cs_diag_free(d);
        if (st != CS_OK) {
            rc = EXIT_INPUT;
            goto out;
        }
        snprintf(level_buf, sizeof level_buf, "%s", reg.level ? reg.level : "");
        level = level_buf; /* the store's strings last until its next call */
    }
    if ((rc = load_frameworks(cs__cli_opt(opts, "framework"), level, region, &fws))) goto out;
    for (size_t k = 0; k < fws.n && !rc; k++) rc = score_one(&fws.items[k], s, data, region, period);
    if (rc) goto out;
    if (s) {
        fprintf(stderr, "citystar: 按修订号 %lld 的数据对比 / compared the data as of revision %lld\n", (long long)fws.items[0].sc.as_of,
                (long long)fws.items[0].sc.as_of);
    }

    cs__compare_input *in = cs__xcalloc(fws.n, sizeof *in);
    for (size_t k = 0; k < fws.n; k++) in[k] = (cs__compare_input){fws.items[k].res, fws.items[k].row};
    cs_diag *d = cs_diag_new();
    if (cs__compare_build(in, (int)fws.n, &cmp, d) != CS_OK) rc = EXIT_USAGE;
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    free(in);
    if (rc) goto out;
    if (!strcmp(format, "json")) {
        json_t *j = cs__compare_to_json(cmp);
        cs__cli_print_json(j);
        json_decref(j);
    } else {
        cs__buf b = {0};
        cs__compare_text(cmp, cs__cli_flag(opts, "changed"), &b);
        fputs(cs__buf_str(&b), stdout);
        cs__buf_free(&b);
    }
out:
    cs__compare_free(cmp);
    scored_free(&fws);
    cs_store_close(s);
    return rc;
}
