"""Import a county's year: 1,000 generated documents, mixed media and layouts, as one folder (make import SOURCE=…).

    .venv/bin/python bench/import_many.py [--documents 1000] [--work /tmp/budget-bench-import]

Generates 100 fictional departments and their documents (1-3 projects each, 6-12 indicators per half), about a
third of them self-evaluations (项目支出绩效自评表: the year's results, 6-12 indicators with actual values and scores,
some published with the results blank) and the rest target tables: .xlsx
(openpyxl), .docx (python-docx), saved .html pages, text copies (tabs and pipes), .pdf (a few printed by Chromium,
then copied under other names) and .xls (the shared samples, each copy with an unused sector of its own: no .xls writer is kept), plus 1% damaged
files. Then imports the folder once and reports wall time, CPU time and the peak memory of the importer's process
tree (goal: <= 5 minutes and <= 1 GB on the 2-core machine), and the triage table's counts.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measure import COMMANDS, shown, tree_rss_kib  # noqa: E402

SAMPLE_XLS = {False: Path("/work/shared/forms/samples/shili-jiaotong-2031-targets.xls"),
              True: Path("/work/shared/forms/samples/shili-jiaotong-2031-selfeval.xls")}
SELF_EVALUATIONS = 0.3  # the share of documents that are self-evaluations
EVALUATION_LAYOUT = "项目支出绩效自评表"  # as the triage table names the layout
TITLES = {False: "2031年项目支出绩效目标表", True: "2031年度项目支出绩效自评表"}
MIX = [("xlsx", 20), ("docx", 20), ("html", 20), ("txt", 15), ("pipes", 5), ("pdf", 10), ("xls", 9), ("broken", 1)]
SECOND = ["数量指标", "质量指标", "时效指标", "成本指标"]
GOAL_SECONDS, GOAL_MIB = 300, 1024  # issue 20: a county's year within 5 minutes and 1 GB


def department(n):
    return f"示例县第{n}局", f"county-d{n}"


def form_rows(dept, code, project, rng):
    """The form as rows of (text, colspan, rowspan), as a person would lay it out in Word or Excel."""
    count = rng.randint(6, 12)
    indicators = [(SECOND[i % 4], f"指标{project}-{i}", f"≥{rng.randint(1, 999)}") for i in range(count)]
    mid, year = rng.randint(100, 9000), rng.randint(10, 3000)
    rows = [[("项目支出绩效目标申报表", 8, 1)], [("（2031年度）", 8, 1)], [("项目名称", 2, 1), (f"项目{project}", 6, 1)],
            [("主管部门及代码", 2, 1), (f"[{500000 + project}]{dept}", 2, 1), ("实施单位", 2, 1), (dept, 2, 1)],
            [("项目属性", 2, 1), ("运转类", 2, 1), ("项目期", 2, 1), ("2031年1月-2033年12月", 2, 1)],
            [("项目资金（万元）", 2, 3), ("中期资金总额：", 2, 1), (str(mid), 1, 1), ("年度资金总额：", 2, 1), (str(year), 1, 1)],
            [("其中：财政拨款", 2, 1), (str(mid - 50), 1, 1), ("其中：财政拨款", 2, 1), (str(year - 5), 1, 1)],
            [("其他资金", 2, 1), ("50", 1, 1), ("其他资金", 2, 1), ("5", 1, 1)],
            [("总体目标", 2, 2), ("中期目标（2031年—2033年）", 3, 1), ("年度目标", 3, 1)],
            [(f"中期目标{project}", 3, 1), (f"年度目标{project}", 3, 1)],
            [("绩效指标", 1, count + 3), ("一级指标", 1, 2), ("中期指标", 3, 1), ("年度指标", 3, 1)],
            [("二级指标", 1, 1), ("三级指标", 1, 1), ("指标值", 1, 1)] * 2]
    for i, (second, third, value) in enumerate(indicators):
        row = [("产出指标", 1, count)] if i == 0 else []
        rows.append(row + [(second, 1, 1), (third, 1, 1), (value, 1, 1)] * 2)
    rows.append([("满意度指标", 1, 1), ("", 1, 1), ("", 1, 1), ("", 1, 1), ("服务对象满意度指标", 1, 1), ("群众满意度", 1, 1), ("≥90%", 1, 1)])
    return rows


def evaluation_rows(dept, project, rng):
    """A self-evaluation as rows of (text, colspan, rowspan): 项目资金 by columns, 年度总体目标, indicators with
    actual values, points and scores, the 总分 row; one in five published with its results blank."""
    count, blank = rng.randint(6, 12), rng.random() < 0.2
    budget = rng.randint(10, 3000)
    spent = "" if blank else f"{budget * rng.randint(80, 100) / 100:g}"
    rate = "" if blank else f"{float(spent) / budget:.2%}"

    def result(value):
        return "" if blank else value

    rows = [[("项目支出绩效自评表", 9, 1)], [("（2031年度）", 9, 1)], [("项目名称", 2, 1), (f"项目{project}", 7, 1)],
            [("主管部门", 2, 1), (dept, 3, 1), ("实施单位", 2, 1), (dept, 2, 1)],
            [("项目资金（万元）", 2, 4), ("", 1, 1)] + [(t, 1, 1) for t in ("年初预算数", "全年预算数", "全年执行数", "分值",
                                                                          "执行率", "得分")],
            [(t, 1, 1) for t in ("年度资金总额", str(budget), str(budget), spent, "10", rate, result("9"))],
            [(t, 1, 1) for t in ("其中：当年财政拨款", str(budget), str(budget), spent, "—", rate, "—")],
            [(t, 1, 1) for t in ("其他资金", "", "", "", "—", "", "—")],
            [("年度总体目标", 2, 2), ("预期目标", 4, 1), ("实际完成情况", 3, 1)],
            [(f"年度目标{project}", 4, 1), (result(f"已完成年度目标{project}"), 3, 1)],
            [("绩效指标", 1, count + 2)] + [(t, 1, 1) for t in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                                                                 "分值", "得分", "偏差原因分析及改进措施")]]
    for i in range(count):
        target = rng.randint(1, 999)
        row = [("产出指标", 1, count)] if i == 0 else []
        rows.append(row + [(t, 1, 1) for t in (SECOND[i % 4], f"指标{project}-{i}", f"≥{target}",
                                               result(str(target + rng.randint(-5, 5))), "5", result("5"), "")])
    rows.append([(t, 1, 1) for t in ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", result("93%"), "10",
                                     result("10"), "")])
    rows.append([("总分", 7, 1), ("100", 1, 1), (result("95"), 1, 1), (result("优"), 1, 1)])
    return rows


def placed(rows):
    """[(row, col, text, colspan, rowspan)] with the columns a browser would give."""
    taken, out = set(), []
    for r, row in enumerate(rows):
        col = 0
        for text, colspan, rowspan in row:
            while (r, col) in taken:
                col += 1
            out.append((r, col, text, colspan, rowspan))
            taken |= {(r + dr, col + dc) for dr in range(rowspan) for dc in range(colspan)}
            col += colspan
    return out


def html(dept, projects, evaluation=False):
    tables = "".join("<table>" + "".join("<tr>" + "".join(f"<td colspan={c} rowspan={s}>{t}</td>" for t, c, s in row)
                                         + "</tr>" for row in rows) + "</table>" for rows in projects)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>td{{border:1px solid #000}}table{{border-collapse:"
            f"collapse;font-size:9px}}</style></head><body><table><tr><td>发布机构</td><td>{dept}</td></tr></table>"
            f"<h1>{dept}{TITLES[evaluation]}</h1>{tables}<p>【打印本页】</p></body></html>")


def text(dept, projects, pipes, evaluation=False):
    lines = [f"发布机构\t{dept}", f"{dept}{TITLES[evaluation]}", ""]
    for rows in projects:
        lines += ["\t".join(t for t, _, _ in row) for row in rows]
    if pipes:
        lines = ["| " + " | ".join(line.split("\t")) + " |" if "\t" in line else line for line in lines]
    return "\n".join(lines + ["", "附件："])


def xlsx(path, projects):
    import openpyxl
    book = openpyxl.Workbook()
    book.remove(book.active)
    for n, rows in enumerate(projects, 1):
        sheet = book.create_sheet(f"项目{n}")
        for r, c, t, colspan, rowspan in placed(rows):
            sheet.cell(r + 1, c + 1, int(t) if t.isdigit() else t)
            if colspan > 1 or rowspan > 1:
                sheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rowspan, end_column=c + colspan)
    book.save(path)


def docx(path, dept, projects, evaluation=False):
    import docx as python_docx
    document = python_docx.Document()
    document.add_paragraph(f"{dept}{TITLES[evaluation]}")
    for rows in projects:
        width = max(c + colspan for _, c, _, colspan, _ in placed(rows))
        table = document.add_table(rows=len(rows), cols=width)
        for r, c, t, colspan, rowspan in placed(rows):
            cell = table.cell(r, c)
            if colspan > 1 or rowspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            cell.text = t
        document.add_paragraph("")
    document.save(path)


def generate(folder, documents, seed=20):
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    kinds = [kind for kind, share in MIX for _ in range(share)]
    rng.shuffle(kinds)  # every stretch of the folder mixes the media
    pdf_sources, pdfs = [], []
    registry = ["部门,部门编码,全称,上级主管"] + [f"{department(n)[0]},{department(n)[1]},{department(n)[0]}," for n in range(1, 101)]
    project = 0
    for number in range(documents):
        kind = kinds[number % len(kinds)]
        dept, code = department(number % 100 + 1)
        evaluation = rng.random() < SELF_EVALUATIONS
        projects = []
        for _ in range(rng.randint(1, 3)):
            project += 1
            projects.append(evaluation_rows(dept, project, rng) if evaluation else form_rows(dept, code, project, rng))
        stem = folder / f"{code}-{number:04d}"
        if kind == "xlsx":
            xlsx(stem.with_suffix(".xlsx"), projects)
        elif kind == "docx":
            docx(stem.with_suffix(".docx"), dept, projects, evaluation)
        elif kind == "html":
            stem.with_suffix(".html").write_text(html(dept, projects, evaluation), encoding="utf-8")
        elif kind in ("txt", "pipes"):
            stem.with_suffix(".txt").write_text(text(dept, projects, kind == "pipes", evaluation), encoding="utf-8")
        elif kind == "pdf":
            if len(pdf_sources) < 5:
                page = folder.parent / f"pdf-{number}.html"
                page.write_text(html(dept, projects, evaluation), encoding="utf-8")
                pdf_sources.append((page, stem.with_suffix(".pdf")))
            else:
                pdfs.append(stem.with_suffix(".pdf"))
        elif kind == "xls":  # a sample with an unused sector added, so each copy is another document
            sample = SAMPLE_XLS[evaluation].read_bytes()
            stem.with_suffix(".xls").write_bytes(sample + bytes(510) + number.to_bytes(2, "big"))
        else:
            stem.with_suffix(".docx").write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    for page, pdf in pdf_sources:
        subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120, check=True)
    for n, pdf in enumerate(pdfs):  # a comment after %%EOF makes each copy another document (readers ignore it)
        pdf.write_bytes(pdf_sources[n % len(pdf_sources)][1].read_bytes() + f"\n%copy {n}\n".encode())
    return "\n".join(registry + ["示例区交通运输局,shili-jiaotong,示例区交通运输局,"]) + "\n"


def measured(command, out):
    """(wall seconds, peak MiB of the process tree sampled every 50 ms, CPU seconds, exit code). Unlike
    measure.run_measured, a refused document (exit code 1) is an expected outcome here."""
    start = time.perf_counter()
    process = subprocess.Popen([str(c) for c in command], cwd=ROOT, stdout=out, stderr=subprocess.DEVNULL)
    peak, done = [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kib(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return seconds, max(peak[0], usage.ru_maxrss) / 1024, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def bench(work, documents=1000):
    """Generate the county's documents under work/, import them as one folder; the figures as a dict."""
    shutil.rmtree(work, ignore_errors=True)
    started = time.perf_counter()
    departments = generate(work / "county", documents)
    generated = time.perf_counter() - started
    data = work / "data"
    data.mkdir()
    (data / "departments.csv").write_text("\ufeff" + departments, encoding="utf-8")
    command = [sys.executable, "-m", "builder.importer", work / "county", "--data", data, "--source", work / "source"]
    COMMANDS.append(shown(command))
    print(shown(command), flush=True)
    with open(work / "triage.tsv", "w") as out:
        seconds, peak_mib, cpu, code = measured(command, out)
    table = [line.split("\t") for line in (work / "triage.tsv").read_text(encoding="utf-8").splitlines()[1:-1]]
    imported = [row for row in table if row[1] != "未导入 refused"]
    return {"documents": documents, "generate_seconds": generated, "seconds": seconds, "cpu_seconds": cpu,
            "peak_mib": peak_mib, "exit_code": code, "imported": len(imported), "refused": len(table) - len(imported),
            "projects": sum(int(row[4]) for row in imported), "indicators": sum(int(row[5]) for row in imported),
            "self_evaluations": sum(row[1] == EVALUATION_LAYOUT for row in imported)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/budget-bench-import"))
    args = parser.parse_args()
    r = bench(args.work, args.documents)
    print(f"generated {r['documents']} documents in {r['generate_seconds']:.0f} s; imported {r['imported']} "
          f"({r['projects']} projects, {r['indicators']} indicators; "
          f"{r['self_evaluations']} of the documents self-evaluations), "
          f"refused {r['refused']} (the damaged files)")
    print(f"import: {r['seconds']:.1f} s wall, {r['cpu_seconds']:.1f} s CPU, peak {r['peak_mib']:.0f} MiB "
          f"(goal: <= {GOAL_SECONDS} s, <= {GOAL_MIB} MiB)")


if __name__ == "__main__":
    main()
