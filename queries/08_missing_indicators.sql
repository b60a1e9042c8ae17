-- title: 哪些专项没有设置某类指标
-- description: 选一个二级指标（如“生态效益指标”“经济效益指标”），列出未填写该指标的专项。Funds that set no indicator of a kind.
select i.年度, f.专项名称, i.一级指标, i.二级指标
from performance_indicators i join special_funds f on f.id = i.专项_id
where i.指标值 is null and (:二级指标 = '' or i.二级指标 = :二级指标) and i.年度 in (select 年度 from scope_years where 参数 = :年度) and i.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by i.年度, f.序号, i.指标序号
