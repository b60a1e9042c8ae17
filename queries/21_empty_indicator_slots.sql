-- title: 各专项空着的指标栏
-- description: 每项专项资金在表2九个绩效指标栏中空着几栏、是哪几栏。可输入专项名称中的几个字筛选。Empty indicator slots per fund.
with funds as materialized (  -- 先用索引取出所选年度和部门的专项，再连接其他表
  select * from special_funds
  where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
)
select f.年度, f.部门, f.专项名称, count(q.id) as 空着的栏数, group_concat(q.字段, '、') as 空着的指标
from funds f
left join target_quality q on q.专项_id = f.id and q.来源 = '指标' and q.未填写 = 1
where (:专项名称 = '' or f.专项名称 like '%' || :专项名称 || '%')
group by f.id
order by f.年度, f.部门, f.序号
