"""Amounts, one rule each: reading 万元 as filed, and showing whole 元 as 万元 without float noise.

budget.db keeps every amount as filed (_原文), in 万元 (_万元) and in whole 元 (_元, integers, so sums are exact).
The site's pages (budget_site/presentation/amounts.py) and the build's checks use these same functions.
"""
import re
import unicodedata
from decimal import Decimal

AMOUNT = re.compile(r"^\d+(\.\d{1,4})?$")
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
# How Excel shows a number it has turned into a date: 1900/3/30, 1905-07-11, 3月30日
EXCEL_DATE = re.compile(r"^(\d{2,4}[/-])?\d{1,2}[/-]\d{1,2}$|^(\d{2,4}年)?\d{1,2}月(\d{1,2}日)?$")


def looks_like_date(text):
    return bool(EXCEL_DATE.match(unicodedata.normalize("NFKC", text).strip()))


def parse_amount(text):
    """'1,266.87 万元' -> Decimal('1266.87'). Raises ValueError((zh, en)) saying what to fix."""
    normalised = unicodedata.normalize("NFKC", text).replace(" ", "").strip()
    if normalised.endswith("万元"):
        normalised = normalised[: -len("万元")]
    if THOUSANDS.match(normalised):
        normalised = normalised.replace(",", "")
    if normalised.startswith("-") and AMOUNT.match(normalised[1:]):
        raise ValueError(("金额不能为负数。", "Amounts cannot be negative."))
    if not AMOUNT.match(normalised):
        zh = f"“{text}”不是金额。请只填写数字（单位：万元，最多4位小数），例如 90 或 1266.87。"
        en = f"'{text}' is not an amount. Enter a number in 万元 (at most 4 decimals), e.g. 90 or 1266.87."
        if looks_like_date(text):
            zh += "它看起来被 Excel 当成了日期：请把这一列设为“数值”或“文本”格式后重新填写。"
            en += " Excel seems to have turned it into a date: format the column as Number or Text and re-enter it."
        raise ValueError((zh, en))
    return Decimal(normalised)


MONEY = re.compile(r"^\d+(\.\d+)?$")
FEN_PER = {"元": 100, "万元": 1000000}  # 1 元 = 100 分; 1 万元 = 1,000,000 分
DECIMALS = {"元": 2, "万元": 6}  # the finest figure that is still a whole 分 in each unit


# What a form prints in an amount cell that does not apply (e.g. no mid-term funds): kept as printed, no amount.
NOT_APPLICABLE = {"-", "—", "——", "–", "/", "无"}


def parse_money(text):
    """A money cell of the standard layout as a Decimal, whatever its unit: '972000.50', '1,260', '１２６０'; None for
    a dash or 无 (kept as printed in _原文). Raises ValueError((zh, en)) saying what to fix."""
    normalised = unicodedata.normalize("NFKC", text).replace(" ", "").strip()
    if normalised in NOT_APPLICABLE:
        return None
    normalised = normalised.removesuffix("万元").removesuffix("元")
    if THOUSANDS.match(normalised):
        normalised = normalised.replace(",", "")
    if normalised.startswith("-") and MONEY.match(normalised[1:]):
        raise ValueError(("金额不能为负数。", "Amounts cannot be negative."))
    if not MONEY.match(normalised):
        raise ValueError((f"“{text}”不是金额。请照表上填写数字，例如 1260 或 972000.50。",
                          f"'{text}' is not an amount. Enter the number as printed, e.g. 1260 or 972000.50."))
    return Decimal(normalised)


def fen(text, unit):
    """A money cell in whole 分 (int) in its unit (万元 or 元), None for an empty cell: fen('972000.50', '元') ->
    97200050; fen('1260', '万元') -> 1260000000. A figure finer than a 分 raises ValueError((zh, en))."""
    if not text.strip():
        return None
    amount = parse_money(text)
    if amount is None:
        return None
    exact = amount * FEN_PER[unit]
    if exact != exact.to_integral_value():
        raise ValueError((f"“{text}”比1分还细：单位为{unit}时最多{DECIMALS[unit]}位小数。请对照原表改正（原表如此，请核实单位）。",
                          f"'{text}' is finer than one fen: in {unit} at most {DECIMALS[unit]} decimals. Check it "
                          "against the form (and the unit)."))
    return int(exact)


def yuan_from_fen(amount_fen):
    """Whole 元 from 分, rounded half up (columns in 元 are whole numbers; 分 keep the exact amount)."""
    return None if amount_fen is None else (amount_fen + 50) // 100


def yuan(text):
    """The amount of a 万元 cell in whole 元 (int), None for an empty cell."""
    return int(parse_amount(text) * 10000) if text.strip() else None


def wan(yuan_amount):
    """元 -> 万元 text, to the 分: 9920000 -> '992'; 15938700 -> '1593.87'; Decimal('972000.50') -> '97.20005';
    None -> '–'."""
    if yuan_amount is None:
        return "–"
    return f"{Decimal(yuan_amount) / 10000:.6f}".rstrip("0").rstrip(".")


def yuan_exact(amount_fen):
    """分 -> 元 as an exact Decimal (97200050 -> 972000.50), for sums and changes of amounts with 角分; None stays."""
    return None if amount_fen is None else Decimal(amount_fen) / 100


def wan_change(yuan_amount):
    """A change in 元 as signed 万元 text: 400000 -> '+40', -20000 -> '−2', 0 -> '0'."""
    if yuan_amount is None:
        return "–"
    return ("+" if yuan_amount > 0 else "−" if yuan_amount < 0 else "") + wan(abs(yuan_amount))


def percent(part, whole, places=1):
    """percent(600000, 9920000) -> '6.0'."""
    if not whole or part is None:
        return "–"
    return f"{Decimal(part) * 100 / Decimal(whole):.{places}f}"
