/*
 * output.h — writing results and frameworks as JSON, text and CSV (no computation here).
 */
#ifndef CS_OUTPUT_H
#define CS_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "engine/results.h"

/* One region's result as a JSON object (caller owns the reference). */
json_t *cs__json_result(const cs_results *res, size_t r);
/* An adjustment (penalty or veto) as printed: code, kind, text, points (caller owns the reference). */
json_t *cs__json_adjustment(const cs__adjustment *adj);
/* A framework's structure as a JSON object (caller owns the reference). */
json_t *cs__json_framework(const cs_framework *fw);
/* One region's result as text, with each indicator's explanation when explain is set. */
void cs__text_result(const cs_results *res, size_t r, int explain, FILE *f);
/* Writes one CSV field (quoted when it holds a comma, quote or line break), then ',' or '\n'. */
void cs__csv_field(FILE *f, const char *s, int last);
/* Wide CSV: region,period,total,max_total,rating, then one column of points per indicator. */
void cs__csv_results_header(const cs_framework *fw, FILE *f);
void cs__csv_result(const cs_results *res, size_t r, FILE *f);

#endif
