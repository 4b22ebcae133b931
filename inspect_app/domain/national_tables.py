"""The national programme view's tables, and writing them as XLSX or CSV.

A :class:`Table` is what the page shows and what the exports hold, so a figure on the
page is the same figure in the spreadsheet. Text is always written as text: a value
beginning with ``=``, ``+``, ``-`` or ``@`` never becomes a formula (in the workbook the
cell is typed as a string and quote-prefixed; in the CSV it gets a leading apostrophe).

No Flask or database imports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

Value = str | int | float | date | None

FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMAT = "d mmmm yyyy"
SHEET_TITLE_MAX = 31  # Excel's limit


@dataclass(frozen=True)
class Table:
    """One section of the national view as rows and columns.

    ``key`` names it in URLs (``?section=``) and file names; ``title`` is the sheet name
    and the caption; ``numeric`` says which columns hold numbers (right-aligned on the
    page). ``rows`` hold plain values: text, whole numbers, numbers rounded for display,
    dates or None (nothing to show).
    """

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    numeric: tuple[bool, ...] = ()

    def __post_init__(self) -> None:
        if len(self.title) > SHEET_TITLE_MAX:
            raise ValueError(f"table title {self.title!r} is longer than {SHEET_TITLE_MAX}")
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.headers):
                raise ValueError(
                    f"table {self.key!r} row {number} has {len(row)} values "
                    f"for {len(self.headers)} columns"
                )

    def is_numeric(self, column: int) -> bool:
        return column < len(self.numeric) and self.numeric[column]


def format_value(value: Value) -> str:
    """How a value reads on the page and in the CSV."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return f"{value.day} {value.strftime('%B %Y')}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _put(cell: Cell, value: Value) -> None:
    if isinstance(value, str):
        cell.value = _clean(value)
        cell.data_type = "s"  # never a formula
        if value[:1] in FORMULA_STARTS:
            cell.quotePrefix = True
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return
    cell.value = value
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float):
        cell.number_format = "0.00"
    cell.alignment = Alignment(vertical="top")


def to_xlsx(tables: Sequence[Table], *, about: Sequence[tuple[str, Value]] = ()) -> bytes:
    """A workbook with an "About" sheet (``about``: label and value pairs, e.g. the filters)
    and then one sheet per table, in order, named by the table's title."""
    book = Workbook()
    sheet = book.active
    sheet.title = "About"
    for label, value in about:
        sheet.append([None, None])
        _put(sheet.cell(sheet.max_row, 1), label)
        _put(sheet.cell(sheet.max_row, 2), value)
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 70
    for table in tables:
        sheet = book.create_sheet(table.title)
        for column, header in enumerate(table.headers, start=1):
            cell = sheet.cell(1, column)
            _put(cell, header)
            cell.font = Font(bold=True)
            width = max([len(header)] + [len(format_value(r[column - 1])) for r in table.rows])
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 8) + 2, 60)
        for number, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row, start=1):
                _put(sheet.cell(number, column), value)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_text(value: Value) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    text = format_value(value)
    if isinstance(value, str) and text[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def to_csv(table: Table) -> str:
    """The table as CSV text: a header row, then the rows as the page shows them, except
    that dates are ISO 8601 (``2026-09-07``) for other software to read."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_text(value) for value in row])
    return out.getvalue()
