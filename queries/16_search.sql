-- title: 全文搜索（中文，逐字匹配）
-- description: 在专项名称、支出方向、绩效目标、绩效指标和编者说明中查找包含某个词的条目，按相关程度排序；两个字的词（低保、养老）也能找到。cjk_query() 把查询变成逐字短语。Chinese full-text search, ranked.
select s.年度, s.标题, s.表, s.字段, s.原文, s.记录_id, round(bm25(search_index_fts), 3) as 相关度
from search_index_fts join search_index s on s.id = search_index_fts.rowid
where search_index_fts match cjk_query(:q) and s.年度 in (select 年度 from scope_years where 参数 = :年度) and s.部门 in (select 部门 from scope_departments where 参数 = :部门)
order by bm25(search_index_fts), s.id
limit 500
