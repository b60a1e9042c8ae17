"""Write a synthetic data/ folder in exactly the curated CSV format, at any scale, for the benchmark.

    python bench/generate.py --out /tmp/budget-bench/data [--source /tmp/budget-bench/source]
        [--departments 1750 --years 4 --funds 8 --directions 2]

Indicator rows = departments x years x funds x directions x 9 (the defaults give 1,008,000). Every department-year
gets the three forms of data/2019/ re-filled: the 2019 texts with their numbers changed (so texts vary the way real
filings do), new amounts that add up the way the forms require, and two editor's notes that quote real cells.
With --source, every fund also gets a self-evaluation (bench/self_evaluations.py) and its document.
The output passes build_db.py's checks; it is never written into the repository's data/ folder.
"""
import argparse
import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder import contract  # noqa: E402
from builder.inputs import DEPARTMENTS_FILE  # noqa: E402

import self_evaluations  # noqa: E402  (bench/, beside this file)

INDICATOR_SLOTS = contract.indicator_slots()

TEMPLATE = ROOT / "data" / "2019"
SOURCE_TEMPLATE = ROOT / "source" / "2019" / "shifeng-minzheng.txt"
DISTRICTS = ["石峰", "荷塘", "芦淞", "天元", "渌口", "醴陵", "攸县", "茶陵", "炎陵", "雨湖", "岳塘", "韶山", "湘乡",
             "芙蓉", "天心", "岳麓", "开福", "雨花", "望城", "浏阳", "宁乡", "珠晖", "雁峰", "石鼓", "蒸湘", "南岳",
             "北塔", "双清", "大祥", "武陵", "鼎城", "永定", "武陵源", "赫山", "资阳", "北湖", "苏仙", "冷水滩",
             "零陵", "鹤城", "娄星", "吉首", "岳阳楼", "君山", "云溪", "汨罗", "临湘", "平江", "华容", "湘阴"]
BUREAUS = ["民政局", "教育局", "卫生健康局", "财政局", "人力资源和社会保障局", "住房和城乡建设局", "交通运输局",
           "农业农村局", "水利局", "文化旅游广电体育局", "退役军人事务局", "应急管理局", "市场监督管理局",
           "生态环境分局", "自然资源分局", "城市管理和综合执法局", "商务局", "科学技术局", "工业和信息化局",
           "司法局", "审计局", "统计局", "医疗保障局", "林业局", "残疾人联合会", "妇女联合会", "团委", "总工会",
           "科学技术协会", "档案馆", "图书馆", "文化馆", "老干部局", "机关事务服务中心", "政务服务中心",
           "信访局", "发展和改革局", "粮食和物资储备局", "供销合作社", "红十字会"]
# More departments than districts × bureaus (a whole province, or several): the same names under each city.
CITIES = ["株洲市", "长沙市", "湘潭市", "衡阳市", "岳阳市", "常德市", "益阳市", "郴州市", "永州市", "怀化市", "娄底市",
          "邵阳市", "张家界市", "湘西州"]
CATEGORIES = ["民政管理事务支出", "抚恤支出", "退役安置支出", "残疾人事业支出", "最低生活保障支出",
              "其他社会保障和就业支出", "医疗救助支出"]


def read_template(name):
    with open(TEMPLATE / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def vary_numbers(text, rng):
    """The same sentence with other numbers: '两项补贴各2000人' -> '两项补贴各3817人'."""
    return re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m.group(0)) - 1)), text)


def wan(fen):
    """An amount in 分 of 万元 (1/100 万元) as the forms print it: 12345 -> '123.45', 9000 -> '90'."""
    whole, cents = divmod(fen, 100)
    return f"{whole}.{cents:02d}".rstrip("0").rstrip(".") if cents else str(whole)


def split(total, parts, rng):
    """total (an integer) split into `parts` positive integers that add up to it exactly."""
    if parts == 1:
        return [total]
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


class Writer:
    """One CSV file per form, UTF-8 with BOM and CRLF line ends, as Excel/WPS save 'CSV UTF-8'."""

    def __init__(self, path, columns):
        self.file = open(path, "w", encoding="utf-8-sig", newline="")
        self.csv = csv.DictWriter(self.file, columns, lineterminator="\r\n")
        self.csv.writeheader()

    def row(self, values):
        self.csv.writerow(values)

    def close(self):
        self.file.close()


def departments(count):
    names = [f"{district}区{bureau}" for bureau in BUREAUS for district in DISTRICTS]
    names += [f"{city}{name}" for city in CITIES for name in names]
    if count > len(names):
        raise SystemExit(f"at most {len(names)} departments")
    return [(names[i], f"d{i + 1:04d}") for i in range(count)]


def generate(out, n_departments, n_years, n_funds, n_directions, seed=2019, source=None):
    if n_directions < 1 or n_funds < 1 or n_years < 1 or n_departments < 1:
        raise SystemExit("every count must be at least 1")
    out = Path(out).resolve()
    if out == (ROOT / "data").resolve() or (ROOT / "data").resolve() in out.parents:
        raise SystemExit("refusing to write into the repository's data/ folder")
    out.mkdir(parents=True, exist_ok=True)
    source = Path(source).resolve() if source else None
    if source is not None and (source == (ROOT / "source").resolve() or (ROOT / "source").resolve() in source.parents):
        raise SystemExit("refusing to write into the repository's source/ folder")
    document = SOURCE_TEMPLATE.read_text(encoding="utf-8")
    rng = random.Random(seed)
    funds_template = read_template("form1_special_funds.csv")
    directions_template = read_template("form2_expenditure_directions.csv")
    budget_template = read_template("form3_department_budget.csv")[0]
    layout_template = read_template("form_layout.csv")
    forms_template = read_template("forms.csv")
    depts = departments(n_departments)

    writer = Writer(out / DEPARTMENTS_FILE, contract.columns_of(DEPARTMENTS_FILE))
    for name, code in depts:
        writer.row({"部门": name, "部门编码": code, "全称": f"湖南省{name}", "上级主管": f"{name[:-3]}人民政府"})
    writer.close()

    indicator_rows = 0
    for year in range(2019, 2019 + n_years):
        folder = out / str(year)
        folder.mkdir(exist_ok=True)
        files = {name: Writer(folder / name, contract.columns_of(name)) for name in contract.year_files()}
        if source is not None:  # each self-evaluation names its document: written only with the documents
            files.update({name: Writer(folder / name, contract.columns_of(name))
                          for name in contract.layout_files("自评")})
        if source is not None:
            (source / str(year)).mkdir(parents=True, exist_ok=True)
        for name, code in depts:
            common = {"年度": year, "部门": name}
            if source is not None:  # one published document per department and year, as in source/
                (source / str(year) / f"{code}.txt").write_text(
                    document.replace("2019", str(year)).replace("石峰区民政局", name), encoding="utf-8")
                self_evaluations.write_document(source, code, year, name)
            for row in forms_template:
                files["forms.csv"].row({**row, **common, "编制单位": row["编制单位"] and f"株洲市{name}",
                                        "标题行原文": row["标题行原文"] and f"株洲市{name}        单位：万元"})
            for row in layout_template:
                files["form_layout.csv"].row({**row, **common})
            fund_totals = []
            first_indicator = None
            for number in range(1, n_funds + 1):
                template = funds_template[(number - 1) % len(funds_template)]
                round_ = (number - 1) // len(funds_template)
                fund_name = template["专项支出名称"] + (f"（{round_ + 1}）" if round_ else "")
                direction_amounts = [rng.randint(50, 20000) for _ in range(n_directions)]  # in 1/100 万元
                fund_totals.append(sum(direction_amounts))
                direction_template = directions_template[(number - 1) % len(directions_template)]
                files["form1_special_funds.csv"].row({
                    **common, "序号": number, "专项支出名称": fund_name, "支出方向": template["支出方向"],
                    "资金总额": wan(sum(direction_amounts)),
                    "实施期绩效目标": vary_numbers(template["实施期绩效目标"], rng),
                    "年度绩效目标": vary_numbers(template["年度绩效目标"], rng)})
                for k, amount in enumerate(direction_amounts, 1):
                    row = {**direction_template, **common, "所属专项名称": fund_name,
                           "支出方向": template["支出方向"] + (f"（第{k}片区）" if k > 1 else ""),
                           "支出方向年度金额": wan(amount), "专项实施期": f"{year}年"}
                    for column in ["实施期绩效目标", "年度绩效目标"] + [slot for _, slot in INDICATOR_SLOTS]:
                        row[column] = vary_numbers(direction_template[column], rng)
                    if first_indicator is None and row["数量指标"]:
                        first_indicator = (f"{year}-{code}-{number:02d}-{k}-1", row["数量指标"])
                    files["form2_expenditure_directions.csv"].row(row)
                    indicator_rows += len(INDICATOR_SLOTS)
                    if k == 1 and source is not None:
                        self_evaluations.write(files, common, code, number, fund_name, sum(direction_amounts),
                                               [(one, two, row[two]) for one, two in INDICATOR_SLOTS], rng, split)
            project = sum(fund_totals) + rng.randint(0, 50000)
            basic = rng.randint(10000, 100000)
            total = project + basic
            parts = split(total, len(CATEGORIES), rng)
            excerpts = [f"{category}{wan(part)}万元" for category, part in zip(CATEGORIES, parts)]
            files["form3_department_budget.csv"].row({
                **budget_template, "年度": year, "部门名称": name, "资金总额": f"{wan(total)}万元",
                "基本支出": f"{wan(basic)}万元", "项目支出": f"{wan(project)}万元",
                "整体绩效目标": vary_numbers(budget_template["整体绩效目标"], rng),
                "产出指标": "    " + "；".join(excerpts) + "。", "效益指标": budget_template["效益指标"]})
            for number, (category, part, excerpt) in enumerate(zip(CATEGORIES, parts, excerpts), 1):
                files["form3_department_expenditures.csv"].row({
                    **common, "序号": number, "支出类别": category, "金额": wan(part), "原文": excerpt})
            if first_indicator:
                indicator_id, text = first_indicator
                files["notes.csv"].row({
                    **common, "表": "performance_indicators", "记录_id": indicator_id, "列": "指标值",
                    "原文摘录": text[:4], "说明": "合成数据中的编者说明（基准测试用）。 A synthetic editor's note (benchmark data)."})
            files["notes.csv"].row({
                **common, "表": "department_budgets", "记录_id": f"{year}-{code}", "列": "产出指标",
                "原文摘录": excerpts[0], "说明": "合成数据：分类支出原文。 Synthetic: a category as filed."})
        for writer in files.values():
            writer.close()
    return indicator_rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/budget-bench/data", help="folder to write (never the repo's data/)")
    parser.add_argument("--departments", type=int, default=1750)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--funds", type=int, default=8, help="special funds per department and year")
    parser.add_argument("--directions", type=int, default=2, help="expenditure directions per fund")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--source", help="also write one source document per department and year here")
    args = parser.parse_args(argv)
    rows = generate(args.out, args.departments, args.years, args.funds, args.directions, args.seed, args.source)
    print(f"wrote {args.out}: {args.departments} departments x {args.years} years x {args.funds} funds x "
          f"{args.directions} directions x 9 = {rows} indicator rows")


if __name__ == "__main__":
    main()
