"""What the standard target table (项目支出绩效目标申报表, one per project) looks like: its landmarks and labels.

Labels are compared after key(): full-width forms folded (NFKC: （ → (, ： → :), white space and a trailing colon
removed, so "项目资金(万元):" and "项目资金（万元）" are the same label. Cells themselves are kept verbatim.
"""
import re

from .. import contract
from .spec import normalise

LAYOUT = "项目支出绩效目标申报表"
# The CSVs of data/<year>/ this layout drafts, with their columns, as contract.yml declares them (the interface
# agreed with the data model, issue 20); a year folder also holds the files of no layout (notes.csv).
LAYOUT_IN_CONTRACT = "标准"
COLUMNS = {name: contract.columns_of(name) for name in contract.layout_files(LAYOUT_IN_CONTRACT)}
SHARED = {name: contract.columns_of(name) for name, spec in contract.year_files().items() if spec.get("layout") is None}

TITLE = re.compile(r"(项目支出)?绩效目标(申报)?表")
YEAR_LINE = re.compile(r"^\(?(\d{4})年度?\)?$")  # the line under the title: （2031年度）
YEAR_IN_TITLE = re.compile(r"(\d{4})年")

PROJECT_START = "项目名称"
FIELDS = {  # label -> projects.csv column; the value is the next cell
    "项目名称": "项目名称", "主管部门及代码": "主管部门及代码", "主管部门及编码": "主管部门及代码", "主管部门": "主管部门及代码",
    "实施单位": "实施单位", "项目属性": "项目属性", "项目期": "项目期", "项目起止时间": "项目期", "实施期限": "项目期",
    "项目周期": "项目期", "项目实施期": "项目期",
}
# the budget code beside the department's name: [518003]某某局, 518003-某某局, 某某局（518003）
DEPARTMENT_CODE = re.compile(r"^\s*[\[【(（]?\s*\d+\s*[\]】)）]?\s*[-—_:：]?\s*|\s*[\[【(（]\s*\d+\s*[\]】)）]\s*$")
FUNDING = re.compile(r"^项目资金(?:\((万元|元)\))?$")  # the unit in the label, or else on a 单位 line above
UNIT_LINE = re.compile(r"单位:(万元|元)$")
MID_TOTAL = re.compile(r"^(中期|长期|实施期)资金总额")
YEAR_TOTAL = re.compile(r"^年度资金总额")
PERIOD_COLUMNS = {"中期": "中期", "中期资金": "中期", "长期": "中期", "实施期": "中期", "年度": "年度", "年度资金": "年度"}
TOTAL_ROW = re.compile(r"^(资金总额|总额|合计|金额合计)$")  # the totals' row when periods are columns
TARGETS = {"总体目标", "绩效目标", "年度总体目标", "项目总体目标"}
MID_TARGET = re.compile(r"^(中期|长期|实施期)(绩效)?目标")
YEAR_TARGET = re.compile(r"^年度(绩效)?目标")

INDICATORS = "绩效指标"
TOP_HEADER = "一级指标"
HALVES = {"中期指标": "中期", "长期指标": "中期", "实施期指标": "中期", "年度指标": "年度"}
LEAVES = {  # header of an indicator column -> project_indicators.csv column
    "二级指标": "二级指标", "三级指标": "三级指标", "指标性质": "指标性质", "指标值": "指标值", "年度指标值": "指标值",
    "中期指标值": "指标值", "目标值": "指标值", "指标值(包含数字及文字描述)": "指标值", "度量单位": "度量单位",
    "计量单位": "度量单位", "分值": "分值", "权重": "分值", "指标权重": "分值", "指标内容": "三级指标", "具体指标": "三级指标",
}
THIRD_HEADERS = {label for label, column in LEAVES.items() if column == "三级指标"}  # the header row of the indicators
# 一级指标 names, to tell a 一级 cell from a 二级 one where a text copy lost the merged cells' places.
TOP_LEVEL_NAMES = {"产出指标", "效益指标", "满意度指标", "成本指标", "过程指标", "效果指标", "影响指标", "决策指标", "管理指标"}
TEMPLATE = re.compile(r"^(指标\d*[:：]?|[…\.。]+)$")  # template rows left in the form: 指标1：, ……
END_OF_FORM = ("附件", "打印本页", "关闭窗口", "总分", "填报说明", "备注")
AMOUNT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?(万元|元)?$")  # kept verbatim; the build reads it
DECIMALS = {"万元": 6, "元": 2}  # to the 分


def key(text):
    return normalise(text).rstrip(":")


def starts_project(label_key):
    """项目名称 as a label, or 项目名称：… with its value in the same cell."""
    return label_key == PROJECT_START or label_key.startswith(PROJECT_START + ":")


def inline_field(text):
    """(column, value) of a cell holding a header label and its value ("项目名称：道路清扫"), else None."""
    label, colon, value = re.sub(r"\s+", "", text).replace("：", ":").partition(":")
    if colon and value and label in FIELDS:
        return FIELDS[label], re.split(r"[:：]", text, maxsplit=1)[1].strip()
    return None
