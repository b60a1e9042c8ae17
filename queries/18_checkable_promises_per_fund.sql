-- title: 每项专项资金有多少承诺可以核对
-- description: 每项专项资金的绩效目标和指标中，可核对的、无法核对的、空着的、前后相同的、只复述专项的各有几条。可选“来源”：表1、表2、目标表 或 指标。Checkable promises per fund.
with funds as materialized (  -- 先用索引取出所选年度和部门的专项，再连接其他表
  select * from special_funds
  where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
)
select f.年度, f.部门, f.专项名称, f.资金总额_万元,
  sum(q.未填写 = 0) as 已填写, sum(q.可衡量) as 可衡量, sum(q.未填写 = 0 and q.可衡量 = 0) as 无法核对,
  sum(q.未填写) as 未填写, sum(q.与年度目标相同) as 实施期与年度目标相同, sum(q.仅复述专项) as 仅复述专项,
  f.id as 专项_id
from funds f join target_quality q on q.专项_id = f.id
where (:来源 = '' or q.来源 = :来源)
group by f.id
order by f.年度, f.部门, f.序号
