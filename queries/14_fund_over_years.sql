-- title: 一项专项资金历年金额
-- description: 输入专项名称中的几个字（如“低保”），列出它每一年的金额和目标。One fund across years.
select 专项名称, 年度, 部门, 资金总额_万元, 支出方向, 年度绩效目标, id
from special_funds
where 专项名称 like '%' || :专项名称 || '%' and 部门 in (select 部门 from scope_departments where 参数 = :部门)
order by 专项名称, 年度
