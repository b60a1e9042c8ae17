"""What the three official forms look like: how to recognise each one and what its header and labels say.

Header and label cells are matched after normalise() (full-width forms folded, all white space removed), so
"所 属专项名称" is 所属专项名称 and a header wrapped onto two lines ("数量\\n指标") is 数量指标.
"""
import re
import unicodedata

from .drafts import COLUMNS

# A form is recognised by the end of its title; forms 1 and 2 start with the year ("2019年区级…").
TITLES = {1: "专项资金预算绩效目标汇总表", 2: "专项资金支出方向绩效目标表", 3: "部门整体支出绩效申报表"}
NAMES = {1: "表1 专项资金预算绩效目标汇总表", 2: "表2 专项资金支出方向绩效目标表", 3: "表3 部门整体支出绩效申报表"}
NAMES_EN = {1: "form 1 (special funds)", 2: "form 2 (expenditure directions)", 3: "form 3 (department declaration)"}

# The CSV each table form goes to; its columns after 年度 and 部门 are the form's columns, in form order.
TABLE_FILES = {1: "form1_special_funds.csv", 2: "form2_expenditure_directions.csv"}
INDICATORS = COLUMNS["form2_expenditure_directions.csv"][9:]  # the nine indicator columns of form 2

# Header cells that group other columns: label -> the columns under it, left to right.
HEADER_GROUPS = {
    1: {},
    2: {"绩效指标": INDICATORS, "产出指标": INDICATORS[:4], "效益指标": INDICATORS[4:]},
}

# Form 3 is a grid of labels, each field label followed on its row by the field's value.
# Keys are labels after label_key() (no white space, no colons); values are form3_department_budget.csv columns.
FORM3_FIELDS = {
    "部门名称": "部门名称", "资金总额": "资金总额", "其中基本支出": "基本支出", "基本支出": "基本支出",
    "项目支出": "项目支出", "整体绩效目标": "整体绩效目标", "产出指标": "产出指标", "效益指标": "效益指标",
    "业务股室意见": "业务股室意见", "绩效股意见": "绩效股意见",
}
FORM3_REQUIRED = ["部门名称", "资金总额"]
FORM3_GROUP_LABELS = {"年度预算申请", "按支出性质分", "部门整体支出年度绩效指标", "财政部门审核意见"}

YEAR_IN_TITLE = re.compile(r"^\s*(\d{4})\s*年")
# The 编制单位 row: "株洲市石峰区民政局      单位：万元" or "编制单位：… 单位：万元".
UNIT_ROW = re.compile(r"^\s*(?:编制单位\s*[:：]\s*)?(?P<org>.*?)\s*(?P<unit>(?<!编制)单位\s*[:：]\s*\S*)\s*$")
UNIT_WAN = "万元"


def normalise(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def label_key(text):
    return normalise(text).replace(":", "")


def form_kind(title):
    """1, 2 or 3 if the text is one of the three titles, else None."""
    text = normalise(title)
    for kind, ending in TITLES.items():
        if ending in text and len(text) <= len(ending) + 20:  # a title, not a sentence that mentions one
            return kind
    return None


def table_columns(kind):
    """The columns of table form 1 or 2, in form order, without 年度 and 部门."""
    return COLUMNS[TABLE_FILES[kind]][2:]


def header_labels(kind):
    return set(table_columns(kind)) | set(HEADER_GROUPS[kind])


def is_unit_row(text):
    return bool(re.search(r"(?<!编制)单位\s*[:：]", text)) or normalise(text).startswith("编制单位")
