/*
 * server_cmds.c — the `citystar` commands for assessment rounds (round open, list, show,
 * submit, return, approve, override, close, publish), accounts (user add, list, set), the audit
 * log (audit verify, list) and the server (serve). They call the same store and service
 * functions as the JSON API; the CLI is trusted (whoever runs it has the database), so it does
 * not ask for roles, but every write is audited with --user and origin "cli".
 */
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "server/server.h"
#include "service/service.h"

/* ---- round (assessment rounds) ---------------------------------------------------------------- */

static int print_round(void *ctx, const cs_assessment *a)
{
    int *n = ctx;
    if (!(*n)++) printf("%-6s %-18s %-10s %-6s %-10s %-10s %-8s %s\n", "编号", "框架", "地区", "年度", "类型", "状态", "总分", "星级");
    char total[32] = "";
    if (!isnan(a->total) && !strcmp(a->state, "closed")) snprintf(total, sizeof total, "%.2f", a->total);
    printf("%-6lld %-18s %-10s %-6s %-10s %-10s %-8s %s%s\n", (long long)a->id, a->framework, a->region, a->period, cs_round_kind_name(a->kind),
           a->state, total, a->rating, a->published ? "（已发布）" : "");
    return 0;
}

static int print_step(void *ctx, const cs_assessment_event *e)
{
    (void)ctx;
    printf("  %s  %-8s %-10s %s%s%s（%lld 项数据）\n", e->at, e->action, e->actor, *e->indicator ? e->indicator : "",
           *e->indicator && *e->comment ? "：" : "", e->comment, (long long)e->moved);
    return 0;
}

static int print_override(void *ctx, const cs_override *o)
{
    (void)ctx;
    printf("  调整 %s → %g 分（%s，%s）理由：%s\n", o->indicator, o->points, o->actor, o->at, o->reason);
    return 0;
}

static const cs_framework *load_fw_all(cs_framework ***fws, int *n, const char *id, cs_diag *d)
{
    if (cs__frameworks_load_all(cs__cli_frameworks_dir, fws, n, d) != CS_OK) return NULL;
    const cs_framework *fw = cs__fw_find(*fws, *n, id);
    if (!fw) cs__diag_add(d, CS__ERROR, NULL, 0, 0, "没有框架 '%s' / no framework '%s'", id, id);
    return fw;
}

int cs__cli_cmd_assessment(int argc, char **argv)
{
    option opts[] = {{"framework", 1, NULL, 0}, {"region", 1, NULL, 0},    {"period", 1, NULL, 0},
                     {"kind", 1, "self", 0},    {"comment", 1, NULL, 0},   {"indicator", 1, NULL, 0},
                     {"points", 1, NULL, 0},    {"reason", 1, NULL, 0},    {NULL, 0, NULL, 0}};
    const char *pos[2];
    int npos;
    const char *sub = argv[0];
    if (cs__cli_parse_options(argc - 1, argv + 1, opts, pos, &npos, 1)) return EXIT_USAGE;
    static const char *const steps[] = {"submit", "return", "approve", "close", "publish", "override", "show", NULL};
    int is_step = 0;
    for (int i = 0; steps[i]; i++) is_step |= !strcmp(sub, steps[i]);
    if (strcmp(sub, "open") && strcmp(sub, "list") && !is_step)
        return cs__cli_usage_error("未知的子命令 / unknown subcommand 'round %s'", sub);
    if (is_step && npos != 1) return cs__cli_usage_error("用法 / usage: round %s ID", sub);
    cs_store *s = cs__cli_open_store(1);
    if (!s) return EXIT_INPUT;
    cs_store_set_origin(s, "cli");
    cs_diag *d = cs_diag_new();
    cs_status rc = CS_OK;
    cs_framework **fws = NULL;
    int nfws = 0;
    if (!strcmp(sub, "open")) {
        cs_assessment a = {0, cs__cli_opt(opts, "framework"), cs__cli_opt(opts, "region"), cs__cli_opt(opts, "period"),
                           cs__cli_opt(opts, "kind")};
        int64_t id = 0;
        if (!a.framework || !a.region || !a.period) {
            cs_store_close(s);
            cs_diag_free(d);
            return cs__cli_usage_error("用法 / usage: round open --framework F --region R --period P --kind K%s", "");
        }
        if (load_fw_all(&fws, &nfws, a.framework, d)) rc = cs_store_add_assessment(s, &a, cs__cli_user, &id, d);
        else rc = CS_EUSAGE;
        if (rc == CS_OK) printf("已开启评估轮次 %lld（%s %s %s %s）/ opened round %lld\n", (long long)id, a.framework, a.region, a.period,
                                cs_round_kind_name(a.kind), (long long)id);
    } else if (!strcmp(sub, "list")) {
        int n = 0;
        rc = cs_store_assessments(s, cs__cli_opt(opts, "region"), cs__cli_opt(opts, "period"), 0, print_round, &n, d);
        if (rc == CS_OK && !n) printf("没有评估轮次 / no rounds\n");
    } else {
        int64_t id = atoll(pos[0]);
        cs_assessment a;
        rc = cs_store_assessment(s, id, &a, d);
        char framework[64] = "";
        if (rc == CS_OK) snprintf(framework, sizeof framework, "%s", a.framework);
        const cs_framework *fw = rc == CS_OK ? load_fw_all(&fws, &nfws, framework, d) : NULL;
        if (rc == CS_OK && !fw) rc = CS_EUSAGE;
        if (rc != CS_OK) {
        } else if (!strcmp(sub, "show")) {
            int n = 0;
            print_round(&n, &a);
            rc = cs_store_assessment_events(s, id, print_step, NULL, d);
            if (rc == CS_OK) rc = cs_store_overrides(s, id, print_override, NULL, d);
        } else if (!strcmp(sub, "override")) {
            const char *ind = cs__cli_opt(opts, "indicator"), *pts = cs__cli_opt(opts, "points");
            char *end = NULL;
            int i = ind ? cs__fw_indicator_index(fw, ind) : -1;
            if (i < 0 || !pts) {
                cs__diag_add(d, CS__ERROR, NULL, 0, 0, "需要 --indicator（框架中的指标）和 --points / --indicator and --points are required");
                rc = CS_EUSAGE;
            } else if (!cs__indicator_qualitative(fw, i)) {
                cs__diag_add(d, CS__ERROR, NULL, 0, 0, "指标 %s 不是定性指标，得分只能由数据计算 / indicator %s is not qualitative", ind, ind);
                rc = CS_EDATA;
            } else if (strtod(pts, &end), *end || !*pts || atof(pts) < 0 || atof(pts) > fw->indicators[i].max_points) {
                cs__diag_add(d, CS__ERROR, NULL, 0, 0, "--points 应为 0 到 %g 之间的数 / --points must be a number from 0 to %g, not '%s'",
                             fw->indicators[i].max_points, fw->indicators[i].max_points, pts);
                rc = CS_EUSAGE;
            } else {
                rc = cs_store_add_override(s, id, ind, atof(pts), cs__cli_opt(opts, "reason"), cs__cli_user, NULL, d);
                if (rc == CS_OK) printf("已调整指标 %s 为 %s 分 / overrode %s\n", ind, pts, ind);
            }
        } else if (!strcmp(sub, "close")) {
            cs_plan *plan = NULL;
            char *rating = NULL;
            double total = 0;
            rc = cs_plan_compile(fw, &plan, d);
            if (rc == CS_OK) rc = cs__round_close(s, plan, id, cs__cli_user, &rating, &total, d);
            if (rc == CS_OK)
                printf("评估轮次 %lld 已关闭并锁定：总分 %.2f，%s / round %lld closed: total %.2f, %s\n", (long long)id, total,
                       *rating ? rating : "未达到星级", (long long)id, total, *rating ? rating : "no rating");
            free(rating);
            cs_plan_free(plan);
        } else {
            const char *ind = cs__cli_opt(opts, "indicator");
            int i = ind ? cs__fw_indicator_index(fw, ind) : -1;
            if (ind && i < 0) {
                cs__diag_add(d, CS__ERROR, NULL, 0, 0, "框架 %s 没有指标 %s / no indicator %s", framework, ind, ind);
                rc = CS_EUSAGE;
            } else {
                const char **elements = NULL;
                size_t n = cs__round_elements(fw, i, &elements), moved = 0;
                cs_assessment_step step = {sub, ind ? ind : "", cs__cli_opt(opts, "comment"), elements, n, NULL, NULL, 0, cs__cli_user};
                rc = cs_store_assessment_step(s, id, &step, &moved, d);
                free(elements);
                if (rc == CS_OK) printf("评估轮次 %lld：%s 完成（%zu 项数据）/ round %lld: %s done (%zu values)\n", (long long)id, sub, moved,
                                        (long long)id, sub, moved);
            }
        }
    }
    cs__frameworks_free(fws, nfws);
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

/* ---- user ---------------------------------------------------------------------------------------- */

/* The password from $CITYSTAR_PASSWORD or the first line of standard input. */
static char *read_password(void)
{
    const char *env = getenv("CITYSTAR_PASSWORD");
    if (env && *env) return cs__xstrdup(env);
    char line[512];
    if (!fgets(line, sizeof line, stdin)) return NULL;
    line[strcspn(line, "\r\n")] = 0;
    return cs__xstrdup(line);
}

static int print_account(void *ctx, const cs_account *a)
{
    int *n = ctx;
    if (!(*n)++) printf("%-5s %-16s %-12s %-15s %-10s %-6s %s\n", "编号", "登录名", "姓名", "角色", "地区", "启用", "牵头部门");
    printf("%-5lld %-16s %-12s %-15s %-10s %-6s %s\n", (long long)a->id, a->login, a->name, a->role, a->region, a->active ? "是" : "否",
           a->department);
    return 0;
}

int cs__cli_cmd_user(int argc, char **argv)
{
    option opts[] = {{"name", 1, NULL, 0},   {"role", 1, NULL, 0},           {"region", 1, NULL, 0},
                     {"department", 1, NULL, 0}, {"active", 1, NULL, 0}, {"password-stdin", 0, NULL, 0},
                     {NULL, 0, NULL, 0}};
    const char *pos[2];
    int npos;
    if (argc < 1 || cs__cli_parse_options(argc - 1, argv + 1, opts, pos, &npos, 1))
        return cs__cli_usage_error("用法 / usage: user add LOGIN ... | user list | user set LOGIN ...%s", "");
    const char *sub = argv[0];
    if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "set"))
        return cs__cli_usage_error("未知的子命令 / unknown subcommand 'user %s'", sub);
    if (strcmp(sub, "list") && npos != 1) return cs__cli_usage_error("用法 / usage: user %s LOGIN ...", sub);
    const char *dept = cs__cli_opt(opts, "department");
    if (dept && *dept) {
        cs_framework **fws = NULL;
        int nfws = 0;
        cs_diag *fd = cs_diag_new();
        int known = cs__frameworks_load_all(cs__cli_frameworks_dir, &fws, &nfws, fd) == CS_OK &&
                    cs__department_known(fws, nfws, dept);
        cs__frameworks_free(fws, nfws);
        if (!known) {
            cs__diag_add(fd, CS__ERROR, NULL, 0, 0, "没有哪个框架的指标由“%s”牵头 / no indicator of any framework is led by '%s'", dept,
                         dept);
            return cs__cli_finish(fd, CS_EDATA);
        }
        cs_diag_free(fd);
    }
    cs_store *s = cs__cli_open_store(1);
    if (!s) return EXIT_INPUT;
    cs_store_set_origin(s, "cli");
    cs_diag *d = cs_diag_new();
    cs_status rc = CS_OK;
    if (!strcmp(sub, "list")) {
        int n = 0;
        rc = cs_store_accounts(s, NULL, print_account, &n, d);
        if (rc == CS_OK && !n) printf("没有账号 / no accounts\n");
    } else if (!strcmp(sub, "add")) {
        cs_account a = {0, pos[0], cs__cli_opt(opts, "name"), cs__cli_opt(opts, "role"), cs__cli_opt(opts, "region"),
                        cs__cli_opt(opts, "department"), 1};
        char *pw = read_password();
        int64_t id = 0;
        rc = cs_store_add_account(s, &a, pw ? pw : "", cs__cli_user, &id, d);
        if (pw) sodium_memzero(pw, strlen(pw));
        free(pw);
        if (rc == CS_OK) printf("已创建账号 %s（编号 %lld，%s）/ created account %s\n", pos[0], (long long)id, a.role, pos[0]);
    } else {
        cs_account cur;
        rc = cs_store_account(s, 0, pos[0], &cur, d);
        if (rc == CS_OK) {
            int64_t id = cur.id;
            const char *act = cs__cli_opt(opts, "active");
            cs_account ch = {0, NULL, cs__cli_opt(opts, "name"), cs__cli_opt(opts, "role"), cs__cli_opt(opts, "region"),
                             cs__cli_opt(opts, "department"), act ? (!strcmp(act, "yes") || !strcmp(act, "是") || !strcmp(act, "1")) : -1};
            char *pw = cs__cli_flag(opts, "password-stdin") ? read_password() : NULL;
            rc = cs_store_update_account(s, id, &ch, pw, cs__cli_user, d);
            if (pw) sodium_memzero(pw, strlen(pw));
            free(pw);
            if (rc == CS_OK) printf("已更新账号 %s / updated account %s\n", pos[0], pos[0]);
        }
    }
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

/* ---- audit ------------------------------------------------------------------------------------ */

static int print_audit(void *ctx, const cs_audit_entry *e)
{
    (void)ctx;
    printf("%-6lld %s  %-14s %-16s %-18s %-24s %.16s…\n", (long long)e->id, e->at, e->actor, e->origin, e->action, e->object,
           e->sha256);
    return 0;
}

int cs__cli_cmd_audit(int argc, char **argv)
{
    option opts[] = {{"limit", 1, "50", 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (argc < 1 || cs__cli_parse_options(argc - 1, argv + 1, opts, pos, &npos, 0))
        return cs__cli_usage_error("用法 / usage: audit verify | audit list [--limit N]%s", "");
    const char *sub = argv[0];
    if (strcmp(sub, "verify") && strcmp(sub, "list")) return cs__cli_usage_error("未知的子命令 / unknown subcommand 'audit %s'", sub);
    cs_store *s = cs__cli_open_store(1);
    if (!s) return EXIT_INPUT;
    cs_diag *d = cs_diag_new();
    cs_status rc;
    if (!strcmp(sub, "list")) {
        rc = cs_store_audit(s, 0, (size_t)atol(cs__cli_opt(opts, "limit")), 1, print_audit, NULL, d);
    } else {
        int64_t count = 0, broken = 0;
        char head[65];
        rc = cs_store_audit_verify(s, &count, head, &broken, d);
        if (rc == CS_OK)
            printf("审计日志完整：%lld 条记录，最新哈希 %s / the audit log is intact: %lld entries, head %s\n", (long long)count, head,
                   (long long)count, head);
        else if (broken)
            fprintf(stderr, "citystar: 审计日志在第 %lld 条处被破坏（之前 %lld 条完好）/ the audit log is broken at entry %lld\n",
                    (long long)broken, (long long)count, (long long)broken);
    }
    cs_store_close(s);
    return cs__cli_finish(d, rc);
}

/* ---- serve ---------------------------------------------------------------------------------------- */

int cs__cli_cmd_serve(int argc, char **argv)
{
    option opts[] = {{"config", 1, NULL, 0},  {"address", 1, NULL, 0}, {"port", 1, NULL, 0},
                     {"static", 1, NULL, 0},  {"threads", 1, NULL, 0}, {"access-log", 1, NULL, 0},
                     {"targets", 1, NULL, 0}, {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    cs_diag *d = cs_diag_new();
    cs_server_config cfg;
    cs_status rc = cs__server_config_load(&cfg, cs__cli_opt(opts, "config"), d);
    if (rc == CS_OK) {
        /* flags win over the file; the database and frameworks follow the global options unless
         * the file names them and no flag was given */
        if (!cfg.database || cs__cli_db_given) {
            free(cfg.database);
            cfg.database = cs__xstrdup(cs__cli_db);
        }
        if (!cfg.frameworks_dir || cs__cli_frameworks_given) {
            free(cfg.frameworks_dir);
            cfg.frameworks_dir = cs__xstrdup(cs__cli_frameworks_dir);
        }
        const char *v;
        if ((v = cs__cli_opt(opts, "targets"))) {
            free(cfg.targets_dir), cfg.targets_dir = cs__xstrdup(v);
        } else if (!cfg.targets_dir) {
            /* the targets/ folder beside the frameworks folder, as `citystar targets` reads it */
            cs__buf dir = {0};
            const char *slash = strrchr(cfg.frameworks_dir, '/');
            if (slash) cs__buf_appendn(&dir, cfg.frameworks_dir, (size_t)(slash - cfg.frameworks_dir + 1));
            cs__buf_append(&dir, "targets");
            cfg.targets_dir = cs__xstrdup(cs__buf_str(&dir));
            cs__buf_free(&dir);
        }
        if ((v = cs__cli_opt(opts, "address"))) free(cfg.address), cfg.address = cs__xstrdup(v);
        if ((v = cs__cli_opt(opts, "port"))) cfg.port = atoi(v);
        if ((v = cs__cli_opt(opts, "static"))) free(cfg.static_dir), cfg.static_dir = cs__xstrdup(v);
        if ((v = cs__cli_opt(opts, "threads"))) cfg.threads = atoi(v);
        if ((v = cs__cli_opt(opts, "access-log"))) free(cfg.access_log), cfg.access_log = cs__xstrdup(v);
        if (cfg.port <= 0 || cfg.port > 65535 || cfg.threads < 1 || cfg.threads > 256) {
            cs__diag_add(d, CS__ERROR, NULL, 0, 0, "端口应为 1–65535，线程数 1–256 / port 1–65535, threads 1–256");
            rc = CS_EUSAGE;
        }
    }
    if (rc == CS_OK) rc = cs__serve(&cfg, d);
    cs__server_config_free(&cfg);
    return cs__cli_finish(d, rc);
}
