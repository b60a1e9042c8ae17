-- title: 与上一年相比：部门各类支出的变化
-- description: 部门整体支出的各类支出与上一年度对照。Spending categories compared with the previous year.
select 部门, 年度, 上年, 支出类别, 状态, 上年_万元, 本年_万元, 变化_万元, 变化_百分比
from category_year_changes
where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
order by 年度 desc, 部门, abs(变化_元) desc
