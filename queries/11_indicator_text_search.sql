-- title: 在绩效目标和指标中找关键词
-- description: 在专项名称、绩效目标和全部指标原文中查找包含某个词（如“低保”“养老”）的条目。Find a word in targets and indicators.
select f.年度, f.专项名称, '指标：' || coalesce(i.三级指标, i.二级指标) as 位置, i.指标值 as 原文
from performance_indicators i join special_funds f on f.id = i.专项_id
where (i.指标值 like '%' || :词 || '%' or i.三级指标 like '%' || :词 || '%') and f.年度 in (select 年度 from scope_years where 参数 = :年度) and f.部门 in (select 部门 from scope_departments where 参数 = :部门)
union all
select f.年度, f.专项名称, '表1 ' || t.列, t.原文
from special_funds f,
  (select id, '实施期绩效目标' as 列, 实施期绩效目标 as 原文 from special_funds
   union all select id, '年度绩效目标', 年度绩效目标 from special_funds
   union all select id, '专项名称', 专项名称 from special_funds) t
where t.id = f.id and t.原文 like '%' || :词 || '%' and f.年度 in (select 年度 from scope_years where 参数 = :年度) and f.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by 1, 2
