"""What the pages show of the self-evaluations (issue 22), read from budget.db: shared by the fund card
(budget_site/pages/fund_card.py), the department page (budget_site/pages/landing.py) and /results (budget_site/pages/results_page.py). Every query
is an indexed look-up of one fund's (four for the fund card), or one year and department's, rows; the flags are the
failed data_checks rows of each self-evaluation (对象_id), never computed here.
"""
from decimal import Decimal

from .results import level2, same_text

# One row per self-evaluation: the first row of its 项目资金 block is 年度资金总额; the flags are its failed checks.
SUMMARY = """select e.id, e.年度, e.部门, e.序号, e.项目名称, e.专项_id, e.资金单位, e.总分, e.得分, e.得分_原文, e.评价等级,
  e.填报状态, a.年初预算数_分, a.全年预算数_分, a.全年执行数_分, a.执行率_原文, a.执行率,
  (select group_concat(c.检查项, '；') from data_checks c where c.对象_id = e.id and c.结果 = '不一致') as 问题
from self_evaluations e left join self_evaluation_amounts a on a.自评_id = e.id and a.顺序 = 1
where {where} order by e.部门, e.序号"""


def rows(conn, sql, params=()):
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def amount_text(fen, unit):
    """分 -> the amount in the form's own unit, as printed (no float noise): 441900000, 万元 -> '441.9'; None -> None."""
    if fen is None:
        return None
    per = Decimal(1000000) if unit == "万元" else Decimal(100)
    return format((Decimal(fen) / per).normalize(), "f")


def score_text(value):
    return None if value is None else format(Decimal(repr(value)).normalize(), "f")


def summaries(conn, year, department):
    """Each self-evaluation of a year and department: budget, adjusted, spent (in its unit), rate, score, flags."""
    return summarised(rows(conn, SUMMARY.format(where="e.年度 = ? and e.部门 = ?"), [year, department]))


def summarised(found):
    for row in found:
        unit = row["资金单位"]
        row["年初"], row["全年"], row["执行"] = (amount_text(row[c], unit) for c in ("年初预算数_分", "全年预算数_分", "全年执行数_分"))
        row["分数"] = score_text(row["得分"])
        row["满分"] = score_text(row["总分"]) or "100"
        row["得分比例"] = 0 if row["得分"] is None or not row["总分"] else min(100, round(100 * row["得分"] / row["总分"], 2))
        row["问题"] = row["问题"].split("；") if row["问题"] else []
    return found


def fund_results(conn, fund, indicators, later):
    """The self-evaluation of one fund (None without one): its summary, its funding block, each target of the year
    with the results that grade it and the fund's target of the next year, the results matched to no target.
    indicators: the fund's performance_indicators rows (the card has them); later: its fund_year_changes row in the
    department's next year (None if there is none: 本年_id is the fund that year, None if it stopped)."""
    found = rows(conn, SUMMARY.format(where="e.专项_id = ?") + " limit 1", [fund["id"]])
    later = {"id": later["本年_id"], "年度": later["年度"]} if later and later["本年_id"] else None
    if not found and not later:
        return None
    # copies (the card shows the rows as they are), in form order: by direction (none for a standard form), then 顺序
    targets = sorted(({**i} for i in indicators if i["期别"] == "年度"), key=lambda i: (i["支出方向_id"] or "", i["顺序"] or 0))
    next_targets = rows(conn, "select * from performance_indicators where 专项_id = ? and 期别 = '年度' and 指标值 is not null "
                              "order by 支出方向_id, 顺序", [later["id"]]) if later else []
    summary_row, amounts, results = None, [], []
    if found:
        summary_row = summarised(found)[0]
        amounts = rows(conn, "select * from self_evaluation_amounts where 自评_id = ? order by 顺序", [summary_row["id"]])
        for amount in amounts:
            for column in ("年初预算数", "全年预算数", "全年执行数"):
                amount[column] = amount[f"{column}_原文"]
        results = rows(conn, "select * from self_evaluation_indicators where 自评_id = ? order by 顺序", [summary_row["id"]])
    for result in results:
        result["分数"], result["满分"] = score_text(result["得分"]), score_text(result["分值"])
        result["标记"] = [text for flag, text in (("满分未达标", "满分但未达到本指标的目标"),
                                                  ("目标不一致", "自评表重述的指标值与目标表不同")) if result[flag]]
    for target in targets:
        target["results"] = [r for r in results if r["指标_id"] == target["id"]]
        target["next"] = [n for n in next_targets if same_indicator(target, n)]
    # a slot left empty on form 2 is shown only when a result grades it
    targets = [t for t in targets if t["指标值"] is not None or t["results"]]
    return {"summary": summary_row, "amounts": amounts, "targets": targets,
            "unlinked": [r for r in results if r["指标_id"] is None], "later": later,
            "evaluation_id": summary_row["id"] if summary_row else None}


def same_indicator(target, other):
    """The same indicator in another year: by 三级指标 where both have one, else by the 二级 vocabulary."""
    if target["三级指标"] and other["三级指标"]:
        return same_text(target["三级指标"], other["三级指标"])
    word = level2(target["一级指标"], target["二级指标"])
    return word is not None and word == level2(other["一级指标"], other["二级指标"])


def totals(found):
    """Budget and spent over the self-evaluations that report spending (分 are the same in every unit), in 万元."""
    reported = [r for r in found if r["全年执行数_分"] is not None and r["全年预算数_分"] is not None]
    budget, spent = sum(r["全年预算数_分"] for r in reported), sum(r["全年执行数_分"] for r in reported)
    return {"reported": len(reported), "budget": amount_text(budget, "万元"), "spent": amount_text(spent, "万元"),
            "rate": f"{Decimal(spent) * 100 / Decimal(budget):.1f}" if budget else None,
            "not_filled": sum(r["填报状态"] == "未填报" for r in found),
            "flagged": sum(bool(r["问题"]) for r in found)}
