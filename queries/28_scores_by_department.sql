-- title: 各部门历年自评得分
-- description: 每个部门每个年度：自评表张数、已填报张数、平均分、最低分、得满分的张数、核对发现问题的张数。年度参数填“全部”可看历年变化。Self-evaluation scores by department across years.
select e.年度, e.部门, count(*) as 自评表, count(e.得分) as 已填报, round(avg(e.得分), 2) as 平均分, min(e.得分) as 最低分,
  sum(e.得分 = e.总分) as 满分张数,
  sum(exists (select 1 from data_checks c where c.对象_id = e.id and c.结果 = '不一致')) as 发现问题
from self_evaluations e
where e.年度 in (select 年度 from scope_years where 参数 = :年度) and e.部门 in (select 部门 from scope_departments where 参数 = :部门)
group by e.年度, e.部门
order by e.部门, e.年度
