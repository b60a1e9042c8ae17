-- title: 数字对得上吗？各项合计核对
-- description: 专项资金合计、分类合计、基本支出加项目支出，与申报总额比较（用整数“元”精确计算）。Do the totals add up?
select b.年度, b.部门, '基本支出 + 项目支出' as 核对项, b.资金总额_万元 as 申报总额_万元,
  (b.基本支出_元 + b.项目支出_元) / 10000.0 as 合计_万元,
  (b.基本支出_元 + b.项目支出_元 - b.资金总额_元) / 10000.0 as 差额_万元
from department_budgets b where b.年度 in (select 年度 from scope_years where 参数 = :年度) and b.部门 in (select 部门 from scope_departments where 参数 = :部门)
union all
select b.年度, b.部门, '分类支出之和', b.资金总额_万元,
  (select sum(金额_元) from department_expenditures e where e.部门预算_id = b.id) / 10000.0,
  ((select sum(金额_元) from department_expenditures e where e.部门预算_id = b.id) - b.资金总额_元) / 10000.0
from department_budgets b where b.年度 in (select 年度 from scope_years where 参数 = :年度) and b.部门 in (select 部门 from scope_departments where 参数 = :部门)
union all
select b.年度, b.部门, '专项资金之和（与项目支出比较）', b.项目支出_万元,
  (select sum(资金总额_元) from special_funds f where f.年度 = b.年度 and f.部门 = b.部门) / 10000.0,
  ((select sum(资金总额_元) from special_funds f where f.年度 = b.年度 and f.部门 = b.部门) - b.项目支出_元) / 10000.0
from department_budgets b where b.年度 in (select 年度 from scope_years where 参数 = :年度) and b.部门 in (select 部门 from scope_departments where 参数 = :部门)
