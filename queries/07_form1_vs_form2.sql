-- title: 表1与表2不一致之处
-- description: 同一专项在表1（汇总表）和表2（支出方向表）中金额、支出方向或绩效目标不同的地方。Where forms 1 and 2 disagree.
select f.年度, f.专项名称, '资金总额' as 项目, f.资金总额_原文 as 表1, d.年度金额_原文 as 表2
from special_funds f join expenditure_directions d on d.专项_id = f.id
where f.资金总额_元 != d.年度金额_元 and f.年度 in (select 年度 from scope_years where 参数 = :年度) and f.部门 in (select 部门 from scope_departments where 参数 = :部门)
union all
select f.年度, f.专项名称, '支出方向', f.支出方向, d.支出方向
from special_funds f join expenditure_directions d on d.专项_id = f.id
where f.支出方向 != d.支出方向 and f.年度 in (select 年度 from scope_years where 参数 = :年度) and f.部门 in (select 部门 from scope_departments where 参数 = :部门)
union all
select f.年度, f.专项名称, '实施期绩效目标', f.实施期绩效目标, d.实施期绩效目标
from special_funds f join expenditure_directions d on d.专项_id = f.id
where f.实施期绩效目标 != d.实施期绩效目标 and f.年度 in (select 年度 from scope_years where 参数 = :年度) and f.部门 in (select 部门 from scope_departments where 参数 = :部门)
union all
select f.年度, f.专项名称, '年度绩效目标', f.年度绩效目标, d.年度绩效目标
from special_funds f join expenditure_directions d on d.专项_id = f.id
where f.年度绩效目标 != d.年度绩效目标 and f.年度 in (select 年度 from scope_years where 参数 = :年度) and f.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by 1, 2, 3
