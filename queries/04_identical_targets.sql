-- title: 实施期目标与年度目标完全相同的专项
-- description: 哪些专项的“实施期绩效目标”和“年度绩效目标”一字不差（表1和表2分别比较）？Funds whose period and annual targets are identical.
select f.年度, f.专项名称, '表1' as 表, f.实施期绩效目标 as 目标
from special_funds f where f.实施期绩效目标 = f.年度绩效目标 and f.年度 in (select 年度 from scope_years where 参数 = :年度) and f.部门 in (select 部门 from scope_departments where 参数 = :部门)
union all
select d.年度, f.专项名称, '表2', d.实施期绩效目标
from expenditure_directions d join special_funds f on f.id = d.专项_id
where d.实施期绩效目标 = d.年度绩效目标 and d.年度 in (select 年度 from scope_years where 参数 = :年度) and d.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by 1, 2, 3
