-- title: 受益人均金额（估算）
-- description: 只有表2“数量指标”写明一个人数（如“3500人”）的支出方向才估算：年度金额除以人数，是估算，不是发放标准；发放标准见同一支出方向的成本指标（已折合每年）。Per-beneficiary estimate, only where one head count is stated; the payment standards from the cost indicator, annualised.
with estimated as materialized (  -- 先用索引取出所选年度和部门的估算，成本指标只在这些支出方向中找
  select * from beneficiary_estimates
  where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
), rates as (
  select 支出方向_id, 原文片段, 数值_元, 下限_元, 上限_元,
    case 周期 when '月' then 12 when '年' then 1 end as 每年倍数
  from indicator_values
  where 支出方向_id in (select 支出方向_id from estimated)
    and 二级指标 = '成本指标' and 单位 in ('元', '万元') and (周期 is not null or 每 is not null)
), rate_text as (
  select 支出方向_id, group_concat(原文片段 || coalesce('（折合每年 ' || case
      when 数值_元 is not null then 数值_元 * 每年倍数
      when 下限_元 is not null and 上限_元 is not null then (下限_元 * 每年倍数) || '–' || (上限_元 * 每年倍数)
      when 上限_元 is not null then '至多 ' || (上限_元 * 每年倍数)
      else '至少 ' || (下限_元 * 每年倍数) end || ' 元）', ''), '；') as 成本指标中的标准
  from rates group by 支出方向_id
)
select f.年度, f.部门, f.专项名称, d.支出方向, b.年度金额_元 / 10000.0 as 支出方向金额_万元,
  b.原文片段 as 数量指标原文, b.受益数量, b.单位, b.估算_每单位每年_元, r.成本指标中的标准, b.说明
from estimated b
join expenditure_directions d on d.id = b.支出方向_id
join special_funds f on f.id = b.专项_id
left join rate_text r on r.支出方向_id = d.id
order by f.年度, f.部门, f.序号
