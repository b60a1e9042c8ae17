-- title: 按支出方向汇总金额
-- description: 钱花在谁身上？按支出方向合计专项资金。Money by spending direction.
select 年度, 支出方向, count(*) as 专项数, sum(资金总额_元) / 10000.0 as 合计_万元,
  group_concat(专项名称, '；') as 专项
from special_funds
where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
group by 年度, 支出方向
order by 年度, sum(资金总额_元) desc
