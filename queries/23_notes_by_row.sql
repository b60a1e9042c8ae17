-- title: 编者说明（连同所指原文）
-- description: 每条编者说明及其所指的表、记录与原文片段。Editor's notes with the text they refer to.
select 年度, 部门, 表, 记录_id, 列, 原文摘录, 说明 from notes
where 年度 in (select 年度 from scope_years where 参数 = :年度) and 部门 in (select 部门 from scope_departments where 参数 = :部门)
order by id
