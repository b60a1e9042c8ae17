"""The year-over-year rule, once: each year's rows against the same department's previous year (the latest
earlier year it filed), matched by name (contract.yml `views`). 新增 = only this year, 延续 = both, 停止 = only the
previous year. The build writes the comparisons as tables (builder/write.py), which the site's pages read: the rule
runs once, here. Amounts are compared in 分 (exact where a standard form's 元 have 角分); the whole-元 columns stay
for the three-form years."""

NEW, CONTINUED, STOPPED = "新增", "延续", "停止"


def view_sql(rows_sql, names):
    """SQL of a view comparing each year's rows with the same department's previous year, matched by names."""
    same = " and ".join(f"prev.[{n}] = cur.[{n}]" for n in names)
    return f"""
with rows as ({rows_sql}),
years as (select distinct 部门, 年度 from rows),
pairs as (
  select a.部门, a.年度, (select max(b.年度) from years b where b.部门 = a.部门 and b.年度 < a.年度) as 上年
  from years a
),
matched as (
  select p.部门, p.年度, p.上年, cur.id as 本年_id, prev.id as 上年_id, cur.金额_元 as 本年_元, prev.金额_元 as 上年_元,
    cur.金额_分 as 本年_分, prev.金额_分 as 上年_分,
    {", ".join(f"cur.[{n}]" for n in names)}, {", ".join(f"prev.[{n}] as [上年{n}]" for n in names)}
  from pairs p join rows cur on cur.部门 = p.部门 and cur.年度 = p.年度
  left join rows prev on prev.部门 = p.部门 and prev.年度 = p.上年 and {same}
  where p.上年 is not null
  union all
  select p.部门, p.年度, p.上年, null, prev.id, null, prev.金额_元, null, prev.金额_分,
    {", ".join("null" for n in names)}, {", ".join(f"prev.[{n}]" for n in names)}
  from pairs p join rows prev on prev.部门 = p.部门 and prev.年度 = p.上年
  where p.上年 is not null
    and not exists (select 1 from rows cur where cur.部门 = p.部门 and cur.年度 = p.年度 and {same})
)
select 部门, 年度, 上年, {", ".join(f"coalesce([{n}], [上年{n}]) as [{n}]" for n in names)},
  case when 上年_id is null then '{NEW}' when 本年_id is null then '{STOPPED}' else '{CONTINUED}' end as 状态,
  本年_id, 上年_id, 上年_元, 本年_元, 上年_分, 本年_分, 上年_分 / 1000000.0 as 上年_万元, 本年_分 / 1000000.0 as 本年_万元,
  coalesce(本年_元, 0) - coalesce(上年_元, 0) as 变化_元,
  coalesce(本年_分, 0) - coalesce(上年_分, 0) as 变化_分,
  (coalesce(本年_分, 0) - coalesce(上年_分, 0)) / 1000000.0 as 变化_万元,
  case when 上年_分 > 0 and 本年_分 is not null then round(100.0 * (本年_分 - 上年_分) / 上年_分, 1) end as 变化_百分比
from matched
"""
