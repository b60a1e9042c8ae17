"""search_index: one row per non-empty searchable cell (contract.yml `search`), each character its own FTS5 token."""
from .. import contract
from budgetlib.cjk import segment


def search_rows(tables, first_id=1):
    """Rows of search_index for tables (one year and department's rows, or all), numbered from first_id."""
    fund_names = {fund["id"]: fund["专项名称"] for fund in tables["special_funds"]}
    # a self-evaluation is titled by its project, also when it matches no fund
    project_names = {row["id"]: row["项目名称"] for row in tables.get("self_evaluations", [])}
    entries = []
    for table, columns in contract.searchable().items():
        for record in tables[table]:
            fund_id = record["id"] if table == "special_funds" else record.get("专项_id")
            for column in columns:
                text = record[column]
                if not text:
                    continue
                entries.append({
                    "id": first_id + len(entries), "表": table, "记录_id": record["id"],
                    "字段": record.get("二级指标", column) if table == "performance_indicators" else column, "年度": record["年度"], "部门": record["部门"],
                    "专项_id": fund_id, "标题": fund_names.get(fund_id)
                    or project_names.get(record.get("自评_id", record["id"])) or record["部门"],
                    "原文": text, "分词": segment(text)})
    return entries
