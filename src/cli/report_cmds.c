/*
 * report_cmds.c — `citystar report`: a region's assessment report (评估报告) or a province's or
 * city's summary report, from the store, as PDF, XLSX or the JSON document both are drawn from
 * (docs/reports.md). Exit status 0 on success, 1 on bad input, 2 on usage errors.
 */
#include <string.h>

#include "cli.h"
#include "report/report.h"
#include "service/service.h"

int cs__cli_cmd_report(int argc, char **argv)
{
    option opts[] = {{"region", 1, NULL, 0},    {"period", 1, NULL, 0},  {"format", 1, "pdf", 0},
                     {"framework", 1, NULL, 0}, {"kind", 1, NULL, 0},    {"level", 1, NULL, 0},
                     {"target", 1, NULL, 0},    {"output", 1, NULL, 0},  {"approved-only", 0, NULL, 0},
                     {"live", 0, NULL, 0},      {NULL, 0, NULL, 0}};
    const char *pos[1];
    int npos;
    if (cs__cli_parse_options(argc, argv, opts, pos, &npos, 0)) return EXIT_USAGE;
    const char *region = cs__cli_opt(opts, "region"), *period = cs__cli_opt(opts, "period");
    const char *format = cs__cli_opt(opts, "format"), *output = cs__cli_opt(opts, "output");
    if (!region || !period) return cs__cli_usage_error("report 需要 --region 和 --period / report needs --region and --period%s", "");
    if (strcmp(format, "pdf") && strcmp(format, "xlsx") && strcmp(format, "json"))
        return cs__cli_usage_error("--format 应为 pdf、xlsx 或 json / unknown format '%s'", format);

    cs_framework **fws = NULL;
    int nfws = 0;
    json_t *doc = NULL;
    cs__buf name = {0}, pdf = {0};
    cs_store *s = NULL;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs__frameworks_load_all(cs__cli_frameworks_dir, &fws, &nfws, d);
    if (rc != CS_OK) goto out;
    if (!(s = cs__cli_open_store(1))) {
        rc = CS_EIO;
        goto out;
    }
    cs__report_opts o = {region,
                         period,
                         cs__cli_opt(opts, "framework"),
                         cs__cli_opt(opts, "kind"),
                         cs__cli_opt(opts, "level"),
                         cs__cli_opt(opts, "target"),
                         cs__cli_flag(opts, "approved-only"),
                         cs__cli_flag(opts, "live")};
    if ((rc = cs__report_build(s, fws, nfws, &o, &doc, d)) != CS_OK) goto out;
    if (!output) {
        if (!strcmp(format, "json")) {
            cs__cli_print_json(doc);
            goto out;
        }
        cs__report_file_name(doc, format, &name);
        output = cs__buf_str(&name);
    }
    if (!strcmp(format, "xlsx")) {
        rc = cs__report_xlsx(doc, output, d);
    } else if (!strcmp(format, "pdf")) {
        if ((rc = cs__report_pdf(doc, &pdf, d)) == CS_OK) {
            FILE *f = fopen(output, "wb");
            if (!f || fwrite(pdf.s, 1, pdf.len, f) != pdf.len) {
                cs__diag_add(d, CS__ERROR, output, 0, 0, "无法写入 / cannot write");
                rc = CS_EIO;
            }
            if (f && fclose(f)) rc = CS_EIO;
        }
    } else {
        char *text = json_dumps(doc, JSON_INDENT(2));
        FILE *f = fopen(output, "w");
        if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0) {
            cs__diag_add(d, CS__ERROR, output, 0, 0, "无法写入 / cannot write");
            rc = CS_EIO;
        }
        if (f && fclose(f)) rc = CS_EIO;
        free(text);
    }
    if (rc == CS_OK) fprintf(stderr, "citystar: 报告已写入 %s / report written to %s\n", output, output);
out:
    json_decref(doc);
    cs__buf_free(&name);
    cs__buf_free(&pdf);
    cs_store_close(s);
    cs__frameworks_free(fws, nfws);
    return cs__cli_finish(d, rc);
}
