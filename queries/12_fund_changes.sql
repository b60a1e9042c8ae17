-- title: 与上一年相比：哪些专项增加、减少、新增、停止
-- description: 选一个年度（如 2020），列出每项专项资金与上一年度的对照，变化最大的在前。Funds compared with the previous year.
select 部门, 年度, 上年, 专项名称, 状态, 上年_万元, 本年_万元, 变化_万元, 变化_百分比
from fund_year_changes
where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
order by 年度 desc, 部门, abs(变化_元) desc, 专项名称
