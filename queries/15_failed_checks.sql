-- title: 对不上的数字和文字
-- description: 数据核对中“不一致”的各项：应为多少、实际多少、差多少（万元，精确）。Checks that fail.
select 年度, 部门, 检查项, 对象, 期望值, 实际值, 差额_万元, 说明
from data_checks where 结果 = '不一致' and 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
order by 年度, 部门, id
