"""Find and parse tables that documents carry as text: a "表N title" line followed by cells.

Word and PDF exports flatten a table into one cell per line, each cell line opening with a
tab; a blank line ends a row; a line without the tab continues the cell above (a wrapped
header such as "计算\\n单位", or a '#' sub-row name). Normalisation folds those blank lines
away, so tables are read from the raw text, and every cell keeps its raw span for evidence.

The parser knows nothing of indicators: it returns rows of cells under combined header
labels (a two-level header such as "2025年目标" over "总量 | 年均增长%" gives each column
its own label); what a column means is for the caller to decide.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_TITLE = re.compile(r"^[ \t\u3000]*表[ \t]*(\d+)[ \t\u3000]*(\S[^\n]*?)[ \t\u3000]*$", re.MULTILINE)
_MARKUP = re.compile(r"\[bookmark: [^\]]*\]|\[footnoteRef:\d+\]\s*(?:\[\d+:[^\]]*\])?|\[\d+:[^\]]*\]")
_NUMERIC = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")
MAX_CONTINUATION = 24  # a cell line wrapped without its tab is short; longer text is prose again
_PROSE_END = "。；;！？"


@dataclass(frozen=True)
class Cell:
    """One cell: its clean text (lines kept) and its raw span; empty cells have start == end."""

    text: str
    start: int
    end: int

    @property
    def lines(self) -> list[str]:
        return [line for line in self.text.split("\n") if line]

    @property
    def flat(self) -> str:
        """The text with line breaks and inner spaces removed ("指  标  名  称" → "指标名称")."""
        return re.sub(r"\s+", "", self.text)

    @property
    def is_empty(self) -> bool:
        return not self.flat


@dataclass
class Table:
    """A parsed table: its number, title, column labels and data rows (lists of cells)."""

    number: str
    title: str
    title_start: int  # raw span of the title text
    title_end: int
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)

    def cell(self, row: list[Cell], column: int) -> Cell | None:
        return row[column] if column < len(row) else None


def clean_cell_text(text: str) -> str:
    """Markup removed, full-width forms folded, spaces trimmed per line."""
    text = unicodedata.normalize("NFKC", _MARKUP.sub("", text))
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


def _is_numeric(cell: Cell) -> bool:
    return bool(_NUMERIC.match(cell.flat))


def _read_fragments(raw: str, body_start: int) -> tuple[list[list[Cell]], int]:
    """Cells grouped by blank lines, from ``body_start`` until the text stops being a table."""
    fragments: list[list[Cell]] = []
    current: list[Cell] = []
    pending: list[tuple[int, int]] = []  # raw spans of the cell being read (it may wrap)
    position = body_start
    end_of_table = len(raw)

    def close_cell() -> None:
        if pending:
            start, end = pending[0][0], pending[-1][1]
            text = "\n".join(raw[s:e] for s, e in pending)
            current.append(Cell(clean_cell_text(text), start, end))
            pending.clear()

    def close_row() -> None:
        close_cell()
        if current:
            fragments.append(list(current))
            current.clear()

    while position < len(raw):
        line_end = raw.find("\n", position)
        if line_end < 0:
            line_end = len(raw)
        line = raw[position:line_end].rstrip("\r")
        content = _MARKUP.sub("", line)
        if not content.strip():
            if "\t" in line and content.strip() == "" and line.strip() == "":
                # a line holding only a tab is an empty cell
                close_cell()
                tab = position + line.index("\t")
                current.append(Cell("", tab + 1, tab + 1))
            else:
                close_row()
        elif line.startswith("\t"):
            close_cell()
            offset = position
            for part in line.split("\t")[1:]:
                offset = raw.index("\t", offset) + 1
                if part.strip():
                    pending.append((offset, offset + len(part.rstrip())))
                    close_cell()
                else:
                    current.append(Cell("", offset, offset))
        elif (pending or current) and not line[:1].isspace() and len(content.strip()) <= MAX_CONTINUATION \
                and not any(ch in content for ch in _PROSE_END) and not _TITLE.match(line):
            # a wrapped cell: continue the last cell read
            if not pending and current:
                last = current.pop()
                pending.append((last.start, last.end))
            pending.append((position, position + len(line.rstrip())))
        else:
            end_of_table = position
            break
        position = line_end + 1
    close_row()
    return fragments, end_of_table


def _merge_fragments(fragments: list[list[Cell]]) -> list[list[Cell]]:
    """Join a row a stray blank line split in two (a cell with a long footnote, say)."""
    if not fragments:
        return []
    width = max(len(f) for f in fragments)
    rows: list[list[Cell]] = []
    i = 0
    while i < len(fragments):
        row = list(fragments[i])
        while len(row) < width - 1 and i + 1 < len(fragments) and len(row) + len(fragments[i + 1]) <= width:
            i += 1
            row.extend(fragments[i])
        rows.append(row)
        i += 1
    return rows


def _column_labels(header_rows: list[list[Cell]], width: int) -> list[str]:
    """One label per column from a (possibly two-level) header.

    A header row shorter than the table spans its last cell to the right; an empty cell
    under a label repeats nothing, so each column's label is the join of its non-empty parts.
    """
    levels: list[list[str]] = []
    for row in header_rows:
        texts = [cell.flat for cell in row] + [""] * (width - len(row))
        if len(row) < width and row:
            last = row[-1].flat
            texts = [cell.flat for cell in row] + [last] * (width - len(row))
        levels.append(texts[:width])
    labels = []
    for column in range(width):
        parts: list[str] = []
        for level in levels:
            if level[column] and level[column] not in parts:
                parts.append(level[column])
        labels.append(" ".join(parts))
    return labels


def parse_tables(raw: str) -> list[Table]:
    """Every "表N title" table of a raw text, with labelled columns and data rows."""
    tables: list[Table] = []
    position = 0
    while True:
        match = _next_title(raw, position)
        if match is None:
            return tables
        title_line_end = raw.find("\n", match.end())
        body_start = len(raw) if title_line_end < 0 else title_line_end + 1
        fragments, end = _read_fragments(raw, body_start)
        position = max(end, body_start)
        rows = _merge_fragments(fragments)
        if len(rows) < 2:
            continue
        header_count = 0
        while header_count < len(rows) and not any(_is_numeric(c) for c in rows[header_count]):
            header_count += 1
        if header_count == 0 or header_count == len(rows):
            continue
        width = max(len(r) for r in rows)
        title = clean_cell_text(match.group(2))
        tables.append(Table(
            number=match.group(1), title=title, title_start=match.start(2), title_end=match.end(2),
            columns=_column_labels(rows[:header_count], width), rows=rows[header_count:],
        ))


def _next_title(raw: str, position: int) -> re.Match[str] | None:
    """The next title line: "表N title" on a line of its own, followed by a line opening a cell."""
    for match in _TITLE.finditer(raw, position):
        if raw.startswith("\t", match.end() + 1):
            return match
    return None
