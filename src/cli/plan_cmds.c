/*
 * plan_cmds.c — the `citystar gap` and `citystar plan` commands: one region's gap analysis
 * (查缺补漏) and its least-effort upgrade plan to a target star level, on stored data (--db, as
 * `citystar score --region R --period P` reads it) or on a data file (--data FILE.csv). Exit
 * status 0 on success, 1 on bad input or an unreachable target, 2 on usage errors.
 */
#include <string.h>

#include "cli.h"
#include "planner/planner.h"
#include "service/service.h"

/* The scores a command works on: one region of a framework for one period. */
typedef struct {
    cs__cli_region_scores rs;
    cs_store *s;
} region_scores;

static void region_scores_free(region_scores *x)
{
    cs__cli_region_scores_free(&x->rs);
    cs_store_close(x->s);
}

/* Finds region in res; returns 0 when it is not there. */
static int find_row(const cs_results *res, const char *region, size_t *row)
{
    for (size_t r = 0; r < res->n; r++)
        if (!strcmp(res->regions[r], region)) {
            *row = r;
            return 1;
        }
    return 0;
}

int cs__cli_region_score(cs__cli_region_scores *x, cs_store *s, const char *data, const char *region, const char *period,
                         int *no_row)
{
    *no_row = 0;
    cs_plan_compile(x->fw, &x->plan, NULL);
    cs_diag *d = cs_diag_new();
    if (data) {
        x->ds = cs_dataset_new();
        size_t ignored = 0;
        cs_status rc = cs__read_data_csv(data, x->fw, 0, x->ds, d, &ignored);
        cs_diag_print(d, stderr);
        cs_diag_free(d);
        if (rc != CS_OK) {
            fprintf(stderr, "citystar: %s 未导入任何数据 / nothing was read from %s\n", data, data);
            return EXIT_INPUT;
        }
        cs_evaluate(x->plan, x->ds, period, &x->own);
        x->res = x->own;
    } else {
        cs_status rc = cs__score_store(s, x->plan, region, period, 0, 0, &x->sc, d);
        cs_diag_print(d, stderr);
        cs_diag_free(d);
        if (rc != CS_OK) return rc == CS_EUSAGE ? EXIT_USAGE : EXIT_INPUT;
        x->scored = 1;
        x->res = x->sc.res;
    }
    if (!find_row(x->res, region, &x->row)) {
        *no_row = 1;
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

void cs__cli_region_scores_free(cs__cli_region_scores *x)
{
    cs_results_free(x->own);
    cs_dataset_free(x->ds);
    if (x->scored) cs__store_scores_free(&x->sc);
    cs_plan_free(x->plan);
    cs_framework_free(x->fw);
    memset(x, 0, sizeof *x);
}

/* The Chinese name of a region level (county → 县). */
static const char *level_name(const char *level)
{
    static const char *const names[][2] = {{"province", "省"}, {"city", "市"}, {"county", "县"}, {"street", "街道"}, {"community", "社区"}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strcmp(level, names[k][0])) return names[k][1];
    return level;
}

/* Scores the region asked for (from --data or the store); returns an exit code. */
static int load_region(region_scores *x, const option *opts)
{
    memset(x, 0, sizeof *x);
    const char *region = cs__cli_opt(opts, "region"), *period = cs__cli_opt(opts, "period"), *data = cs__cli_opt(opts, "data");
    if (!(x->rs.fw = cs__cli_load_framework(cs__cli_opt(opts, "framework")))) return EXIT_INPUT;
    if (!data && !(x->s = cs__cli_open_store(1))) return EXIT_INPUT;
    int no_row;
    int rc = cs__cli_region_score(&x->rs, x->s, data, region, period, &no_row);
    if (x->rs.scored)
        fprintf(stderr, "citystar: 按修订号 %lld 的数据分析（数据指纹 %.16s…）/ analysed the data as of revision %lld\n",
                (long long)x->rs.sc.as_of, x->rs.sc.data_sha256, (long long)x->rs.sc.as_of);
    if (no_row && data) {
        fprintf(stderr, "citystar: 数据中没有地区 %s 年度 %s 的记录 / no data for region %s in period %s\n", region, period, region, period);
    } else if (no_row) {
        const char *lv = x->rs.fw->region_level;
        fprintf(stderr, "citystar: %s 没有 %s 年度的%s级数据：查缺补漏与升级规划针对单个%s级地区 / no %s-level data for %s in %s: gap and plan work on one %s region\n",
                region, period, level_name(lv), level_name(lv), lv, region, period, lv);
    }
    return rc;
}

/* Parses the options shared by gap and plan; returns 0 or an exit code. */
static int common_options(int argc, char **argv, option *opts, const char *cmd)
{
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    if (!cs__cli_opt(opts, "framework") || !cs__cli_opt(opts, "region") || !cs__cli_opt(opts, "period"))
        return cs__cli_usage_error("%s 需要 --framework、--region 和 --period / needs --framework, --region and --period", cmd);
    const char *format = cs__cli_opt(opts, "format");
    if (strcmp(format, "text") && strcmp(format, "json")) return cs__cli_usage_error("--format 应为 text 或 json / unknown format '%s'", format);
    return 0;
}

int cs__cli_cmd_gap(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"region", 1, NULL, 0}, {"period", 1, NULL, 0}, {"target", 1, NULL, 0},
                     {"format", 1, "text", 0},  {"data", 1, NULL, 0},   {NULL, 0, NULL, 0}};
    int rc = common_options(argc, argv, opts, "gap");
    if (rc) return rc;
    region_scores x;
    rc = load_region(&x, opts);
    if (rc) {
        region_scores_free(&x);
        return rc;
    }
    cs_diag *d = cs_diag_new();
    cs__planner_opts po = {cs__cli_opt(opts, "target"), NULL, 0, d};
    cs__gap *g = NULL;
    if (cs__gap_analyse(x.rs.plan, x.rs.res, x.rs.row, &po, &g, d) != CS_OK) {
        rc = EXIT_USAGE;
    } else if (!strcmp(cs__cli_opt(opts, "format"), "json")) {
        json_t *j = cs__gap_to_json(g);
        cs__cli_print_json(j);
        json_decref(j);
    } else {
        cs__buf b = {0};
        cs__gap_text(g, &b);
        fputs(cs__buf_str(&b), stdout);
        cs__buf_free(&b);
    }
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    cs__gap_free(g);
    region_scores_free(&x);
    return rc;
}

/* Reads and parses the costs file; returns 0 or an exit code after reporting. */
static int load_costs(const char *path, const cs_framework *fw, cs__costs **out)
{
    cs_diag *d = cs_diag_new();
    cs__buf text = {0};
    cs_status rc = cs__read_file(path, &text, 16u << 20, d);
    if (rc == CS_OK) rc = cs__costs_parse(fw, path, text.s ? text.s : "", text.len, out, d);
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    cs__buf_free(&text);
    if (rc != CS_OK) fprintf(stderr, "citystar: 费用文件 %s 有误，未规划 / the costs file %s has errors; nothing planned\n", path, path);
    return rc == CS_OK ? 0 : EXIT_INPUT;
}

int cs__cli_cmd_plan(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"region", 1, NULL, 0}, {"period", 1, NULL, 0},
                     {"target", 1, NULL, 0},    {"costs", 1, NULL, 0},  {"format", 1, "text", 0},
                     {"data", 1, NULL, 0},      {NULL, 0, NULL, 0}};
    int rc = common_options(argc, argv, opts, "plan");
    if (rc) return rc;
    if (!cs__cli_opt(opts, "target")) return cs__cli_usage_error("plan 需要目标星级 --target LEVEL（如 四星（基础型））/ plan needs --target%s", "");
    region_scores x;
    rc = load_region(&x, opts);
    cs__costs *costs = NULL;
    if (!rc && cs__cli_opt(opts, "costs")) rc = load_costs(cs__cli_opt(opts, "costs"), x.rs.fw, &costs);
    if (rc) {
        region_scores_free(&x);
        return rc;
    }
    cs_diag *d = cs_diag_new();
    cs__planner_opts po = {cs__cli_opt(opts, "target"), costs, 0, d};
    cs__upgrade *u = NULL;
    if (cs__upgrade_find(x.rs.plan, x.rs.res, x.rs.row, &po, &u, d) != CS_OK) {
        rc = EXIT_USAGE;
    } else {
        if (!strcmp(cs__cli_opt(opts, "format"), "json")) {
            json_t *j = cs__upgrade_to_json(u);
            cs__cli_print_json(j);
            json_decref(j);
        } else {
            cs__buf b = {0};
            cs__upgrade_text(u, &b);
            fputs(cs__buf_str(&b), stdout);
            cs__buf_free(&b);
        }
        if (u->status == CS__PLAN_UNREACHABLE) {
            fprintf(stderr, "citystar: %s\n", u->reason);
            rc = EXIT_INPUT;
        }
    }
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    cs__upgrade_free(u);
    cs__costs_free(costs);
    region_scores_free(&x);
    return rc;
}
