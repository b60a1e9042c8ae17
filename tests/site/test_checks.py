"""data_checks: each reconciliation of the 2019 forms, with the right numbers, published even when it fails."""

import pytest



def checks(budget_db):
    return {r["id"]: dict(r) for r in budget_db.execute("select * from data_checks")}


@pytest.mark.parametrize("check_id,expected,found,difference_yuan,result", [
    ("2019-shifeng-minzheng-parts", "1593.88", "1593.87", -100, "不一致"),       # 327 + 1266.87
    ("2019-shifeng-minzheng-categories", "1593.88", "1593.87", -100, "不一致"),  # the seven categories
    ("2019-shifeng-minzheng-funds", "1266.87", "992", -2748700, "一致"),         # funds within project spending
    ("2019-shifeng-minzheng-06-amount", "360", "360", 0, "一致"),
])
def test_amount_checks(budget_db, check_id, expected, found, difference_yuan, result):
    check = checks(budget_db)[check_id]
    assert (check["期望值"], check["实际值"], check["差额_元"], check["结果"]) == (expected, found, difference_yuan, result)


def test_difference_in_wan_has_no_float_noise(budget_db):
    assert checks(budget_db)["2019-shifeng-minzheng-parts"]["差额_万元"] == -0.01


def test_failing_text_checks_are_exactly_the_two_low_income_funds(budget_db):
    failed = {i for i, c in checks(budget_db).items()
              if c["年度"] == 2019 and c["结果"] == "不一致" and c["差额_元"] is None}
    assert failed == {f"2019-shifeng-minzheng-0{n}-{kind}" for n in (2, 3) for kind in ("period-target", "annual-target")}


def test_every_fund_is_checked(budget_db):
    ids = checks(budget_db)
    for n in range(1, 9):
        for kind in ("amount", "direction", "period-target", "annual-target"):
            assert f"2019-shifeng-minzheng-0{n}-{kind}" in ids
    for (fund_id,) in budget_db.execute("select id from special_funds"):  # and every fund of any other year
        for kind in ("amount", "direction", "period-target", "annual-target"):
            assert f"{fund_id}-{kind}" in ids
