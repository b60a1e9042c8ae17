"""Reading the cells of a 项目支出绩效自评表 (self-evaluation, issue 22): one rule each for what is not data
(blank, `—`, the template's own instructions), scores and rates as exact numbers, and the 二级指标 vocabulary that
results and targets are matched by. Used by the normaliser (builder/normalise.py) and the checks (derive/results.py).
"""
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .amounts import NOT_APPLICABLE

# Instructions the template prints in a cell, left in by a department that published the form unfilled:
# `对照年度目标，说明……（100字以内）`, `（200字以内）`, `请填写…`. Such a cell is not data (NULL, shown as 未填报); its
# text is kept in the row's 模板文字 column.
TEMPLATE = re.compile(r"[（(]\s*\d+\s*字以[内下]\s*[）)]|^[（(]?\s*(请|需|应)?\s*(对照|根据|简要|按照)?[^，。,]{0,8}"
                      r"(说明|填写|阐述|描述|分析)[^。]*(……|…|\.\.\.)|^(请|需)(填写|说明|对照)")


@functools.lru_cache(maxsize=4096)  # a cell is asked about up to three times (data_or_none, number, 模板文字)
def is_template(text):
    if not text:
        return False
    plain = unicodedata.normalize("NFKC", text).strip()
    return TEMPLATE.search(plain) is not None or ("…" in plain and "说明" in plain)


def data_or_none(text):
    """The cell as data: None for a blank cell or template instructions; otherwise verbatim."""
    return text if text and text.strip() and not is_template(text) else None


def number(text):
    """A score, points or 总分 cell as an exact Decimal ('9.82', '１００', '15分'); None for blank, `—`, template text
    or anything that is not one number."""
    if data_or_none(text) is None:
        return None
    normalised = unicodedata.normalize("NFKC", text).replace(" ", "").strip().removesuffix("分")
    if normalised in NOT_APPLICABLE:
        return None
    try:
        value = Decimal(normalised)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def rate(text):
    """An execution-rate cell: (percent as Decimal, decimals printed): '98.2%' -> (Decimal('98.2'), 1); '0.982' (a
    fraction, as a workbook stores a percentage) -> (Decimal('98.2'), 1); None when it is not a rate."""
    if data_or_none(text) is None:
        return None
    normalised = unicodedata.normalize("NFKC", text).replace(" ", "").strip()
    if normalised.endswith("%"):
        value = number(normalised[:-1])
        if value is None:
            return None
        return value, max(0, -value.as_tuple().exponent)
    value = number(normalised)
    if value is None or value > 2:  # a bare number above 2 is not a fraction of the budget: not read
        return None
    percent = (value * 100).normalize()
    return percent, max(0, -percent.as_tuple().exponent)


def as_real(value):
    return None if value is None else float(value)


# The standard nine 二级指标 plus 满意度, as results and targets are matched when the target has no 三级指标
# (2019's form 2: one cell per 二级). 满意度 is a 一级 on newer forms and a 二级 under 效益 on older ones.
LEVEL2 = ("数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "可持续影响", "满意度")


def level2(level1, name):
    """The vocabulary word of an indicator from its 一级 and 二级 cells ('服务对象满意度指标' -> '满意度'), or None."""
    for text in (name, level1):
        plain = unicodedata.normalize("NFKC", text or "").replace(" ", "").removesuffix("指标")
        if "满意" in plain:
            return "满意度"
        if plain in LEVEL2 and text is name:
            return plain
    return None


def plain(text):
    """A name or value without layout noise (width, spaces): how two restatements of it are compared."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))


def same_text(a, b):
    return plain(a) == plain(b)
