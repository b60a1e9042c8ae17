"""The bureau's yearly path, as README "如何添加一个年度的数据" says, on fictional documents kept out of data/:
import a text document and an .xlsx workbook of two new departments → build → serve, and every kind of page shows
the new year and departments. Expected values are literals from the fixture documents (tests/fixtures/documents)."""
import shutil
import subprocess
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, running_site

DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
NEW_DEPARTMENTS = ("样例区社会事务局,yangli-shehui,虚构市样例区社会事务局,虚构市样例区人民政府\r\n"
                   "样例区卫生健康局,yangli-weijian,虚构市样例区卫生健康局,虚构市样例区人民政府\r\n")


def make(*args):
    result = subprocess.run(["make", "-s", "-C", str(ROOT), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def yearly(tmp_path_factory):
    """A copy of data/ and source/ with the fictional 2031 documents imported and built, served by `make run`."""
    work = tmp_path_factory.mktemp("yearly")
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copytree(ROOT / "source", work / "source")
    with open(work / "data" / "departments.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(NEW_DEPARTMENTS)  # step 1: register the new departments
    (work / "source" / "2031").mkdir()
    shutil.copyfile(DOCUMENTS / "2031_yangli_shehui.txt", work / "source" / "2031" / "yangli-shehui.txt")
    shutil.copyfile(DOCUMENTS / "2031_yangli_weijian.xlsx", work / "source" / "2031" / "yangli-weijian.xlsx")
    for document in ("yangli-shehui.txt", "yangli-weijian.xlsx"):  # step 2: make import
        make("import", f"SOURCE={work / 'source' / '2031' / document}", f"DATA_DIR={work / 'data'}")
    make("build", f"DATA_DIR={work / 'data'}", f"SOURCE_DIR={work / 'source'}", f"SITE={work / 'site'}")  # step 4
    with running_site(work / "site") as base:
        yield work, base


def page(base, path, **params):
    url = base + urllib.parse.quote(path) + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.read().decode("utf-8")


def test_import_wrote_both_departments_into_one_year(yearly):
    work, _ = yearly
    text = (work / "data" / "2031" / "form1_special_funds.csv").read_text(encoding="utf-8-sig")
    assert text.count("样例区社会事务局") == 5 and text.count("样例区卫生健康局") == 3


def test_home_page_lists_the_departments_of_the_latest_year(yearly):
    _, base = yearly
    home = page(base, "/")
    assert "2031 年各部门预算" in home
    for code, name, total in (("yangli-shehui", "样例区社会事务局", "566.75 万元"),
                              ("yangli-weijian", "样例区卫生健康局", "480.4 万元")):
        assert f'href="/departments/{code}?' in home and name in home and total in home
    assert "石峰区民政局" not in home.split("<footer")[0]  # 2019 only: on the 2019 list, not this one
    assert "石峰区民政局" in page(base, "/", 年度="2019")


def test_each_department_has_its_page(yearly):
    _, base = yearly
    weijian = page(base, "/departments/yangli-weijian")
    assert "样例区卫生健康局 2031 年预算" in weijian
    assert "480.4 万元" in weijian and "基本公共卫生服务补助" in weijian and "公共卫生服务支出" in weijian
    assert "预算申报数，不是实际支出" in weijian
    assert 'href="/documents/2031/yangli-weijian"' in weijian
    minzheng = page(base, "/departments/shifeng-minzheng")
    assert "石峰区民政局 2019 年预算" in minzheng and "1593.88 万元" in minzheng


def test_fund_cards_forms_checks_search_and_year_changes(yearly):
    _, base = yearly
    card = page(base, "/budget/special_funds/2031-yangli-shehui-03")
    assert "养老服务补贴" in card and "120 万元" in card
    assert "基本公共卫生服务补助" in page(base, "/forms/2031/yangli-weijian/2")
    assert "样例区社会事务局" in page(base, "/checks")
    assert "殡葬改革奖补资金" in page(base, "/search", q="殡葬")
    changes = page(base, "/budget/fund_year_changes.json", _shape="array", 部门="样例区社会事务局")
    assert changes == "[]"  # a department's first year has nothing to compare with


def test_documents_and_downloads(yearly):
    _, base = yearly
    documents = page(base, "/documents")
    assert "样例区社会事务局 2031 年" in documents and "样例区卫生健康局 2031 年" in documents
    assert "困难群众临时救助资金" in page(base, "/documents/2031/yangli-shehui")
    with urllib.request.urlopen(base + "/source/2031/yangli-shehui.txt") as response:
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "2031-yangli-shehui-01" in page(base, "/downloads/special_funds.csv")


def test_nothing_in_the_site_is_written_for_one_year_or_department():
    """No year, fund count or category count is typed into the templates or metadata.yml: they come from the data."""
    for path in [ROOT / "metadata.yml", *sorted((ROOT / "templates").glob("*.html"))]:
        text = path.read_text(encoding="utf-8")
        for literal in ("2019", "八项", "七类", "石峰区民政局"):
            assert literal not in text, f"{path.name} contains {literal}"
