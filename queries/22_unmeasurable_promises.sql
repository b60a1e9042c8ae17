-- title: 无法核对的承诺（原文）
-- description: 已经填写、但没有写任何可核对的数字、比例、金额或日期的绩效目标和指标，连同原文。可选“来源”：表1、表2、目标表 或 指标。Promises that state nothing checkable.
select q.年度, f.专项名称, q.来源, q.字段, q.原文, q.衡量依据, q.仅复述专项, q.与年度目标相同
from target_quality q join special_funds f on f.id = q.专项_id
where q.未填写 = 0 and q.可衡量 = 0 and (:来源 = '' or q.来源 = :来源) and q.年度 in (select 年度 from scope_years where 参数 = :年度) and q.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by q.年度, f.序号, q.序号
