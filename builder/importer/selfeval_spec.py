"""What the 项目支出绩效自评表 (self-evaluation, one table per project, published after the year) looks like: its
landmarks, and which printed heading goes to which column of the three CSVs agreed in issue 22
(/work/briefs/selfeval-csv.md: self_evaluations.csv, self_evaluation_amounts.csv, self_evaluation_indicators.csv).

Labels are compared after standard_spec.key() (full-width forms folded, white space and a trailing colon removed).
Cells themselves are kept verbatim: `—` stays `—`, a template's instruction left in a cell is written as found (the
build, not the importer, decides it is not data), blank stays blank.
"""
import re

from .. import contract
from .standard_spec import key  # one rule for labels, shared with the target table

LAYOUT = "项目支出绩效自评表"
LAYOUT_EN = "self-evaluation"
# The CSVs of data/<year>/ this layout drafts, with their columns, as contract.yml declares them (the interface agreed
# with the data model, issue 22); the first has a row per project.
LAYOUT_IN_CONTRACT = "自评"
FILES = contract.layout_files(LAYOUT_IN_CONTRACT)
COLUMNS = {name: contract.columns_of(name) for name in FILES}

# A document is a self-evaluation when a short cell is its title, or the form has one of its result headings.
TITLE = re.compile(r"绩效自评表|自评表$")
RESULT_HEADINGS = {name: name for name in ("实际完成值", "全年执行数", "实际完成情况", "完成值", "预算执行数", "预算执行率")}

PROJECT_START = "项目名称"
FIELDS = {  # header label -> self_evaluations.csv column; the value is the next cell
    "项目名称": "项目名称", "主管部门": "主管部门", "主管部门及代码": "主管部门", "主管部门及编码": "主管部门",
    "实施单位": "实施单位", "项目实施单位": "实施单位",
}
# 项目资金 block: the column headings (the province's variant names map onto the agreed columns)
AMOUNT_HEADINGS = {
    "年初预算数": "年初预算数", "全年预算数": "全年预算数", "调整后预算数": "全年预算数", "全年执行数": "全年执行数",
    "预算执行数": "全年执行数", "实际执行数": "全年执行数", "分值": "分值", "权重": "分值", "执行率": "执行率",
    "预算执行率": "执行率", "得分": "得分",
}
MONEY = ["年初预算数", "全年预算数", "全年执行数"]  # the amounts checked to the fen
TARGETS = {"年度总体目标", "总体目标", "绩效目标", "项目总体目标", "年度绩效目标"}
EXPECTED = {"预期目标", "年度预期目标", "年度目标"}
ACHIEVED = {"实际完成情况", "全年实际完成情况", "实际完成", "完成情况"}

INDICATORS = "绩效指标"
TOP_HEADER = "一级指标"
INDICATOR_HEADINGS = {  # indicator table heading -> self_evaluation_indicators.csv column
    "一级指标": "一级指标", "二级指标": "二级指标", "三级指标": "三级指标", "指标性质": "指标性质",
    "年度指标值": "年度指标值", "指标值": "年度指标值", "目标值": "年度指标值", "度量单位": "度量单位", "计量单位": "度量单位",
    "实际完成值": "实际完成值", "完成值": "实际完成值", "全年实际值": "实际完成值", "分值": "分值", "权重": "分值",
    "得分": "得分", "偏差原因分析及改进措施": "偏差原因分析及改进措施", "未完成原因分析": "偏差原因分析及改进措施",
    "偏差原因分析": "偏差原因分析及改进措施", "未完成原因分析及改进措施": "偏差原因分析及改进措施",
}
# A 一级 or 二级 name (产出指标, 数量指标, 服务对象满意度指标, 数量 …): where a copy with one cell per line lost the
# merged cells, two of them lead a row with its 一级, one a row with its 二级, none a row of its 三级 only.
LEVEL_NAME = re.compile(r"^(.{0,8}指标|数量|质量|时效|成本|社会效益|经济效益|生态效益|可持续影响|满意度|服务对象满意度)$")
TEMPLATE = re.compile(r"^(指标\d*[:：]?|[…\.。]+)$")  # template rows left in the form: 指标1：, ……
VALUES = ["三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]  # a row states one of them

# A heading's note of the ministry's template: 全年预算数（A）, 全年执行数（B）, 执行率（B/A）, 年度指标值（A）
HEADING_NOTE = re.compile(r"\([A-Z][A-Z/×*]*\)$")


def column_of(headings, text):
    """The agreed column a printed heading names (AMOUNT_HEADINGS or INDICATOR_HEADINGS), or None."""
    return headings.get(HEADING_NOTE.sub("", key(text)))


TOTAL = {"总分", "合计", "总计"}
GRADE_LABELS = {"评价等级", "自评等级", "等级", "绩效等级"}  # a label cell before the grade on the 总分 row
END_OF_FORM = ("附件", "打印本页", "关闭窗口", "填报说明", "备注", "填表人", "联系电话")
