"""Self-evaluations (项目支出绩效自评表, issue 22) as data: the fixtures tests/fixtures/selfeval/2031 (the sample
shili-jiaotong-2031-selfeval, copied by hand) and 2019 (two of 石峰区民政局's funds), built beside data/ and the
standard-layout targets of 2031. Expected values are literals read off the documents, not computed by the code."""
import io
import sqlite3
from pathlib import Path
from decimal import Decimal

import pytest

from builder.derive.results import full_marks_below_target, link_results
from builder.problems import InputErrors
from budgetlib.results import is_template, level2, number, rate
from helpers import edit, read, set_cell, write

E1, E2 = "2031-shili-jiaotong-e01", "2031-shili-jiaotong-e02"
S1, S2 = "2019-shifeng-minzheng-e01", "2019-shifeng-minzheng-e02"


@pytest.fixture(scope="module")
def db(selfeval_built):
    conn = sqlite3.connect(selfeval_built / "budget.db")
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_one_row_per_self_evaluation_as_printed(db):
    rows = db.execute("select id, 专项_id, 项目名称, 主管部门, 实施单位, 资金单位, 预期目标, 实际完成情况, 总分_原文, 总分, "
                      "得分_原文, 得分, 评价等级, 填报状态, 原始文件 from self_evaluations where 年度 = 2031 order by id")
    assert [tuple(r) for r in rows] == [
        (E1, "2031-shili-jiaotong-01", "农村公路养护", "示例区交通运输局", "示例区农村公路管理站", "万元",
         "完成全区农村公路日常养护，优良中等路率不低于80%。", "完成农村公路日常养护312公里，优良中等路率82%。",
         "100", 100.0, "95.82", 95.82, "优", "已填报", "2031/shili-jiaotong/shili-jiaotong-2031-selfeval.pdf"),
        (E2, None, "公交运营补贴", "示例区交通运输局", "示例区交通运输局", "万元", "保障城乡公交正常运营。", None,
         "100", 100.0, None, None, None, "未填报", "2031/shili-jiaotong/shili-jiaotong-2031-selfeval.pdf")]


def test_the_funding_block_exact_in_fen_and_verbatim(db):
    rows = db.execute("select id, 资金项目, 年初预算数_原文, 年初预算数_分, 全年预算数_分, 全年执行数_原文, 全年执行数_分, "
                      "分值_原文, 分值, 执行率_原文, 执行率, 得分_原文, 得分 from self_evaluation_amounts "
                      "where 自评_id = ? order by 顺序", [E1]).fetchall()
    assert [tuple(r) for r in rows] == [
        (f"{E1}-a1", "年度资金总额", "420", 420000000, 450000000, "441.9", 441900000, "10", 10.0, "98.2%", 98.2, "9.82", 9.82),
        (f"{E1}-a2", "其中：当年财政拨款", "400", 400000000, 430000000, "421.9", 421900000, "—", None, "98.12%", 98.12, "—", None),
        (f"{E1}-a3", "上年结转资金", "20", 20000000, 20000000, "20", 20000000, "—", None, "100%", 100.0, "—", None),
        (f"{E1}-a4", "其他资金", None, None, None, None, None, "—", None, None, None, "—", None)]


def test_a_form_published_blank_stays_null_never_zero(db):
    spent = db.execute("select 全年预算数_分, 全年执行数_分, 执行率, 得分 from self_evaluation_amounts where id = ?",
                       [f"{E2}-a1"]).fetchone()
    assert tuple(spent) == (800000000, None, None, None)
    rows = db.execute("select 三级指标, 年度指标值, 实际完成值, 分值, 得分 from self_evaluation_indicators where 自评_id = ? "
                      "order by 顺序", [E2]).fetchall()
    assert [tuple(r) for r in rows] == [("补贴公交线路数", "18条", None, 20.0, None), ("公交准点率", "≥90%", None, 15.0, None),
                                        ("补贴拨付时间", "季度末前", None, 15.0, None), ("城乡居民出行", "更加便利", None, 30.0, None),
                                        ("乘客满意度", "≥85%", None, 10.0, None)]


def test_each_result_beside_its_target(db):
    rows = db.execute("select 顺序, 三级指标, 实际完成值, 得分, 指标_id, 目标指标值, 偏差原因分析及改进措施 "
                      "from self_evaluation_indicators where 自评_id = ? order by 顺序", [E1]).fetchall()
    assert [tuple(r) for r in rows] == [
        (1, "日常养护里程", "312公里", 15.0, "2031-shili-jiaotong-01-y01", "310公里", None),
        (2, "危桥改造座数", "5座", 12.0, "2031-shili-jiaotong-01-y02", "6座", "1座因汛期推迟至次年"),
        (3, "优良中等路率", "82%", 10.0, "2031-shili-jiaotong-01-y03", "≥80%", None),
        (4, "养护任务完成时间", "2031年12月", 5.0, None, None, None),  # the target table has no such indicator
        (5, "每公里养护成本", "1.15万元", 5.0, "2031-shili-jiaotong-01-y04", "≤1.2万元", None),
        (6, "群众出行条件", "有效改善", 14.0, "2031-shili-jiaotong-01-y05", "有效改善", None),
        (7, "养护长效机制", "已建立", 15.0, None, None, None),
        (8, "沿线群众满意度", "91%", 10.0, "2031-shili-jiaotong-01-y06", "≥90%", None)]


def test_2019_three_form_targets_link_by_the_level_2_vocabulary(db):
    rows = db.execute("select 三级指标, 指标_id, 目标指标值 from self_evaluation_indicators where 自评_id = ? order by 顺序",
                      [S1]).fetchall()
    links = {r["三级指标"]: (r["指标_id"], r["目标指标值"]) for r in rows}
    fused = ("2019-shifeng-minzheng-01-1-1", "两项补贴各2000人")  # one form-2 cell, two results: side by side
    assert links["困难残疾人生活补贴人数"] == fused and links["重度残疾人护理补贴人数"] == fused
    assert links["残疾人满意度"] == ("2019-shifeng-minzheng-01-1-9", "100%")  # 满意度 under 效益 → slot 9
    assert links["制度落实"][0] == "2019-shifeng-minzheng-01-1-8"
    second = db.execute("select 指标_id from self_evaluation_indicators where 自评_id = ? and 一级指标 = '满意度指标'",
                        [S2]).fetchone()
    assert second[0] == "2019-shifeng-minzheng-02-1-9"  # 满意度 as a 一级 → the same slot
    assert db.execute("select count(*) from self_evaluation_indicators where 年度 = 2019 and 指标_id is null").fetchone()[0] == 0


def checks_of(conn, evaluation):
    return {r[0]: r[1] for r in conn.execute("select 检查项, 结果 from data_checks where 对象_id = ?", [evaluation])}


def test_clean_forms_pass_every_check(db):
    for evaluation in (S1, S2):
        assert set(checks_of(db, evaluation).values()) == {"一致"}, evaluation
    sample = checks_of(db, E1)
    assert sample.pop("每个自评指标对应到目标") == "不一致"  # 养护任务完成时间 and 养护长效机制 are not among the targets
    assert set(sample.values()) == {"一致"} and len(sample) == 7


def test_a_blank_form_fails_no_check_and_is_counted_as_not_filled_in(db):
    assert checks_of(db, E2) == {"自评项目对应到专项": "不一致"}  # no target of that name in 2031: said so, nothing else
    assert db.execute("select count(*) from self_evaluations where 填报状态 = '未填报'").fetchone()[0] == 1


def test_the_self_evaluations_are_searchable(db):
    found = db.execute("select 表, 记录_id from search_index where 原文 = '1座因汛期推迟至次年'").fetchall()
    assert [tuple(r) for r in found] == [("self_evaluation_indicators", f"{E1}-i02")]


def test_the_document_is_published(db):
    assert db.execute("select count(*) from source_documents where id in (?, ?)", [
        "2031/shili-jiaotong/shili-jiaotong-2031-selfeval.pdf",
        "2019/shifeng-minzheng/shifeng-minzheng-2019-selfeval.txt"]).fetchone()[0] == 2


# Each check fires on a constructed case (one build with every case planted in a different form or row).

def plant(rows, line, column, value):
    rows[line - 1][rows[0].index(column)] = value


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    from builder.build import build
    from conftest import selfeval_data

    folder = tmp_path_factory.mktemp("planted")
    data, source = selfeval_data(folder)
    changes = {
        ("2019", "self_evaluation_indicators.csv"): [(9, "得分", "10")],  # 残疾人满意度 98% of 100%: full marks
        ("2019", "self_evaluations.csv"): [(2, "得分", "98.8")],  # … and the total follows, so only that fires
        ("2019", "self_evaluation_amounts.csv"): [(6, "执行率", "99%")],  # 65 of 65 is 100%
        ("2031", "self_evaluation_amounts.csv"): [(2, "执行率", "98.3%")],  # 441.9 / 450 = 98.2%
        ("2031", "self_evaluations.csv"): [(3, "实际完成情况", "对照年度目标，说明……（100字以内）")],  # the template's words
        ("2031", "self_evaluation_indicators.csv"): [(2, "年度指标值", "300公里"),  # the target table says 310公里
                                                    (4, "得分", "11"),  # 11 of 10 points
                                                    (10, "偏差原因分析及改进措施", "（100字以内）")],
    }
    for (year, name), cells in changes.items():
        rows = read(data / year / name)
        for line, column, value in cells:
            plant(rows, line, column, value)
        write(data / year / name, rows)
    points = read(data / "2019" / "self_evaluation_indicators.csv")
    plant(points, 10, "分值", "25")  # 城市低保人数 20 → 25: the points add up to 105 (and 20 of 25 is no full mark)
    write(data / "2019" / "self_evaluation_indicators.csv", points)
    build(data, folder / "site", source)
    conn = sqlite3.connect(folder / "site" / "budget.db")
    yield conn
    conn.close()


def failing(conn, evaluation):
    return {r[0]: r[1] for r in conn.execute("select 检查项, 实际值 from data_checks where 对象_id = ? and 结果 = '不一致'",
                                            [evaluation])}


def test_template_instructions_in_a_published_form_are_not_data(planted):
    row = planted.execute("select 实际完成情况, 模板文字, 填报状态 from self_evaluations where id = ?", [E2]).fetchone()
    assert row == (None, "实际完成情况：对照年度目标，说明……（100字以内）", "未填报")
    row = planted.execute("select 偏差原因分析及改进措施, 模板文字 from self_evaluation_indicators where id = ?",
                          [f"{E2}-i01"]).fetchone()
    assert row == (None, "偏差原因分析及改进措施：（100字以内）")
    filed = planted.execute("select count(*) from data_checks where 对象_id = ? and 结果 = '不一致'", [E2]).fetchone()
    assert filed == (1,)  # still only the missing fund: a blank form fails none of the checks


def test_full_marks_below_target_fires(planted):
    assert failing(planted, S1) == {"未达目标不得满分": "第8行“残疾人满意度”：目标100%，实际98%，得满分10"}
    assert planted.execute("select 满分未达标 from self_evaluation_indicators where id = ?", [f"{S1}-i08"]).fetchone() == (1,)


def test_points_and_rate_fire(planted):
    assert failing(planted, S2) == {"分值合计为100": "105",  # the scores still add up to the total: not flagged
                                    "执行率＝全年执行数÷全年预算数": "第1行“年度资金总额” 表上99%，计算得100%"}


def test_total_restated_target_and_score_above_points_fire(planted):
    found = failing(planted, E1)
    assert found["指标得分＋预算执行得分＝总得分"] == "96.82"  # 11 instead of 10 on line 3: 95.82 + 1
    assert found["得分不超过分值"] == "第3行“优良中等路率” 得分11＞分值10"
    assert found["自评表重述的指标值与目标表一致"] == "第1行“日常养护里程”：自评表写“300公里”，目标表为“310公里”"
    assert found["执行率＝全年执行数÷全年预算数"] == "第1行“年度资金总额” 表上98.3%，计算得98.2%"


# The rules on their own (no build).

def test_template_instructions_are_not_data():
    assert is_template("对照年度目标，说明……（100字以内）") and is_template("（100字以内）") and is_template("请填写实际完成值")
    assert not is_template("1座因汛期推迟至次年") and not is_template("完成农村公路日常养护312公里，优良中等路率82%。")


def test_scores_and_rates_read_exactly():
    assert number("9.82") == Decimal("9.82") and number("—") is None and number("") is None and number("１００") == 100
    assert rate("98.12%") == (Decimal("98.12"), 2) and rate("100%") == (Decimal("100"), 0) and rate("—") is None


def test_level_2_vocabulary():
    assert level2("满意度指标", "服务对象满意度指标") == level2("效益指标", "社会公益或服务对象满意度指标") == "满意度"
    assert level2("产出指标", "数量指标") == "数量" and level2("效益指标", "可持续影响指标") == "可持续影响"


def result(target, actual, score="10", points="10", comparison=None):
    return {"年度指标值": target, "实际完成值": actual, "得分": float(score), "分值": float(points), "指标性质": comparison,
            "度量单位": None}


@pytest.mark.parametrize("row, flagged", [
    (result("≥90%", "85%"), True), (result("≥90%", "91%"), False), (result("≤1.2万元", "1.3万元"), True),
    (result("≤1.2万元", "1.15万元"), False), (result("310公里", "300公里"), True), (result("310公里", "312公里"), False),
    (result("310公里", "300公里", score="9"), False),  # not full marks
    (result("1.2万元", "1200元"), False),  # another unit: not judged
    (result("有效改善", "有所改善"), False),  # a text target: not judged
    (result("5", "6", comparison="≤"), False), (result("5", "6", comparison="="), False),  # no unit either side: no quantity
    (result("5座", "6座", comparison="≤"), True), (result("5座", "5座", comparison="＝"), False),
    (result("5座", "4座", comparison="＝"), True), (result("5座", "6座", comparison="＝"), True),
])
def test_full_marks_below_target_rule(row, flagged):
    assert full_marks_below_target(row) is flagged


def tables(funds, targets, evaluation_rows, result_rows):
    return {"special_funds": funds, "performance_indicators": targets, "self_evaluations": evaluation_rows,
            "self_evaluation_indicators": result_rows}


def test_two_funds_of_one_name_or_two_targets_of_one_kind_are_ambiguous():
    funds = [{"id": "f1", "专项名称": "同名"}, {"id": "f2", "专项名称": "同名"}, {"id": "f3", "专项名称": "三表专项"}]
    targets = [{"id": f"f3-{n}", "专项_id": "f3", "期别": "年度", "指标值": "100人", "三级指标": None, "一级指标": "产出指标",
                "二级指标": "数量指标", "指标性质": None, "度量单位": None} for n in (1, 2)]
    evaluations = [{"id": "e1", "项目名称": "同名"}, {"id": "e2", "项目名称": "三表专项"}]
    results = [{"id": f"{e}-i1", "自评_id": e, "一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "人数",
                "指标性质": None, "年度指标值": "100人", "度量单位": None, "实际完成值": "100人", "得分": 10.0, "分值": 10.0}
               for e in ("e1", "e2")]
    link_results(tables(funds, targets, evaluations, results))
    assert [e["专项_id"] for e in evaluations] == [None, "f3"]
    assert results[0]["指标_id"] is None and "多个同名专项" in results[0]["对应说明"]
    assert results[1]["指标_id"] is None and results[1]["对应说明"] == "按二级指标“数量”在目标中找到2个，无法确定"


def test_an_amount_finer_than_a_fen_stops_the_build_naming_the_cell(selfeval_copy, tmp_path):
    from builder.build import build

    data, source = selfeval_copy
    edit("self_evaluation_amounts.csv", set_cell(2, "全年执行数", "88.2000001"))(data)
    with pytest.raises(InputErrors) as stopped:
        build(data, tmp_path / "site", source)
    message = "\n".join(str(problem) for problem in stopped.value.problems)
    assert "self_evaluation_amounts.csv" in message and "全年执行数" in message and "88.2000001" in message
    assert not (tmp_path / "site").exists()


def test_editors_notes_quote_self_evaluation_cells(selfeval_copy, tmp_path):
    """The check pass builds only the records notes name (builder/normalise.py unwanted): a note on a result, an
    amount row and a funding row is checked against the cell as built; a misquote is reported by its line alone."""
    from builder.build import build
    from builder.problems import report

    data, source = selfeval_copy
    with open(data / "2031" / "notes.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(f"2031,示例区交通运输局,self_evaluation_indicators,{E1}-i02,偏差原因分析及改进措施,汛期推迟,原因。\r\n"
                     f"2031,示例区交通运输局,self_evaluation_amounts,{E1}-a1,执行率_原文,98.2%,印的执行率。\r\n"
                     "2031,示例区交通运输局,project_funding,2031-shili-jiaotong-01-m2,金额_原文,60,中期其他资金。\r\n"
                     f"2031,示例区交通运输局,self_evaluations,{E1},项目名称,城市公路,摘录不在原文中。\r\n")
    with pytest.raises(InputErrors) as stopped:
        build(data, tmp_path / "site", source)
    out = io.StringIO()
    report(stopped.value.problems, out)
    text = out.getvalue()
    assert "notes.csv 第5行" in text and "摘录在该单元格中找不到" in text
    assert all(f"notes.csv 第{line}行" not in text for line in (2, 3, 4))


def test_the_benchmark_generates_a_self_evaluation_for_every_fund_that_builds_clean(tmp_path):
    """bench/generate.py with documents: one self-evaluation per fund, each linked to its fund and consistent (every
    check but the indicator match passes: two directions make each 二级 ambiguous, and that is said)."""
    import sys

    from builder.build import build
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from generate import generate

    generate(tmp_path / "data", 3, 1, 8, 2, source=tmp_path / "source")
    build(tmp_path / "data", tmp_path / "site", tmp_path / "source")
    conn = sqlite3.connect(tmp_path / "site" / "budget.db")
    assert conn.execute("select count(*), count(专项_id) from self_evaluations").fetchone() == (24, 24)
    results = dict(conn.execute("select 检查项 || ':' || 结果, count(*) from data_checks where 对象表 = 'self_evaluations' "
                                "group by 1").fetchall())
    assert results.pop("自评项目对应到专项:一致") == 24 and results.pop("每个自评指标对应到目标:不一致") == 24
    assert {key.split(":")[1] for key in results} == {"一致"}
    assert conn.execute("select count(*) from self_evaluation_indicators where 对应说明 like '%找到2个，无法确定'").fetchone()[0] > 0


def test_the_data_package_has_the_three_tables(selfeval_built):
    import json

    package = json.loads((selfeval_built / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    names = [resource["name"] for resource in package["resources"]]
    assert {"self_evaluations", "self_evaluation_amounts", "self_evaluation_indicators"} <= set(names)
    assert "result_summaries" not in names  # site machinery (download: false)
    rows = (selfeval_built / "downloads" / "self_evaluation_amounts.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 17 and "441900000" in rows[1 + [r.split(",")[0] for r in rows[1:]].index(
        "2031-shili-jiaotong-e01-a1")]


def test_a_result_grades_a_form_2_slot_left_empty():
    """2019's form 2 has all nine slots of a direction; one left empty (NULL) is still the target of a result
    under that 二级 (shown as 未设置 beside it), not a missing one."""
    funds = [{"id": "f1", "专项名称": "专项"}]
    targets = [{"id": f"f1-1-{slot}", "专项_id": "f1", "期别": "年度", "指标值": value, "三级指标": None,
                "一级指标": "效益指标", "二级指标": name, "指标性质": None, "度量单位": None}
               for slot, name, value in ((5, "经济效益指标", None), (6, "社会效益指标", "改善生活"))]
    evaluations = [{"id": "e1", "项目名称": "专项"}]
    results = [{"id": "e1-i1", "自评_id": "e1", "一级指标": "效益指标", "二级指标": "经济效益指标", "三级指标": "带动消费",
                "指标性质": None, "年度指标值": "有所带动", "度量单位": None, "实际完成值": "有所带动", "得分": 5.0, "分值": 5.0}]
    link_results(tables(funds, targets, evaluations, results))
    assert (results[0]["指标_id"], results[0]["目标指标值"], results[0]["目标不一致"]) == ("f1-1-5", None, 0)
