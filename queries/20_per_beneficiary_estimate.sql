-- title: 估算：按表中数字，每个对象平均多少钱
-- description: 只用表格自己的数字做的粗略估算：支出方向年度金额 ÷ 数量指标中的人数或个数（取整到元），旁边列出成本指标中的补助标准（按月的折合每年）。仅列出同时写了数量和金额标准的支出方向。区级专项资金常常只是上级资金的补充，同一笔钱也可能分给几类对象，所以这不是每人实际领到的钱。Rough estimate from the forms' own numbers, not actual payments.
with rates as (
  select 支出方向_id, 原文片段, 数值_元, 下限_元, 上限_元,
    case 周期 when '月' then 12 when '年' then 1 end as 每年倍数
  from indicator_values
  where 二级指标 = '成本指标' and 单位 in ('元', '万元') and (周期 is not null or 每 is not null)
), rate_text as (
  select 支出方向_id, group_concat(原文片段 || coalesce('（折合每年 ' || case
      when 数值_元 is not null then 数值_元 * 每年倍数
      when 下限_元 is not null and 上限_元 is not null then (下限_元 * 每年倍数) || '–' || (上限_元 * 每年倍数)
      when 上限_元 is not null then '至多 ' || (上限_元 * 每年倍数)
      else '至少 ' || (下限_元 * 每年倍数) end || ' 元）', ''), '；') as 成本指标中的标准
  from rates group by 支出方向_id
)
select f.年度, f.专项名称, d.支出方向, d.年度金额_万元 as 支出方向金额_万元, c.原文片段 as 数量指标原文,
  cast(c.数值 as integer) as 数量, c.单位,
  cast(round(1.0 * d.年度金额_元 / cast(c.数值 as integer)) as integer) as 估算_金额除以数量_元,
  r.成本指标中的标准
from indicator_values c
join expenditure_directions d on d.id = c.支出方向_id
join special_funds f on f.id = d.专项_id
join rate_text r on r.支出方向_id = d.id
where c.二级指标 = '数量指标' and c.类型 = '数量' and (:年度 = '' or f.年度 = :年度) and (:部门 = '' or f.部门 = :部门)
order by f.年度, f.序号, d.id, c.序号
