-- title: 自评得分最低的项目
-- description: 已填报的项目支出绩效自评表按总得分从低到高排列：预算、执行、执行率、评价等级和核对发现的问题。分数是部门自评。Self-evaluations with the lowest scores.
select e.年度, e.部门, e.项目名称, e.得分, e.总分, e.评价等级, a.全年预算数_原文 as 全年预算数, a.全年执行数_原文 as 全年执行数,
  e.资金单位, a.执行率_原文 as 执行率,
  (select group_concat(c.检查项, '；') from data_checks c where c.对象_id = e.id and c.结果 = '不一致') as 核对发现, e.id as 自评_id, e.专项_id
from self_evaluations e left join self_evaluation_amounts a on a.自评_id = e.id and a.顺序 = 1
where e.得分 is not null and e.年度 in (select 年度 from scope_years where 参数 = :年度) and e.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by e.得分, e.年度, e.部门, e.序号
