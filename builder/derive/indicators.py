"""Parsed indicator values and target-quality flags (journalists' questions: which promises can be checked?).

Everything here is a pure function of the verbatim cells; `indicator_tables(tables)` (indicator_rows.py) gives the
build two derived tables from it (their columns are declared in contract.yml):

- indicator_values: one row per quantity read from a form-2 indicator cell (指标值).
- target_quality: one row per promise (表1/表2 targets, every indicator slot incl. empty ones) with flags.

Parsing rule: never guess. A fragment is parsed only when it matches one of the patterns below in full;
everything else stays only in the verbatim cell. Digits that no pattern covers are reported by
`unparsed_numbers` (and stored in target_quality.未解析数字), so nothing disappears silently:

  类型      written as                                    stored
  期限      2019年底前, 2019年6月, 10月 (after a year)      数值 = ISO date text ("2019-12-31", "2019-06")
  区间      450-520元/月.人, 80-89周岁, 80周岁至99周岁,     下限/上限 (one may be empty), 限定 = the bound word
            3000人以下, 60周岁以上, 不少于3000元, 3000元/年封顶
  金额标准  70元/月/人, 600元/人·年, 10万/年, 100元/人       数值, 单位 元/万元, 周期 (年/月…), 每 (人/户…)
  金额      1.2万元, 5000元                                 数值, 单位; money also as whole 元 (数值_元 …)
  比例      100%, 1：1比例                                  数值 "100" 单位 "%", or 数值 "1:1" 单位 "比"
  数量      2000人, 36个, 各100张                           数值, 单位 (the measure word), 限定 "各"

Decisions on the source's own slips (kept verbatim; see also data/2019/notes.csv):
- "160元/月.人60": 160元/月.人 is a rate; the trailing "60" has no unit, so it is not parsed and shows up
  as an unparsed number. It is never attached to the rate or read as a count.
- "护理险320/年": no unit is written, so 320 is not parsed (not assumed to be 元) and is reported unparsed.
- "10万/年": 万 with a rate but without 元. It is read as 万元 (the forms state every amount in 万元, and the
  issue lists it as a money rate); the row's 说明 says so.
- A month without a year ("10月") takes the year written earlier in the same cell ("2019年6月…，10月…");
  with no year in the cell it is not parsed. 说明 records the borrowed year.
- Chinese numerals (两项, 三无, 五保, 一类) are names or categories, not parsed.
- An age alone ("年满80周岁") describes who is eligible; only age ranges and bounds are parsed, and ages
  never make a promise "measurable" on their own.
"""
import calendar
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

# ---------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------

NUMBER = r"\d+(?:\.\d+)?"
MONEY_UNIT = r"万元|元|万(?=[/／])"  # bare 万 only when a rate follows: "10万/年"
# A measure word, or the same counted in 万 (320万平方米, 4.5万吨, 1.2万人次): the unit keeps its 万, so a count
# is never compared with one in other units nor taken for people (beneficiaries.py lists the units it divides by).
COUNT_UNIT = r"万?(?:人次|人|名|个(?!月|工作日)|张|户|家|所|项|次|台|辆|套|处|间|件|场|床|位|平方米|公里|公顷|亩|吨|座|条)"
AGE_UNIT = r"周岁|岁"
PERCENT_UNIT = r"[%％]"
ANY_UNIT = rf"{MONEY_UNIT}|{PERCENT_UNIT}|{AGE_UNIT}|{COUNT_UNIT}"
PERIODS = ("季度", "年", "月", "季", "周", "日", "天")  # the rest of a rate's parts say per whom/what
RATE_PART = r"季度|年|月|季|周|日|天|人次|人|户|床|张|次|个|名"
RATE = rf"[/／](?:{RATE_PART})(?:[/／.·・](?:{RATE_PART}))*"  # /月/人, /月.人, /人·年, /年
LOW_WORDS = ("不少于", "不低于", "至少", "最低", "超过", "高于", "以上", "起", "≥", "≧", "＞", ">")  # a lower bound
HIGH_WORDS = ("不超过", "不高于", "最多", "最高", "低于", "少于", "以下", "以内", "封顶", "≤", "≦", "＜", "<")  # upper
PREFIX_BOUND = "不少于|不低于|不超过|不高于|至少|最多|最高|最低|超过|高于|低于|少于|≥|≧|＞|>|≤|≦|＜|<"  # signs: standard forms
SUFFIX_BOUND = "以上|以下|以内|封顶|起"
DASH = r"-|－|—|–|~|～|至|到"
NOT_MID_NUMBER = r"(?<![\d.])"

PATTERNS = [  # tried in this order at every position; the first that matches there wins
    ("date", re.compile(r"(?<!\d)(?P<year>\d{4})年(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?"
                        r"(?P<end>底|末)?(?P<before>以前|之前|前)?")),
    ("month", re.compile(r"(?<![\d.年\-－—–~～至到])(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?(?P<end>底|末)?"
                         r"(?P<before>以前|之前|前)?")),
    ("range", re.compile(rf"{NOT_MID_NUMBER}(?P<low>{NUMBER})(?P<low_unit>{ANY_UNIT})?(?:{DASH})"
                         rf"(?P<high>{NUMBER})(?P<unit>{ANY_UNIT})(?P<rate>{RATE})?")),
    ("bound", re.compile(rf"(?P<prefix>{PREFIX_BOUND})(?P<value>{NUMBER})(?P<unit>{ANY_UNIT})(?P<rate>{RATE})?")),
    ("ratio", re.compile(rf"{NOT_MID_NUMBER}(?P<left>\d+)[：:](?P<right>\d+)(?=比例|的比例)")),
    ("money", re.compile(rf"{NOT_MID_NUMBER}(?P<each>各)?(?P<value>{NUMBER})(?P<unit>{MONEY_UNIT})(?P<rate>{RATE})?"
                         rf"(?P<suffix>{SUFFIX_BOUND})?")),
    ("percent", re.compile(rf"{NOT_MID_NUMBER}(?P<value>{NUMBER})(?P<unit>{PERCENT_UNIT})(?P<suffix>{SUFFIX_BOUND})?")),
    ("count", re.compile(rf"{NOT_MID_NUMBER}(?P<each>各)?(?P<value>{NUMBER})(?P<unit>{COUNT_UNIT})"
                         rf"(?P<suffix>{SUFFIX_BOUND})?")),
    ("age", re.compile(rf"{NOT_MID_NUMBER}(?P<value>\d+)(?P<unit>{AGE_UNIT})(?P<suffix>{SUFFIX_BOUND})")),
]
DIGITS = re.compile(NUMBER)
# Every pattern starts with a digit, 各 or a bound word: only such positions are worth trying (keeps big builds fast).
START = re.compile("[\\d各" + "".join(sorted({word[0] for word in PREFIX_BOUND.split("|")})) + "]")


@dataclass
class Quantity:
    """One quantity read from a cell. Numbers are Decimal (exact as written) or exact text."""
    kind: str  # 数量 / 比例 / 金额标准 / 区间 / 期限 / 金额
    fragment: str  # the exact source text that was read
    start: int  # 0-based character offset of fragment in the cell
    value: object = None  # Decimal, or text for dates ("2019-12-31") and ratios ("1:1"); None for 区间
    low: Decimal = None  # 区间 only
    high: Decimal = None  # 区间 only
    unit: str = None  # 元, 万元, %, 比, 周岁, or a measure word (人, 名, 个, 张 …)
    period: str = None  # 年, 月 … for rates
    per: str = None  # 人, 户 … for rates
    qualifier: str = None  # the word that qualifies the number as written: 各, 前, 不少于, 以上, 封顶 …
    note: str = None  # how a slip in the source was read, in Chinese

    def yuan(self, number):
        """A money number in whole 元, or None (not money, or not a whole number of 元)."""
        if number is None or self.unit not in ("元", "万元"):
            return None
        amount = number * 10000 if self.unit == "万元" else number
        return int(amount) if amount == amount.to_integral_value() else None


def parse_indicator(text):
    """All quantities in a cell, left to right. A fragment that matches no pattern is not parsed."""
    return list(parsed(text))


# The patterns that can match at a position, by its first character: every pattern starts with a digit, 各 (money
# and counts) or a bound word (bound); the others are not worth trying there. Order kept.
DIGIT_PATTERNS = [(name, pattern) for name, pattern in PATTERNS if name != "bound"]
EACH_PATTERNS = [(name, pattern) for name, pattern in PATTERNS if name in ("money", "count")]
BOUND_PATTERNS = [(name, pattern) for name, pattern in PATTERNS if name == "bound"]


@functools.lru_cache(maxsize=4096)
def parsed(text):
    """parse_indicator as a tuple, remembered: the build reads each cell for its values, its quality flags and the
    beneficiary estimate (a few thousand texts at a time: one year and department's cells)."""
    if not text:
        return ()
    found, position, last_year = [], 0, None
    while (candidate := START.search(text, position)) is not None:
        position = candidate.start()
        first = text[position]
        patterns = DIGIT_PATTERNS if first.isdecimal() else EACH_PATTERNS if first == "各" else BOUND_PATTERNS
        for name, pattern in patterns:
            match = pattern.match(text, position)
            if match is None:
                continue
            quantity = READERS[name](match, last_year)
            if quantity is None:
                continue
            if quantity.kind == "期限" and name == "date":
                last_year = match["year"]
            found.append(quantity)
            position = match.end()
            break
        else:
            position += 1
    return tuple(found)


def unparsed_numbers(text, quantities=None):
    """[(digits, offset)] for every run of digits that no parsed quantity covers, e.g. the stray "60"."""
    if not text:
        return []
    quantities = parsed(text) if quantities is None else quantities
    covered = [(q.start, q.start + len(q.fragment)) for q in quantities]
    return [(m.group(), m.start()) for m in DIGITS.finditer(text)
            if not any(start <= m.start() < end for start, end in covered)]


# ---------------------------------------------------------------------------
# Reading one match; None means "this pattern does not apply here after all"
# ---------------------------------------------------------------------------


def read_date(match, _last_year):
    if not (match["month"] or match["end"] or match["before"]):
        return None  # a bare "2019年" is a year, not a deadline
    return date_quantity(match, match["year"], None)


def read_month(match, last_year):
    if last_year is None:
        return None  # "10月" with no year written in the cell: not guessed
    return date_quantity(match, last_year, f"原文未写年份，沿用本格前文的{last_year}年")


def date_quantity(match, year, note):
    year, month = int(year), int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    if month is None:
        value = f"{year}-12-31" if match["end"] else f"{year}"
    elif day is not None:
        value = f"{year}-{month:02d}-{day:02d}"
    elif match["end"]:
        value = f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    else:
        value = f"{year}-{month:02d}"
    return Quantity("期限", match.group(), match.start(), value=value, qualifier=match["before"], note=note)


def read_range(match, _last_year):
    unit = canonical_unit(match["unit"])
    if match["low_unit"] and canonical_unit(match["low_unit"]) != unit:
        return None  # "3元-5人" is not a range
    low, high = Decimal(match["low"]), Decimal(match["high"])
    if low > high:
        return None
    period, per = rate_parts(match["rate"])
    return Quantity("区间", match.group(), match.start(), low=low, high=high, unit=unit, period=period, per=per,
                    note=money_note(match))


def read_bound(match, _last_year):
    return bound_quantity(match, match["prefix"])


def read_ratio(match, _last_year):
    return Quantity("比例", match.group(), match.start(), value=f"{match['left']}:{match['right']}", unit="比")


def read_money(match, _last_year):
    if match["suffix"]:
        return bound_quantity(match, match["suffix"])
    period, per = rate_parts(match["rate"])
    return Quantity("金额标准" if match["rate"] else "金额", match.group(), match.start(), value=Decimal(match["value"]),
                    unit=canonical_unit(match["unit"]), period=period, per=per, qualifier=match["each"],
                    note=money_note(match))


def read_percent(match, _last_year):
    if match["suffix"]:
        return bound_quantity(match, match["suffix"])
    return Quantity("比例", match.group(), match.start(), value=Decimal(match["value"]), unit="%")


def read_count(match, _last_year):
    if match["suffix"]:
        return bound_quantity(match, match["suffix"])
    return Quantity("数量", match.group(), match.start(), value=Decimal(match["value"]), unit=match["unit"],
                    qualifier=match["each"])


def read_age(match, _last_year):
    return bound_quantity(match, match["suffix"])


def bound_quantity(match, word):
    """不少于3000元, 3000人以下, 3000元/年封顶 …: a range open at one end."""
    if "each" in match.re.groupindex and match["each"]:
        return None  # "各" and a bound together: not a pattern we know
    value = Decimal(match["value"])
    rate = match["rate"] if "rate" in match.re.groupindex else None
    period, per = rate_parts(rate)
    return Quantity("区间", match.group(), match.start(), low=value if word in LOW_WORDS else None,
                    high=value if word in HIGH_WORDS else None, unit=canonical_unit(match["unit"]),
                    period=period, per=per, qualifier=word, note=money_note(match))


def canonical_unit(unit):
    return {"万": "万元", "％": "%", "岁": "周岁"}.get(unit, unit)


def money_note(match):
    if match["unit"] == "万":
        return "原文只写“万”，未写“元”；表中金额均以万元计，按万元读取"
    return None


def rate_parts(rate):
    """'/月.人' -> ('月', '人'); '/人·年' -> ('年', '人'); None -> (None, None)."""
    if not rate:
        return None, None
    parts = re.split(r"[/／.·・]", rate)[1:]
    periods = [p for p in parts if p in PERIODS]
    others = [p for p in parts if p not in PERIODS]
    return "/".join(periods) or None, "/".join(others) or None


READERS = {"date": read_date, "month": read_month, "range": read_range, "bound": read_bound, "ratio": read_ratio,
           "money": read_money, "percent": read_percent, "count": read_count, "age": read_age}

# ---------------------------------------------------------------------------
# Quality flags for one promise (a target or an indicator cell)
# ---------------------------------------------------------------------------

NOT_MEASURABLE_UNITS = ("周岁",)  # an age says who is eligible, not what will be achieved


def is_empty(text):
    return text is None or not text.strip()


def measurability(text):
    """(可衡量 0/1, 衡量依据): measurable when it states a number, percentage, amount or date to check."""
    if is_empty(text):
        return 0, "未填写"
    quantities = parsed(text)
    checkable = [q for q in quantities if q.unit not in NOT_MEASURABLE_UNITS]
    if checkable:
        return 1, "；".join(f"{q.kind}“{q.fragment}”" for q in checkable)
    if quantities:
        return 0, "只有年龄范围" + "、".join(f"“{q.fragment}”" for q in quantities) + "，没有可核对的结果"
    return 0, "没有数字、比例、金额或日期"


RESTATING_PATTERN = re.compile(  # "按文件做好…工作": the whole text says only "do the job as the documents say"
    r"^按(?:照)?(?:相关)?文件(?:规定|要求|精神)?(?:做好|用好|落实好?|完成|开展|实施|执行)[^，,；;。\d]+。?$")
GENERIC_WORDS = ("按照文件", "按文件", "做好", "用好", "支付", "发放", "落实", "工作", "资金", "经费", "等", "的")
GENERIC_PUNCTUATION = re.compile(r"[\s。，、,]")


def restates_fund(text, fund_name):
    """1 when the text says nothing beyond the fund's own name or "按文件做好…工作"."""
    if is_empty(text):
        return 0
    text = text.strip()
    if RESTATING_PATTERN.match(text):
        return 1
    remainder, name = strip_generic(text), strip_generic(fund_name or "")
    return int(len(remainder) >= 2 and remainder in name)


@functools.lru_cache(maxsize=1024)  # fund names come back for every promise of the fund
def strip_generic(text):
    for word in GENERIC_WORDS:
        if word in text:
            text = text.replace(word, "")
    return GENERIC_PUNCTUATION.sub("", text)


def same_as_annual(period_target, annual_target):
    """1 when the period target repeats the annual target word for word (both filled in)."""
    if is_empty(period_target) or is_empty(annual_target):
        return 0
    return int(period_target.strip() == annual_target.strip())
