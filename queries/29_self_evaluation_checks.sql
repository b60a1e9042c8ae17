-- title: 自评表核对：分数、执行率和目标
-- description: 自评表的各项核对（指标得分＋预算执行得分＝总得分；执行率＝全年执行数÷全年预算数；得分不超过分值；分值合计为100；未达目标不得满分；重述的指标值与目标表一致；对应到专项和目标），可按“检查项”筛选（留空为全部），默认只列不一致的（“结果”填“全部”看全部）。Checks of the self-evaluations.
select c.年度, c.部门, c.对象 as 项目名称, c.检查项, c.结果, c.期望值, c.实际值, c.说明, c.对象_id as 自评_id
from data_checks c
where c.对象表 = 'self_evaluations' and (:检查项 = '' or c.检查项 = :检查项)
  and (c.结果 = '不一致' or :结果 = '全部')
  and c.年度 in (select 年度 from scope_years where 参数 = :年度) and c.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by c.年度, c.部门, c.id
