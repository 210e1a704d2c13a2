/*
 * planner_text.c — the gap analysis and the upgrade plan as Chinese text for people (the CLI
 * prints it; reports can reuse it). Reads what gap.c and upgrade.c found; computes nothing.
 */
#include <string.h>

#include "planner_int.h"

static void points(cs__buf *b, double v)
{
    cs__buf_number(b, v, 2);
}

static void departments(cs__buf *b, const cs__indicator *ind)
{
    for (int d = 0; d < ind->ndepartments; d++) cs__buf_printf(b, "%s%s", d ? "、" : "", ind->departments[d]);
}

static const char *tier_name(const cs__indicator *ind, int t)
{
    return t > 0 ? ind->rule.tiers[t - 1].level : "未达档";
}

static void rating_name(cs__buf *b, const cs_framework *fw, int r)
{
    cs__buf_append(b, r > 0 ? fw->ratings[r - 1].name : fw->nratings ? "未达到星级" : "—");
}

/* One requirement on its own line: "· text：sentence". */
static void need_line(cs__buf *b, const char *indent, const cs__need *n)
{
    cs__buf_printf(b, "%s· %s：%s\n", indent, n->text, n->sentence ? n->sentence : "");
}

void cs__gap_text(const cs__gap *g, cs__buf *out)
{
    const cs_framework *fw = g->plan->fw;
    cs__buf_printf(out, "查缺补漏 / gap analysis — 地区 %s  年度 %s  框架 %s\n", g->region, g->period, fw->id);
    if (fw->scoring == CS__SCORING_MONITOR) {
        cs__buf_append(out, "监测框架：只计算数值，不计分、不定星级，没有档位可比 / a monitoring framework: no points, no tiers\n");
        return;
    }
    cs__buf_append(out, "总分 ");
    points(out, g->total);
    cs__buf_append(out, " / ");
    points(out, fw->max_score);
    cs__buf_append(out, " 分  星级 ");
    rating_name(out, fw, g->rating);
    cs__buf_append(out, "\n");
    if (g->target) {
        const cs__rating *rt = &fw->ratings[g->target - 1];
        cs__buf_printf(out, "目标 %s（不低于 ", rt->name);
        points(out, rt->min_total);
        cs__buf_append(out, " 分）：");
        if (g->target_points > 0) {
            cs__buf_append(out, "还差 ");
            points(out, g->target_points);
            cs__buf_append(out, " 分");
        } else {
            cs__buf_append(out, "分数已达到");
        }
        if (g->ntarget_needs) cs__buf_append(out, "；额外条件未满足：");
        cs__buf_append(out, "\n");
        for (int k = 0; k < g->ntarget_needs; k++) need_line(out, "  ", &g->target_needs[k]);
    } else if (fw->nratings) {
        cs__buf_append(out, "已达到最高星级\n");
    }
    if (g->nmissing) {
        cs__buf_printf(out, "\n缺数据（共 %d 项，不计分，不是 0 分）：\n", g->nmissing);
        for (int k = 0; k < g->nmissing; k++) {
            const cs__indicator *ind = &fw->indicators[g->missing[k]];
            cs__buf_printf(out, "  %s %s（满分 ", ind->code, ind->name);
            points(out, ind->max_points);
            cs__buf_printf(out, "）：%s\n", g->missing_text[k]);
        }
    }
    if (g->ndeductions) {
        cs__buf_append(out, "\n扣分项：\n");
        for (int k = 0; k < g->ndeductions; k++) {
            const cs__indicator *ind = &fw->indicators[g->deductions[k]];
            cs__buf_printf(out, "  %s %s：扣 ", ind->code, ind->name);
            points(out, -g->deducted[k]);
            cs__buf_append(out, " 分（已发生的事件，不能通过建设补回）\n");
        }
    }
    if (g->nadjs) {
        cs__buf_append(out, "\n减分与一票否决：\n");
        for (int k = 0; k < g->nadjs; k++) {
            const cs__gap_adjustment *ga = &g->adjs[k];
            const cs__adjustment *adj = &fw->adjustments[ga->adjustment];
            const char *label = adj->text ? adj->text : adj->kind == CS__ADJ_VETO ? "一票否决" : "减分";
            if (ga->applied < 0) {
                cs__buf_printf(out, "  %s：缺少数据，未能判定\n", label);
                continue;
            }
            if (adj->kind == CS__ADJ_VETO) {
                cs__buf_printf(out, "  %s：已触发，整体不得分", label);
            } else {
                cs__buf_printf(out, "  %s：已触发，减 ", label);
                points(out, ga->amount);
                cs__buf_append(out, " 分");
            }
            cs__buf_printf(out, "；%s%s\n", ga->lift.status == CS__NEED_CHANGE ? "解除需：" : "", ga->lift.sentence ? ga->lift.sentence : "");
        }
    }
    double sum = 0;
    for (int k = 0; k < g->ninds; k++) sum += g->inds[k].points_added;
    int listed = 0;
    for (int i = 0; i < fw->nindicators; i++) listed |= fw->indicators[i].ndepartments > 0;
    cs__buf_printf(out, "\n未达到最高档的指标（共 %d 项，", g->ninds);
    if (fw->scoring == CS__SCORING_WEIGHTED) {
        cs__buf_append(out, "各指标得分按权重折算进总分");
    } else {
        cs__buf_append(out, "各升一档合计可得 ");
        points(out, sum);
        cs__buf_append(out, " 分");
    }
    cs__buf_printf(out, "%s）：\n", listed ? "" : "；本框架未列出牵头部门");
    for (int k = 0; k < g->ninds; k++) {
        const cs__gap_indicator *gi = &g->inds[k];
        const cs__indicator *ind = &fw->indicators[gi->indicator];
        cs__buf_printf(out, "  %s %s  ", ind->code, ind->name);
        points(out, gi->points);
        cs__buf_append(out, " / ");
        points(out, ind->max_points);
        cs__buf_append(out, " 分");
        if (gi->kind == CS__STEP_TIER && !gi->overridden)
            cs__buf_printf(out, "  %s → %s", tier_name(ind, gi->tier), tier_name(ind, gi->next_tier));
        if (!gi->overridden) {
            cs__buf_append(out, "  +");
            points(out, gi->points_added);
            cs__buf_append(out, " 分");
        }
        cs__buf_append(out, "\n");
        if (ind->ndepartments) {
            cs__buf_append(out, "    牵头部门：");
            departments(out, ind);
            cs__buf_append(out, "\n");
        }
        if (gi->value_text && *gi->value_text) cs__buf_printf(out, "    现状：%s\n", gi->value_text);
        if (gi->overridden) {
            cs__buf_append(out, "    专家评审已调整本项得分，数据变化不改变得分\n");
            continue;
        }
        if (gi->kind == CS__STEP_TIER) {
            const cs__tier *t = &ind->rule.tiers[gi->next_tier - 1];
            cs__buf_printf(out, "    %s要求：%s\n", t->level, t->text ? t->text : "");
        } else if (gi->kind == CS__STEP_ITEMS) {
            cs__buf_append(out, "    下一步：再增加 1 项\n");
        }
        for (int n = 0; n < gi->nneeds; n++)
            if (gi->needs[n].status != CS__NEED_MET) need_line(out, "    ", &gi->needs[n]);
    }
}

static void step_title(cs__buf *out, const cs_framework *fw, const cs__upgrade_step *st)
{
    switch (st->kind) {
    case CS__SUBJECT_INDICATOR: {
        const cs__indicator *ind = &fw->indicators[st->index];
        cs__buf_printf(out, "指标 %s %s：", ind->code, ind->name);
        if (ind->rule.kind == CS__RULE_TIERS) {
            cs__buf_printf(out, "%s → %s", tier_name(ind, st->from_tier), tier_name(ind, st->to_tier));
        } else {
            points(out, st->from_points);
            cs__buf_append(out, " 分 → ");
            points(out, st->to_points);
            cs__buf_append(out, " 分");
        }
        cs__buf_append(out, "，+");
        points(out, st->to_points - st->from_points);
        cs__buf_append(out, " 分");
        break;
    }
    case CS__SUBJECT_PENALTY:
        cs__buf_printf(out, "解除减分“%s”，+", fw->adjustments[st->index].text ? fw->adjustments[st->index].text : fw->adjustments[st->index].code);
        points(out, -st->from_points);
        cs__buf_append(out, " 分");
        break;
    case CS__SUBJECT_VETO:
        cs__buf_printf(out, "解除一票否决“%s”（必需）",
                       fw->adjustments[st->index].text ? fw->adjustments[st->index].text : fw->adjustments[st->index].code);
        break;
    case CS__SUBJECT_RATING:
        cs__buf_printf(out, "满足%s的额外条件（必需）", fw->ratings[st->index].name);
        break;
    }
}

void cs__upgrade_text(const cs__upgrade *u, cs__buf *out)
{
    const cs_framework *fw = u->plan->fw;
    const cs__rating *rt = &fw->ratings[u->target - 1];
    cs__buf_printf(out, "升级规划 / upgrade plan — 地区 %s  年度 %s  框架 %s\n", u->region, u->period, fw->id);
    cs__buf_append(out, "现状：总分 ");
    points(out, u->total_before);
    cs__buf_append(out, " 分，");
    rating_name(out, fw, u->rating_before);
    cs__buf_printf(out, "；目标：%s（不低于 ", rt->name);
    points(out, rt->min_total);
    cs__buf_append(out, " 分");
    if (rt->ncriteria) cs__buf_append(out, "，另有额外条件");
    cs__buf_append(out, "）\n");
    if (!strcmp(u->unit, "相对距离"))
        cs__buf_append(out, "工作量：相对距离（每项需变动的数据项的相对变化之和，是/否记 1；见 docs/planner.md）\n");
    else
        cs__buf_printf(out, "工作量：按费用文件，单位 %s\n", u->unit);
    if (u->status == CS__PLAN_ALREADY) {
        cs__buf_printf(out, "\n已达到 %s，无需升级。\n", rt->name);
        return;
    }
    if (u->status == CS__PLAN_UNREACHABLE) {
        cs__buf_printf(out, "\n%s\n", u->reason);
    } else {
        cs__buf_append(out, "\n最省工作量的方案（经评分引擎复核）：\n");
        if (u->level != u->target)
            cs__buf_printf(out, "  （按%s的分数线规划：比满足%s的额外条件更省工作量）\n", fw->ratings[u->level - 1].name, rt->name);
        for (int k = 0; k < u->nsteps; k++) {
            const cs__upgrade_step *st = &u->steps[k];
            cs__buf_printf(out, "  %d. ", k + 1);
            step_title(out, fw, st);
            cs__buf_append(out, "；工作量 ");
            cs__buf_number(out, st->effort, 4);
            if (!st->costed) cs__buf_append(out, "（费用文件未列出，按 0 计）");
            if (st->kind == CS__SUBJECT_INDICATOR && fw->indicators[st->index].ndepartments) {
                cs__buf_append(out, "；牵头部门：");
                departments(out, &fw->indicators[st->index]);
            }
            cs__buf_append(out, "\n");
            for (int n = 0; n < st->nneeds; n++)
                if (st->needs[n].status != CS__NEED_MET) need_line(out, "       ", &st->needs[n]);
        }
        cs__buf_append(out, "\n合计工作量 ");
        cs__buf_number(out, u->effort, 4);
        cs__buf_printf(out, " %s；评分引擎复核：升级后总分 ", u->unit);
        points(out, u->total_after);
        cs__buf_append(out, " 分，");
        rating_name(out, fw, u->rating_after);
        cs__buf_append(out, "\n");
    }
    if (u->nmissing) {
        cs__buf_append(out, "缺数据、未参与规划的指标：");
        for (int k = 0; k < u->nmissing; k++) cs__buf_printf(out, "%s%s", k ? "、" : "", fw->indicators[u->missing[k]].code);
        cs__buf_append(out, "（补报数据后可能需要重新规划）\n");
    }
    if (u->nuncosted) {
        cs__buf_append(out, "费用文件未列出、未参与规划的指标：");
        for (int k = 0; k < u->nuncosted; k++) cs__buf_printf(out, "%s%s", k ? "、" : "", fw->indicators[u->uncosted[k]].code);
        cs__buf_append(out, "\n");
    }
    cs__buf_printf(out, "评分引擎复核的候选方案：%zu 个\n", u->candidates);
}
