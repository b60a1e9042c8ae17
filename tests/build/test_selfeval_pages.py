"""Pages of the self-evaluations (issue 22): the fund card, the department page, /results and the saved queries, over
the site built from data/ plus the fixtures (tests/fixtures/selfeval, tests/fixtures/standard). Expected values are
literals read off the documents (shili-jiaotong-2031-selfeval.txt, the 2019 fixture)."""
import re

import pytest

from helpers import json_rows


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def page(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, path
    return response.text


def row_of(html, marker):
    """The text of the table row carrying marker (a data- attribute value)."""
    found = re.search(r"<tr[^>]*" + re.escape(marker) + r".*?</tr>", html, re.S)
    assert found, marker
    return text_of(found.group())


async def test_the_fund_card_shows_what_was_delivered_beside_each_target(selfeval_ds):
    html = await page(selfeval_ds, "/budget/special_funds/2031-shili-jiaotong-01")
    text = text_of(html)
    assert "兑现了吗：2031 年自评结果" in text
    assert "年初预算 420 万元" in text and "全年预算（调整后） 450 万元" in text and "全年执行（实际支出） 441.9 万元" in text
    assert "执行率 98.2%" in text and "95.82 / 100" in text and "评价等级：优" in text
    assert row_of(html, 'data-target="2031-shili-jiaotong-01-y02"') == " 危桥改造座数 6座 5座 12 / 15 1座因汛期推迟至次年 "
    assert row_of(html, 'data-target="2031-shili-jiaotong-01-y03"') == " 优良中等路率 ≥80% 82% 10 / 10 "
    # Results that grade no published target are listed, not dropped.
    assert "养护任务完成时间：目标 2031年12月底前，实际 2031年12月" in text and "养护长效机制：目标 建立，实际 已建立" in text
    assert "核对发现 1 处问题：每个自评指标对应到目标" in text
    # the results come before the targets' own sections, once (one h1)
    assert html.count("<h1") == 1 and text.index("兑现了吗") < text.index("多少钱，谁来做")


async def test_a_three_form_fund_card_shows_fused_cells_side_by_side(selfeval_ds):
    html = await page(selfeval_ds, "/budget/special_funds/2019-shifeng-minzheng-01")
    fused = row_of(html, 'data-target="2019-shifeng-minzheng-01-1-1"')
    assert "两项补贴各2000人" in fused and "困难残疾人生活补贴人数： 2036人" in fused
    assert "重度残疾人护理补贴人数： 2011人" in text_of(html)
    assert row_of(html, 'data-target="2019-shifeng-minzheng-01-1-9"') == (
        " 社会公益或服务对象满意度指标 100% 残疾人满意度： 98% 9 / 10 个别对象对发放时间有意见 ")  # the result's own name beside
    assert "97.8 / 100" in text_of(html) and "没有发现问题" in text_of(html)


async def test_a_fund_without_a_self_evaluation_has_no_results_section(selfeval_ds):
    html = await page(selfeval_ds, "/budget/special_funds/2019-shifeng-minzheng-03")
    assert "data-results" not in html and "自评结果" not in text_of(html)


async def test_results_lists_every_project_of_the_year(selfeval_ds):
    html = await page(selfeval_ds, "/results?年度=2031")  # one department that year: its projects at once
    text = text_of(html)
    assert "承诺兑现了吗：2031 年 · 示例区交通运输局" in text and "自评表 2 张" in text and "未填报（公开了空表） 1 张" in text
    assert row_of(html, 'data-evaluation="2031-shili-jiaotong-e01"') == (
        " 农村公路养护 450 万元 441.9 万元 98.2% 95.82 / 100（优） 每个自评指标对应到目标 ")
    assert row_of(html, 'data-evaluation="2031-shili-jiaotong-e02"') == (
        " 公交运营补贴 800 万元 未填报 未填报 未填报 自评项目对应到专项 ")
    assert 'aria-current="page">2031<' in html and "/results?%E5%B9%B4%E5%BA%A6=2019" in html  # the year switcher
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]  # readable without JavaScript


async def test_results_of_2019(selfeval_ds):
    text = text_of(await page(selfeval_ds, "/results?年度=2019&部门=石峰区民政局"))
    assert "2019 年 · 石峰区民政局" in text and "残疾人两项补贴" in text and "城市低保金" in text
    assert "97.8 / 100（优）" in text and "100 / 100（优）" in text and "公交运营补贴" not in text
    assert "核对发现问题 0 张" in text


async def test_results_refuses_a_year_that_is_not_a_number(selfeval_ds):
    response = await selfeval_ds.client.get("/results?年度=２０１９")
    assert response.status_code == 400


async def test_the_department_page_shows_spent_against_budget_and_scores(selfeval_ds):
    html = await page(selfeval_ds, "/departments/shili-jiaotong?年度=2031")
    text = text_of(html)
    assert "实际执行 / 全年预算 441.9 / 450 万元" in text and "执行率 98.2%" in text
    assert 'width="95.82"' in html  # the score bar: 95.82 of 100
    assert "未填报（公开了空表） 1 张" in text


async def test_saved_queries(selfeval_ds):
    lowest = await json_rows(selfeval_ds, "/budget/lowest_scores", 年度="全部", 部门="全部")
    assert [(r["项目名称"], r["得分"]) for r in lowest] == [("农村公路养护", 95.82), ("残疾人两项补贴", 97.8), ("城市低保金", 100.0)]
    gaps = await json_rows(selfeval_ds, "/budget/budget_spending_gaps", 年度="全部", 部门="全部")
    assert [(r["项目名称"], r["未执行_万元"]) for r in gaps] == [("农村公路养护", 8.1), ("残疾人两项补贴", 1.8), ("城市低保金", 0.0)]
    blank = await json_rows(selfeval_ds, "/budget/self_evaluations_not_filled_in", 年度="全部", 部门="全部")
    assert [(r["项目名称"], r["指标数"], r["未填实际完成值"]) for r in blank] == [("公交运营补贴", 5, 5)]
    assert await json_rows(selfeval_ds, "/budget/full_marks_below_target", 年度="全部", 部门="全部") == []
    by_department = await json_rows(selfeval_ds, "/budget/scores_by_department", 年度="全部", 部门="全部")
    assert [(r["年度"], r["部门"], r["自评表"], r["已填报"], r["发现问题"]) for r in by_department] == [
        (2019, "石峰区民政局", 2, 2, 0), (2031, "示例区交通运输局", 2, 1, 2)]
    checks = await json_rows(selfeval_ds, "/budget/self_evaluation_checks", 年度="全部", 部门="全部", 检查项="", 结果="")
    assert {(r["项目名称"], r["检查项"]) for r in checks} == {("农村公路养护", "每个自评指标对应到目标"),
                                                            ("公交运营补贴", "自评项目对应到专项")}


async def test_dictionary_lists_the_new_tables(selfeval_ds):
    text = text_of(await page(selfeval_ds, "/dictionary"))
    for name in ("self_evaluations", "self_evaluation_amounts", "self_evaluation_indicators", "满分未达标", "全年执行数_分"):
        assert name in text, name


@pytest.mark.parametrize("path", ["/budget/self_evaluations", "/budget/self_evaluation_amounts",
                                  "/budget/self_evaluation_indicators", "/budget/self_evaluations/2031-shili-jiaotong-e02"])
async def test_the_table_pages_answer(selfeval_ds, path):
    await page(selfeval_ds, path)


@pytest.fixture(scope="module")
def next_year(tmp_path_factory):
    """The fixtures plus the same project's targets of 2032 (the 2031 target table restated, one target raised):
    the 2031 card shows its targets of N beside its results of N and its targets of N+1."""
    from builder.build import build
    from conftest import selfeval_data
    from datasette.app import Datasette

    folder = tmp_path_factory.mktemp("next-year")
    data, source = selfeval_data(folder)
    (data / "2032").mkdir()
    for name in ("projects.csv", "project_funding.csv", "project_indicators.csv"):
        text = (data / "2031" / name).read_text(encoding="utf-8-sig").replace("2031,示例区", "2032,示例区")
        text = text.replace("2031/shili-jiaotong/shili-jiaotong-2031-targets.pdf", "2032/shili-jiaotong/targets-2032.pdf")
        (data / "2032" / name).write_text(text.replace(",310公里,", ",320公里,"), encoding="utf-8-sig", newline="")
    (source / "2032" / "shili-jiaotong").mkdir(parents=True)
    (source / "2032" / "shili-jiaotong" / "targets-2032.pdf").write_bytes(
        (source / "2031" / "shili-jiaotong" / "shili-jiaotong-2031-targets.pdf").read_bytes())
    build(data, folder / "site", source)
    return Datasette(config_dir=(folder / "site").resolve())


async def test_targets_of_n_beside_results_of_n_and_targets_of_n_plus_1(next_year):
    html = await page(next_year, "/budget/special_funds/2031-shili-jiaotong-01")
    assert "以及 2032 年的目标" in text_of(html)
    assert row_of(html, 'data-target="2031-shili-jiaotong-01-y01"') == " 日常养护里程 310公里 312公里 15 / 15 320公里 "
    assert row_of(html, 'data-target="2031-shili-jiaotong-01-y02"') == (
        " 危桥改造座数 6座 5座 12 / 15 1座因汛期推迟至次年 6座 ")


@pytest.fixture(scope="module")
def two_departments(tmp_path_factory):
    """The fixtures plus a second department's self-evaluation of 2031 (the sample's first project, filed for a
    department that published no targets): /results lists the departments before their projects."""
    from builder.build import build
    from conftest import selfeval_data
    from datasette.app import Datasette

    folder = tmp_path_factory.mktemp("two-departments")
    data, source = selfeval_data(folder)
    with open(data / "departments.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("示例区水利局,shili-shuili,示例区水利局,\r\n")
    for name in ("self_evaluations.csv", "self_evaluation_amounts.csv", "self_evaluation_indicators.csv"):
        lines = (data / "2031" / name).read_text(encoding="utf-8-sig").splitlines(keepends=True)
        extra = [line.replace("示例区交通运输局,1,", "示例区水利局,1,").replace("2031/shili-jiaotong/", "2031/shili-shuili/")
                 for line in lines[1:] if ",示例区交通运输局,1," in line]
        (data / "2031" / name).write_text("".join(lines + extra), encoding="utf-8-sig", newline="")
    (source / "2031" / "shili-shuili").mkdir()
    (source / "2031" / "shili-shuili" / "shili-jiaotong-2031-selfeval.pdf").write_bytes(
        (source / "2031" / "shili-jiaotong" / "shili-jiaotong-2031-selfeval.pdf").read_bytes())
    build(data, folder / "site", source)
    return Datasette(config_dir=(folder / "site").resolve())


async def test_results_lists_the_departments_of_a_year_then_one_departments_projects(two_departments):
    html = await page(two_departments, "/results?年度=2031")
    assert "自评表 3 张" in text_of(html) and "data-evaluation" not in html
    assert row_of(html, 'data-department="shili-jiaotong"') == " 示例区交通运输局 2 1 441.9 / 450（98.2%） 95.82 95.82 2 "
    assert row_of(html, 'data-department="shili-shuili"') == " 示例区水利局 1 0 441.9 / 450（98.2%） 95.82 95.82 1 "
    html = await page(two_departments, "/results?年度=2031&部门=示例区水利局")
    assert row_of(html, 'data-evaluation="2031-shili-shuili-e01"') == (
        " 农村公路养护 450 万元 441.9 万元 98.2% 95.82 / 100（优） 自评项目对应到专项 ")
    assert "2031-shili-jiaotong-e02" not in html


async def test_search_finds_the_results_titled_by_their_project(selfeval_ds):
    text = text_of(await page(selfeval_ds, "/search?q=汛期"))
    assert "农村公路养护 · 2031 年 · 自评表指标 · 偏差原因分析及改进措施 1座因 汛期 推迟至次年" in text
    text = text_of(await page(selfeval_ds, "/search?q=公交运营"))
    assert "公交运营补贴 · 2031 年 · 自评表 · 项目名称" in text  # matches no fund, still titled by its project


@pytest.fixture(scope="module")
def many_departments(many_departments_built):
    """22 departments filing for 2031 (conftest.py): more than /results lists on a page (20)."""
    from datasette.app import Datasette

    return Datasette(config_dir=many_departments_built)


def listed_departments(html):
    return re.findall(r'<tr data-department="([^"]+)"', html)


async def test_results_lists_a_page_of_departments_the_most_findings_first(many_departments):
    html = await page(many_departments, "/results?年度=2031")
    text = text_of(html)
    assert "自评表 23 张" in text and "核对发现问题 23 张" in text  # the year's figures: every department (2 + 21 × 1)
    assert "共 22 个部门" in text and "第 1–20 个" in text and "第 1 / 2 页" in text
    # 示例区交通运输局 has 2 findings, each of the others 1 (same lowest score): then by code
    assert listed_departments(html) == ["shili-jiaotong"] + [f"shili-d{n:02d}" for n in range(1, 20)]
    assert "data-evaluation" not in html and "上一页" not in html
    assert "/results?%E5%B9%B4%E5%BA%A6=2031&amp;%E9%83%A8%E9%97%A8=&amp;page=2" in html
    html = await page(many_departments, "/results?年度=2031&page=2")
    assert listed_departments(html) == ["shili-d20", "shili-d21"]
    assert "第 21–22 个" in text_of(html) and "上一页" in html and "下一页" not in html
    # a page past the last shows the last; a page that is not a number is refused, in Chinese and English
    assert listed_departments(await page(many_departments, "/results?年度=2031&page=9")) == ["shili-d20", "shili-d21"]
    response = await many_departments.client.get("/results?年度=2031&page=二")
    assert response.status_code == 400 and "must be a number" in response.text


async def test_results_finds_departments_by_part_of_their_name(many_departments):
    html = await page(many_departments, "/results?年度=2031&部门=部门1")
    assert listed_departments(html) == [f"shili-d{n}" for n in range(10, 20)]
    assert "名称含“部门1”的部门 10 个" in text_of(html) and 'class="pager"' not in html
    html = await page(many_departments, "/results?年度=2031&部门=%25")  # LIKE's wildcard is only a character here
    assert listed_departments(html) == [] and "2031 年没有名称含“%”的部门" in text_of(html)
    html = await page(many_departments, "/results?年度=2031&部门=示例区部门07")  # a whole name: its projects
    assert listed_departments(html) == ["shili-d07"] and "data-evaluation=\"2031-shili-d07-e01\"" in html
    assert "自评表 1 张" in text_of(html) and "2031 年全部 22 个部门" in text_of(html)


async def test_a_card_hidden_by_the_metadata_stays_hidden_beside_a_site_showing_it(selfeval_built, selfeval_ds, tmp_path):
    """The card remembers whether visitors may see it per Datasette instance: a site whose metadata denies
    special_funds answers 403, while one that allows it (checked first, in the same process) still answers 200."""
    import shutil

    import yaml
    from datasette.app import Datasette

    assert (await selfeval_ds.client.get("/budget/special_funds/2031-shili-jiaotong-01")).status_code == 200
    site = tmp_path / "site"
    shutil.copytree(selfeval_built, site, symlinks=True)
    metadata = yaml.safe_load((site / "metadata.yml").read_text(encoding="utf-8"))
    metadata["databases"]["budget"]["tables"]["special_funds"]["allow"] = False
    (site / "metadata.yml").write_text(yaml.safe_dump(metadata, allow_unicode=True), encoding="utf-8")
    hidden = Datasette(config_dir=site)
    for _ in range(2):
        assert (await hidden.client.get("/budget/special_funds/2031-shili-jiaotong-01")).status_code == 403
    assert (await selfeval_ds.client.get("/budget/special_funds/2031-shili-jiaotong-01")).status_code == 200
