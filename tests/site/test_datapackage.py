"""The standard downloads (builder/datapackage.py): one CSV per budget.db table plus datapackage.json (a Frictionless
Tabular Data Package with a Fiscal Data Package model), written into the site folder's downloads/.

That a failed build leaves the published downloads untouched is in test_site_switch.py and test_build.py (the
whole site folder is switched in at once); that the site serves them is in tests/site/test_datapackage_served.py.
"""
import copy
import csv
import json
import os
import re
import sqlite3
import subprocess
from decimal import Decimal

import jsonschema
import pytest

import builder.datapackage as datapackage
from helpers import ROOT, declared

# The validator has its own environment (it brings rich, which breaks Datasette 0.65.5's 404s where it is importable).
FRICTIONLESS = ROOT / ".venv" / "frictionless" / "bin" / "frictionless"
SCHEMA = json.loads((ROOT / "schemas" / "fiscal-data-package.json").read_text(encoding="utf-8"))
# Every proxy points at a closed local port: anything that tries to fetch from the network fails.
OFFLINE = {**{k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy",)},
           **{name: "http://127.0.0.1:9" for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                                                      "http_proxy", "https_proxy", "all_proxy")}}


def descriptor_of(folder):
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def validate_offline(package_json):
    assert FRICTIONLESS.exists(), f"{FRICTIONLESS} is missing: `make test` makes it"
    result = subprocess.run([str(FRICTIONLESS), "validate", "--json", package_json.name], cwd=package_json.parent,
                            env=OFFLINE, capture_output=True, text=True, timeout=300)
    return result.returncode, json.loads(result.stdout)


def data_tables(conn):
    """budget.db's ordinary tables, full-text index tables excluded (SQLite marks them virtual / shadow)."""
    return [name for name, kind in conn.execute("select name, type from pragma_table_list where schema = 'main'")
            if kind == "table" and not name.startswith("sqlite_")]


def csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def dict_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_frictionless_validates_the_package_offline(built, budget_db):
    returncode, report = validate_offline(built / "downloads" / "datapackage.json")
    errors = [(t["name"], e["message"]) for t in report["tasks"] for e in t["errors"]] + report["errors"]
    assert returncode == 0 and report["valid"], errors
    # Acceptance: every resource was checked and its row count equals the database's.
    counts = {t["name"]: t["stats"].get("rows", 0) for t in report["tasks"]}  # frictionless omits rows for empty tables
    # Every table contract.yml declares, except those it marks `download: false` (site machinery: the search index,
    # the saved queries' parameter tables, facet counts — rebuilt from the others).
    tables = [t for t, spec in declared()["outputs"].items() if spec.get("download", True)]
    assert "search_index" not in tables and "special_funds" in tables
    expected = {t: budget_db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    assert counts == expected
    assert [r["name"] for r in descriptor_of(built / "downloads")["resources"]] == tables  # in the contract's order
    assert counts["special_funds"] >= 8 and counts["performance_indicators"] == 9 * counts["expenditure_directions"]


def test_the_offline_check_really_is_offline(tmp_path):
    """The same environment makes any fetch fail, so the passing validation above used nothing remote."""
    (tmp_path / "datapackage.json").write_text(json.dumps({
        "name": "remote", "resources": [{"name": "r", "path": "https://example.org/data.csv", "format": "csv",
                                          "schema": {"fields": [{"name": "a", "type": "string"}]}}]}))
    returncode, report = validate_offline(tmp_path / "datapackage.json")
    assert returncode != 0 and not report["valid"]


def test_frictionless_catches_a_broken_csv(built, tmp_path):
    """A changed cell breaks the declared hash, an orphan 专项_id breaks the foreign key."""
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in (built / "downloads").glob("*"):
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    rows = csv_rows(folder / "expenditure_directions.csv")
    rows[1][rows[0].index("专项_id")] = "2019-shifeng-minzheng-99"
    with open(folder / "expenditure_directions.csv", "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    returncode, report = validate_offline(folder / "datapackage.json")
    assert returncode != 0
    failed = {t["name"]: {e["type"] for e in t["errors"]} for t in report["tasks"] if not t["valid"]}
    assert list(failed) == ["expenditure_directions"]
    assert {"hash-count", "foreign-key"} <= failed["expenditure_directions"]


def test_every_csv_cell_equals_the_database(built, budget_db):
    descriptor = descriptor_of(built / "downloads")
    for resource in descriptor["resources"]:
        table = resource["name"]
        header, *body = csv_rows(built / "downloads" / resource["path"])
        cursor = budget_db.execute(f'select * from "{table}" order by rowid')
        assert header == [d[0] for d in cursor.description], table
        stored = cursor.fetchall()
        assert len(body) == len(stored), table
        for line, (text_row, row) in enumerate(zip(body, stored), 2):
            for column, text, value in zip(header, text_row, row):
                where = (table, line, column)
                if value is None:
                    assert text == "", where
                elif isinstance(value, int):
                    assert text == str(value), where
                elif isinstance(value, float):
                    assert "e" not in text.lower() and float(text) == value, where
                else:
                    assert text == value, where  # verbatim: leading spaces, line breaks, typos


def test_amounts_are_exact(built, budget_db):
    """Each X_万元 cell, read as a decimal, is exactly X_元 / 10000: no float noise, no rounding."""
    descriptor = descriptor_of(built / "downloads")
    checked = 0
    for resource in descriptor["resources"]:
        header, *body = csv_rows(built / "downloads" / resource["path"])
        for column in header:
            stem = column[: -len("_万元")]
            if column.endswith("_万元") and f"{stem}_元" in header:
                for row in body:
                    wan, yuan = row[header.index(column)], row[header.index(f"{stem}_元")]
                    if wan or yuan:
                        assert re.fullmatch(r"-?\d+(\.\d{1,4})?", wan), (resource["name"], column, wan)
                        assert Decimal(wan) * 10000 == int(yuan), (resource["name"], column, wan, yuan)
                        checked += 1
    assert checked >= 8 + 8 + 3 + 7  # forms 1, 2, 3 and the seven categories
    # As printed on the 2019 forms (source/…txt): 惠民资金 360, 项目支出 1266.87万元, 抚恤支出 249.87.
    def rows_of_2019(name):
        return [r for r in dict_rows(built / "downloads" / name) if r["年度"] == "2019"]

    funds = {r["专项名称"]: r for r in rows_of_2019("special_funds.csv")}
    assert (funds["惠民资金"]["资金总额_万元"], funds["惠民资金"]["资金总额_元"]) == ("360", "3600000")
    [budget] = rows_of_2019("department_budgets.csv")
    assert (budget["项目支出_原文"], budget["项目支出_万元"], budget["项目支出_元"]) == ("1266.87万元", "1266.87", "12668700")
    categories = {r["支出类别"]: r for r in rows_of_2019("department_expenditures.csv")}
    assert (categories["抚恤支出"]["金额_万元"], categories["抚恤支出"]["金额_元"]) == ("249.87", "2498700")


def test_table_schemas_match_the_database(built, budget_db):
    descriptor = descriptor_of(built / "downloads")
    assert descriptor["profile"] == "tabular-data-package"
    kinds = {"INTEGER": "integer", "REAL": "number", "TEXT": "string"}
    for resource in descriptor["resources"]:
        table = resource["name"]
        info = budget_db.execute("select name, type, pk from pragma_table_info(?)", [table]).fetchall()
        schema = resource["schema"]
        assert [(f["name"], f["type"]) for f in schema["fields"]] == [(n, kinds[t]) for n, t, _ in info]
        assert schema["primaryKey"] == [n for n, _, pk in sorted(info, key=lambda c: c[2]) if pk]
        links = budget_db.execute('select "from", "table", "to" from pragma_foreign_key_list(?)', [table]).fetchall()
        assert sorted((k["fields"], k["reference"]["resource"], k["reference"]["fields"])
                      for k in schema.get("foreignKeys", [])) == sorted(([f], t, [to]) for f, t, to in links)
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert resources["special_funds"]["title"] == "专项资金（表1）Special funds (form 1)"  # from metadata.yml
    field = next(f for f in resources["special_funds"]["schema"]["fields"] if f["name"] == "资金总额_元")
    assert field["description"] == "资金总额，元（整数，精确求和用）/ amount in yuan (exact)"


def test_contract_tables_are_described_in_chinese_and_english(built):
    """The README's data contract. (Tables added later show on /dictionary as '暂无说明' until documented.)"""
    contract = ["departments", "forms", "form_layout", "special_funds", "expenditure_directions",
                "performance_indicators", "department_budgets", "department_expenditures", "notes"]
    resources = {r["name"]: r for r in descriptor_of(built / "downloads")["resources"]}
    chinese, english = re.compile(r"[\u4e00-\u9fff]"), re.compile(r"[A-Za-z]{3,}")
    for table in contract:
        resource = resources[table]
        for text in (resource["title"], resource["description"]):
            assert chinese.search(text) and english.search(text), (table, text)
        for field in resource["schema"]["fields"]:
            assert chinese.search(field.get("description", "")) and english.search(field["description"]), \
                (table, field["name"])


def test_fiscal_model_validates_against_the_vendored_schema(built, budget_db):
    descriptor = descriptor_of(built / "downloads")
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.validate(descriptor, SCHEMA, cls=jsonschema.Draft7Validator)
    assert datapackage.fiscal_model_problems(descriptor) == []
    measures = descriptor["model"]["measures"]
    # Every amount triple of the data contract is a measure, in 万元 (factor 10000) and in 元 (factor 1).
    expected = {}
    for resource in descriptor["resources"]:
        names = [f["name"] for f in resource["schema"]["fields"]]
        for name in names:
            if name.endswith("_原文") and name[:-3] + "_万元" in names and name[:-3] + "_元" in names:
                expected[(resource["name"], name[:-3] + "_万元")] = 10000
                expected[(resource["name"], name[:-3] + "_元")] = 1
    assert {(m["resource"], m["source"]): m["factor"] for m in measures.values()} == expected
    assert len(expected) == 12  # 资金总额 (表1), 年度金额 (表2), 资金总额/基本支出/项目支出 (表3), 金额: x 2
    for measure in measures.values():
        assert (measure["currency"], measure["direction"], measure["phase"]) == ("CNY", "expenditure", "proposed")
    assert "申报" in descriptor["phaseNote"] and "requested" in descriptor["phaseNote"]
    # From the first to the last year in the data: every year has its three forms.
    years = [year for (year,) in budget_db.execute("select distinct 年度 from forms order by 年度")]
    assert 2019 in years
    assert descriptor["fiscalPeriod"] == {"start": f"{years[0]}-01-01", "end": f"{years[-1]}-12-31"}


BROKEN_MODELS = {
    "phase outside the four phases": lambda d: first(d["model"]["measures"]).update(phase="requested"),
    "currency not ISO 4217": lambda d: first(d["model"]["measures"]).update(currency="RMB1"),
    "direction unknown": lambda d: first(d["model"]["measures"]).update(direction="spending"),
    "measure without source": lambda d: first(d["model"]["measures"]).pop("source"),
    "no measures": lambda d: d["model"].update(measures={}),
    "dimension without attributes": lambda d: first(d["model"]["dimensions"]).pop("attributes"),
    "attribute with source and constant": lambda d: first(first(d["model"]["dimensions"])["attributes"]).update(
        constant="x"),
    "fiscal period not a date": lambda d: d["fiscalPeriod"].update(start="2019"),
    "classification without a code attribute": lambda d: first(d["model"]["dimensions"]).update(
        dimensionType="classification"),
}


def first(mapping):
    return next(iter(mapping.values()))


@pytest.mark.parametrize("name", BROKEN_MODELS)
def test_vendored_schema_rejects_what_the_spec_forbids(built, name):
    descriptor = copy.deepcopy(descriptor_of(built / "downloads"))
    BROKEN_MODELS[name](descriptor)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(descriptor, SCHEMA, cls=jsonschema.Draft7Validator)
    assert datapackage.fiscal_model_problems(descriptor)


def test_cross_references_json_schema_cannot_express(built):
    descriptor = descriptor_of(built / "downloads")
    broken = copy.deepcopy(descriptor)
    first(broken["model"]["measures"])["source"] = "资金总额_美元"
    first(broken["model"]["dimensions"])["primaryKey"] = "年份"
    jsonschema.validate(broken, SCHEMA, cls=jsonschema.Draft7Validator)  # well-formed...
    problems = datapackage.fiscal_model_problems(broken)  # ...but pointing at nothing
    assert any("资金总额_美元" in p for p in problems) and any("年份" in p for p in problems)


def test_a_model_on_text_columns_is_refused_at_build_time(tmp_path):
    """The build's own check: an amount stored as text cannot be a measure, and nothing is written."""
    db = tmp_path / "odd.db"
    conn = sqlite3.connect(db)
    conn.execute('create table funds (id text primary key, 年度 integer, 部门 text, '
                 '金额_原文 text, 金额_万元 text, 金额_元 text)')
    conn.execute("insert into funds values ('a', 2019, '石峰区民政局', '90', '90', '900000')")
    conn.commit()
    conn.close()
    with pytest.raises(datapackage.DataPackageError) as error:
        datapackage.write_datapackage(db, tmp_path / "out", {}, tmp_path)
    assert "金额_万元" in str(error.value) and "not a number" in str(error.value)
    assert not (tmp_path / "out" / "datapackage.json").exists()
