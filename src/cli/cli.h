/*
 * cli.h — what the `citystar` command's files share: option parsing, exit codes, loading a
 * framework by id or file, printing JSON and ranking tables. main.c holds the stateless
 * commands (frameworks, templates, scoring files); store.c the commands on a store (database,
 * regions, data, rounds, evidence, snapshots).
 */
#ifndef CS_CLI_H
#define CS_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "engine/results.h"
#include "io/io.h"
#include "output/output.h"
#include "service/service.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef struct {
    const char *name;
    int takes_value;
    const char *value;
    int set;
} option;

typedef CS__VEC(const char *) str_vec;

/* Folder the frameworks are read from; database target; who is acting. */
extern const char *cs__cli_frameworks_dir;
extern const char *cs__cli_db;
extern const char *cs__cli_user;
/* Whether the database was named (--db or $CITYSTAR_DB) rather than the default. */
extern int cs__cli_db_given;
/* Whether the frameworks folder was named (--frameworks or $CITYSTAR_FRAMEWORKS). */
extern int cs__cli_frameworks_given;

/* Prints a usage error (fmt takes one %s) and returns EXIT_USAGE. */
int cs__cli_usage_error(const char *fmt, const char *arg);
/* Parses --name value / --name=value options among argv; positional arguments go to pos.
 * Returns 0 on success, or EXIT_USAGE after reporting. */
int cs__cli_parse_options(int argc, char **argv, option *opts, const char **pos, int *npos, int maxpos);
const char *cs__cli_opt(const option *opts, const char *name);
int cs__cli_flag(const option *opts, const char *name);
/* Loads framework ID (from the frameworks folder) or FILE; prints problems and returns NULL. */
cs_framework *cs__cli_load_framework(const char *id_or_path);
void cs__cli_print_json(json_t *j);
/* One line per region, best total first (only want_region, or the rows mask marks, when
 * given); returns the number of regions printed. */
int cs__cli_print_table(const cs_results *res, const char *want_region, const uint8_t *mask);
/* Prints region row r's explanation: of indicator ind, or of every indicator when ind < 0. */
void cs__cli_print_explanation(const cs_results *res, size_t r, int ind);
/* Splits a comma-separated list in place into out (items point into s). */
void cs__cli_split_list(char *s, str_vec *out);

/* Opens the store at --db (requiring the latest schema when need_schema); prints problems and
 * returns NULL. */
struct cs_store;
struct cs_store *cs__cli_open_store(int need_schema);
/* Prints diag, frees it and returns the exit code for rc. */
int cs__cli_finish(cs_diag *d, cs_status rc);

/* Commands on a store (store.c); each returns an exit code. */
int cs__cli_cmd_db(int argc, char **argv);
int cs__cli_cmd_region(int argc, char **argv);
int cs__cli_cmd_data(int argc, char **argv);
int cs__cli_cmd_round(int argc, char **argv);
int cs__cli_cmd_evidence(int argc, char **argv);
int cs__cli_cmd_snapshot(int argc, char **argv);
int cs__cli_cmd_demo(int argc, char **argv);
/* score --region R --period P without --data: scores stored data. */
int cs__cli_score_store(int argc, char **argv);
/* explain --region R --period P without --data: explains a stored region's points. */
int cs__cli_explain_store(int argc, char **argv);
/* Assessment rounds, accounts, the audit log and the server (server_cmds.c). */
int cs__cli_cmd_assessment(int argc, char **argv);
int cs__cli_cmd_user(int argc, char **argv);
int cs__cli_cmd_audit(int argc, char **argv);
int cs__cli_cmd_serve(int argc, char **argv);
/* template --format xlsx. */
int cs__cli_template_xlsx(int argc, char **argv);
/* One framework's scores of one region and period, from a data file (--data) or the store
 * (plan_cmds.c): the caller sets fw (owned from then on), the rest is filled in. */
typedef struct {
    cs_framework *fw;
    cs_plan *plan;
    cs_dataset *ds;           /* --data: the file's figures as fw reads them */
    cs_results *own;          /* --data: the evaluation */
    cs__store_scores sc;      /* the store: the region's peers scored */
    int scored;
    const cs_results *res;
    size_t row;
} cs__cli_region_scores;

/* Scores x->fw for region and period, from data (a CSV file) when given, else from the store s;
 * prints problems and returns an exit code. *no_row (OUT) is set when the scoring worked but the
 * region has no figures under fw. */
int cs__cli_region_score(cs__cli_region_scores *x, cs_store *s, const char *data, const char *region, const char *period,
                         int *no_row);
void cs__cli_region_scores_free(cs__cli_region_scores *x);
/* Gap analysis and upgrade planning of one region (plan_cmds.c). */
int cs__cli_cmd_gap(int argc, char **argv);
int cs__cli_cmd_plan(int argc, char **argv);
/* Development targets (target_cmds.c). */
int cs__cli_cmd_targets(int argc, char **argv);
/* One region under several frameworks side by side (compare_cmds.c). */
int cs__cli_cmd_compare(int argc, char **argv);
/* Assessment reports, PDF / XLSX / JSON (report_cmds.c). */
int cs__cli_cmd_report(int argc, char **argv);

#endif
