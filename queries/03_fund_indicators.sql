-- title: 某项专项资金的全部绩效指标
-- description: 输入专项名称或项目名称中的几个字（如“低保”），列出其全部指标：三表版式为每个支出方向九个（未设置的显示为空），标准版式为表上的每个三级指标（期别：中期/年度）。All indicators of one fund or project.
select f.年度, f.专项名称, d.支出方向, i.一级指标, i.二级指标, i.指标值, i.期别, i.三级指标
from performance_indicators i
left join expenditure_directions d on d.id = i.支出方向_id
join special_funds f on f.id = i.专项_id
where f.专项名称 like '%' || :专项名称 || '%' and f.年度 in (select 年度 from scope_years where 参数 = :年度) and f.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by f.年度, f.序号, i.id
