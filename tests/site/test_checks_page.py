"""/checks and the failed_checks query: every reconciliation shown, the failing ones included."""
import urllib.parse


async def test_checks_page(ds, budget_db):
    page = (await ds.client.get("/checks")).text
    total, failed = budget_db.execute("select count(*), sum(结果 = '不一致') from data_checks").fetchone()
    assert f"共核对 <strong>{total}</strong> 项，其中 <strong>{failed}</strong> 项不一致" in page  # every year
    assert page.count("<tr data-check=") == total
    assert tuple(budget_db.execute(  # the 2019 forms: 3 department checks and 4 per fund, 6 of them fail
        "select count(*), sum(结果 = '不一致') from data_checks where 年度 = 2019").fetchone()) == (35, 6)
    assert page.index('data-check="2019-shifeng-minzheng-parts"') < page.index('data-check="2019-shifeng-minzheng-01-amount"')
    assert ">-0.01<" in page


async def test_failed_checks_query(ds):
    response = await ds.client.get("/budget/failed_checks.json?" + urllib.parse.urlencode({"_shape": "array", "年度": "2019"}))
    rows = response.json()
    assert len(rows) == 6 and {r["差额_万元"] for r in rows if r["差额_万元"] is not None} == {-0.01}
