-- title: 各专项填写了几个指标
-- description: 每个专项九个指标中填写了几个、空了几个。How many of the nine indicator slots each fund filled.
with funds as materialized (  -- 先用索引取出所选年度和部门的专项，再连接其他表
  select * from special_funds
  where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
)
select f.年度, f.专项名称, count(i.指标值) as 已填写, sum(i.指标值 is null) as 未设置,
  group_concat(case when i.指标值 is null then i.二级指标 end, '、') as 未设置的指标
from funds f join performance_indicators i on i.专项_id = f.id
group by f.id order by f.年度, 已填写, f.序号
