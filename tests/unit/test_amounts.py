"""budgetlib/amounts.py: reading 万元 cells as filed, exact whole 元, and 万元 text without float noise. Every expected
value is written out here; the figures are the 2019 forms' own (seed_forms.SOURCE)."""
from decimal import Decimal

import pytest

from budgetlib.amounts import looks_like_date, parse_amount, percent, wan, wan_change, yuan, yuan_exact
from budget_site.presentation.amounts import render_cell


@pytest.mark.parametrize("text,expected", [
    ("90", "90"), ("1266.87", "1266.87"), ("1,266.87", "1266.87"), ("1593.88万元", "1593.88"),
    (" 360 万元", "360"), ("９０", "90"), ("0.0001", "0.0001"), ("249.87", "249.87"),
])
def test_parse_amount_reads_what_people_type(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text,zh,en", [
    ("-5", "不能为负数", "cannot be negative"),
    ("－5", "不能为负数", "cannot be negative"),  # full-width minus
    ("六十", "“六十”不是金额", "'六十' is not an amount"),
    ("90.12345", "最多4位小数", "at most 4 decimals"),
    ("1,26,6", "不是金额", "is not an amount"),
    ("1e5", "不是金额", "is not an amount"),
    ("1900/3/30", "被 Excel 当成了日期", "turned it into a date"),
    ("3月30日", "被 Excel 当成了日期", "turned it into a date"),
])
def test_parse_amount_says_what_to_fix(text, zh, en):
    with pytest.raises(ValueError) as error:
        parse_amount(text)
    message_zh, message_en = error.value.args[0]
    assert zh in message_zh and en in message_en


def test_excel_dates_are_recognised_and_amounts_are_not():
    assert looks_like_date("1900/3/30") and looks_like_date("1905-07-11") and looks_like_date("3月30日")
    assert not looks_like_date("1266.87") and not looks_like_date("90")


def test_yuan_is_exact():
    assert yuan("1266.87") == 12668700
    assert yuan("1593.88万元") == 15938800
    assert yuan("0.0001") == 1
    assert yuan("") is None and yuan("  ") is None


@pytest.mark.parametrize("amount,text", [
    (9920000, "992"), (15938700, "1593.87"), (12668700, "1266.87"), (1, "0.0001"), (0, "0"), (None, "–"),
    (100, "0.01"),  # the 2019 form 3 gap: 1593.88 - 1593.87
])
def test_wan_shows_whole_yuan_as_filed(amount, text):
    assert wan(amount) == text


def test_wan_keeps_jiao_and_fen_of_exact_yuan():
    """元 with 角分 (a standard form in 元), exact from 分: 972000.50 元 is 97.20005 万元, not 97.2001."""
    assert wan(yuan_exact(97200050)) == "97.20005"
    assert wan(yuan_exact(889500170)) == "889.50017"
    assert wan_change(yuan_exact(-9700015)) == "−9.700015"
    assert yuan_exact(None) is None and wan(yuan_exact(992000000)) == "992"


def test_wan_change_and_percent():
    assert (wan_change(400000), wan_change(-20000), wan_change(0), wan_change(None)) == ("+40", "−2", "0", "–")
    assert percent(600000, 9920000) == "6.0"
    assert percent(3600000, 9920000) == "36.3"  # 惠民资金 360 of the 992 万元 of special funds
    assert percent(3600000, 9920000, 2) == "36.29"
    assert percent(1, 0) == "–" and percent(None, 5) == "–"


def test_table_cells_in_wan_show_as_on_the_form():
    assert render_cell(90.0, "资金总额_万元") == "90"
    assert render_cell(1266.87, "项目支出_万元") == "1266.87"
    assert render_cell(0.1 + 0.2, "差额_万元") == "0.3"  # float noise never reaches a page
    assert render_cell(90.0, "占比_百分比") is None  # other columns: Datasette's own rendering
