"""What a person downloads opens right in Excel and WPS: every CSV link on the site's pages is a file download in
UTF-8 with a byte order mark and a Chinese file name; tables and queries also come as .xlsx with Chinese headers,
numbers as numbers and text (ids included) as text. Addresses without _dl stay as Datasette serves them, for
scripts, and JSON is untouched."""
import codecs
import csv
import html
import io
import json
import re
import urllib.parse

import pytest
from datasette.app import Datasette
from openpyxl import load_workbook


BOM = codecs.BOM_UTF8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Pages whose CSV links people click, and pages that must offer one.
PAGES_WITH_CSV = ["/", "/budget/special_funds/2019-shifeng-minzheng-07", "/budget/special_funds",
                  "/budget/performance_indicators?二级指标=生态效益指标", "/budget/largest_funds", "/checks",
                  "/dictionary", "/budget?sql=select+1+as+一", "/filings/form1_special_funds"]


def file_names(disposition):
    """(filename, filename*) of an attachment header, filename* decoded as RFC 5987 says."""
    assert disposition.startswith("attachment;"), disposition
    plain = re.search(r'filename="([^"]*)"', disposition).group(1)
    encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)
    return plain, urllib.parse.unquote(encoded, encoding="utf-8", errors="strict")


def csv_links(page):
    return [html.unescape(h) for h in re.findall(r'<a [^>]*href="([^"]*\.csv(?:\?[^"]*)?)"', page)]


def columns_of(conn, table):
    return [row[1] for row in conn.execute(f"pragma table_info([{table}])")]


async def test_every_csv_link_on_the_pages_is_an_excel_ready_download(ds):
    seen = 0
    for path in PAGES_WITH_CSV:
        links = csv_links((await ds.client.get(path)).text)
        assert links, path
        for link in links:
            seen += 1
            assert "_dl=" in link or link.startswith("/downloads/"), (path, link)
            response = await ds.client.get(link)
            assert response.status_code == 200, link
            assert response.headers["content-type"] == "text/csv; charset=utf-8", link
            plain, chinese = file_names(response.headers["content-disposition"])
            assert plain.isascii() and plain.endswith(".csv") and chinese.endswith(".csv"), link
            assert re.search(r"[\u4e00-\u9fff]", chinese), (link, chinese)
            assert response.content.startswith(BOM) and not response.content[3:].startswith(BOM), link
            header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            assert header and all(header), link
    assert seen >= 12


@pytest.mark.parametrize("path,chinese,plain", [
    ("/budget/special_funds.csv?_size=max&_dl=1", "专项资金（表1）.csv", "special_funds.csv"),
    ("/budget/largest_funds.csv?_dl=1", "专项资金按金额排序（含占比）.csv", "largest_funds.csv"),
    ("/budget.csv?sql=select+1&_dl=1", "SQL 查询结果.csv", "budget-query.csv"),
    ("/filings/form1_special_funds.csv?_dl=1", "表1 专项资金预算绩效目标汇总表（照录）.csv", "form1_special_funds.csv"),
    ("/downloads/special_funds.csv", "专项资金（表1）.csv", "special_funds.csv"),
])
async def test_download_names(ds, path, chinese, plain):
    response = await ds.client.get(path)
    assert file_names(response.headers["content-disposition"]) == (plain, chinese)


async def test_download_is_datasettes_csv_with_a_bom(ds, budget_db):
    machine = await ds.client.get("/budget/special_funds.csv?_size=max")
    person = await ds.client.get("/budget/special_funds.csv?_size=max&_dl=1")
    assert person.content == BOM + machine.content
    # For scripts nothing changed: plain UTF-8 text shown in the browser, no BOM, no file name.
    assert machine.headers["content-type"] == "text/plain; charset=utf-8"
    assert "content-disposition" not in machine.headers and not machine.content.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(person.content.decode("utf-8-sig"))))
    assert list(rows[0]) == columns_of(budget_db, "special_funds")
    assert {r["专项名称"] for r in rows} == {r[0] for r in budget_db.execute("select 专项名称 from special_funds")}


async def test_streamed_download_has_one_bom_and_every_row(ds, budget_db):
    response = await ds.client.get("/budget/performance_indicators.csv?_stream=on&_size=5&_dl=1")
    assert response.content.startswith(BOM) and response.content.count(BOM) == 1
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert len(rows) == budget_db.execute("select count(*) from performance_indicators").fetchone()[0]


async def test_package_files_are_served_byte_for_byte(ds, built):
    response = await ds.client.get("/downloads/special_funds.csv")
    on_disk = (built / "downloads" / "special_funds.csv").read_bytes()
    assert on_disk.startswith(BOM)  # written so at build time; the server adds nothing
    assert response.content == on_disk


async def test_json_is_untouched(ds):
    for path in ["/budget/special_funds.json?_shape=array", "/budget/largest_funds.json",
                 "/budget.json?sql=select+1+as+一"]:
        response = await ds.client.get(path)
        assert response.headers["content-type"].startswith("application/json")
        assert "content-disposition" not in response.headers
        assert not response.content.startswith(BOM)
        json.loads(response.content)


# ---------------------------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------------------------


async def workbook(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    assert response.headers["content-type"] == XLSX
    plain, chinese = file_names(response.headers["content-disposition"])
    book = load_workbook(io.BytesIO(response.content))
    return book, plain, chinese


def sheet_rows(sheet):
    return [[cell for cell in row] for row in sheet.iter_rows()]


async def test_table_as_xlsx(ds, budget_db):
    page = (await ds.client.get("/budget/special_funds")).text
    link = html.unescape(re.search(r'<a href="([^"]*\.xlsx[^"]*)">Excel 表格（XLSX）</a>', page).group(1))
    book, plain, chinese = await workbook(ds, link)
    assert (plain, chinese) == ("special_funds.xlsx", "专项资金（表1）.xlsx")
    assert book.sheetnames == ["专项资金（表1）", "说明"]
    rows = sheet_rows(book["专项资金（表1）"])
    header = [c.value for c in rows[0]]
    assert header == columns_of(budget_db, "special_funds")
    expected = {r["id"]: dict(r) for r in budget_db.execute("select * from special_funds")}
    assert len(rows) - 1 == len(expected)
    for row in rows[1:]:
        values = dict(zip(header, row))
        fund = expected[values["id"].value]
        assert values["id"].data_type == "s"
        for column in header:
            cell, stored = values[column], fund[column]
            assert cell.value == stored, (column, cell.value, stored)  # verbatim text, exact integers
            assert isinstance(cell.value, str) == isinstance(stored, str), column  # numbers stay numbers
        assert values["资金总额_元"].data_type == "n" and values["资金总额_原文"].data_type == "s"
    about = dict((a.value, b.value) for a, b in book["说明"].iter_rows())
    assert about["行数"] == f"{len(expected)} 行"
    assert about["网址"].endswith("/budget/special_funds?_size=max")
    assert about["金额"].startswith("预算申报数，不是实际支出")


async def test_linked_ids_keep_their_value_and_gain_a_name(ds, budget_db):
    page = (await ds.client.get("/budget/performance_indicators")).text
    link = html.unescape(re.search(r'<a href="([^"]*\.xlsx[^"]*)">Excel 表格（XLSX）</a>', page).group(1))
    assert "_labels=on" in link  # as the page shows it: foreign keys with the names they point to
    book, _, chinese = await workbook(ds, link)
    assert chinese == "绩效指标（表2）.xlsx"
    header, *rows = list(book.worksheets[0].values)
    assert header[header.index("专项_id") + 1] == "专项_id（名称）"
    names = dict(budget_db.execute("select id, 专项名称 from special_funds").fetchall())
    assert len(rows) == budget_db.execute("select count(*) from performance_indicators").fetchone()[0]
    for row in rows:
        fund = row[header.index("专项_id")]
        assert fund in names and row[header.index("专项_id（名称）")] == names[fund]


async def test_integer_ids_are_text_and_text_is_never_a_formula(ds, budget_db):
    book, _, chinese = await workbook(ds, "/budget/search_index.xlsx?_size=5")
    sheet = book.worksheets[0]
    header = [c.value for c in next(sheet.iter_rows())]
    ids = [row[header.index("id")] for row in list(sheet.iter_rows())[1:]]
    assert ids and all(c.data_type == "s" for c in ids)
    assert [c.value for c in ids] == [str(r[0]) for r in budget_db.execute("select id from search_index order by id limit 5")]
    sql = "select '=1+1' as 公式, '01' as 编号, 12345678901234567 as 大数, 1593.88 as 万元, 42 as 个数"
    book, _, chinese = await workbook(ds, "/budget.xlsx?" + urllib.parse.urlencode({"sql": sql}))
    assert chinese == "SQL 查询结果.xlsx"
    header, row = list(book.worksheets[0].iter_rows())
    assert [c.value for c in header] == ["公式", "编号", "大数", "万元", "个数"]
    assert [(c.value, c.data_type) for c in row] == [
        ("=1+1", "s"), ("01", "s"), ("12345678901234567", "s"), (1593.88, "n"), (42, "n")]


async def test_saved_query_as_xlsx(ds, budget_db):
    book, plain, chinese = await workbook(ds, "/budget/largest_funds.xlsx")
    assert (plain, chinese) == ("largest_funds.xlsx", "专项资金按金额排序（含占比）.xlsx")
    rows = list(book.worksheets[0].values)
    json_rows = (await ds.client.get("/budget/largest_funds.json?_shape=array")).json()
    assert list(rows[0]) == list(json_rows[0])
    assert [list(r) for r in rows[1:]] == [
        [str(v) if k.endswith("id") and isinstance(v, int) else v for k, v in r.items()] for r in json_rows]


@pytest.fixture(scope="module")
def ds_ten_rows(ds):
    """The site the `ds` fixture serves, configured the same way but returning at most 10 rows per request."""
    settings = {**ds.settings_dict(), "max_returned_rows": 10}
    if ds.config_dir:
        return Datasette(config_dir=ds.config_dir, settings=settings)
    return Datasette(immutables=[db.path for db in ds.databases.values() if db.path], metadata=ds.metadata(),
                     template_dir=ds.template_dir, plugins_dir=ds.plugins_dir, static_mounts=ds.static_mounts,
                     settings=settings)


async def test_xlsx_is_bounded_by_max_returned_rows(ds_ten_rows, budget_db):
    total = budget_db.execute("select count(*) from performance_indicators").fetchone()[0]
    assert total > 10
    book, _, _ = await workbook(ds_ten_rows, "/budget/performance_indicators.xlsx?_size=max")
    assert len(list(book.worksheets[0].values)) == 1 + 10
    about = dict(book["说明"].values)
    assert "每次最多导出 10 行" in about["注意"] and "_stream=on" in about["注意"] and "_dl=1" in about["注意"]
    book, _, _ = await workbook(ds_ten_rows, "/budget.xlsx?sql=select+*+from+performance_indicators")
    assert len(list(book.worksheets[0].values)) == 1 + 10 and "注意" in dict(book["说明"].values)


async def test_xlsx_only_where_there_are_rows(ds):
    assert (await ds.client.get("/budget.xlsx")).status_code == 404  # the database's list of tables
    assert (await ds.client.get("/budget/special_funds/2019-shifeng-minzheng-07.xlsx")).status_code == 404
    assert ".xlsx" not in (await ds.client.get("/budget/special_funds/2019-shifeng-minzheng-07")).text


async def test_a_downloaded_csv_neutralises_formula_text_but_not_numbers(ds):
    """Text that starts with = + - @ or a tab gets a leading apostrophe in the CSV a person downloads, as in the
    data package (OWASP CSV injection); numbers such as -0.01 stay numbers; JSON keeps the text verbatim."""
    sql = ("""select '=HYPERLINK("x")' as a, '-按文件' as b, '@x' as c, char(9) || 'tab' as d, -0.01 as n, """
           """'plain' as e, 'say "=1", ok' as f""")
    response = await ds.client.get("/budget.csv?" + urllib.parse.urlencode({"sql": sql, "_dl": "1"}))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=HYPERLINK(\"x\")", "'-按文件", "'@x", "'\ttab", "-0.01", "plain", 'say "=1", ok']
    verbatim = await ds.client.get("/budget.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}))
    assert verbatim.json()[0]["a"] == '=HYPERLINK("x")' and verbatim.json()[0]["b"] == "-按文件"
