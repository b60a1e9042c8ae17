"""The standard layout (项目支出绩效目标表, issue 20) as data: the fixture year tests/fixtures/standard/2031, copied by
hand from the sample shili-jiaotong-2031-targets, built beside data/'s 2019. Expected values are literals read off
the document (/work/shared/forms/samples/shili-jiaotong-2031-targets.txt), not computed by the code under test."""
import sqlite3

import pytest

from helpers import json_rows

FUND = "2031-shili-jiaotong-01"


@pytest.fixture(scope="module")
def db(standard_built):
    conn = sqlite3.connect(standard_built / "budget.db")
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_the_project_is_a_special_funds_row_with_its_header_fields(db):
    fund = dict(db.execute("select * from special_funds where id = ?", [FUND]).fetchone())
    assert fund["专项名称"] == "农村公路养护" and fund["版式"] == "标准" and fund["资金单位"] == "万元"
    assert fund["主管部门及代码"] == "[518003]示例区交通运输局" and fund["实施单位"] == "示例区农村公路管理站"
    assert fund["项目属性"] == "运转类" and fund["项目期"] == "2031年1月-2033年12月"
    assert fund["资金总额_原文"] == "420" and fund["资金总额_元"] == 4200000 and fund["资金总额_分"] == 420000000
    assert fund["中期资金总额_原文"] == "1260" and fund["中期资金总额_分"] == 1260000000
    assert fund["实施期绩效目标"] == "三年内农村公路优良中等路率稳定在80%以上，危桥全部改造。"
    assert fund["年度绩效目标"] == "完成农村公路日常养护310公里，改造危桥6座。"
    assert fund["中期目标标题"] == "中期目标（2031年—2033年）" and fund["支出方向"] is None
    assert fund["原始文件"] == "2031/shili-jiaotong/shili-jiaotong-2031-targets.pdf"


def test_2019_funds_are_three_form_rows_without_project_fields(db):
    rows = db.execute("select 版式, 资金单位, 项目期, 资金总额_分 = 资金总额_元 * 100 from special_funds where 年度 = 2019")
    assert {tuple(r) for r in rows} == {("三表", None, None, 1)}


def test_the_funding_split_as_printed(db):
    rows = db.execute("select id, 期别, 顺序, 资金项目, 金额_原文, 金额_分 from project_funding order by id").fetchall()
    assert [tuple(r) for r in rows] == [
        (f"{FUND}-m1", "中期", 1, "其中：财政拨款", "1200", 1200000000),
        (f"{FUND}-m2", "中期", 2, "其他资金", "60", 60000000),
        (f"{FUND}-y1", "年度", 1, "其中：财政拨款", "400", 400000000),
        (f"{FUND}-y2", "年度", 2, "其他资金", "20", 20000000)]


def test_every_indicator_of_the_form_is_a_row(db):
    rows = db.execute("select id, 期别, 顺序, 一级指标, 二级指标, 三级指标, 指标值, 支出方向_id from performance_indicators "
                      "where 专项_id = ? order by id", [FUND]).fetchall()
    assert [tuple(r) for r in rows] == [
        (f"{FUND}-m01", "中期", 1, "产出指标", "数量指标", "日常养护里程", "930公里", None),
        (f"{FUND}-m02", "中期", 2, "产出指标", "数量指标", "危桥改造座数", "18座", None),
        (f"{FUND}-m03", "中期", 3, "产出指标", "质量指标", "优良中等路率", "≥80%", None),
        (f"{FUND}-m04", "中期", 4, "效益指标", "社会效益指标", "群众出行条件", "持续改善", None),
        (f"{FUND}-y01", "年度", 1, "产出指标", "数量指标", "日常养护里程", "310公里", None),
        (f"{FUND}-y02", "年度", 2, "产出指标", "数量指标", "危桥改造座数", "6座", None),
        (f"{FUND}-y03", "年度", 3, "产出指标", "质量指标", "优良中等路率", "≥80%", None),
        (f"{FUND}-y04", "年度", 4, "产出指标", "成本指标", "每公里养护成本", "≤1.2万元", None),
        (f"{FUND}-y05", "年度", 5, "效益指标", "社会效益指标", "群众出行条件", "有效改善", None),
        (f"{FUND}-y06", "年度", 6, "满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", None)]


def test_2019_keeps_its_nine_cells_and_ids(db):
    rows = db.execute("select count(*), count(三级指标), min(期别), max(期别), sum(顺序 = 指标序号) "
                      "from performance_indicators where 年度 = 2019").fetchone()
    assert tuple(rows) == (72, 0, "年度", "年度", 72)
    cell = db.execute("select 指标值 from performance_indicators where id = '2019-shifeng-minzheng-02-1-2'").fetchone()
    assert cell[0] == "符合条件最低生活保障城镇居民做到应保尽保存，100%覆盖"  # the typo kept (data/2019/notes.csv)


def test_indicator_values_read_the_standard_signs(db):
    rows = db.execute("select 指标_id, 类型, 数值, 下限, 上限, 单位, 限定 from indicator_values where 专项_id = ? "
                      "order by 指标_id", [FUND]).fetchall()
    found = {r[0]: tuple(r[1:]) for r in rows}
    assert found[f"{FUND}-y01"] == ("数量", "310", None, None, "公里", None)
    assert found[f"{FUND}-y03"] == ("区间", None, "80", None, "%", "≥")
    assert found[f"{FUND}-y04"] == ("区间", None, None, "1.2", "万元", "≤")
    assert f"{FUND}-y05" not in found  # 有效改善: no number


def test_target_quality_covers_the_project(db):
    rows = db.execute("select id, 来源, 字段, 可衡量 from target_quality where 专项_id = ? order by 序号", [FUND]).fetchall()
    assert [tuple(r) for r in rows][:3] == [
        (f"{FUND}-t-period", "目标表", "实施期绩效目标", 1), (f"{FUND}-t-annual", "目标表", "年度绩效目标", 1),
        (f"{FUND}-m01", "指标", "日常养护里程", 1)]
    assert len(rows) == 12
    assert [r["字段"] for r in rows if not r["可衡量"]] == ["群众出行条件", "群众出行条件"]


def test_checks_of_the_project(db):
    rows = {r["检查项"]: r for r in db.execute("select * from data_checks where 对象_id = ?", [FUND])}
    assert rows["资金构成之和＝年度资金总额"]["实际值"] == "420" and rows["资金构成之和＝年度资金总额"]["结果"] == "一致"
    assert rows["资金构成之和＝中期资金总额"]["实际值"] == "1260" and rows["资金构成之和＝中期资金总额"]["差额_分"] == 0
    assert rows["金额与单位相符"]["结果"] == "一致"
    assert "表1专项在表2中有支出方向" not in rows


def test_search_finds_level_3_names_and_values(db):
    rows = db.execute("select 记录_id from search_index where 原文 in ('每公里养护成本', '≤1.2万元') order by 原文").fetchall()
    assert [r[0] for r in rows] == [f"{FUND}-y04", f"{FUND}-y04"]


def test_source_documents_list_the_imported_document(db):
    rows = db.execute("select id, 部门, 文件, 格式 from source_documents where 年度 = 2031").fetchall()
    assert [tuple(r) for r in rows] == [("2031/shili-jiaotong/shili-jiaotong-2031-targets.pdf", "示例区交通运输局",
                                         "2031/shili-jiaotong/shili-jiaotong-2031-targets.pdf", "PDF")]


async def test_the_document_is_served(standard_ds):
    response = await standard_ds.client.get("/source/2031/shili-jiaotong/shili-jiaotong-2031-targets.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


async def test_the_table_pages_answer(standard_ds):
    rows = await json_rows(standard_ds, "/budget/performance_indicators", 专项_id=FUND, 期别="中期")
    assert [r["三级指标"] for r in rows] == ["日常养护里程", "危桥改造座数", "优良中等路率", "群众出行条件"]


# ---------------------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------------------

def text_of(html):
    import re
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def page(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, path
    return response.text


async def test_the_fund_card_shows_the_project_as_filed(standard_ds):
    html = await page(standard_ds, f"/budget/special_funds/{FUND}")
    text = text_of(html)
    assert "项目支出绩效目标表 第 1 个项目" in text
    for literal in ("[518003]示例区交通运输局", "示例区农村公路管理站", "运转类", "2031年1月-2033年12月",
                    "中期目标（2031年—2033年）", "三年内农村公路优良中等路率稳定在80%以上，危桥全部改造。"):
        assert literal in text, literal
    assert 'data-figure="amount">420 万元' in html and 'data-figure="mid-term-amount">1260 万元' in html
    assert "其中：财政拨款 1200 其他资金 60" in text and "其中：财政拨款 400 其他资金 20" in text
    assert "中期指标（4 项）" in text and "年度指标（6 项）" in text
    # the 一级 cell merged over its rows, as on the form: 产出指标 over four annual rows
    assert '<th scope="rowgroup" rowspan="4">产出指标</th>' in html
    assert "沿线群众满意度" in text and "≥90%" in text and "每公里养护成本" in text
    assert 'href="/source/2031/shili-jiaotong/shili-jiaotong-2031-targets.pdf"' in html
    assert 'href="/forms/2031/shili-jiaotong/p1"' in html


async def test_a_2019_fund_card_is_unchanged(standard_ds):
    text = text_of(await page(standard_ds, "/budget/special_funds/2019-shifeng-minzheng-01"))
    assert "表1 第 1 项专项资金" in text and "九项绩效指标" in text and "项目支出绩效目标表" not in text


async def test_the_form_is_redrawn_as_the_standard_table(standard_ds):
    html = await page(standard_ds, "/forms/2031/shili-jiaotong/p1")
    rows = html.split('<table class="official">')[1].split("</table>")[0].split("<tr>")[1:]
    cells = [text_of(row).split() for row in rows]
    assert cells[0] == ["项目名称", "农村公路养护"]
    assert cells[3] == ["项目资金（万元）", "中期资金总额：", "1260", "年度资金总额：", "420"]
    assert cells[6] == ["总体目标", "中期目标（2031年—2033年）", "年度目标"]
    assert '<th scope="row" rowspan="8">绩效指标</th>' in html  # 2 header rows + 6 indicator rows, as on the form
    assert cells[10] == ["产出指标", "数量指标", "日常养护里程", "930公里", "数量指标", "日常养护里程", "310公里"]
    assert cells[13] == ["成本指标", "每公里养护成本", "≤1.2万元"]  # the mid-term half of this row is blank
    assert cells[15] == ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"]
    assert len(cells) == 16


async def test_the_forms_index_lists_the_project(standard_ds):
    html = await page(standard_ds, "/forms")
    assert '<a href="/forms/2031/shili-jiaotong/p1">项目支出绩效目标表：农村公路养护</a>' in html
    assert "表1：2019年区级专项资金预算绩效目标汇总表" in text_of(html)


async def test_a_project_that_does_not_exist_is_a_404(standard_ds):
    assert (await standard_ds.client.get("/forms/2031/shili-jiaotong/p2")).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# A 2019 three-form year beside a standard year of the same department: compared by 专项名称 = 项目名称
# ---------------------------------------------------------------------------------------------------------------

PROJECTS_2021 = """年度,部门,序号,项目名称,主管部门及代码,实施单位,项目属性,项目期,资金单位,中期资金总额,年度资金总额,中期目标标题,中期目标,年度目标,原始文件
2021,石峰区民政局,1,城市低保金,[412001]石峰区民政局,石峰区民政局,民生类,2021年,元,,650000.50,,,按月发放城市低保金,2021/shifeng-minzheng/2021年项目支出绩效目标表.pdf
2021,石峰区民政局,2,困难群众临时救助资金,[412001]石峰区民政局,石峰区民政局,民生类,2021年,元,,387664.62,,,及时救助临时遇困群众,2021/shifeng-minzheng/2021年项目支出绩效目标表.pdf
"""
INDICATORS_2021 = """年度,部门,序号,期别,顺序,一级指标,二级指标,三级指标,指标性质,指标值,度量单位,分值
2021,石峰区民政局,1,年度,1,产出指标,数量指标,保障人数,≥,3400,人,20
2021,石峰区民政局,2,年度,1,满意度指标,服务对象满意度指标,救助对象满意度,≥,90,%,10
"""


@pytest.fixture(scope="module")
def mixed_years(tmp_path_factory, standard_built):
    import shutil

    from builder.build import build
    from helpers import ROOT, ds_for

    folder = tmp_path_factory.mktemp("mixed")
    data, source = folder / "data", folder / "source"
    shutil.copytree(ROOT / "data", data)
    shutil.copytree(ROOT / "source", source)
    (data / "2021").mkdir()
    for name, text in (("projects.csv", PROJECTS_2021), ("project_indicators.csv", INDICATORS_2021),
                       ("project_funding.csv", "年度,部门,序号,期别,顺序,资金项目,金额\n"),
                       ("notes.csv", "年度,部门,表,记录_id,列,原文摘录,说明\n")):
        (data / "2021" / name).write_text(text.replace("\n", "\r\n"), encoding="utf-8-sig", newline="")
    (source / "2021" / "shifeng-minzheng").mkdir(parents=True)
    shutil.copy(standard_built / "source" / "2031" / "shili-jiaotong" / "shili-jiaotong-2031-targets.pdf",
                source / "2021" / "shifeng-minzheng" / "2021年项目支出绩效目标表.pdf")
    build(data, folder / "site", source)
    return ds_for(folder / "site"), sqlite3.connect(folder / "site" / "budget.db")


async def test_a_standard_year_compares_with_a_three_form_year_by_name(mixed_years):
    ds, conn = mixed_years
    changes = {c["专项名称"]: c for c in await json_rows(ds, "/budget/fund_year_changes", 年度="2021", _size="max")}
    assert changes["城市低保金"]["状态"] == "延续" and changes["城市低保金"]["上年_元"] == 600000
    assert changes["城市低保金"]["本年_元"] == 650001  # 650000.50 元 rounded; exact in 资金总额_分
    assert changes["困难群众临时救助资金"]["状态"] == "新增"
    assert changes["残疾人两项补贴"]["状态"] == "停止"
    assert conn.execute("select sum(资金总额_分) from special_funds where 年度 = 2021").fetchone()[0] == 103766512


async def test_optional_columns_show_on_the_card(mixed_years):
    ds, _ = mixed_years
    html = await page(ds, "/budget/special_funds/2021-shifeng-minzheng-01")
    assert "<th scope=\"col\">指标性质</th>" in html and "<th scope=\"col\">度量单位</th>" in html
    assert "<th scope=\"col\">分值</th>" in html and 'data-figure="amount">650000.50 元' in html
    assert "合 65.00005 万元" in text_of(html)
    department = text_of(await page(ds, "/departments/shifeng-minzheng?年度=2021"))
    assert "2 个项目" in department and "（None）" not in department


async def test_documents_sitemap_quality_and_department_pages(standard_ds):
    documents = await page(standard_ds, "/documents")
    assert ('<a href="/source/2031/shili-jiaotong/shili-jiaotong-2031-targets.pdf">示例区交通运输局 2031 年：'
            'shili-jiaotong-2031-targets.pdf</a>') in documents
    assert "/forms/2031/shili-jiaotong/p1" in await page(standard_ds, "/sitemap.xml")
    quality = text_of(await page(standard_ds, "/quality"))
    assert "项目支出绩效目标表的总体目标" in quality
    department = text_of(await page(standard_ds, "/departments/shili-jiaotong"))
    assert "整理自项目支出绩效目标表（每个项目一张）" in department and "1 个项目" in department
    assert "（None）" not in department and "九项指标" not in department
    search = text_of(await page(standard_ds, "/search?q=每公里养护成本"))
    assert "农村公路养护" in search


async def test_dictionary_and_data_package_declare_the_new_columns(standard_ds, standard_built):
    import json

    dictionary = await page(standard_ds, "/dictionary")
    for column in ("三级指标", "期别", "指标性质", "度量单位", "资金总额_分", "中期目标标题", "资金项目"):
        assert column in dictionary, column
    package = json.loads((standard_built / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    fields = {f["name"] for f in resources["performance_indicators"]["schema"]["fields"]}
    assert {"三级指标", "期别", "顺序", "指标性质", "度量单位", "分值", "原始文件"} <= fields
    assert "project_funding" in resources
    funding = (standard_built / "downloads" / "project_funding.csv").read_text(encoding="utf-8-sig")
    assert "2031-shili-jiaotong-01-y1,2031-shili-jiaotong-01,2031,示例区交通运输局,年度,1,其中：财政拨款,万元,400,400000000" in funding


async def test_the_checks_page_lists_the_projects_checks(standard_ds):
    text = text_of(await page(standard_ds, "/checks"))
    assert "资金构成之和＝年度资金总额" in text and "金额与单位相符" in text


def test_a_yuan_figure_typed_under_wan_is_flagged(standard_copy, tmp_path):
    from builder.build import build

    data, source = standard_copy
    projects = data / "2031" / "projects.csv"
    projects.write_text(projects.read_text(encoding="utf-8-sig").replace(",万元,1260,420,", ",万元,1260,4200000,"),
                        encoding="utf-8-sig", newline="")
    build(data, tmp_path / "site", source)
    conn = sqlite3.connect(tmp_path / "site" / "budget.db")
    row = conn.execute("select 期望值, 实际值, 结果 from data_checks where id = ?", [f"{FUND}-unit"]).fetchone()
    assert row == ("低于 100000 万元", "4200000 万元", "不一致")
    funding = conn.execute("select 结果 from data_checks where id = ?", [f"{FUND}-funding-annual"]).fetchone()
    assert funding == ("不一致",)  # 400 + 20 is not 4200000


async def test_saved_queries_cover_the_projects(standard_ds):
    found = await json_rows(standard_ds, "/budget/fund_indicators", 专项名称="公路", 年度="全部", 部门="全部")
    assert [(r["期别"], r["三级指标"], r["指标值"]) for r in found][:2] == [
        ("中期", "日常养护里程", "930公里"), ("中期", "危桥改造座数", "18座")]
    assert len(found) == 10 and {r["支出方向"] for r in found} == {None}
    found = await json_rows(standard_ds, "/budget/indicator_text_search", 词="养护成本", 年度="全部", 部门="全部")
    assert [(r["位置"], r["原文"]) for r in found] == [("指标：每公里养护成本", "≤1.2万元")]


async def test_the_home_page_of_a_year_without_form_3(standard_ds):
    text = text_of(await page(standard_ds, "/departments?年度=2031"))
    assert "合计：专项资金 420 万元。" in text and "部门预算 0 万元" not in text
    assert "合计：部门预算 1593.88 万元，专项资金 992 万元。" in text_of(await page(standard_ds, "/departments?年度=2019"))


async def test_a_document_with_a_chinese_name_is_served_and_linked(mixed_years):
    import urllib.parse

    ds, _ = mixed_years
    path = "/source/2021/shifeng-minzheng/2021年项目支出绩效目标表.pdf"
    html = await page(ds, "/budget/special_funds/2021-shifeng-minzheng-01")
    assert f'href="{path}"' in html or f'href="{urllib.parse.quote(path)}"' in html
    response = await ds.client.get(urllib.parse.quote(path))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


async def test_several_documents_of_a_department_and_year_are_listed(standard_copy, tmp_path):
    import shutil

    from builder.build import build
    from helpers import ds_for

    data, source = standard_copy
    folder = source / "2031" / "shili-jiaotong"
    shutil.copy(folder / "shili-jiaotong-2031-targets.pdf", folder / "第二份目标表.pdf")
    projects = data / "2031" / "projects.csv"
    text = projects.read_text(encoding="utf-8-sig")
    second = text.split("\n")[1].replace(",1,农村公路养护,", ",2,农村公路养护（二期）,").replace(
        "shili-jiaotong-2031-targets.pdf", "第二份目标表.pdf")
    projects.write_text(text + second + "\n", encoding="utf-8-sig", newline="")
    build(data, tmp_path / "site", source)
    html = await page(ds_for(tmp_path / "site"), "/documents/2031/shili-jiaotong")
    assert "shili-jiaotong-2031-targets.pdf</a>" in html and "第二份目标表.pdf</a>" in html


async def test_a_value_split_into_sign_value_and_unit_is_read_whole(mixed_years):
    _, conn = mixed_years  # 指标性质 ≥ | 指标值 3400 | 度量单位 人, as the form's three columns
    cell = conn.execute("select 指标性质, 指标值, 度量单位, 分值 from performance_indicators "
                        "where id = '2021-shifeng-minzheng-01-y01'").fetchone()
    assert cell == ("≥", "3400", "人", "20")  # verbatim, each in its column
    value = conn.execute("select 类型, 下限, 单位, 限定, 原文片段 from indicator_values "
                         "where 指标_id = '2021-shifeng-minzheng-01-y01'").fetchall()
    assert value == [("区间", "3400", "人", "≥", "≥3400人")]
    quality = conn.execute("select 原文, 可衡量 from target_quality where id = '2021-shifeng-minzheng-01-y01'").fetchone()
    assert quality == ("≥3400人", 1)
