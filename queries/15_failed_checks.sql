-- title: 对不上的数字和文字
-- description: 数据核对中“不一致”的各项：应为多少、实际多少、差多少（万元，精确）。Checks that fail.
select 年度, 部门, 检查项, 对象, 期望值, 实际值, 差额_万元, 说明
from data_checks where 结果 = '不一致' and (:年度 = '' or 年度 = :年度) and (:部门 = '' or 部门 = :部门)
order by 年度, 部门, id
