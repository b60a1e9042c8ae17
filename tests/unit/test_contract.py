"""contract.yml, the one declaration of inputs and outputs: it agrees with the curated files in data/ and with the
official forms in source/, and a mistake in it stops the build with a message naming the entry (builder/contract.py).

That budget.db, /dictionary and the data package honour it is in tests/site/test_contract_honoured.py."""
import copy

import pytest
import yaml

import seed_forms
from builder import contract
from helpers import ROOT, declared, read


def test_the_repositorys_contract_is_consistent():
    assert list(contract.inconsistencies(declared())) == []
    assert contract.load() == declared()


def test_every_input_file_has_the_declared_header():
    """The header row of every curated CSV, in order, is the columns contract.yml declares for it."""
    inputs = declared()["inputs"]
    # data/'s years (the three-form layout) and the standard layout's fixture year
    year_folders = sorted(p for p in (ROOT / "data").iterdir() if p.is_dir()) + [STANDARD / "2031"]
    assert year_folders
    for name, spec in inputs.items():
        paths = [ROOT / "data" / name] if spec["in"] == "data" else [folder / name for folder in year_folders]
        for path in paths:
            if path.exists() or spec.get("layout") in layouts_of(path.parent, inputs):
                assert read(path)[0] == list(spec["columns"]), path
    for folder in year_folders:  # every file of each layout it uses, and no file the contract does not declare
        layout_names = {n for n, s in inputs.items() if s["in"] == "year" and s.get("layout") in (None, *layouts_of(folder, inputs))}
        assert {p.name for p in folder.glob("*.csv")} == layout_names == set(contract.files_of_year(folder))
    assert layouts_of(ROOT / "data" / "2019", inputs) == {"三表"} and layouts_of(STANDARD / "2031", inputs) == {"标准"}


STANDARD = ROOT / "tests" / "fixtures" / "standard"


def layouts_of(folder, inputs):
    """The layouts of the input files (contract.yml's `inputs`) that folder holds."""
    return {inputs[p.name].get("layout") for p in folder.glob("*.csv") if p.name in inputs} - {None}


def test_form_1_columns_are_the_forms_own_headings():
    columns = list(declared()["inputs"]["form1_special_funds.csv"]["columns"])
    header, _ = seed_forms.form1()
    assert columns == ["年度", "部门"] + header  # the year and department the form prints above the table


def test_the_nine_indicator_slots_are_form_2s_columns():
    slots = declared()["outputs"]["performance_indicators"]["slots"]
    assert [level2 for _, level2 in slots] == seed_forms.indicator_columns()
    # form 2's header: 产出指标 over the first four indicators, 效益指标 over the other five
    assert [level1 for level1, _ in slots] == ["产出指标"] * 4 + ["效益指标"] * 5
    assert [level2 for _, level2 in slots] == contract.columns_of("form2_expenditure_directions.csv")[-9:]


def test_the_reader_gives_what_the_yaml_says():
    spec = declared()
    assert contract.searchable() == {t: s["search"] for t, s in spec["outputs"].items() if s.get("search")}
    assert list(contract.all_year_files()) == [n for n, s in spec["inputs"].items() if s["in"] == "year"]
    assert list(contract.year_files()) == [n for n, s in spec["inputs"].items()
                                           if s["in"] == "year" and s.get("layout") in (None, "三表")]
    assert list(contract.year_files("标准")) == ["projects.csv", "project_funding.csv", "project_indicators.csv",
                                                "notes.csv"]
    assert contract.table_columns("special_funds")["资金总额_元"] is int
    assert contract.table_columns("special_funds")["资金总额_万元"] is float
    assert contract.required("notes.csv") == ["年度", "部门", "表", "记录_id", "列", "说明"]
    assert contract.department_column("form3_department_budget.csv") == "部门名称"


def set_in(path, value):
    """A mutation of the contract: set the entry at path (a list of keys) to value, or delete it if value is None."""
    def apply(spec):
        *parents, last = path
        for key in parents:
            spec = spec[key]
        if value is None:
            del spec[last]
        else:
            spec[last] = value
    return apply


BROKEN = {
    "search column that does not exist": (set_in(["outputs", "notes", "search"], ["备注"]),
                                          "outputs.notes: 没有列 no column 备注"),
    "unknown output type": (set_in(["outputs", "special_funds", "columns", "序号", "type"], "number"),
                            "outputs.special_funds.columns.序号: type 须为 must be text/integer/real"),
    "from a column the input lacks": (set_in(["outputs", "special_funds", "columns", "专项名称", "from"], "专项名称"),
                                      "form1_special_funds.csv 没有列 has no column 专项名称"),
    "unknown read": (set_in(["outputs", "special_funds", "columns", "资金总额_元", "read"], "分"),
                     "未知 read unknown read 分"),
    "foreign key to a missing table": (set_in(["outputs", "expenditure_directions", "foreign_keys"], {"专项_id": "funds"}),
                                       "outputs.expenditure_directions.foreign_keys: 专项_id → funds 不存在"),
    "unknown input type": (set_in(["inputs", "forms.csv", "columns", "表号", "type"], "number"),
                           "inputs.forms.csv.columns.表号: 未知类型 unknown type number"),
    "pattern without help": (set_in(["inputs", "departments.csv", "columns", "部门编码", "pattern_help"], None),
                             "pattern_help 须为 [中文, English]"),
    "link to a missing file": (set_in(["inputs", "form_layout.csv", "links", 0, "file"], "form.csv"),
                               "inputs.form_layout.csv.links: 没有文件 no file form.csv"),
    "unique key on a missing column": (set_in(["inputs", "notes.csv", "unique"], [["编号"]]),
                                       "inputs.notes.csv.unique: 没有列 no column 编号"),
    "output without a source": (set_in(["outputs", "forms", "source"], None), "outputs.forms: 须有 source 或 derived"),
    "doc split by an unquoted comma": (set_in(["outputs", "forms", "columns", "表名", "title"], "x"),
                                       "outputs.forms.columns.表名: 未知的键 unknown keys ['title']"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_mistake_in_the_contract_is_named(name, tmp_path):
    broken = copy.deepcopy(declared())
    mutate, message = BROKEN[name]
    mutate(broken)
    path = tmp_path / "contract.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(contract.ContractError) as error:
        contract.load(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_a_contract_that_is_not_yaml_names_line_and_column(tmp_path):
    path = tmp_path / "contract.yml"
    text = (ROOT / "contract.yml").read_text(encoding="utf-8").replace("  departments.csv:", "  departments.csv: [", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(contract.ContractError) as error:
        contract.load(path)
    assert "YAML 格式错误" in str(error.value) and "not valid YAML" in str(error.value) and "第" in str(error.value)
