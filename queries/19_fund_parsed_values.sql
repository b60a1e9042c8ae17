-- title: 某项专项资金指标里的数字（逐项解析）
-- description: 输入专项名称中的几个字（如“低保”），列出其绩效指标原文中读出的每个数字：类型、数值、单位、周期和原文片段。没有读出的文字只在原文中。Parsed values of one fund's indicators.
select f.年度, f.专项名称, v.二级指标, i.指标值 as 指标原文, v.原文片段, v.类型, v.数值, v.下限, v.上限,
  v.单位, v.周期, v.每, v.限定, v.数值_元, v.下限_元, v.上限_元, v.说明
from indicator_values v
join special_funds f on f.id = v.专项_id
join performance_indicators i on i.id = v.指标_id
where f.专项名称 like '%' || :专项名称 || '%' and f.年度 in (select 年度 from scope_years where 参数 = :年度) and f.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by f.年度, f.序号, i.支出方向_id, i.指标序号, v.序号
