/*
 * citystar.h — the public face of libcitystar: load a framework file, compile it into an
 * evaluation plan, fill a data set, evaluate, and read scores, ratings and explanations.
 *
 * Ownership: every object returned by a cs_*_new / cs_*_load / cs_*_compile / cs_evaluate call
 * belongs to the caller and is released with the matching cs_*_free. Strings returned by accessors
 * belong to the object they were read from and live as long as it does. A plan refers to its
 * framework and results refer to their plan: free results before the plan, the plan before the
 * framework.
 */
#ifndef CITYSTAR_H
#define CITYSTAR_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes, each paired with its message (Chinese first, English second). */
#define CS_STATUS_TABLE(X)                                                     \
    X(CS_OK, "成功 / ok")                                                      \
    X(CS_ENOMEM, "内存不足 / out of memory")                                   \
    X(CS_EIO, "无法读取或写入文件 / cannot read or write a file")             \
    X(CS_EFRAMEWORK, "框架文件有误 / invalid framework file")                 \
    X(CS_EDATA, "数据有误 / invalid data")                                     \
    X(CS_ENOTFOUND, "未找到 / not found")                                      \
    X(CS_EUSAGE, "用法有误 / usage error")                                    \
    X(CS_EDB, "数据库错误 / database error")                                   \
    X(CS_ELOCKED, "本轮已锁定，不能修改 / the round is locked")                \
    X(CS_ESTATE, "当前状态不允许此操作 / not allowed in the current state")    \
    X(CS_ECONFLICT, "与已有数据冲突 / conflicts with stored data")              \
    X(CS_EAUTH, "用户名或密码错误 / wrong login or password")                  \
    X(CS_ELIMIT, "尝试次数过多，请稍后再试 / too many attempts, try again later")  \
    X(CS_EFORBIDDEN, "无权进行此操作 / not permitted")

typedef enum {
#define X(code, msg) code,
    CS_STATUS_TABLE(X)
#undef X
} cs_status;

/* The message of a status code; never NULL. */
const char *cs_status_message(cs_status rc);

/* ---- Diagnostics: located messages collected in one pass ------------------------------- */

typedef struct cs_diag cs_diag;

cs_diag *cs_diag_new(void);
void cs_diag_free(cs_diag *d);
/* Number of errors (warnings not counted). */
size_t cs_diag_errors(const cs_diag *d);
/* Number of messages, errors and warnings. */
size_t cs_diag_count(const cs_diag *d);
/* Message i formatted as "file:line:column: message" (line/column left out when unknown). */
const char *cs_diag_text(const cs_diag *d, size_t i);
/* Writes every message, one per line, to f. */
void cs_diag_print(const cs_diag *d, FILE *f);

/* ---- Frameworks ---------------------------------------------------------------------- */

typedef struct cs_framework cs_framework;

/* Loads and checks a framework file. On any error returns CS_EFRAMEWORK (or CS_EIO) with every
 * problem in diag and *out set to NULL. */
cs_status cs_framework_load_file(const char *path, cs_framework **out, cs_diag *diag);
/* The same from a buffer; name is used in messages. */
cs_status cs_framework_load_buffer(const char *name, const char *buf, size_t len,
                                   cs_framework **out, cs_diag *diag);
void cs_framework_free(cs_framework *fw);

const char *cs_framework_id(const cs_framework *fw);
const char *cs_framework_title(const cs_framework *fw);
size_t cs_framework_indicator_count(const cs_framework *fw);
/* The highest total the framework can award. */
double cs_framework_max_score(const cs_framework *fw);

/* ---- Plans: a framework compiled once, evaluated many times ------------------------------ */

typedef struct cs_plan cs_plan;

cs_status cs_plan_compile(const cs_framework *fw, cs_plan **out, cs_diag *diag);
void cs_plan_free(cs_plan *plan);

/* ---- Data sets: reported data elements by region and period ---------------------------- */

typedef struct cs_dataset cs_dataset;

cs_dataset *cs_dataset_new(void);
void cs_dataset_free(cs_dataset *ds);
/* Sets one value. Codes are copied. Returns CS_ENOMEM only. */
cs_status cs_dataset_set(cs_dataset *ds, const char *region, const char *period,
                         const char *element, double value);
/* Whether a value is present; when it is, *value (OUT) receives it. */
int cs_dataset_get(const cs_dataset *ds, const char *region, const char *period,
                   const char *element, double *value);
size_t cs_dataset_region_count(const cs_dataset *ds);
const char *cs_dataset_region(const cs_dataset *ds, size_t i);
size_t cs_dataset_period_count(const cs_dataset *ds);
const char *cs_dataset_period(const cs_dataset *ds, size_t i);

/* ---- Evaluation and results -------------------------------------------------------------- */

typedef struct cs_results cs_results;

/* Scores every region of ds that has data for period (all of them are peers for rank
 * functions). */
cs_status cs_evaluate(const cs_plan *plan, const cs_dataset *ds, const char *period,
                      cs_results **out);
void cs_results_free(cs_results *res);

size_t cs_results_region_count(const cs_results *res);
const char *cs_results_region(const cs_results *res, size_t r);
double cs_results_total(const cs_results *res, size_t r);
/* The star level reached, or NULL when none. */
const char *cs_results_rating(const cs_results *res, size_t r);

#ifdef __cplusplus
}
#endif
#endif
