"""The neutral grid every medium is read into, before any layout is recognised.

A document is a list of Blocks in reading order: each table of the document, and the lines of text between
tables (a title paragraph, a page's own text) as blocks of one-cell rows. A row lists the cells that start in it,
left to right; a cell keeps its text verbatim, its column (0-based) and its spans, and its origin for messages.

Media that know their cells' positions (workbooks, Word, web pages, PDF) give placed blocks: `cells[r]` holds the
cells starting in row r, and matrix() gives every position with the cell covering it. A text copy cannot tell where
a merged cell was left out of a line, so its blocks are ragged: each cell's column is just its place in the line,
and the recogniser aligns such rows itself (see standard.py).
"""
from dataclasses import dataclass, field

from .document import Origin


@dataclass
class GridCell:
    text: str
    origin: Origin
    col: int = 0
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Block:
    rows: list = field(default_factory=list)  # list of rows, each a list of GridCells left to right
    ragged: bool = False  # a text copy: the columns of a row are not known
    table: bool = True  # False: lines of text around the tables

    def matrix(self):
        """[[GridCell or None]]: each position with the cell that covers it (merged cells repeated)."""
        width = max((cell.col + cell.colspan for row in self.rows for cell in row), default=0)
        grid = [[None] * width for _ in self.rows]
        for r, row in enumerate(self.rows):
            for cell in row:
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if r + dr < len(grid):
                            grid[r + dr][cell.col + dc] = cell
        return grid


def join_wrapped(text):
    """A cell's lines as wrapped by the page joined into its text: Chinese lines join directly, two Latin words with
    a space. Line breaks a writer typed are indistinguishable from wrapping in a PDF, so this is for PDF only."""
    lines = [line.strip() for line in text.split("\n")]
    out = ""
    for line in lines:
        if out and line and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def text_block(lines):
    """A block of text lines (GridCell each) that are not in a table."""
    return Block([[cell] for cell in lines], table=False)
