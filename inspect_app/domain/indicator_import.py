"""Check an uploaded file of indicator values (CSV or Excel) before it is imported.

One row per authority × indicator × period::

    authority_code,indicator_code,period,value
    NMB,LAC-GCSE-5AC,2006-07,11.5

Optional columns ``indicator_title``, ``outcome``, ``unit`` and
``higher_is_better`` may be included (as in a file exported from the
workbench); where a cell in them is filled in it must agree with the
catalogue. Other columns are ignored. Headers are matched ignoring case, and
spaces or hyphens count as underscores (``Authority code`` is
``authority_code``).

**Periods.** ``"2006-07"`` is a financial or academic year: four digits, a hyphen
and the last two digits of the *next* year (``"1999-00"`` is fine;
``"2006-08"`` is not). ``"2006"`` is a calendar year. ``"2006/07"`` is accepted
and stored as ``"2006-07"``. Years run from 1950 to 2099. One indicator must use
one kind of period throughout a file.

**Values** are plain numbers (``12.5``, ``-3``, ``1e3``; no thousands separators
or ``%`` signs). A percentage must lie between 0 and 100; no unit of the
catalogue allows negative values.

The file type is decided by its content, not its name: a ZIP archive is read as
an Excel ``.xlsx`` workbook (first worksheet; formulas are refused, type the
values), anything else as UTF-8 CSV (with or without a byte order mark, comma
separated). The header is the first row that is not blank; blank rows are
skipped. Rows are numbered as a spreadsheet numbers them: the header is row 1
when nothing is above it.

:func:`validate_indicator_file` reports every problem with its row and column;
it never imports anything. Importing all or nothing is the caller's job: import
``result.rows`` only when ``result.ok``.

No Flask or database imports.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd

from inspect_app.domain.evidence_files import RefusedFile, check_office_archive
from inspect_app.domain.indicators import OUTCOMES, UNITS, IndicatorCatalogue

REQUIRED_COLUMNS = ("authority_code", "indicator_code", "period", "value")
OPTIONAL_COLUMNS = ("indicator_title", "outcome", "unit", "higher_is_better")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

CHUNK_ROWS = 5_000
MAX_ROWS = 500_000
MAX_COLUMNS_READ = 60
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
FIRST_YEAR, LAST_YEAR = 1950, 2099

PERIOD_HELP = 'use "2006-07" for a financial or academic year, or "2006" for a calendar year'

_PERIOD = re.compile(r"^(\d{4})(?:[-/](\d{2}))?$")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})

ProgressCallback = Callable[[int, int], None]


# --------------------------------------------------------------------------- public values


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an uploaded file.

    ``row`` is the 1-based spreadsheet row (the header row included), or None for
    a problem with the whole file; ``column`` is the canonical column name (e.g.
    ``"value"``), or None when the problem is with the row or the file.
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = f"Row {self.row}"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """What :func:`validate_indicator_file` found.

    ``rows`` holds the rows that passed every check — columns ``row`` (spreadsheet
    row), ``authority_code``, ``indicator_code``, ``period`` (canonical form) and
    ``value`` (float) — or None when the file could not be read as a table at all
    (empty, unreadable, a required column missing). ``problems`` lists every
    problem, ordered by row.
    """

    rows: pd.DataFrame | None
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the whole file may be imported: it was read and has no problems."""
        return self.rows is not None and not self.problems

    @property
    def row_count(self) -> int:
        return 0 if self.rows is None else len(self.rows)


def parse_period(text: str) -> str:
    """The canonical form of a period (``"2006/07"`` → ``"2006-07"``).

    Raises ValueError with a message suitable for users when ``text`` is not a
    period.
    """
    problem, canonical = _period_problem(text.strip())
    if problem:
        raise ValueError(problem)
    return canonical


def period_start_year(period: str) -> int:
    """The first year of a canonical period: 2006 for ``"2006-07"`` and ``"2006"``."""
    return int(period[:4])


def validate_indicator_file(
    data: bytes,
    filename: str,
    known_authorities: Iterable[str],
    catalogue: IndicatorCatalogue,
    *,
    on_progress: ProgressCallback | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportResult:
    """Check an uploaded CSV or XLSX file of indicator values; see the module docstring.

    ``filename`` is only used in messages (the content decides the type).
    ``on_progress(done, total)`` is called after each chunk of ``chunk_rows`` data
    rows is checked, ending with ``done == total``.
    """
    try:
        table = _read_table(data, filename)
    except _Unreadable as exc:
        return ImportResult(None, [ImportProblem(exc.row, None, exc.message)])
    header_problems, columns = _check_header(table)
    if columns is None:
        return ImportResult(None, header_problems)
    cells = _cells_frame(table, columns)
    problems = list(header_problems) + list(table.problems)
    if cells.empty:
        problems.append(
            ImportProblem(None, None, "the file has a header row but no rows of values")
        )
        return ImportResult(None, _ordered(problems))
    checker = _Checker(known_authorities, catalogue, columns, table)
    total = len(cells)
    checked: list[pd.DataFrame] = []
    for start in range(0, total, max(chunk_rows, 1)):
        checked.append(checker.check_chunk(cells.iloc[start : start + chunk_rows]))
        if on_progress is not None:
            on_progress(min(start + chunk_rows, total), total)
    frame = pd.concat(checked)
    checker.check_duplicates(frame)
    checker.check_period_kinds(frame)
    problems.extend(checker.problems)
    bad_rows = {problem.row for problem in problems if problem.row is not None}
    good = frame[~frame.index.isin(list(bad_rows))]
    rows = pd.DataFrame(
        {
            "row": good.index.to_numpy(dtype="int64"),
            "authority_code": good["authority_code"].to_numpy(dtype=object),
            "indicator_code": good["indicator_code"].to_numpy(dtype=object),
            "period": good["period"].to_numpy(dtype=object),
            "value": good["value"].to_numpy(dtype="float64"),
        }
    )
    return ImportResult(rows, _ordered(problems))


# --------------------------------------------------------------------------- reading


class _Unreadable(Exception):
    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message, self.row = message, row


@dataclass
class _Table:
    """Rows of text cells keyed by spreadsheet row number; the header row first."""

    rows: list[tuple[int, list[str]]]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, column index)
    date_cells: set[tuple[int, int]] = field(default_factory=set)
    problems: list[ImportProblem] = field(default_factory=list)


def _read_table(data: bytes, filename: str) -> _Table:
    if not data.strip():
        raise _Unreadable("the file is empty")
    if data.startswith(_ZIP_MAGIC):
        table = _read_xlsx(data)
    elif data.startswith(_OLE_MAGIC):
        raise _Unreadable(
            "old-style Excel .xls files are not accepted — save it as an Excel Workbook "
            "(.xlsx) or as CSV UTF-8"
        )
    elif filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise _Unreadable(f"{filename} is named as an Excel file but is not an Excel workbook")
    else:
        table = _read_csv(data)
    if not table.rows:
        raise _Unreadable("the file is empty")
    if len(table.rows) - 1 > MAX_ROWS:
        raise _Unreadable(
            f"the file has more than {MAX_ROWS:,} rows of values — split it into smaller files"
        )
    return table


def _read_csv(data: bytes) -> _Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _Unreadable(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}) — "
            'save it as "CSV UTF-8"',
            line,
        ) from None
    if "\x00" in text:
        raise _Unreadable("the file is not a CSV text file (it contains NUL bytes)")
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, record in enumerate(reader, start=1):
            if any(cell.strip() for cell in record):
                rows.append((number, record))
                if len(rows) > MAX_ROWS + 1:
                    break
    except csv.Error as exc:
        raise _Unreadable(f"the file is not valid CSV: {exc}", reader.line_num) from None
    return _Table(rows)


def _read_xlsx(data: bytes) -> _Table:
    from openpyxl import load_workbook  # imported here: only Excel uploads need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _Unreadable("the file is not an Excel .xlsx workbook") from None
    names = [info.filename.lower() for info in infos]
    if "[content_types].xml" not in names:
        raise _Unreadable("the file is a ZIP archive, not an Excel .xlsx workbook")
    if any(name.endswith("vbaproject.bin") for name in names):
        raise _Unreadable(
            "macro-enabled workbooks are not accepted — save it as an Excel Workbook (.xlsx)"
        )
    try:  # the archive checks every upload gets: zip bombs, unsafe entries, encryption, XXE
        check_office_archive(io.BytesIO(data))
    except RefusedFile as refusal:
        if refusal.code != "corrupt":
            raise _Unreadable(f"the workbook was refused: {refusal.reason}") from None
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise _Unreadable("the workbook is too large to read")
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise _Unreadable("the file is not an Excel .xlsx workbook") from None
    try:
        if not workbook.worksheets:
            raise _Unreadable("the workbook has no worksheets")
        return _read_sheet(workbook.worksheets[0])
    finally:
        workbook.close()


def _read_sheet(sheet: Any) -> _Table:
    table = _Table([])
    for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS_READ), start=1):
        values: list[str] = []
        for index, cell in enumerate(cells):
            if cell.data_type == "f":
                table.formula_cells.add((number, index))
            elif isinstance(cell.value, datetime | date | time):
                table.date_cells.add((number, index))
            values.append(_cell_text(cell.value))
        if any(value.strip() for value in values):
            table.rows.append((number, values))
            if len(table.rows) > MAX_ROWS + 1:
                break
    return table


def _cell_text(value: Any) -> str:
    """A cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- header


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _check_header(table: _Table) -> tuple[list[ImportProblem], dict[str, int] | None]:
    """Problems with the header row, and canonical column → position (None if unusable)."""
    header_row, header = table.rows[0]
    problems: list[ImportProblem] = []
    positions: dict[str, int] = {}
    repeated = False
    for index, text in enumerate(header):
        name = _normalise_header(text)
        if name not in COLUMNS:
            continue
        if name in positions:
            repeated = True
            problems.append(
                ImportProblem(
                    header_row,
                    name,
                    f'column "{name}" appears twice (columns {_column_letter(positions[name])} '
                    f"and {_column_letter(index)}) — keep one",
                )
            )
        else:
            positions[name] = index
    if any(row == header_row for row, _ in table.formula_cells):
        problems.append(
            ImportProblem(header_row, None, "formulas are not allowed in the header row")
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    required = ", ".join(REQUIRED_COLUMNS)
    for name in missing:
        problems.append(
            ImportProblem(
                header_row,
                name,
                f'missing column "{name}" — the header row must name the columns {required}',
            )
        )
    if missing and len([t for t in header if t.strip()]) == 1 and re.search(r"[;\t|]", header[0]):
        problems.append(
            ImportProblem(
                header_row,
                None,
                "the columns seem to be separated by something other than "
                "commas — save the file as CSV (comma delimited)",
            )
        )
    if missing or repeated:
        return problems, None
    return problems, positions


def _cells_frame(table: _Table, columns: Mapping[str, int]) -> pd.DataFrame:
    """Data rows as a DataFrame of stripped text, indexed by spreadsheet row number."""
    body = table.rows[1:]
    header = table.rows[0][1]
    width = max((i + 1 for i, text in enumerate(header) if text.strip()), default=0)
    numbers = [number for number, _ in body]
    frame = pd.DataFrame(
        {
            name: [cells[index].strip() if index < len(cells) else "" for _, cells in body]
            for name, index in columns.items()
        },
        index=pd.Index(numbers, dtype="int64", name="row"),
        dtype=object,
    )
    for number, cells in body:
        extra = [i for i, cell in enumerate(cells[width:], start=width) if cell.strip()]
        if extra:
            table.problems.append(
                ImportProblem(
                    number,
                    None,
                    f"there is a value in column {_column_letter(extra[0])}, which has no "
                    "heading — remove it or give the column a heading",
                )
            )
    return frame


# --------------------------------------------------------------------------- checks


class _Checker:
    """Vectorised checks of chunks of rows; collects problems as it goes."""

    def __init__(
        self,
        known_authorities: Iterable[str],
        catalogue: IndicatorCatalogue,
        positions: Mapping[str, int],
        table: _Table,
    ) -> None:
        self.authorities = {code.strip().upper(): code for code in known_authorities}
        self.catalogue = catalogue
        self.indicators = {code.upper(): code for code in catalogue.codes}
        frame = catalogue.to_frame()
        self.titles = frame["title"]
        self.outcomes = frame["outcome"]
        self.units = frame["unit"]
        self.higher = frame["higher_is_better"]
        self.minimum = frame["unit"].map(lambda unit: UNITS[unit].minimum)
        self.maximum = frame["unit"].map(lambda unit: UNITS[unit].maximum)
        self.positions = positions
        self.formula_cells = table.formula_cells
        self.date_cells = table.date_cells
        self.problems: list[ImportProblem] = []

    # ---- helpers

    def _report(
        self, mask: pd.Series, column: str | None, message: Callable[..., str], *values: pd.Series
    ) -> None:
        """Record ``message(*row values)`` for every row where ``mask`` is True."""
        rows = mask.index[mask.to_numpy(dtype=bool)]
        if len(rows) == 0:
            return
        columns = [series.loc[rows].tolist() for series in values]
        for row, *row_values in zip(rows.tolist(), *columns, strict=True):
            self.problems.append(ImportProblem(row, column, message(*row_values)))

    def _special_cells(
        self, chunk: pd.DataFrame, column: str, cells: set[tuple[int, int]]
    ) -> pd.Series:
        position = self.positions[column]
        rows = {row for row, index in cells if index == position}
        return pd.Series(chunk.index.isin(list(rows)), index=chunk.index)

    # ---- per chunk

    def check_chunk(self, chunk: pd.DataFrame) -> pd.DataFrame:
        """Check one chunk; return it with canonical codes, period and numeric value
        (NaN/None where a cell is invalid)."""
        skip: dict[str, pd.Series] = {}
        for column in chunk.columns:
            formulas = self._special_cells(chunk, column, self.formula_cells)
            self._report(
                formulas, column, lambda: "formulas are not allowed — type the value instead"
            )
            skip[column] = formulas
        out = pd.DataFrame(index=chunk.index)
        out["authority_code"] = self._codes(
            chunk,
            skip,
            "authority_code",
            self.authorities,
            "authority code",
            lambda v: f'unknown authority "{v}" — not an authority known to the workbench',
        )
        version = self.catalogue.version
        out["indicator_code"] = self._codes(
            chunk,
            skip,
            "indicator_code",
            self.indicators,
            "indicator code",
            lambda v: (
                f'unknown indicator "{v}" — not in the indicator catalogue (version {version})'
            ),
        )
        out["period"] = self._periods(chunk, skip)
        out["value"] = self._values(chunk, skip, out["indicator_code"])
        self._agreement(chunk, skip, out["indicator_code"])
        return out

    def _codes(
        self,
        chunk: pd.DataFrame,
        skip: dict[str, pd.Series],
        column: str,
        known: Mapping[str, str],
        what: str,
        unknown: Callable[[str], str],
    ) -> pd.Series:
        text = chunk[column]
        missing = (text == "") & ~skip[column]
        self._report(missing, column, lambda: f"{what} is missing")
        canonical = text.str.upper().map(known)
        bad = canonical.isna() & (text != "") & ~skip[column]
        self._report(bad, column, unknown, text)
        return canonical.where(~skip[column], None)

    def _periods(self, chunk: pd.DataFrame, skip: dict[str, pd.Series]) -> pd.Series:
        text = chunk["period"]
        dates = self._special_cells(chunk, "period", self.date_cells) & ~skip["period"]
        self._report(
            dates,
            "period",
            lambda v: (
                f"the cell holds a date ({v[:10]}), not a period — Excel may have turned "
                'a period such as "2006-07" into a date; format the column as Text and type the '
                "periods again"
            ),
            text,
        )
        live = ~skip["period"] & ~dates
        self._report((text == "") & live, "period", lambda: "period is missing")
        parts = text.str.extract(_PERIOD)
        start = pd.to_numeric(parts[0], errors="coerce")
        end = pd.to_numeric(parts[1], errors="coerce")
        matched = parts[0].notna()
        bad_format = ~matched & (text != "") & live
        self._report(
            bad_format,
            "period",
            lambda v: f'period "{v}" is not in a recognised format: {PERIOD_HELP}',
            text,
        )
        out_of_range = matched & ((start < FIRST_YEAR) | (start > LAST_YEAR)) & live
        self._report(
            out_of_range,
            "period",
            lambda v: f'period "{v}" is outside the years {FIRST_YEAR}–{LAST_YEAR}',
            text,
        )
        is_span = parts[1].notna()
        next_year = (start + 1) % 100
        not_consecutive = matched & is_span & (end != next_year) & ~out_of_range & live
        self._report(
            not_consecutive,
            "period",
            lambda v, s: (
                f'period "{v}" does not span consecutive years: the year starting '
                f'{int(s)} is written "{int(s)}-{(int(s) + 1) % 100:02d}"'
            ),
            text,
            start,
        )
        valid = matched & ~out_of_range & ~not_consecutive & live
        canonical = parts[0].where(~is_span, parts[0] + "-" + parts[1])
        return canonical.where(valid, None)

    def _values(
        self, chunk: pd.DataFrame, skip: dict[str, pd.Series], indicator: pd.Series
    ) -> pd.Series:
        text = chunk["value"]
        live = ~skip["value"]
        self._report(
            (text == "") & live,
            "value",
            lambda: "value is missing — leave out rows that have no figure",
        )
        numbers = pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")
        not_number = numbers.isna() & (text != "") & live
        self._report(
            not_number,
            "value",
            lambda v: (
                f'value "{v}" is not a number — type digits only, without commas, % signs or notes'
            ),
            text,
        )
        infinite = numbers.notna() & ~np.isfinite(numbers) & live
        self._report(infinite, "value", lambda v: f'value "{v}" is not a finite number', text)
        finite = numbers.where(np.isfinite(numbers))
        minimum = indicator.map(self.minimum).astype("float64")
        maximum = indicator.map(self.maximum).astype("float64")
        unit = indicator.map(self.units)
        is_percent = unit == "percent"
        out_of_percent = is_percent & ((finite < minimum) | (finite > maximum)) & live
        self._report(
            out_of_percent,
            "value",
            lambda v, code: f"value {v} is outside 0–100: {code} is a percentage",
            text,
            indicator,
        )
        negative = ~is_percent & (finite < minimum) & live
        self._report(
            negative,
            "value",
            lambda v, code, u: (
                f"value {v} is negative: {code} is measured as a {u} and cannot be below 0"
            ),
            text,
            indicator,
            unit,
        )
        bad = out_of_percent | negative
        return finite.where(~bad & live)

    def _agreement(
        self, chunk: pd.DataFrame, skip: dict[str, pd.Series], indicator: pd.Series
    ) -> None:
        """Optional columns, where filled in, must agree with the catalogue."""
        known = indicator.notna()

        def live(column: str) -> pd.Series:
            return known & (chunk[column] != "") & ~skip[column]

        if "indicator_title" in chunk:
            given = chunk["indicator_title"]
            expected = indicator.map(self.titles)
            bad = live("indicator_title") & (_fold(given) != _fold(expected))
            self._report(
                bad,
                "indicator_title",
                lambda v, code, title: (
                    f'indicator title "{v}" does not match the catalogue title of {code}: "{title}"'
                ),
                given,
                indicator,
                expected,
            )
        if "outcome" in chunk:
            given = chunk["outcome"]
            expected = indicator.map(self.outcomes)
            expected_title = expected.map(OUTCOMES)
            folded = _fold(given)
            bad = live("outcome") & (folded != _fold(expected)) & (folded != _fold(expected_title))
            self._report(
                bad,
                "outcome",
                lambda v, code, out: (
                    f'outcome "{v}" does not match the catalogue: {code} is '
                    f'under "{out}" ({OUTCOMES[out]})'
                ),
                given,
                indicator,
                expected,
            )
        if "unit" in chunk:
            given = chunk["unit"]
            expected = indicator.map(self.units)
            bad = live("unit") & (_fold(given) != _fold(expected))
            self._report(
                bad,
                "unit",
                lambda v, code, u: (
                    f'unit "{v}" does not match the catalogue: {code} is measured as "{u}"'
                ),
                given,
                indicator,
                expected,
            )
        if "higher_is_better" in chunk:
            given = chunk["higher_is_better"]
            folded = _fold(given)
            parsed = folded.map(lambda v: True if v in _TRUE else False if v in _FALSE else None)
            filled = live("higher_is_better")
            unreadable = (given != "") & ~skip["higher_is_better"] & parsed.isna()
            self._report(
                unreadable,
                "higher_is_better",
                lambda v: f'higher_is_better "{v}" is not TRUE or FALSE',
                given,
            )
            expected = indicator.map(self.higher)
            disagree = filled & parsed.notna() & (parsed != expected)
            self._report(
                disagree,
                "higher_is_better",
                lambda v, code, e: (
                    f'higher_is_better "{v}" does not match the catalogue: for '
                    f"{code} {'higher' if e else 'lower'} values are better"
                ),
                given,
                indicator,
                expected,
            )

    # ---- across the file

    def check_duplicates(self, frame: pd.DataFrame) -> None:
        keys = frame[["authority_code", "indicator_code", "period"]]
        complete = keys.notna().all(axis=1)
        keyed = keys[complete]
        repeated = keyed.duplicated(keep="first")
        if not repeated.any():
            return
        first_row = (
            pd.Series(keyed.index, index=keyed.index)
            .groupby([keyed[column] for column in keyed.columns], sort=False)
            .transform("min")
        )
        for row in keyed.index[repeated.to_numpy()].tolist():
            authority, indicator, period = keyed.loc[row].tolist()
            self.problems.append(
                ImportProblem(
                    row,
                    None,
                    f"duplicate row: rows {first_row.loc[row]} and {row} both give "
                    f"{authority}, {indicator}, {period} — keep one value per authority, "
                    "indicator and period",
                )
            )

    def check_period_kinds(self, frame: pd.DataFrame) -> None:
        """One indicator, one kind of period: all calendar or all financial/academic."""
        valid = frame[frame["period"].notna() & frame["indicator_code"].notna()]
        if valid.empty:
            return
        span = valid["period"].str.len() > 4
        first_span = span.groupby(valid["indicator_code"]).transform("first")
        first_row = (
            pd.Series(valid.index, index=valid.index)
            .groupby(valid["indicator_code"])
            .transform("first")
        )
        differs = span != first_span
        self._report(
            differs,
            "period",
            lambda period, code, first: (
                f'period "{period}" is a '
                f"{'financial or academic' if len(period) > 4 else 'calendar'} year but row "
                f"{first} gives {code} for "
                f"{'calendar' if len(period) > 4 else 'financial or academic'} years — use one "
                "kind of period per indicator"
            ),
            valid["period"],
            valid["indicator_code"],
            first_row,
        )


def _fold(series: pd.Series) -> pd.Series:
    """Case- and whitespace-insensitive form of text, for comparisons."""
    return series.astype("object").map(
        lambda v: " ".join(str(v).split()).casefold() if isinstance(v, str) else v
    )


def _period_problem(text: str) -> tuple[str | None, str]:
    match = _PERIOD.match(text)
    if not match:
        return f'period "{text}" is not in a recognised format: {PERIOD_HELP}', ""
    start = int(match[1])
    if not FIRST_YEAR <= start <= LAST_YEAR:
        return f'period "{text}" is outside the years {FIRST_YEAR}–{LAST_YEAR}', ""
    if match[2] is None:
        return None, match[1]
    if int(match[2]) != (start + 1) % 100:
        return (
            f'period "{text}" does not span consecutive years: the year starting {start} '
            f'is written "{start}-{(start + 1) % 100:02d}"',
            "",
        )
    return None, f"{match[1]}-{match[2]}"


def _ordered(problems: list[ImportProblem]) -> list[ImportProblem]:
    order = {name: i for i, name in enumerate(COLUMNS)}
    return sorted(
        problems,
        key=lambda p: (
            -1 if p.row is None else p.row,
            len(order) if p.column is None else order.get(p.column, len(order)),
        ),
    )
