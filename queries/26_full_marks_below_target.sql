-- title: 没达到目标却得了满分的指标
-- description: 自评表中得分等于分值、但实际完成值没有达到本指标自己的年度指标值的指标（同一单位，按 ≥ ≤ ＝ 判断；文字目标不判断）。Indicators given full marks while the actual value falls short of their own target.
select i.年度, i.部门, e.项目名称, i.一级指标, i.二级指标, i.三级指标, i.指标性质, i.年度指标值, i.度量单位, i.实际完成值,
  i.得分_原文 as 得分, i.分值_原文 as 分值, i.偏差原因分析及改进措施, i.id as 自评指标_id, i.指标_id
from self_evaluation_indicators i join self_evaluations e on e.id = i.自评_id
where i.满分未达标 = 1 and i.年度 in (select 年度 from scope_years where 参数 = :年度) and i.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by i.年度, i.部门, i.id
