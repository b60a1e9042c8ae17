-- title: 预算与实际支出相差最大的项目
-- description: 自评表“年度资金总额”一行：全年预算数减全年执行数（未花出去的钱），万元，按分精确计算后折算；未填报执行数的不列。Largest gaps between the adjusted budget and spending.
select e.年度, e.部门, e.项目名称, a.全年预算数_原文 as 全年预算数, a.全年执行数_原文 as 全年执行数, e.资金单位,
  (a.全年预算数_分 - a.全年执行数_分) / 1000000.0 as 未执行_万元, a.执行率_原文 as 执行率,
  round(100.0 * a.全年执行数_分 / nullif(a.全年预算数_分, 0), 2) as 计算执行率_百分比, e.id as 自评_id, e.专项_id
from self_evaluations e join self_evaluation_amounts a on a.自评_id = e.id and a.顺序 = 1
where a.全年执行数_分 is not null and a.全年预算数_分 is not null and e.年度 in (select 年度 from scope_years where 参数 = :年度) and e.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by a.全年预算数_分 - a.全年执行数_分 desc, e.年度, e.部门, e.序号
