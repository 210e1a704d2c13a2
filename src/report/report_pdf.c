/*
 * report_pdf.c — renders a report document (report.h) as an A4 PDF: a region's assessment report
 * (cover, 一 总体情况, 二 分项得分, 三 指标得分明细, 四 查缺补漏与提升路径, 五 数据来源与佐证材料) or
 * a province's or city's summary report (cover, 一 总体情况, 二 排名). Everything printed is read
 * from the document — nothing is scored or ranked here; a missing number prints as 缺数据. The
 * pages are laid out twice: the first pass counts them, so every footer can say "共 M 页".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "report/report_pdf.h"

/* What the section writers share: the page cursor, an arena for the strings they format, the document. */
typedef struct {
    cs__pdf p;
    cs__arena a;
    const json_t *doc;
} render;

/* ---- Formatting -------------------------------------------------------------------------------- */

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "—";
}

/* A number as a person writes it (at most 2 decimals), or 缺数据 when v is not a number. */
static const char *num(render *r, const json_t *v)
{
    if (!json_is_number(v)) return "缺数据";
    cs__buf b = {0};
    cs__buf_number(&b, json_number_value(v), 2);
    const char *s = cs__arena_strdup(&r->a, cs__buf_str(&b));
    cs__buf_free(&b);
    return s;
}

static const char *numd(render *r, double v)
{
    json_t *j = json_real(v);
    const char *s = num(r, j);
    json_decref(j);
    return s;
}

/* A figure with its unit: "%" values are fractions (0.7851 → 78.51%), booleans are 是 / 否. */
static const char *value_text(render *r, const json_t *v, const char *unit)
{
    if (json_is_true(v)) return "是";
    if (json_is_false(v)) return "否";
    if (!json_is_number(v)) return "缺数据";
    if (unit && !strcmp(unit, "%")) return cs__arena_printf(&r->a, "%s%%", numd(r, json_number_value(v) * 100));
    return cs__arena_printf(&r->a, "%s%s", num(r, v), unit ? unit : "");
}

/* "2024" → "2024年度"; other period names stay as they are. */
static const char *period_text(render *r, const char *period)
{
    if (!period) return "—";
    size_t n = strlen(period);
    if (n == 4 && strspn(period, "0123456789") == 4) return cs__arena_printf(&r->a, "%s年度", period);
    return period;
}

/* An ISO 8601 time as a date (2026年11月21日) or, with time set, "2026-11-21 09:56". */
static const char *when_text(render *r, const char *iso, int time)
{
    if (!iso || strlen(iso) < 10) return or_dash(iso);
    if (!time) return cs__arena_printf(&r->a, "%.4s年%.2s月%.2s日", iso, iso + 5, iso + 8);
    if (strlen(iso) < 16) return cs__arena_strndup(&r->a, iso, 10);
    return cs__arena_printf(&r->a, "%.10s %.5s", iso, iso + 11);
}

static const char *level_text(const char *level)
{
    if (!level) return "地区";
    if (!strcmp(level, "province")) return "省";
    if (!strcmp(level, "city")) return "市";
    if (!strcmp(level, "county")) return "县（市、区）";
    return level;
}

static const char *state_text(const char *state)
{
    if (!state) return "—";
    if (!strcmp(state, "draft")) return "草稿";
    if (!strcmp(state, "submitted")) return "已提交";
    if (!strcmp(state, "approved")) return "已审核通过";
    if (!strcmp(state, "returned")) return "已退回";
    if (!strcmp(state, "locked")) return "已锁定";
    return state;
}

/* The strings of an array joined with sep; NULL when there are none. */
static const char *join(render *r, const json_t *arr, const char *sep)
{
    cs__buf b = {0};
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s) continue;
        if (b.len) cs__buf_append(&b, sep);
        cs__buf_append(&b, s);
    }
    const char *out = b.len ? cs__arena_strdup(&r->a, b.s) : NULL;
    cs__buf_free(&b);
    return out;
}

static const char *size_text(render *r, const json_t *v)
{
    if (!json_is_integer(v)) return "—";
    double n = (double)json_integer_value(v);
    if (n < 1024) return cs__arena_printf(&r->a, "%.0f B", n);
    if (n < 1024 * 1024) return cs__arena_printf(&r->a, "%.1f KB", n / 1024);
    return cs__arena_printf(&r->a, "%.1f MB", n / 1024 / 1024);
}

static const char *prefix16(render *r, const char *hex)
{
    return hex ? cs__arena_strndup(&r->a, hex, 16) : "—";
}

/* The star-level thresholds of the framework as chart marks (at most 8). */
static int rating_marks(render *r, cs__pdf_mark *marks)
{
    const json_t *ratings = json_object_get(json_object_get(r->doc, "framework"), "ratings");
    int n = 0;
    size_t i;
    json_t *v;
    json_array_foreach(ratings, i, v)
    {
        if (n == 8 || !json_is_number(json_object_get(v, "min_total"))) continue;
        marks[n].value = json_number_value(json_object_get(v, "min_total"));
        marks[n].label = cs__arena_printf(&r->a, "%s %s", or_dash(str(v, "name")), num(r, json_object_get(v, "min_total")));
        n++;
    }
    return n;
}

/* ---- Shared pieces ----------------------------------------------------------------------------- */

/* A row of key figures in boxes: big numbers over small labels. */
static void tiles(render *r, const char *const *values, const char *const *labels, int n)
{
    cs__pdf *p = &r->p;
    double w = CS__PDF_WIDTH / n, h = 50;
    cs__pdf_need(p, h + 10);
    for (int i = 0; i < n; i++) {
        double x = CS__PDF_LEFT + i * w;
        cs__pdf_fill_rect(p, x + 2, p->y, w - 4, h, 0xf1f4f9U);
        cs__pdf_text(p, x + 2, p->y + 6, w - 4, values[i], CS__SANS_BOLD, 16, CS__ALIGN_CENTER, CS__NAVY);
        cs__pdf_text(p, x + 2, p->y + 32, w - 4, labels[i], CS__SANS, 8, CS__ALIGN_CENTER, CS__GREY);
    }
    p->y += h + 10;
}

/* The cover's lines about the data read: date, revision, SHA-256 prefix, basis. */
static void cover_data_lines(render *r, double y)
{
    cs__pdf *p = &r->p;
    const json_t *data = json_object_get(r->doc, "data");
    const json_t *round = json_object_get(data, "round");
    const char *basis = json_is_integer(round) && json_integer_value(round) > 0
                            ? cs__arena_printf(&r->a, "依据闭环评估轮次 %lld", (long long)json_integer_value(round))
                            : "依据当前填报数据";
    if (json_is_true(json_object_get(data, "approved_only"))) basis = cs__arena_printf(&r->a, "%s（仅采用已审核数据）", basis);
    const json_t *as_of = json_object_get(data, "as_of");
    const char *lines[][2] = {
        {"生成日期", when_text(r, str(r->doc, "generated_at"), 0)},
        {"数据修订号", json_is_integer(as_of) ? cs__arena_printf(&r->a, "%lld", (long long)json_integer_value(as_of)) : "—"},
        {"数据指纹（SHA-256 前 16 位）", prefix16(r, str(data, "sha256"))},
        {"数据依据", basis},
    };
    double x = CS__PDF_LEFT + 70;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        cs__pdf_text(p, x, y, 160, lines[i][0], CS__SANS, 10, CS__ALIGN_RIGHT, CS__GREY);
        y += cs__pdf_text(p, x + 170, y, CS__PDF_RIGHT - x - 170, lines[i][1], CS__SANS, 10, CS__ALIGN_LEFT, CS__INK) + 4;
    }
    const json_t *fw = json_object_get(r->doc, "framework");
    if (str(fw, "source")) {
        y += 10;
        cs__pdf_line(p, CS__PDF_LEFT + 40, y, CS__PDF_RIGHT - 40, y, 0.4, 0xb0b0b0U);
        cs__pdf_text(p, CS__PDF_LEFT + 40, y + 8, CS__PDF_WIDTH - 80, cs__arena_printf(&r->a, "评估依据：%s", str(fw, "source")),
                     CS__SANS, 8, CS__ALIGN_LEFT, CS__GREY);
    }
}

/* The cover's top: title, region path, framework. Returns where the next block may start. */
static double cover_top(render *r, const char *scope)
{
    cs__pdf *p = &r->p;
    const json_t *fw = json_object_get(r->doc, "framework"), *region = json_object_get(r->doc, "region");
    double y = 150;
    cs__pdf_line(p, CS__PDF_LEFT + 40, y - 20, CS__PDF_RIGHT - 40, y - 20, 2, CS__RED);
    y += cs__pdf_text(p, CS__PDF_LEFT, y, CS__PDF_WIDTH, or_dash(str(r->doc, "title")), CS__SERIF_BOLD, 26,
                      CS__ALIGN_CENTER, CS__INK) + 24;
    const char *path = str(region, "path") ? str(region, "path") : str(region, "name");
    y += cs__pdf_text(p, CS__PDF_LEFT, y, CS__PDF_WIDTH, or_dash(path), CS__SERIF_BOLD, 20, CS__ALIGN_CENTER, CS__NAVY) + 10;
    if (scope) y += cs__pdf_text(p, CS__PDF_LEFT, y, CS__PDF_WIDTH, scope, CS__SANS, 12, CS__ALIGN_CENTER, CS__INK) + 6;
    y += cs__pdf_text(p, CS__PDF_LEFT, y, CS__PDF_WIDTH, cs__arena_printf(&r->a, "评估期：%s", period_text(r, str(r->doc, "period"))),
                      CS__SANS, 13, CS__ALIGN_CENTER, CS__INK) + 18;
    const json_t *year = json_object_get(fw, "year");
    const char *fwline = json_is_integer(year) ? cs__arena_printf(&r->a, "评估框架：%s（%lld 年版）", or_dash(str(fw, "title")),
                                                                  (long long)json_integer_value(year))
                                               : cs__arena_printf(&r->a, "评估框架：%s", or_dash(str(fw, "title")));
    y += cs__pdf_text(p, CS__PDF_LEFT + 30, y, CS__PDF_WIDTH - 60, fwline, CS__SANS, 11, CS__ALIGN_CENTER, CS__INK) + 4;
    if (str(fw, "issuer"))
        y += cs__pdf_text(p, CS__PDF_LEFT + 30, y, CS__PDF_WIDTH - 60, cs__arena_printf(&r->a, "框架发布：%s", str(fw, "issuer")),
                          CS__SANS, 10, CS__ALIGN_CENTER, CS__GREY) + 4;
    return y + 20;
}

/* ---- Region report ----------------------------------------------------------------------------- */

static void region_cover(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *sum = json_object_get(r->doc, "summary");
    double y = cover_top(r, NULL);
    if (y < 400) y = 400;
    double bw = 300, bx = (CS__PDF_W - bw) / 2, bh = 150;
    cs__pdf_stroke_rect(p, bx, y, bw, bh, 1.2, CS__NAVY);
    cs__pdf_text(p, bx, y + 10, bw, "总分", CS__SANS, 11, CS__ALIGN_CENTER, CS__GREY);
    const char *total = cs__arena_printf(&r->a, "%s / %s 分", num(r, json_object_get(sum, "total")),
                                         num(r, json_object_get(sum, "max_total")));
    cs__pdf_text(p, bx, y + 28, bw, total, CS__SERIF_BOLD, 34, CS__ALIGN_CENTER, CS__NAVY);
    const char *rating = str(sum, "rating");
    cs__pdf_text(p, bx, y + 84, bw, rating ? rating : (json_is_number(json_object_get(sum, "total")) ? "未达到星级" : "缺数据"),
                 CS__SERIF_BOLD, 26, CS__ALIGN_CENTER, CS__RED);
    if (json_is_false(json_object_get(sum, "complete")))
        cs__pdf_text(p, bx, y + bh + 6, bw, "（部分指标缺数据，总分不完整）", CS__SANS, 10, CS__ALIGN_CENTER, CS__RED);
    cover_data_lines(r, y + bh + 40);
}

/* Penalties and vetoes: the applied ones in a red box, then every one checked. */
static void region_adjustments(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *adjs = json_object_get(json_object_get(r->doc, "score"), "adjustments");
    cs__pdf_heading(p, "（二）扣分与否决事项", 2);
    if (!json_array_size(adjs)) {
        cs__pdf_para(p, 0, "本框架未设扣分或否决事项。", CS__SANS, 10, CS__INK, 6);
        return;
    }
    size_t i;
    json_t *a;
    int applied = 0;
    json_array_foreach(adjs, i, a) applied += json_is_true(json_object_get(a, "applied"));
    if (applied) {
        cs__pdf_need(p, 30 + 18.0 * applied);
        double y0 = p->y;
        int page0 = p->page;
        p->y += 6;
        cs__pdf_para(p, 8, cs__arena_printf(&r->a, "已触发扣分或否决事项 %d 项：", applied), CS__SANS_BOLD, 11, CS__RED, 2);
        json_array_foreach(adjs, i, a)
        {
            if (!json_is_true(json_object_get(a, "applied"))) continue;
            int veto = str(a, "kind") && !strcmp(str(a, "kind"), "veto");
            const char *pts = json_object_get(a, "points") ? cs__arena_printf(&r->a, "（扣 %s 分）", json_is_string(json_object_get(a, "points"))
                                                                                              ? str(a, "points")
                                                                                              : num(r, json_object_get(a, "points")))
                                                           : "";
            cs__pdf_para(p, 16, cs__arena_printf(&r->a, "■ 指标 %s %s：%s%s", or_dash(str(a, "code")), veto ? "否决" : "扣分",
                                                 or_dash(str(a, "text")), veto ? "（整体不得分）" : pts),
                         CS__SANS_BOLD, 10, CS__RED, 1);
        }
        p->y += 6;
        if (p->page == page0) cs__pdf_stroke_rect(p, CS__PDF_LEFT, y0, CS__PDF_WIDTH, p->y - y0, 1.5, CS__RED);
        p->y += 8;
    } else {
        cs__pdf_para(p, 0, "未触发任何扣分或否决事项。", CS__SANS_BOLD, 10, CS__GREEN, 4);
    }
    static const cs__pdf_col cols[] = {{"指标", 40, CS__ALIGN_CENTER, 0},
                                       {"类型", 40, CS__ALIGN_CENTER, 0},
                                       {"规则", 323, CS__ALIGN_LEFT, 0},
                                       {"结果", 80, CS__ALIGN_CENTER, 0}};
    cs__pdf_table t = {cols, 4, 8.5};
    cs__pdf_table_header(p, &t);
    json_array_foreach(adjs, i, a)
    {
        int veto = str(a, "kind") && !strcmp(str(a, "kind"), "veto");
        const json_t *ap = json_object_get(a, "applied");
        const char *res = json_is_true(ap) ? "已触发" : json_is_false(ap) ? "未触发" : "缺数据，无法判断";
        const char *cells[] = {or_dash(str(a, "code")), veto ? "否决" : "扣分", or_dash(str(a, "text")), res};
        uint32_t rgb[] = {CS__INK, CS__INK, CS__INK, json_is_true(ap) ? CS__RED : CS__INK};
        cs__pdf_table_row(p, &t, cells, rgb, json_is_true(ap));
    }
    p->y += 6;
}

static void region_overview(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *sum = json_object_get(r->doc, "summary"), *region = json_object_get(r->doc, "region");
    cs__pdf_heading(p, "一、总体情况", 1);
    cs__pdf_heading(p, "（一）总分与星级", 2);
    const char *rating = str(sum, "rating");
    cs__pdf_para(p, 0,
                 cs__arena_printf(&r->a, "%s%s总分 %s 分（满分 %s 分），星级评定为：%s。", or_dash(str(region, "name")),
                                  period_text(r, str(r->doc, "period")), num(r, json_object_get(sum, "total")),
                                  num(r, json_object_get(sum, "max_total")),
                                  rating ? rating : json_is_number(json_object_get(sum, "total")) ? "未达到星级" : "缺数据"),
                 CS__SANS_BOLD, 11.5, CS__INK, 4);
    const char *lvl = level_text(str(region, "level"));
    cs__buf b = {0};
    const json_t *rank = json_object_get(sum, "rank"), *rankp = json_object_get(sum, "rank_parent");
    if (json_is_integer(rank))
        cs__buf_printf(&b, "在全省 %lld 个%s中排名第 %lld 位", (long long)json_integer_value(json_object_get(sum, "peers")), lvl,
                       (long long)json_integer_value(rank));
    else
        cs__buf_append(&b, "总分缺数据，未参与全省排名");
    if (json_is_integer(rankp) && str(sum, "parent_name"))
        cs__buf_printf(&b, "；在%s %lld 个%s中排名第 %lld 位", str(sum, "parent_name"),
                       (long long)json_integer_value(json_object_get(sum, "peers_parent")), lvl, (long long)json_integer_value(rankp));
    cs__buf_append(&b, "。");
    const json_t *next = json_object_get(sum, "next_rating");
    if (json_is_object(next))
        cs__buf_printf(&b, "距%s（不低于 %s 分）还差 %s 分。", or_dash(str(next, "name")), num(r, json_object_get(next, "min_total")),
                       num(r, json_object_get(next, "points_short")));
    else if (rating)
        cs__buf_append(&b, "已达到本框架最高星级。");
    cs__pdf_para(p, 0, b.s, CS__SANS, 10.5, CS__INK, 8);
    cs__buf_free(&b);

    const char *vals[] = {num(r, json_object_get(sum, "indicators")), num(r, json_object_get(sum, "at_full_marks")),
                          num(r, json_object_get(sum, "below_full_marks")), num(r, json_object_get(sum, "missing"))};
    const char *labs[] = {"参评指标（项）", "满分指标（项）", "未满分指标（项）", "缺数据指标（项）"};
    tiles(r, vals, labs, 4);
    if (str(sum, "explanation"))
        cs__pdf_para(p, 0, cs__arena_printf(&r->a, "得分说明：%s", str(sum, "explanation")), CS__SANS, 9.5, CS__INK, 4);
    const char *miss = join(r, json_object_get(json_object_get(r->doc, "score"), "missing_indicators"), "、");
    if (miss) cs__pdf_para(p, 0, cs__arena_printf(&r->a, "缺数据的指标：%s（缺数据不计为 0 分，总分不完整）", miss), CS__SANS_BOLD, 9.5, CS__RED, 4);
    region_adjustments(r);
}

static void region_groups(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *groups = json_object_get(r->doc, "groups");
    cs__pdf_heading(p, "二、分项得分", 1);
    cs__pdf_heading(p, "（一）一级指标得分", 2);
    size_t n = json_array_size(groups), i;
    if (!n) {
        cs__pdf_para(p, 0, "无", CS__SANS, 10, CS__INK, 6);
    } else {
        cs__pdf_bar *bars = cs__arena_alloc(&r->a, n * sizeof *bars);
        double axis = 0;
        json_t *g;
        json_array_foreach(groups, i, g)
        {
            const json_t *pts = json_object_get(g, "points"), *max = json_object_get(g, "max_points");
            bars[i].label = or_dash(str(g, "name"));
            bars[i].missing = !strcmp(num(r, json_object_get(g, "points")), "缺数据");
            bars[i].value = json_number_value(pts);
            bars[i].max = json_number_value(max);
            bars[i].text = bars[i].missing ? cs__arena_printf(&r->a, "缺数据 / %s 分", num(r, max))
                                           : cs__arena_printf(&r->a, "%s / %s 分", num(r, pts), num(r, max));
            if (bars[i].max > axis) axis = bars[i].max;
        }
        cs__pdf_para(p, 0, "深色为得分，浅灰为该项满分。", CS__SANS, 8, CS__GREY, 4);
        cs__pdf_hbar_chart(p, bars, (int)n, axis, 24, 80, NULL, 0);
        static const cs__pdf_col cols[] = {{"一级指标", 143, CS__ALIGN_LEFT, 0},   {"指标数", 70, CS__ALIGN_CENTER, 0},
                                           {"缺数据", 70, CS__ALIGN_CENTER, 0},    {"得分", 100, CS__ALIGN_RIGHT, 0},
                                           {"满分", 100, CS__ALIGN_RIGHT, 0}};
        cs__pdf_table t = {cols, 5, 9};
        cs__pdf_table_header(p, &t);
        json_array_foreach(groups, i, g)
        {
            const char *cells[] = {cs__arena_printf(&r->a, "%s %s", or_dash(str(g, "code")), or_dash(str(g, "name"))),
                                   num(r, json_object_get(g, "indicators")), num(r, json_object_get(g, "missing")),
                                   num(r, json_object_get(g, "points")), num(r, json_object_get(g, "max_points"))};
            cs__pdf_table_row(p, &t, cells, NULL, 0);
        }
        const json_t *sum = json_object_get(r->doc, "summary");
        const char *tot[] = {"合计（总分）", num(r, json_object_get(sum, "indicators")), num(r, json_object_get(sum, "missing")),
                             num(r, json_object_get(sum, "total")), num(r, json_object_get(sum, "max_total"))};
        cs__pdf_table_row(p, &t, tot, NULL, 1);
        p->y += 8;
    }
    cs__pdf_heading(p, "（二）历年总分", 2);
    const json_t *hist = json_object_get(r->doc, "history");
    n = json_array_size(hist);
    if (!n) {
        cs__pdf_para(p, 0, "无", CS__SANS, 10, CS__INK, 6);
        return;
    }
    cs__pdf_bar *bars = cs__arena_alloc(&r->a, n * sizeof *bars);
    json_t *h;
    json_array_foreach(hist, i, h)
    {
        const json_t *tot = json_object_get(h, "total");
        bars[i].label = period_text(r, str(h, "period"));
        bars[i].missing = !json_is_number(tot);
        bars[i].value = json_number_value(tot);
        bars[i].text = cs__arena_printf(&r->a, "%s %s", num(r, tot), str(h, "rating") ? str(h, "rating") : "");
    }
    cs__pdf_mark marks[8];
    int nm = rating_marks(r, marks);
    cs__pdf_para(p, 0, "虚线为各星级的分数线。", CS__SANS, 8, CS__GREY, 0);
    cs__pdf_vbar_chart(p, bars, (int)n, json_number_value(json_object_get(json_object_get(r->doc, "framework"), "max_total")), 150,
                       marks, nm);
}

/* The points column of the indicator table, marked ※ when a reviewer overrode them. */
static const char *points_cell(render *r, const json_t *ind)
{
    const char *pts = cs__arena_printf(&r->a, "%s / %s", num(r, json_object_get(ind, "points")), num(r, json_object_get(ind, "max_points")));
    return json_is_object(json_object_get(ind, "override")) ? cs__arena_printf(&r->a, "%s ※", pts) : pts;
}

static void region_indicators(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *inds = json_object_get(json_object_get(r->doc, "score"), "indicators");
    cs__pdf_heading(p, "三、指标得分明细", 1);
    if (!json_array_size(inds)) {
        cs__pdf_para(p, 0, "无", CS__SANS, 10, CS__INK, 6);
        return;
    }
    cs__pdf_para(p, 0, "“缺数据”表示所需数据未填报，不计为 0 分；标 ※ 的得分经复核调整，调整理由见该行下方。", CS__SANS, 8, CS__GREY, 4);
    static const cs__pdf_col cols[] = {{"编号", 28, CS__ALIGN_CENTER, 0},     {"指标", 96, CS__ALIGN_LEFT, 0},
                                       {"现值", 66, CS__ALIGN_RIGHT, 0},      {"达到档位", 48, CS__ALIGN_CENTER, 0},
                                       {"得分 / 满分", 52, CS__ALIGN_CENTER, 0}, {"评分说明", 193, CS__ALIGN_LEFT, 7}};
    cs__pdf_table t = {cols, 6, 8.5};
    cs__pdf_table_header(p, &t);
    const json_t *groups = json_object_get(r->doc, "groups");
    const char *last = NULL;
    size_t i;
    json_t *ind;
    json_array_foreach(inds, i, ind)
    {
        const char *g = json_string_value(json_array_get(json_object_get(ind, "group"), 0));
        if (g && (!last || strcmp(g, last))) {
            const char *band = g;
            size_t k;
            json_t *gj;
            json_array_foreach(groups, k, gj)
            {
                if (str(gj, "name") && !strcmp(str(gj, "name"), g))
                    band = cs__arena_printf(&r->a, "%s %s（得分 %s / %s 分）", or_dash(str(gj, "code")), g,
                                            num(r, json_object_get(gj, "points")), num(r, json_object_get(gj, "max_points")));
            }
            cs__pdf_table_break(p, &t, 60); /* a group's caption stays with its first row */
            cs__pdf_table_band(p, &t, band, 9, CS__NAVY, 0xeef1f6U);
            last = g;
        }
        int missing = json_object_get(ind, "missing") != NULL || !json_is_number(json_object_get(ind, "points"));
        const json_t *value = json_object_get(ind, "value");
        const char *vt = value ? value_text(r, value, str(ind, "unit")) : "—";
        const char *tier = str(ind, "tier");
        if (!tier) tier = missing ? "—" : str(ind, "rule") && !strcmp(str(ind, "rule"), "tiers") ? "未达档" : "—";
        const char *expl = str(ind, "explanation");
        if (str(ind, "missing")) expl = cs__arena_printf(&r->a, "%s（%s）", or_dash(expl), str(ind, "missing"));
        const char *cells[] = {or_dash(str(ind, "code")), or_dash(str(ind, "name")), vt, tier, points_cell(r, ind), or_dash(expl)};
        const json_t *ov = json_object_get(ind, "override");
        uint32_t pr = json_is_object(ov) ? CS__RED : CS__INK;
        uint32_t rgb[] = {CS__INK, CS__INK, json_is_number(value) || json_is_boolean(value) || !value ? CS__INK : CS__RED, CS__INK,
                          missing ? CS__RED : pr, CS__INK};
        cs__pdf_table_row(p, &t, cells, rgb, 0);
        if (json_is_object(ov))
            cs__pdf_table_band(p, &t,
                               cs__arena_printf(&r->a, "※ 指标 %s 得分经复核调整：按数据计算 %s 分，核定为 %s 分。理由：%s",
                                                or_dash(str(ind, "code")), num(r, json_object_get(ov, "computed_points")),
                                                num(r, json_object_get(ov, "points")), or_dash(str(ov, "reason"))),
                               7.5, CS__RED, 0);
    }
    p->y += 8;
}

static void gap_needs(render *r, const json_t *needs, double indent)
{
    size_t i;
    json_t *n;
    json_array_foreach(needs, i, n)
    {
        const char *req = str(n, "requirement"), *gap = str(n, "gap");
        if (!gap && !req) continue;
        cs__pdf_para(&r->p, indent, cs__arena_printf(&r->a, "· %s%s%s", req ? req : "", req && gap ? "：" : "", gap ? gap : ""),
                     CS__SANS, 8.5, CS__INK, 1);
    }
}

/* A figure of a plan's change: a number with its unit, or 是 / 否. */
static const char *change_value(render *r, const json_t *v, const char *unit)
{
    if (json_is_boolean(v)) return json_is_true(v) ? "是" : "否";
    return cs__arena_printf(&r->a, "%s%s", num(r, v), unit && strcmp(unit, "%") ? unit : "");
}

static void region_plan(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *plan = json_object_get(r->doc, "plan");
    cs__pdf_heading(p, "（三）提升路径", 2);
    if (!json_is_object(plan)) {
        cs__pdf_para(p, 0, "未测算提升路径（已达到最高星级，或没有可作为目标的星级）。", CS__SANS, 10, CS__INK, 6);
        return;
    }
    const char *status = str(plan, "status"), *target = str(json_object_get(plan, "target"), "name");
    if (!target) target = str(plan, "level");
    const json_t *before = json_object_get(plan, "before"), *after = json_object_get(plan, "after");
    if (status && !strcmp(status, "already")) {
        cs__pdf_para(p, 0, cs__arena_printf(&r->a, "已达到目标星级%s，无需提升。", or_dash(target)), CS__SANS_BOLD, 10, CS__GREEN, 6);
        return;
    }
    if (status && !strcmp(status, "unreachable")) {
        cs__pdf_para(p, 0, cs__arena_printf(&r->a, "无法达到%s：%s", or_dash(target), or_dash(str(plan, "reason"))), CS__SANS_BOLD, 10,
                     CS__RED, 6);
        return;
    }
    const json_t *steps = json_object_get(plan, "steps");
    cs__pdf_para(p, 0,
                 cs__arena_printf(&r->a, "目标%s：完成以下 %zu 项后，总分由 %s 分（%s）提升至 %s 分（%s）。", or_dash(target),
                                  json_array_size(steps), num(r, json_object_get(before, "total")), or_dash(str(before, "rating")),
                                  num(r, json_object_get(after, "total")), or_dash(str(after, "rating"))),
                 CS__SANS_BOLD, 10.5, CS__NAVY, 4);
    static const cs__pdf_col cols[] = {{"序号", 26, CS__ALIGN_CENTER, 0},    {"指标", 92, CS__ALIGN_LEFT, 0},
                                       {"档位 / 得分", 74, CS__ALIGN_CENTER, 0}, {"加分", 34, CS__ALIGN_CENTER, 0},
                                       {"需要的数据变化", 197, CS__ALIGN_LEFT, 7.5}, {"牵头部门", 60, CS__ALIGN_LEFT, 7.5}};
    cs__pdf_table t = {cols, 6, 8.5};
    cs__pdf_table_header(p, &t);
    size_t i;
    json_t *s;
    json_array_foreach(steps, i, s)
    {
        cs__buf b = {0};
        size_t k;
        json_t *c;
        json_array_foreach(json_object_get(s, "changes"), k, c)
        {
            const char *unit = str(c, "unit");
            if (b.len) cs__buf_append(&b, "\n");
            cs__buf_printf(&b, "%s：%s → %s", or_dash(str(c, "name")), change_value(r, json_object_get(c, "from"), unit),
                           change_value(r, json_object_get(c, "to"), unit));
            if (json_is_number(json_object_get(c, "delta")))
                cs__buf_printf(&b, "（%s%s%s）", json_number_value(json_object_get(c, "delta")) >= 0 ? "+" : "",
                               num(r, json_object_get(c, "delta")), unit && strcmp(unit, "%") ? unit : "");
        }
        const char *from = str(s, "from_tier"), *to = str(s, "to_tier");
        const char *cells[] = {cs__arena_printf(&r->a, "%zu", i + 1),
                               cs__arena_printf(&r->a, "%s %s", or_dash(str(s, "code")), or_dash(str(s, "name"))),
                               cs__arena_printf(&r->a, "%s → %s\n%s → %s 分", from ? from : "未达档", to ? to : "—",
                                                num(r, json_object_get(s, "from_points")), num(r, json_object_get(s, "to_points"))),
                               cs__arena_printf(&r->a, "+%s", num(r, json_object_get(s, "points_added"))),
                               b.len ? cs__arena_strdup(&r->a, b.s) : "—",
                               or_dash(join(r, json_object_get(s, "departments"), "、"))};
        cs__buf_free(&b);
        cs__pdf_table_row(p, &t, cells, NULL, 0);
    }
    p->y += 4;
    if (json_is_number(json_object_get(plan, "effort")))
        cs__pdf_para(p, 0,
                     cs__arena_printf(&r->a, "合计工作量 %s（%s）；升级后经评分引擎复核：%s 分，%s。", num(r, json_object_get(plan, "effort")),
                                      or_dash(str(plan, "unit")), num(r, json_object_get(after, "total")), or_dash(str(after, "rating"))),
                     CS__SANS, 9, CS__INK, 6);
}

static void region_gaps(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *gap = json_object_get(r->doc, "gap");
    cs__pdf_heading(p, "四、查缺补漏与提升路径", 1);
    cs__pdf_heading(p, "（一）目标与差距", 2);
    const json_t *target = json_object_get(gap, "target");
    if (json_is_object(target)) {
        cs__pdf_para(p, 0,
                     cs__arena_printf(&r->a, "目标星级：%s（不低于 %s 分），当前总分 %s 分，还差 %s 分。", or_dash(str(target, "name")),
                                      num(r, json_object_get(target, "min_total")), num(r, json_object_get(gap, "total")),
                                      num(r, json_object_get(target, "points_missing"))),
                     CS__SANS_BOLD, 10.5, CS__INK, 3);
        gap_needs(r, json_object_get(target, "conditions"), 12);
    } else {
        cs__pdf_para(p, 0, "已达到本框架最高星级，无更高目标。", CS__SANS_BOLD, 10.5, CS__INK, 3);
    }
    size_t i;
    json_t *g;
    if (json_array_size(json_object_get(gap, "missing"))) {
        cs__pdf_para(p, 0, "缺数据的指标（补齐数据后方能评分）：", CS__SANS_BOLD, 10, CS__RED, 1);
        json_array_foreach(json_object_get(gap, "missing"), i, g)
            cs__pdf_para(p, 12, cs__arena_printf(&r->a, "· %s %s（满分 %s 分）%s", or_dash(str(g, "code")), or_dash(str(g, "name")),
                                                 num(r, json_object_get(g, "max_points")), str(g, "explanation") ? str(g, "explanation") : ""),
                         CS__SANS, 8.5, CS__INK, 1);
    }
    if (json_array_size(json_object_get(gap, "deductions"))) {
        cs__pdf_para(p, 0, "扣分的指标：", CS__SANS_BOLD, 10, CS__RED, 1);
        json_array_foreach(json_object_get(gap, "deductions"), i, g)
            cs__pdf_para(p, 12, cs__arena_printf(&r->a, "· %s %s：扣 %s 分", or_dash(str(g, "code")), or_dash(str(g, "name")),
                                                 num(r, json_object_get(g, "points"))),
                         CS__SANS, 8.5, CS__INK, 1);
    }
    json_array_foreach(json_object_get(gap, "adjustments"), i, g)
    {
        if (!json_is_true(json_object_get(g, "applied"))) continue;
        const json_t *lift = json_object_get(g, "lift");
        cs__pdf_para(p, 0, cs__arena_printf(&r->a, "已触发的%s：%s%s%s", str(g, "kind") && !strcmp(str(g, "kind"), "veto") ? "否决" : "扣分",
                                            or_dash(str(g, "text")), str(lift, "gap") ? "；解除需要：" : "",
                                            str(lift, "gap") ? str(lift, "gap") : ""),
                     CS__SANS_BOLD, 9.5, CS__RED, 2);
    }
    p->y += 4;
    cs__pdf_heading(p, "（二）未达满分的指标", 2);
    const json_t *inds = json_object_get(gap, "indicators");
    if (!json_array_size(inds)) cs__pdf_para(p, 0, "无", CS__SANS, 10, CS__INK, 6);
    json_array_foreach(inds, i, g)
    {
        const json_t *next = json_object_get(g, "next");
        const char *tier = str(g, "tier");
        cs__pdf_need(p, 70);
        const char *head = cs__arena_printf(&r->a, "%s  %s    %s / %s 分", or_dash(str(g, "code")), or_dash(str(g, "name")),
                                            num(r, json_object_get(g, "points")), num(r, json_object_get(g, "max_points")));
        if (json_is_object(next))
            head = cs__arena_printf(&r->a, "%s    %s → %s    +%s 分", head, tier ? tier : "未达档",
                                    str(next, "level") ? str(next, "level") : "更高得分", num(r, json_object_get(next, "points_added")));
        cs__pdf_para(p, 0, head, CS__SANS_BOLD, 9.5, CS__NAVY, 1);
        if (str(g, "value") && *str(g, "value"))
            cs__pdf_para(p, 12, cs__arena_printf(&r->a, "现状：%s", str(g, "value")), CS__SANS, 8.5, CS__INK, 1);
        if (json_is_true(json_object_get(g, "overridden"))) {
            cs__pdf_para(p, 12, "该指标得分经复核调整，不作提升测算。", CS__SANS, 8.5, CS__RED, 5);
            continue;
        }
        if (str(next, "requirement"))
            cs__pdf_para(p, 12, cs__arena_printf(&r->a, "%s要求：%s", or_dash(str(next, "level")), str(next, "requirement")), CS__SANS, 8.5,
                         CS__INK, 1);
        gap_needs(r, json_object_get(next, "needs"), 12);
        if (json_is_false(json_object_get(next, "reachable")))
            cs__pdf_para(p, 12, "依现有数据口径无法达到该档。", CS__SANS, 8.5, CS__RED, 1);
        const char *deps = join(r, json_object_get(g, "departments"), "、");
        if (deps) cs__pdf_para(p, 12, cs__arena_printf(&r->a, "牵头部门：%s", deps), CS__SANS, 8.5, CS__GREY, 1);
        p->y += 5;
    }
    region_plan(r);
}

static void region_sources(render *r)
{
    cs__pdf *p = &r->p;
    cs__pdf_heading(p, "五、数据来源与佐证材料", 1);
    cs__pdf_heading(p, "（一）数据来源", 2);
    const json_t *src = json_object_get(r->doc, "sources");
    size_t i;
    json_t *s;
    if (!json_array_size(src)) {
        cs__pdf_para(p, 0, "无", CS__SANS, 10, CS__INK, 6);
    } else {
        static const cs__pdf_col cols[] = {{"数据项", 138, CS__ALIGN_LEFT, 0}, {"填报值", 62, CS__ALIGN_RIGHT, 0},
                                           {"状态", 40, CS__ALIGN_CENTER, 0},  {"来源", 113, CS__ALIGN_LEFT, 6.5},
                                           {"填报人", 56, CS__ALIGN_LEFT, 0},  {"填报时间", 74, CS__ALIGN_CENTER, 0}};
        cs__pdf_table t = {cols, 6, 7.5};
        cs__pdf_table_header(p, &t);
        json_array_foreach(src, i, s)
        {
            const json_t *row = json_object_get(s, "source_row");
            const char *kind = str(s, "source_kind"), *name = str(s, "source_name");
            const char *from = cs__arena_printf(&r->a, "%s%s%s%s", kind ? kind : "", kind && name ? "：" : "", name ? name : "",
                                                json_is_integer(row) ? cs__arena_printf(&r->a, " 第 %lld 行", (long long)json_integer_value(row)) : "");
            const char *cells[] = {cs__arena_printf(&r->a, "%s\n%s", or_dash(str(s, "name")), or_dash(str(s, "element"))),
                                   str(s, "text") ? str(s, "text") : value_text(r, json_object_get(s, "value"), str(s, "unit")),
                                   state_text(str(s, "state")), or_dash(from), or_dash(str(s, "actor")), when_text(r, str(s, "at"), 1)};
            uint32_t rgb[] = {CS__INK, json_is_number(json_object_get(s, "value")) ? CS__INK : CS__RED, CS__INK, CS__GREY, CS__INK, CS__INK};
            cs__pdf_table_row(p, &t, cells, rgb, 0);
        }
        p->y += 8;
    }
    cs__pdf_heading(p, "（二）佐证材料", 2);
    const json_t *ev = json_object_get(r->doc, "evidence");
    if (!json_array_size(ev)) {
        cs__pdf_para(p, 0, "无", CS__SANS, 10, CS__INK, 6);
        return;
    }
    static const cs__pdf_col cols[] = {{"文件", 120, CS__ALIGN_LEFT, 0},      {"大小", 50, CS__ALIGN_RIGHT, 0},
                                       {"SHA-256 前 16 位", 88, CS__ALIGN_LEFT, 6.5}, {"数据项 / 指标", 95, CS__ALIGN_LEFT, 0},
                                       {"上传人", 56, CS__ALIGN_LEFT, 0},     {"上传时间", 74, CS__ALIGN_CENTER, 0}};
    cs__pdf_table t = {cols, 6, 7.5};
    cs__pdf_table_header(p, &t);
    json_array_foreach(ev, i, s)
    {
        const char *el = str(s, "element_name") ? str(s, "element_name") : str(s, "element");
        const char *ind = str(s, "indicator");
        const char *what = el && ind ? cs__arena_printf(&r->a, "%s / 指标 %s", el, ind)
                           : ind     ? cs__arena_printf(&r->a, "指标 %s", ind)
                                     : or_dash(el);
        const char *cells[] = {or_dash(str(s, "file_name")), size_text(r, json_object_get(s, "size")), prefix16(r, str(s, "sha256")),
                               what, or_dash(str(s, "actor")), when_text(r, str(s, "at"), 1)};
        cs__pdf_table_row(p, &t, cells, NULL, 0);
        if (str(s, "note")) cs__pdf_table_band(p, &t, cs__arena_printf(&r->a, "说明：%s", str(s, "note")), 7, CS__GREY, 0);
    }
}

static void region_report(render *r)
{
    region_cover(r);
    cs__pdf_new_page(&r->p);
    region_overview(r);
    region_groups(r);
    region_indicators(r);
    region_gaps(r);
    region_sources(r);
}

/* ---- Summary report ---------------------------------------------------------------------------- */

static void summary_cover(render *r)
{
    const json_t *region = json_object_get(r->doc, "region"), *stats = json_object_get(r->doc, "stats");
    const char *lvl = level_text(str(r->doc, "level"));
    double y = cover_top(r, cs__arena_printf(&r->a, "%s所辖%s排名", or_dash(str(region, "name")), lvl));
    if (y < 400) y = 400;
    cs__pdf *p = &r->p;
    double bw = 300, bx = (CS__PDF_W - bw) / 2, bh = 110;
    cs__pdf_stroke_rect(p, bx, y, bw, bh, 1.2, CS__NAVY);
    cs__pdf_text(p, bx, y + 10, bw, cs__arena_printf(&r->a, "参评%s", lvl), CS__SANS, 11, CS__ALIGN_CENTER, CS__GREY);
    cs__pdf_text(p, bx, y + 30, bw, cs__arena_printf(&r->a, "%s 个", num(r, json_object_get(stats, "regions"))), CS__SERIF_BOLD, 32,
                 CS__ALIGN_CENTER, CS__NAVY);
    cs__pdf_text(p, bx, y + 80, bw, cs__arena_printf(&r->a, "平均 %s 分", num(r, json_object_get(stats, "mean"))), CS__SANS, 11,
                 CS__ALIGN_CENTER, CS__INK);
    cover_data_lines(r, y + bh + 40);
}

static void summary_overview(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *stats = json_object_get(r->doc, "stats");
    const char *lvl = level_text(str(r->doc, "level"));
    cs__pdf_heading(p, "一、总体情况", 1);
    const char *vals[] = {num(r, json_object_get(stats, "regions")), num(r, json_object_get(stats, "scored")),
                          num(r, json_object_get(stats, "mean")), num(r, json_object_get(stats, "max")), num(r, json_object_get(stats, "min"))};
    const char *labs[] = {cs__arena_printf(&r->a, "参评%s（个）", lvl), "有总分（个）", "平均分", "最高分", "最低分"};
    tiles(r, vals, labs, 5);
    cs__buf b = {0};
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(stats, "at_or_above"), i, a)
    {
        if (b.len) cs__buf_append(&b, "；");
        cs__buf_printf(&b, "达到%s及以上 %s 个", or_dash(str(a, "rating")), num(r, json_object_get(a, "count")));
    }
    if (b.len) {
        cs__buf_append(&b, "。");
        cs__pdf_para(p, 0, b.s, CS__SANS_BOLD, 10.5, CS__INK, 6);
    }
    cs__buf_free(&b);
    cs__pdf_heading(p, "（一）星级分布", 2);
    const json_t *dist = json_object_get(r->doc, "distribution");
    size_t n = json_array_size(dist);
    if (!n) {
        cs__pdf_para(p, 0, "无", CS__SANS, 10, CS__INK, 6);
        return;
    }
    cs__pdf_bar *bars = cs__arena_alloc(&r->a, n * sizeof *bars);
    double axis = 1;
    json_array_foreach(dist, i, a)
    {
        const char *rt = or_dash(str(a, "rating"));
        bars[i].label = rt;
        bars[i].value = json_number_value(json_object_get(a, "count"));
        bars[i].text = cs__arena_printf(&r->a, "%s 个", num(r, json_object_get(a, "count")));
        bars[i].rgb = !strcmp(rt, "缺数据") ? 0x999999U : !strcmp(rt, "未达到星级") ? 0xc55a11U : 0;
        if (bars[i].value > axis) axis = bars[i].value;
    }
    cs__pdf_vbar_chart(p, bars, (int)n, axis, 130, NULL, 0);
}

/* The totals as bars, best first (at most 40 rows), or as a histogram of 10-point bands. */
static void summary_chart(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *rows = json_object_get(r->doc, "rows");
    size_t n = json_array_size(rows), i;
    double max_total = json_number_value(json_object_get(json_object_get(r->doc, "framework"), "max_total"));
    if (!(max_total > 0)) max_total = 100;
    cs__pdf_mark marks[8];
    int nm = rating_marks(r, marks);
    json_t *row;
    if (n <= 40) {
        cs__pdf_heading(p, "（二）总分排名图", 2);
        cs__pdf_bar *bars = cs__arena_alloc(&r->a, (n ? n : 1) * sizeof *bars);
        json_array_foreach(rows, i, row)
        {
            const json_t *tot = json_object_get(row, "total"), *rank = json_object_get(row, "rank");
            bars[i].label = cs__arena_printf(&r->a, "%s %s", json_is_integer(rank) ? num(r, rank) : "—", or_dash(str(row, "name")));
            bars[i].missing = !json_is_number(tot);
            bars[i].value = json_number_value(tot);
            bars[i].text = cs__arena_printf(&r->a, "%s %s", num(r, tot), str(row, "rating") ? str(row, "rating") : "");
        }
        cs__pdf_para(p, 0, "虚线为各星级的分数线。", CS__SANS, 8, CS__GREY, 0);
        cs__pdf_hbar_chart(p, bars, (int)n, max_total, n > 20 ? 14 : 18, 90, marks, nm);
        return;
    }
    cs__pdf_heading(p, "（二）总分分布", 2);
    int nb = (int)ceil(max_total / 10), missing = 0;
    if (nb > 20) nb = 20;
    double width = max_total / nb;
    cs__pdf_bar *bars = cs__arena_alloc(&r->a, (size_t)(nb + 1) * sizeof *bars);
    int *count = cs__arena_alloc(&r->a, (size_t)(nb + 1) * sizeof *count);
    json_array_foreach(rows, i, row)
    {
        const json_t *tot = json_object_get(row, "total");
        if (!json_is_number(tot)) {
            missing++;
            continue;
        }
        int k = (int)floor(json_number_value(tot) / width);
        count[k < 0 ? 0 : k >= nb ? nb - 1 : k]++;
    }
    double axis = 1;
    for (int k = 0; k < nb; k++) {
        bars[k].label = cs__arena_printf(&r->a, "%s–%s", numd(r, k * width), numd(r, (k + 1) * width));
        bars[k].value = count[k];
        bars[k].text = cs__arena_printf(&r->a, "%d", count[k]);
        if (count[k] > axis) axis = count[k];
    }
    int nbars = nb;
    if (missing) {
        bars[nb].label = "缺数据";
        bars[nb].value = missing;
        bars[nb].text = cs__arena_printf(&r->a, "%d", missing);
        bars[nb].rgb = 0x999999U;
        nbars++;
    }
    cs__pdf_para(p, 0,
                 "各分数段的地区数（每段含下限、不含上限，满分计入最后一段）。",
                 CS__SANS, 8, CS__GREY, 0);
    cs__pdf_vbar_chart(p, bars, nbars, axis, 150, NULL, 0);
}

static void summary_ranking(render *r)
{
    cs__pdf *p = &r->p;
    const json_t *groups = json_object_get(r->doc, "groups"), *rows = json_object_get(r->doc, "rows");
    cs__pdf_heading(p, "二、排名", 1);
    cs__pdf_heading(p, "（一）排名表", 2);
    size_t ng = json_array_size(groups), i;
    if (ng > 12) ng = 12;
    const char *prev = str(r->doc, "previous_period");
    cs__pdf_col cols[18] = {{"排名", 26, CS__ALIGN_CENTER, 0}, {"代码", 36, CS__ALIGN_CENTER, 7},
                            {"地区", 54, CS__ALIGN_LEFT, 0},   {"总分", 30, CS__ALIGN_RIGHT, 0},
                            {"星级", 66, CS__ALIGN_CENTER, 0},
                            {prev ? cs__arena_printf(&r->a, "较%s", period_text(r, prev)) : "较上期", 42, CS__ALIGN_RIGHT, 0}};
    double rest = CS__PDF_WIDTH - 254;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        if (i >= ng) break;
        cols[6 + i] = (cs__pdf_col){cs__arena_printf(&r->a, "%s\n(%s)", or_dash(str(g, "name")), num(r, json_object_get(g, "max_points"))),
                                    rest / (double)ng, CS__ALIGN_RIGHT, 0};
    }
    cs__pdf_table t = {cols, 6 + (int)ng, ng > 8 ? 7 : 8};
    cs__pdf_para(p, 0, "各一级指标列为该项得分（括号内为满分）；“缺数据”表示所需数据未填报。", CS__SANS, 8, CS__GREY, 4);
    cs__pdf_table_header(p, &t);
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *cells[18];
        uint32_t rgb[18];
        const json_t *rank = json_object_get(row, "rank"), *change = json_object_get(row, "change");
        cells[0] = json_is_integer(rank) ? num(r, rank) : "—";
        cells[1] = or_dash(str(row, "code"));
        cells[2] = or_dash(str(row, "name"));
        cells[3] = num(r, json_object_get(row, "total"));
        cells[4] = str(row, "rating") ? str(row, "rating") : json_is_number(json_object_get(row, "total")) ? "未达到星级" : "缺数据";
        cells[5] = json_is_number(change) ? cs__arena_printf(&r->a, "%s%s", json_number_value(change) > 0 ? "+" : "", num(r, change)) : "—";
        for (int c = 0; c < 18; c++) rgb[c] = CS__INK;
        if (!json_is_number(json_object_get(row, "total"))) rgb[3] = rgb[4] = CS__RED;
        if (json_is_number(change)) rgb[5] = json_number_value(change) < 0 ? CS__RED : json_number_value(change) > 0 ? CS__GREEN : CS__INK;
        for (size_t k = 0; k < ng; k++) {
            /* the row's group of the same code as the column */
            const char *code = str(json_array_get(groups, k), "code");
            const json_t *rg = json_array_get(json_object_get(row, "groups"), k);
            size_t m;
            json_t *x;
            json_array_foreach(json_object_get(row, "groups"), m, x) if (code && str(x, "code") && !strcmp(code, str(x, "code"))) rg = x;
            cells[6 + k] = num(r, json_object_get(rg, "points"));
            if (!strcmp(cells[6 + k], "缺数据")) rgb[6 + k] = CS__RED;
        }
        size_t extra = json_array_size(json_object_get(row, "adjustments_applied")) +
                       (json_array_size(json_object_get(row, "missing_indicators")) ? 1 : 0);
        if (extra) cs__pdf_table_break(p, &t, 26 + 14.0 * (double)extra);
        cs__pdf_table_row(p, &t, cells, rgb, 0);
        size_t k;
        json_t *a;
        json_array_foreach(json_object_get(row, "adjustments_applied"), k, a)
        {
            int veto = str(a, "kind") && !strcmp(str(a, "kind"), "veto");
            cs__pdf_table_band(p, &t,
                               cs__arena_printf(&r->a, "%s 已触发%s（指标 %s）：%s", or_dash(str(row, "name")), veto ? "否决" : "扣分",
                                                or_dash(str(a, "code")), or_dash(str(a, "text"))),
                               7.5, CS__RED, 0);
        }
        const char *miss = join(r, json_object_get(row, "missing_indicators"), "、");
        if (miss)
            cs__pdf_table_band(p, &t, cs__arena_printf(&r->a, "%s 缺数据的指标：%s", or_dash(str(row, "name")), miss), 7.5, CS__GREY, 0);
    }
    p->y += 8;
    summary_chart(r);
}

static void summary_report(render *r)
{
    summary_cover(r);
    cs__pdf_new_page(&r->p);
    summary_overview(r);
    summary_ranking(r);
}

/* ---- Entry ------------------------------------------------------------------------------------- */

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
    if (closure) cs__buf_appendn(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* Lays the document out once onto a PDF stream into out (NULL = discarded); returns the page count
 * or -1 after reporting a cairo failure to diag. */
static int render_pass(const json_t *doc, int summary, int pages, const char *header, const char *title,
                       cs__buf *out, cs_diag *diag)
{
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(write_buf, out, CS__PDF_W, CS__PDF_H);
    render r = {.doc = doc};
    int n = -1;
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "生成 PDF 失败：%s / cairo failed", cairo_status_to_string(cairo_surface_status(surf)));
        goto out;
    }
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "citystar");
    const char *fwt = str(json_object_get(doc, "framework"), "title");
    if (fwt) cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_SUBJECT, fwt);
    cs__pdf_begin(&r.p, surf, pages, header);
    if (summary) summary_report(&r);
    else region_report(&r);
    cairo_status_t st = cairo_status(r.p.cr);
    n = r.p.page;
    cs__pdf_end(&r.p);
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surf);
    if (st != CAIRO_STATUS_SUCCESS) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "生成 PDF 失败：%s / cairo failed", cairo_status_to_string(st));
        n = -1;
    }
out:
    cairo_surface_destroy(surf);
    cs__arena_release(&r.a);
    return n;
}

cs_status cs__report_pdf(const json_t *doc, cs__buf *out, cs_diag *diag)
{
    if (!json_is_object(doc)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "报告文档不是 JSON 对象 / the report document is not an object");
        return CS_EDATA;
    }
    static const char *const required[] = {"kind", "framework", "region"};
    for (size_t i = 0; i < 3; i++)
        if (!json_object_get(doc, required[i]) || json_is_null(json_object_get(doc, required[i]))) {
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "报告文档缺少 %s / the report document lacks '%s'", required[i], required[i]);
            return CS_EDATA;
        }
    const char *kind = str(doc, "kind");
    int summary = kind && !strcmp(kind, "summary");
    if (!kind || (!summary && strcmp(kind, "region"))) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "报告种类“%s”未知 / unknown report kind", kind ? kind : "?");
        return CS_EDATA;
    }
    cs__arena a = {0};
    const json_t *region = json_object_get(doc, "region");
    const char *name = str(region, "path") ? str(region, "path") : str(region, "name") ? str(region, "name") : "";
    const char *period = str(doc, "period");
    const char *ptext = period ? (strlen(period) == 4 && strspn(period, "0123456789") == 4 ? cs__arena_printf(&a, "%s年度", period) : period)
                               : "";
    const char *title = str(doc, "title") ? str(doc, "title") : summary ? "评估汇总报告" : "评估报告";
    const char *header = cs__arena_printf(&a, "%s  ·  %s  ·  %s", name, ptext, title);
    const char *meta = cs__arena_printf(&a, "%s %s %s", title, str(region, "name") ? str(region, "name") : "", ptext);
    cs_status rc = CS_OK;
    int pages = render_pass(doc, summary, 0, header, meta, NULL, diag);
    if (pages < 0 || render_pass(doc, summary, pages, header, meta, out, diag) < 0) {
        cs__buf_reset(out);
        rc = CS_EIO;
    }
    cs__arena_release(&a);
    return rc;
}
