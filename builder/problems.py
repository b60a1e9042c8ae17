"""Problems with the input: every one names file, Excel row and column, in Chinese and English."""
from dataclasses import dataclass


@dataclass
class Problem:
    file: str
    line: int  # the Excel/WPS row number: 1 = the header
    column: str  # column name, or "" for the whole row or file
    zh: str
    en: str
    col_index: int = 0  # 1-based position of the column in the file, 0 if unknown

    def __str__(self):
        where_zh, where_en = f"{self.file}", f"{self.file}"
        if self.line:
            where_zh += f" 第{self.line}行"
            where_en += f" row {self.line}"
        if self.column:
            letter = f"{excel_column(self.col_index)}列，" if self.col_index else ""
            where_zh += f" 第{self.col_index or '?'}列（{letter}“{self.column}”）"
            where_en += f", column {self.col_index or '?'} ({self.column})"
        return f"{where_zh}：{self.zh}\n    {where_en}: {self.en}"


def excel_column(index):
    """1 -> A, 27 -> AA: the letters Excel shows above the column."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class InputErrors(Exception):
    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    def __reduce__(self):  # raised in another process of the build (builder/parallel.py) and re-raised here
        return InputErrors, (self.problems,)


def report(problems, out):
    """The report a person reads when the build stops."""
    print(f"数据有 {len(problems)} 处问题，未生成数据库，原有数据库和网站保持不变。", file=out)
    print(f"The data has {len(problems)} problem(s); nothing was built and the existing databases and site are "
          "unchanged.\n", file=out)
    for number, problem in enumerate(problems, 1):
        print(f"{number}. {problem}", file=out)
