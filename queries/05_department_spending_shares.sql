-- title: 部门支出按类别及占比
-- description: 部门整体支出按类别的金额与占比，并与申报的资金总额对照。Department spending by category with shares.
select e.年度, e.部门, e.支出类别, e.金额_万元,
  round(100.0 * e.金额_元 / sum(e.金额_元) over (partition by e.年度, e.部门), 2) as 占分类合计_百分比,
  round(100.0 * e.金额_元 / b.资金总额_元, 2) as 占申报总额_百分比
from department_expenditures e
join department_budgets b on b.id = e.部门预算_id
where e.年度 in (select 年度 from scope_years where 参数 = :年度) and e.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by e.年度, e.部门, e.金额_元 desc
