-- title: 部门支出按类别及占比
-- description: 部门整体支出按类别的金额与占比，并与申报的资金总额对照。Department spending by category with shares.
select e.年度, e.部门, e.支出类别, e.金额_万元,
  round(100.0 * e.金额_元 / sum(e.金额_元) over (partition by e.年度, e.部门), 2) as 占分类合计_百分比,
  round(100.0 * e.金额_元 / b.资金总额_元, 2) as 占申报总额_百分比
from department_expenditures e
join department_budgets b on b.id = e.部门预算_id
where (:年度 = '' or e.年度 = :年度) and (:部门 = '' or e.部门 = :部门)
order by e.年度, e.部门, e.金额_元 desc
