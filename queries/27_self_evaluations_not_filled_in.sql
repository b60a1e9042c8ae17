-- title: 公开了但没有填写结果的自评表
-- description: 填报状态为“未填报”的自评表：总得分空白或只有模板说明文字（如“对照年度目标，说明……”）。空白不是 0。Self-evaluations published with their results left blank.
select e.年度, e.部门, e.项目名称, e.得分_原文 as 总得分原文, e.模板文字, e.原始文件,
  (select count(*) from self_evaluation_indicators i where i.自评_id = e.id) as 指标数,
  (select count(*) from self_evaluation_indicators i where i.自评_id = e.id and i.实际完成值 is null) as 未填实际完成值, e.id as 自评_id
from self_evaluations e
where e.填报状态 = '未填报' and e.年度 in (select 年度 from scope_years where 参数 = :年度) and e.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by e.年度, e.部门, e.序号
