-- title: 专项资金按金额排序（含占比）
-- description: 哪些专项资金最多？每项占当年该部门专项资金总额的百分比。Largest funds and their share.
select 年度, 部门, 专项名称, 支出方向, 资金总额_万元,
  round(100.0 * 资金总额_元 / sum(资金总额_元) over (partition by 年度, 部门), 2) as 占比_百分比
from special_funds
where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
order by 年度, 部门, 资金总额_元 desc
