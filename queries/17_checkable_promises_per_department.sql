-- title: 有多少承诺年底可以核对（按部门）
-- description: 各部门的承诺（表1、表2的绩效目标和表2的绩效指标）中，写了可核对的数字、比例、金额或日期的有多少；另列空着的指标栏、前后相同的目标和只复述专项的目标。How many of the department's promises can be checked at year end?
with promises as (
  select 年度, 部门, 来源, 未填写, 可衡量, 与年度目标相同, 仅复述专项 from target_quality
  where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
  union all
  select 年度, 部门, '合计', 未填写, 可衡量, 与年度目标相同, 仅复述专项 from target_quality
  where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
)
select 年度, 部门, 来源, count(*) as 栏数, sum(未填写 = 0) as 已填写, sum(可衡量) as 可衡量,
  round(100.0 * sum(可衡量) / nullif(sum(未填写 = 0), 0), 1) as 可衡量占已填写_百分比,
  sum(未填写) as 未填写, sum(与年度目标相同) as 实施期与年度目标相同, sum(仅复述专项) as 仅复述专项
from promises
group by 年度, 部门, 来源
order by 年度, 部门, case 来源 when '表1' then 1 when '表2' then 2 when '目标表' then 3 when '指标' then 4 else 5 end
