-- title: 专项资金占项目支出的比例
-- description: 专项资金合计占部门项目支出的比例。Special funds as a share of project spending.
select b.年度, b.部门, b.项目支出_万元, sum(f.资金总额_元) / 10000.0 as 专项资金合计_万元,
  round(100.0 * sum(f.资金总额_元) / b.项目支出_元, 2) as 占项目支出_百分比
from department_budgets b join special_funds f on f.年度 = b.年度 and f.部门 = b.部门
where b.年度 in (select 年度 from scope_years where 参数 = :年度) and b.部门 in (select 部门 from scope_departments where 参数 = :部门)
group by b.id
