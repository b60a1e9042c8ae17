-- title: 受益人均金额（估算）
-- description: 只有表2“数量指标”写明一个人数（如“3500人”）的支出方向才估算：年度金额除以人数，是估算，不是发放标准；发放标准见同一支出方向的成本指标。Per-beneficiary estimate, only where one head count is stated.
select f.年度, f.部门, f.专项名称, d.支出方向, b.年度金额_元 / 10000.0 as 支出方向金额_万元,
  b.原文片段 as 数量指标原文, b.受益数量, b.单位, b.估算_每单位每年_元,
  (select i.指标值 from performance_indicators i where i.支出方向_id = d.id and i.二级指标 = '成本指标') as 成本指标原文,
  b.说明
from beneficiary_estimates b
join expenditure_directions d on d.id = b.支出方向_id
join special_funds f on f.id = b.专项_id
where b.年度 in (select 年度 from scope_years where 参数 = :年度) and b.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by f.年度, f.部门, f.序号
