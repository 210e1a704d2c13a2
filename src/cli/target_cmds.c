/*
 * target_cmds.c — the `citystar targets` command: reads target files (every *.yaml in the
 * targets/ folder beside the frameworks folder, or --file FILE ...), scores the regions each
 * target counts from the store (as `citystar score --region R --period P` does) and reports
 * whether the target is met, how many more regions are needed and which regions block it. Exit
 * status 0 when every target is met, 1 when one is not, 2 on usage errors or a bad target file.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "framework/model.h"
#include "planner/targets.h"
#include "service/service.h"
#include "citystar/store.h"

/* The frameworks the target files name, each loaded and compiled once. */
typedef struct {
    cs_framework *fw;
    cs_plan *plan;
} fw_entry;

typedef CS__VEC(fw_entry) fw_vec;

/* A cs__framework_lookup over the frameworks folder: loads id once (silently: the target file's
 * error names the unknown framework). */
static const cs_framework *lookup_framework(void *ctx, const char *id)
{
    fw_vec *v = ctx;
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->items[i].fw->id, id)) return v->items[i].fw;
    if (strchr(id, '/') || strchr(id, '.')) return NULL;
    cs__buf path = {0};
    cs__buf_printf(&path, "%s/%s.yaml", cs__cli_frameworks_dir, id);
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    FILE *probe = fopen(cs__buf_str(&path), "rb");
    if (probe) {
        fclose(probe);
        cs_framework_load_file(cs__buf_str(&path), &fw, d);
    }
    cs_diag_free(d);
    cs__buf_free(&path);
    if (!fw) return NULL;
    if (strcmp(fw->id, id)) {
        cs_framework_free(fw);
        return NULL;
    }
    fw_entry e = {fw, NULL};
    cs_plan_compile(fw, &e.plan, NULL);
    cs__vec_push(v, e);
    return fw;
}

static const cs_plan *plan_of(const fw_vec *v, const cs_framework *fw)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i].fw == fw) return v->items[i].plan;
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the *.yaml files of the targets folder beside the frameworks folder to files (new
 * strings the caller frees); returns 0 or an exit code after reporting. */
static int default_files(str_vec *files)
{
    cs__buf dir = {0};
    const char *slash = strrchr(cs__cli_frameworks_dir, '/');
    if (slash) cs__buf_appendn(&dir, cs__cli_frameworks_dir, (size_t)(slash - cs__cli_frameworks_dir + 1));
    cs__buf_append(&dir, "targets");
    DIR *d = opendir(cs__buf_str(&dir));
    if (!d) {
        fprintf(stderr, "citystar: 无法打开目标文件夹 %s / cannot open the targets folder %s; use --file FILE\n", cs__buf_str(&dir),
                cs__buf_str(&dir));
        cs__buf_free(&dir);
        return EXIT_USAGE;
    }
    size_t first = files->n;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") || e->d_name[0] == '.') continue;
        cs__buf p = {0};
        cs__buf_printf(&p, "%s/%s", cs__buf_str(&dir), e->d_name);
        cs__vec_push(files, strdup(cs__buf_str(&p)));
        cs__buf_free(&p);
    }
    closedir(d);
    if (files->n > first) qsort(files->items + first, files->n - first, sizeof *files->items, cmp_str);
    int rc = files->n > first ? 0 : EXIT_USAGE;
    if (rc) fprintf(stderr, "citystar: %s 中没有目标文件 / no target files in %s\n", cs__buf_str(&dir), cs__buf_str(&dir));
    cs__buf_free(&dir);
    return rc;
}

/* The regions a target counts: codes and names of level under root. */
typedef struct {
    const char *level;
    cs__arena *arena;
    CS__VEC(const char *) codes;
    CS__VEC(const char *) names;
} region_list;

static int collect_region(void *ctx, const cs_region *r)
{
    region_list *l = ctx;
    if (strcmp(r->level, l->level)) return 0;
    const char *code = cs__arena_strdup(l->arena, r->code), *name = cs__arena_strdup(l->arena, r->name);
    cs__vec_push(&l->codes, code);
    cs__vec_push(&l->names, name);
    return 0;
}

/* Scores target t for period from the store and prints its state (text) or appends it to all
 * (JSON). Returns 0 met, 1 not met, 2 on an error (reported). */
static int run_target(cs_store *s, const cs__target *t, const cs_plan *plan, const char *period, int json, json_t *all, int first)
{
    cs_diag *d = cs_diag_new();
    cs__arena arena = {0};
    region_list l = {t->level, &arena, {0}, {0}};
    cs__store_scores sc;
    int scored = 0, code = 0;
    cs_region root;
    cs_status rc = cs_store_region(s, t->region, &root, d);
    if (rc == CS_ENOTFOUND) {
        cs_diag_free(d);
        d = cs_diag_new();
        fprintf(stderr, "citystar: %s:%d:%d: 库中没有地区 %s（先 region import）/ region %s is not in the store\n", t->file, t->line, t->col,
                t->region, t->region);
        code = EXIT_USAGE;
        goto out;
    }
    /* root's strings last until the next call on the store */
    const char *root_name = rc == CS_OK ? cs__arena_strdup(&arena, root.name) : NULL;
    if (rc == CS_OK) rc = cs_store_regions(s, t->region, t->level, collect_region, &l, d);
    if (rc == CS_OK) rc = cs__score_store(s, plan, t->region, period, 0, 0, &sc, d);
    if (rc != CS_OK) {
        code = EXIT_USAGE;
        goto out;
    }
    scored = 1;
    cs__target_state st;
    cs__target_assess(t, period, plan, sc.res, l.codes.items, l.names.items, l.codes.n, &arena, &st);
    st.region_name = root_name;
    if (json) {
        json_array_append_new(all, cs__target_to_json(&st));
    } else {
        cs__buf b = {0};
        cs__target_text(&st, &b);
        if (!first) fputs("\n", stdout);
        fputs(cs__buf_str(&b), stdout);
        cs__buf_free(&b);
    }
    code = st.met ? EXIT_OK : EXIT_INPUT;
out:
    cs_diag_print(d, stderr);
    cs_diag_free(d);
    if (scored) cs__store_scores_free(&sc);
    cs__vec_free(&l.codes);
    cs__vec_free(&l.names);
    cs__arena_release(&arena);
    return code;
}

int cs__cli_cmd_targets(int argc, char **argv)
{
    option opts[] = {{"period", 1, NULL, 0}, {"region", 1, NULL, 0}, {"format", 1, "text", 0}, {NULL, 0, NULL, 0}};
    str_vec files = {0};
    fw_vec fws = {0};
    CS__VEC(cs__target_set *) sets = {0};
    CS__VEC(char *) rest = {0};
    cs_store *s = NULL;
    json_t *all = NULL;
    int code = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--file")) {
            if (i + 1 >= argc) {
                code = cs__cli_usage_error("选项 %s 需要一个值 / option needs a value", argv[i]);
                goto out;
            }
            cs__vec_push(&files, strdup(argv[++i]));
        } else if (!strncmp(argv[i], "--file=", 7)) {
            cs__vec_push(&files, strdup(argv[i] + 7));
        } else {
            cs__vec_push(&rest, argv[i]);
        }
    }
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options((int)rest.n, rest.items, opts, pos, &npos, 0)) {
        code = EXIT_USAGE;
        goto out;
    }
    const char *format = cs__cli_opt(opts, "format"), *period = cs__cli_opt(opts, "period"), *region = cs__cli_opt(opts, "region");
    if (strcmp(format, "text") && strcmp(format, "json")) {
        code = cs__cli_usage_error("--format 应为 text 或 json / unknown format '%s'", format);
        goto out;
    }
    if (period && (strlen(period) != 4 || strspn(period, "0123456789") != 4)) {
        code = cs__cli_usage_error("--period 应为年份（如 2024）/ --period must be a year, found '%s'", period);
        goto out;
    }
    if (!files.n && (code = default_files(&files))) goto out;
    /* Every file is read and checked before anything is scored, all errors reported. */
    for (size_t i = 0; i < files.n; i++) {
        cs_diag *d = cs_diag_new();
        cs__buf text = {0};
        cs__target_set *set = NULL;
        cs_status rc = cs__read_file(files.items[i], &text, 4u << 20, d);
        if (rc == CS_OK) rc = cs__targets_parse(files.items[i], text.s ? text.s : "", text.len, lookup_framework, &fws, &set, d);
        cs_diag_print(d, stderr);
        cs_diag_free(d);
        cs__buf_free(&text);
        if (rc != CS_OK) code = EXIT_USAGE;
        else cs__vec_push(&sets, set);
    }
    if (code) {
        fprintf(stderr, "citystar: 目标文件有误，未评估 / the target files have errors; nothing assessed\n");
        goto out;
    }
    if (!(s = cs__cli_open_store(1))) {
        code = EXIT_USAGE;
        goto out;
    }
    all = json_array();
    int shown = 0, unmet = 0, failed = 0;
    for (size_t i = 0; i < sets.n; i++)
        for (int k = 0; k < sets.items[i]->n; k++) {
            const cs__target *t = &sets.items[i]->items[k];
            if (region && strcmp(t->region, region)) continue;
            int rc = run_target(s, t, plan_of(&fws, t->fw), period ? period : t->period, !strcmp(format, "json"), all, !shown);
            shown++;
            unmet += rc == EXIT_INPUT;
            failed += rc == EXIT_USAGE;
        }
    if (!strcmp(format, "json")) cs__cli_print_json(all);
    else if (shown) printf("\n共 %d 个目标：达成 %d 个，未达成 %d 个%s\n", shown, shown - unmet - failed, unmet, failed ? "（部分目标无法评估）" : "");
    if (!shown) fprintf(stderr, "citystar: 没有地区 %s 的目标 / no targets for region %s\n", region, region);
    code = failed || !shown ? EXIT_USAGE : unmet ? EXIT_INPUT : EXIT_OK;
out:
    json_decref(all);
    cs_store_close(s);
    for (size_t i = 0; i < sets.n; i++) cs__targets_free(sets.items[i]);
    for (size_t i = 0; i < fws.n; i++) {
        cs_plan_free(fws.items[i].plan);
        cs_framework_free(fws.items[i].fw);
    }
    for (size_t i = 0; i < files.n; i++) free((char *)files.items[i]);
    cs__vec_free(&files);
    cs__vec_free(&fws);
    cs__vec_free(&sets);
    cs__vec_free(&rest);
    return code;
}
