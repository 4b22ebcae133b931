"""The authority's self-evaluation workbook: build it from a rubric, parse a filled one.

The authority downloads an ``.xlsx`` workbook made from the review's rubric, grades
each key judgement (and each judgement area overall), writes its evaluation and
evidence references, and uploads it again. Nothing here imports Flask or the
database.

Layout of the workbook (format version :data:`FORMAT_VERSION`):

* ``Instructions`` — first sheet: how to fill it in, the grade scale, limits, and
  the authority, review reference and rubric it was made for.
* One sheet per judgement area, titled with the area title (made safe for Excel:
  ``[]:*?/\\`` removed, at most 31 characters, unique). Rows 1 to 3 hold the area
  title and guidance; row :data:`HEADER_ROW` the column headings; from row
  :data:`FIRST_ROW` one row per key judgement, then an ``Overall: <area title>``
  row (numbered with the area number, e.g. ``2``) for the area's own grade.
  Columns: A key judgement number, B statement, C grade (a dropdown of the scale),
  D narrative, E evidence references.
* ``_meta`` — very hidden: rubric key, version and content hash, format version,
  the authority and review reference, and the structure checksum
  (:func:`structure_checksum` over the ordered ``(sheet title, row, number,
  statement)`` tuples).

Every sheet is protected without a password and the workbook structure is locked;
only the grade, narrative and evidence cells are unlocked. Protection guards
against accidents only: the parser re-checks everything.

Decisions when parsing:

* Every problem is collected and reported together (:class:`SelfEvaluationErrors`),
  except that a file that cannot be read, or one made for another rubric, stops
  the checks early (further messages would only be noise).
* A row may be left fully blank (an incomplete return is still a return), but the
  return must contain at least one grade. A narrative or evidence without a grade
  is kept; a grade without a narrative is refused.
* Grades must be whole numbers on the scale: ``3``, ``3.0`` and ``"3"`` are
  accepted; ``"3.5"``, ``"good"`` and ``5`` are refused.
* Formulas are refused anywhere in the sheets read; in the answer cells a text
  beginning with ``=`` is refused too (it would become a formula elsewhere).
* The rubric content hash is recorded but not enforced: a rubric whose wording of
  descriptors changed is still compatible as long as the structure checksum (sheet
  titles, rows, numbers and statements) matches.
* Text answers are returned with surrounding whitespace stripped, nothing else.
* Every key judgement and area of the rubric has an entry in the return (blank
  rows give ``grade=None`` and empty strings), in rubric order: each area's key
  judgements followed by the area's own entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import column_index_from_string
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from inspect_app.domain.evidence_files import RefusedFile, check_office_archive
from inspect_app.domain.rubric import (
    BestEnd,
    GradePoint,
    GradeScale,
    JudgementAreaSpec,
    RubricSpec,
)

FORMAT_VERSION = "1"
INSTRUCTIONS_SHEET = "Instructions"
META_SHEET = "_meta"
NARRATIVE_MAX_CHARS = 4000
EVIDENCE_MAX_CHARS = 1000

HEADER_ROW = 4
FIRST_ROW = 5
NUMBER_COL, STATEMENT_COL, GRADE_COL, NARRATIVE_COL, EVIDENCE_COL = "A", "B", "C", "D", "E"
ANSWER_COLS = (GRADE_COL, NARRATIVE_COL, EVIDENCE_COL)
_ANSWER_COL_INDEXES = frozenset(column_index_from_string(c) for c in ANSWER_COLS)
COLUMN_WIDTHS = {"A": 14, "B": 60, "C": 14, "D": 80, "E": 45}

# Limits on what the parser will read, so a hostile upload cannot exhaust memory.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_SHEET_ROWS = 2000
MAX_SHEET_COLUMNS = 30

EXCEL_TITLE_MAX = 31
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED_TITLES = frozenset({INSTRUCTIONS_SHEET.casefold(), META_SHEET.casefold(), "history"})
_WHOLE_NUMBER = re.compile(r"[+-]?\d+(\.0*)?")

_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_ANSWER_FILL = PatternFill(fill_type="solid", start_color="FFFFF2CC", end_color="FFFFF2CC")
_HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
_UNLOCKED = Protection(locked=False)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class SelfEvaluationEntry:
    judgement: str  # key judgement number ("2.3"), or area number ("2") for the area row
    is_area: bool
    grade: int | None
    narrative: str
    evidence_references: str


@dataclass(frozen=True)
class SelfEvaluationReturn:
    rubric_key: str
    rubric_version: str
    entries: tuple[SelfEvaluationEntry, ...]

    def entry(self, judgement: str) -> SelfEvaluationEntry:
        for entry in self.entries:
            if entry.judgement == judgement:
                return entry
        raise KeyError(judgement)


@dataclass(frozen=True)
class WorkbookProblem:
    sheet: str | None
    cell: str | None
    message: str
    filename: str | None = None  # shown for problems with no sheet

    def __str__(self) -> str:
        if self.sheet is not None and self.cell is not None:
            return f"{self.sheet}!{self.cell}: {self.message}"
        if self.sheet is not None:
            return f"{self.sheet}: {self.message}"
        if self.filename is not None:
            return f"{self.filename}: {self.message}"
        return self.message


class SelfEvaluationErrors(ValueError):
    """The uploaded workbook was refused; ``problems`` says everything that is wrong."""

    def __init__(self, problems: Sequence[WorkbookProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class EntryChange:
    judgement: str
    field: str  # "grade", "narrative" or "evidence_references"
    old: int | str | None
    new: int | str | None


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class LayoutRow:
    row: int
    judgement: str
    statement: str
    is_area: bool


@dataclass(frozen=True)
class SheetLayout:
    title: str
    area: JudgementAreaSpec
    rows: tuple[LayoutRow, ...]


def sheet_title(title: str, taken: Iterable[str] = (), fallback: str = "Area") -> str:
    """An Excel-safe sheet title: forbidden characters removed, ≤31 chars, unique."""
    base = _TITLE_FORBIDDEN.sub("", title).strip().strip("'").strip() or fallback
    used = {t.casefold() for t in taken} | _RESERVED_TITLES
    candidate = base[:EXCEL_TITLE_MAX].rstrip()
    counter = 2
    while candidate.casefold() in used:
        suffix = f" ({counter})"
        candidate = base[: EXCEL_TITLE_MAX - len(suffix)].rstrip() + suffix
        counter += 1
    return candidate


def overall_statement(area: JudgementAreaSpec) -> str:
    return f"Overall: {area.title}"


def workbook_layout(rubric: RubricSpec) -> tuple[SheetLayout, ...]:
    """Sheets and rows of the workbook for ``rubric``, in order."""
    sheets: list[SheetLayout] = []
    for area in rubric.areas:
        title = sheet_title(area.title, (s.title for s in sheets), f"Area {area.number}")
        sheets.append(SheetLayout(title, area, _area_rows(area)))
    return tuple(sheets)


def _area_rows(area: JudgementAreaSpec) -> tuple[LayoutRow, ...]:
    rows = [
        LayoutRow(FIRST_ROW + i, kj.number, kj.text, is_area=False)
        for i, kj in enumerate(area.key_judgements)
    ]
    rows.append(
        LayoutRow(FIRST_ROW + len(rows), str(area.number), overall_statement(area), is_area=True)
    )
    return tuple(rows)


def structure_checksum(rows: Iterable[tuple[str, int, str, str]]) -> str:
    """SHA-256 over ordered ``(sheet title, row number, judgement number, statement)``."""
    canonical = json.dumps([list(r) for r in rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def layout_checksum(layout: Iterable[SheetLayout]) -> str:
    return structure_checksum(
        (sheet.title, r.row, r.judgement, r.statement) for sheet in layout for r in sheet.rows
    )


# --------------------------------------------------------------------------- building


def build_workbook(rubric: RubricSpec, *, authority_name: str, review_reference: str) -> bytes:
    """The blank self-evaluation workbook (xlsx bytes) for one review."""
    layout = workbook_layout(rubric)
    wb = Workbook()
    instructions = wb.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    _write_instructions(instructions, rubric, authority_name, review_reference)
    for sheet in layout:
        _write_area_sheet(wb.create_sheet(sheet.title), sheet, rubric.grade_scale)
    meta = {
        "format_version": FORMAT_VERSION,
        "rubric_key": rubric.key,
        "rubric_version": rubric.version,
        "rubric_content_hash": rubric.content_hash,
        "structure_checksum": layout_checksum(layout),
        "authority_name": authority_name,
        "review_reference": review_reference,
    }
    _write_meta(wb.create_sheet(META_SHEET), meta)
    wb.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _put_text(cell: Cell, text: str) -> Cell:
    """Write ``text`` as text, never as a formula (even if it begins with '=')."""
    cell.value = text
    cell.data_type = "s"
    return cell


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    # Resizing rows and columns is harmless and helps reading long narratives.
    ws.protection.formatRows = False
    ws.protection.formatColumns = False


def _best_first(scale: GradeScale) -> list[GradePoint]:
    return sorted(scale.points, key=lambda p: p.value, reverse=scale.best is BestEnd.HIGHEST)


def _grade_lines(scale: GradeScale) -> list[str]:
    best_first = _best_first(scale)
    lines = [
        f"{p.value} — {p.label}" + (f": {p.descriptor}" if p.descriptor else "") for p in best_first
    ]
    best, worst = best_first[0], best_first[-1]
    lines.append(
        f"{best.value} is the best grade and {worst.value} the weakest."
        + (
            " This is the opposite direction to some school inspection scales, where 1 is best."
            if scale.best is BestEnd.HIGHEST
            else ""
        )
    )
    return lines


def _instruction_sections(
    rubric: RubricSpec, authority_name: str, review_reference: str
) -> list[tuple[str, list[str]]]:
    scale = rubric.grade_scale
    return [
        (
            "This workbook",
            [
                f"Authority: {authority_name}",
                f"Review reference: {review_reference}",
                f"Rubric: {rubric.title} ({rubric.key}, version {rubric.version})",
                "This is the authority's self-evaluation for its Joint Area Review. There is "
                "one sheet for each judgement area. Each sheet lists the area's key judgements, "
                "followed by a row for the area's overall grade.",
            ],
        ),
        (
            "How to fill it in",
            [
                f"Grade: choose a grade ({scale.describe()}) from the list in the Grade column.",
                "Narrative: write your evaluation of the key judgement. A narrative is required "
                "for every grade you give.",
                "Evidence references: list the documents, data and case numbers that support "
                "your evaluation. Refer to children by case number only, never by name.",
                "Overall row: give the area's overall grade and say why, on the last row of "
                "each sheet.",
                "You may leave a row blank if you are not evaluating it, but give at least one "
                "grade.",
            ],
        ),
        ("Grades", _grade_lines(scale)),
        (
            "Limits and rules",
            [
                f"A narrative may be at most {NARRATIVE_MAX_CHARS:,} characters; evidence "
                f"references at most {EVIDENCE_MAX_CHARS:,} characters per cell.",
                "Type values only: formulas are not accepted.",
                "Save as an Excel Workbook (.xlsx). Macro-enabled workbooks (.xlsm) are "
                "not accepted.",
                "The structure is protected and must not be changed: do not add, delete, "
                "rename or reorder sheets or rows, and do not edit the statements. Only the "
                "shaded Grade, Narrative and Evidence references cells can be typed in. "
                "A workbook whose structure has changed will be refused when uploaded.",
            ],
        ),
    ]


def _write_instructions(
    ws: Worksheet, rubric: RubricSpec, authority_name: str, review_reference: str
) -> None:
    ws.column_dimensions["A"].width = 110
    _put_text(ws.cell(1, 1), f"Self-evaluation workbook — {rubric.title}").font = _TITLE_FONT
    row = 3
    for heading, lines in _instruction_sections(rubric, authority_name, review_reference):
        _put_text(ws.cell(row, 1), heading).font = _BOLD
        row += 1
        for line in lines:
            _put_text(ws.cell(row, 1), line).alignment = _WRAP_TOP
            row += 1
        row += 1
    _protect(ws)


def _write_area_sheet(ws: Worksheet, sheet: SheetLayout, scale: GradeScale) -> None:
    area = sheet.area
    _put_text(ws["A1"], f"{area.number}. {area.title}").font = _TITLE_FONT
    if area.description:
        ws.merge_cells("A2:E2")
        _put_text(ws["A2"], area.description).alignment = _WRAP_TOP
    ws.merge_cells("A3:E3")
    _put_text(
        ws["A3"],
        f"Choose a grade ({scale.describe()}) in column C, write your evaluation in column D "
        "and list your evidence in column E. The last row is the area's overall grade.",
    ).alignment = _WRAP_TOP
    headers = ("Key judgement", "Statement", f"Grade ({scale.describe()})")
    headers += ("Narrative: your evaluation", "Evidence references")
    for col, header in zip(COLUMN_WIDTHS, headers, strict=True):
        cell = _put_text(ws[f"{col}{HEADER_ROW}"], header)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP_TOP
    for layout_row in sheet.rows:
        _write_row(ws, layout_row)
    ws.add_data_validation(_grade_validation(scale, sheet))
    for col, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"A{FIRST_ROW}"
    _protect(ws)


def _write_row(ws: Worksheet, layout_row: LayoutRow) -> None:
    r = layout_row.row
    number = _put_text(ws[f"{NUMBER_COL}{r}"], layout_row.judgement)
    statement = _put_text(ws[f"{STATEMENT_COL}{r}"], layout_row.statement)
    number.number_format = "@"
    for cell in (number, statement):
        cell.alignment = _WRAP_TOP
        if layout_row.is_area:
            cell.font = _BOLD
    for col in ANSWER_COLS:
        cell = ws[f"{col}{r}"]
        cell.protection, cell.fill, cell.alignment = _UNLOCKED, _ANSWER_FILL, _WRAP_TOP
        if col != GRADE_COL:
            cell.number_format = "@"  # keep typed text as text


def _grade_validation(scale: GradeScale, sheet: SheetLayout) -> DataValidation:
    choices = ", ".join(str(v) for v in scale.values)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(str(v) for v in scale.values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Grade not on the scale",
        error=f"Choose a grade from the list: {choices}.",
        showInputMessage=True,
        promptTitle=f"Grade ({scale.describe()})",
        prompt=_grade_prompt(scale),
    )
    first, last = sheet.rows[0].row, sheet.rows[-1].row
    validation.add(f"{GRADE_COL}{first}:{GRADE_COL}{last}")
    return validation


def _grade_prompt(scale: GradeScale) -> str:
    prompt = "; ".join(f"{p.value} {p.label}" for p in _best_first(scale))
    return f"{prompt}. A narrative is required for every grade."[:255]


def _write_meta(ws: Worksheet, meta: dict[str, str]) -> None:
    for row, (key, value) in enumerate(meta.items(), start=1):
        _put_text(ws.cell(row, 1), key)
        _put_text(ws.cell(row, 2), value)
    ws.sheet_state = "veryHidden"
    _protect(ws)


# --------------------------------------------------------------------------- parsing


class _Problems:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.items: list[WorkbookProblem] = []

    def file(self, message: str) -> None:
        self.items.append(WorkbookProblem(None, None, message, self.filename))

    def cell(self, sheet: str, cell: str, message: str) -> None:
        self.items.append(WorkbookProblem(sheet, cell, message, self.filename))

    def raise_if_any(self) -> None:
        if self.items:
            raise SelfEvaluationErrors(self.items)


class _Stop(Exception):
    """No further checks make sense; report what has been found so far."""


def parse_workbook(
    data: bytes | BinaryIO,
    rubric: RubricSpec,
    *,
    filename: str = "workbook.xlsx",
    review_reference: str | None = None,
) -> SelfEvaluationReturn:
    """Read a filled workbook, or raise :class:`SelfEvaluationErrors` listing every problem.

    When ``review_reference`` is given, a workbook made for another review is refused.
    """
    problems = _Problems(filename)
    raw = data if isinstance(data, bytes) else data.read()
    try:
        wb = _open_workbook(raw, problems)
        entries = _check_workbook(wb, rubric, problems, review_reference)
    except _Stop:
        entries = ()
    problems.raise_if_any()
    return SelfEvaluationReturn(rubric.key, rubric.version, tuple(entries))


def _open_workbook(raw: bytes, problems: _Problems) -> Workbook:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            content_types = _read_member(archive, "[Content_Types].xml")
    except (zipfile.BadZipFile, OSError, ValueError):
        problems.file("not an Excel .xlsx workbook")
        raise _Stop from None
    if _is_macro_enabled(infos, content_types):
        problems.file(
            "macro-enabled workbooks (.xlsm) are not accepted — "
            "save it as an Excel Workbook (.xlsx)"
        )
        raise _Stop
    try:  # the checks every upload gets, so the message names the problem
        check_office_archive(io.BytesIO(raw))
    except RefusedFile as refusal:
        corrupt = refusal.code == "corrupt"
        problems.file("not an Excel .xlsx workbook" if corrupt else refusal.reason)
        raise _Stop from None
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        problems.file("the workbook is too large to read")
        raise _Stop
    try:
        return _load(raw)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        problems.file("not an Excel .xlsx workbook")
        raise _Stop from None


def _read_member(archive: zipfile.ZipFile, name: str) -> str:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return ""
    if info.file_size > 1024 * 1024:
        return ""
    return archive.read(info).decode("utf-8", errors="replace")


def _is_macro_enabled(infos: list[zipfile.ZipInfo], content_types: str) -> bool:
    has_vba = any(info.filename.lower().endswith("vbaproject.bin") for info in infos)
    return has_vba or "macroenabled" in content_types.lower()


def _load(raw: bytes) -> Workbook:
    with warnings.catch_warnings():
        # Excel-saved files may carry extensions openpyxl does not read (e.g. x14 data
        # validations); they are irrelevant to the answers, so the warning is dropped.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        return load_workbook(io.BytesIO(raw), data_only=False)


def _check_workbook(
    wb: Workbook, rubric: RubricSpec, problems: _Problems, review_reference: str | None
) -> list[SelfEvaluationEntry]:
    layout = workbook_layout(rubric)
    expected_titles = [s.title for s in layout]
    scanned = [t for t in (INSTRUCTIONS_SHEET, *expected_titles, META_SHEET) if t in wb]
    formula_cells = _find_formulas(wb, scanned, set(expected_titles), problems)
    _check_meta(wb, rubric, layout, problems, review_reference)
    structure_ok = _check_sheets(wb, expected_titles, problems)
    entries: list[SelfEvaluationEntry] = []
    for sheet in layout:
        if sheet.title in wb:
            reader = _SheetReader(wb[sheet.title], rubric.grade_scale, formula_cells, problems)
            sheet_entries, sheet_ok = reader.read(sheet)
            entries.extend(sheet_entries)
            structure_ok = structure_ok and sheet_ok
    # Belt and braces: the row checks above should have explained any difference.
    if structure_ok and _actual_checksum(wb, layout) != layout_checksum(layout):
        problems.file("the workbook's structure has been changed — download a new workbook")
    _check_some_grade(entries, problems)
    return _in_rubric_order(entries, layout)


# ---- formulas


def _find_formulas(
    wb: Workbook, titles: list[str], area_titles: set[str], problems: _Problems
) -> set[tuple[str, str]]:
    """Report every formula cell in the sheets read; return them as (sheet, cell)."""
    found: set[tuple[str, str]] = set()
    for title in titles:
        ws = wb[title]
        if ws.max_row > MAX_SHEET_ROWS or ws.max_column > MAX_SHEET_COLUMNS:
            problems.cell(
                title,
                ws.dimensions,
                "there is content outside the workbook's layout — "
                "rows and columns must not be added",
            )
            raise _Stop
        for row in ws.iter_rows():
            for cell in row:
                if _is_formula(cell, answer=title in area_titles and _is_answer_cell(cell)):
                    problems.cell(title, cell.coordinate, _formula_message(cell))
                    found.add((title, cell.coordinate))
    return found


def _is_answer_cell(cell: Cell | MergedCell) -> bool:
    return cell.column in _ANSWER_COL_INDEXES and cell.row >= FIRST_ROW


def _is_formula(cell: Cell | MergedCell, *, answer: bool) -> bool:
    if cell.data_type == "f":
        return True
    return answer and isinstance(cell.value, str) and cell.value.strip().startswith("=")


def _formula_message(cell: Cell | MergedCell) -> str:
    if cell.data_type == "f":
        return "formulas are not allowed — type the value instead"
    return 'formulas are not allowed — this cell begins with "="; type the value instead'


# ---- meta


def _read_meta(ws: Worksheet) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key, value, *_ in ws.iter_rows(min_row=1, max_col=2, values_only=True):
        if isinstance(key, str):
            meta[key] = _text(value)
    return meta


def _check_meta(
    wb: Workbook,
    rubric: RubricSpec,
    layout: tuple[SheetLayout, ...],
    problems: _Problems,
    review_reference: str | None,
) -> None:
    if META_SHEET not in wb:
        problems.file(
            "this is not a JAR Workbench self-evaluation workbook, or it has been damaged "
            f"(its hidden {META_SHEET} sheet is missing) — download a new workbook"
        )
        raise _Stop
    meta = _read_meta(wb[META_SHEET])
    made_for = (meta.get("rubric_key", ""), meta.get("rubric_version", ""))
    if made_for != (rubric.key, rubric.version):
        problems.file(
            f"This workbook was made for rubric {made_for[0] or '(unknown)'} version "
            f"{made_for[1] or '(unknown)'}; this review uses {rubric.key} version "
            f"{rubric.version} — download a new workbook"
        )
        raise _Stop
    if meta.get("format_version") != FORMAT_VERSION:
        problems.file(
            "this workbook was made by a different version of JAR Workbench — "
            "download a new workbook"
        )
        raise _Stop
    if meta.get("structure_checksum") != layout_checksum(layout):
        problems.file(
            f"this workbook's structure does not match rubric {rubric.key} version "
            f"{rubric.version} (structure checksum mismatch) — download a new workbook"
        )
        raise _Stop
    made_for_review = meta.get("review_reference", "")
    if review_reference is not None and made_for_review != review_reference:
        problems.file(
            f"This workbook was made for review {made_for_review or '(unknown)'}, not "
            f"{review_reference} — download the workbook for this review"
        )
        raise _Stop


# ---- sheets


def _check_sheets(wb: Workbook, expected: list[str], problems: _Problems) -> bool:
    """Report added, missing and reordered sheets; True when all is in place."""
    before = len(problems.items)
    allowed = {INSTRUCTIONS_SHEET, META_SHEET, *expected}
    for title in wb.sheetnames:
        if title not in allowed:
            problems.file(
                f'sheet "{title}" is not part of this workbook — '
                "sheets must not be added or renamed"
            )
    for title in expected:
        if title not in wb.sheetnames:
            problems.file(f'sheet "{title}" is missing — sheets must not be renamed or deleted')
    found = [t for t in wb.sheetnames if t in expected]
    if found != sorted(found, key=expected.index):
        problems.file(
            "the sheets have been reordered — expected "
            + ", ".join(f'"{t}"' for t in expected if t in found)
            + " but found "
            + ", ".join(f'"{t}"' for t in found)
        )
    return len(problems.items) == before


def _actual_checksum(wb: Workbook, layout: tuple[SheetLayout, ...]) -> str:
    rows: list[tuple[str, int, str, str]] = []
    for sheet in layout:
        ws = wb[sheet.title]
        for r in range(FIRST_ROW, ws.max_row + 1):
            number = _text(ws[f"{NUMBER_COL}{r}"].value)
            if number:
                rows.append((sheet.title, r, number, _text(ws[f"{STATEMENT_COL}{r}"].value)))
    return structure_checksum(rows)


# ---- rows and answers of one area sheet


@dataclass(frozen=True)
class _FoundRow:
    row: int
    judgement: str
    statement: str


def _describe(row: LayoutRow) -> str:
    if row.is_area:
        return f"the overall row for area {row.judgement}"
    return f"key judgement {row.judgement}"


class _BadGrade(ValueError):
    pass


class _SheetReader:
    """Checks the rows of one area sheet against its layout and reads the answers."""

    def __init__(
        self,
        ws: Worksheet,
        scale: GradeScale,
        formula_cells: set[tuple[str, str]],
        problems: _Problems,
    ) -> None:
        self.ws, self.scale, self.formula_cells, self.problems = ws, scale, formula_cells, problems
        self.ok = True

    def read(self, sheet: SheetLayout) -> tuple[list[SelfEvaluationEntry], bool]:
        """Entries for the rows that can be found, and whether the structure is intact."""
        found = self._scan()
        located = self._locate(sheet, found)
        if self.ok:
            self._check_positions(sheet, found)
        self._check_statements(sheet, found)
        entries = [
            self._entry(row, located[row.judgement])
            for row in sheet.rows
            if row.judgement in located
        ]
        return entries, self.ok

    # structure

    def _refuse(self, cell: str, message: str) -> None:
        self.problems.cell(self.ws.title, cell, message)
        self.ok = False

    def _scan(self) -> list[_FoundRow]:
        found: list[_FoundRow] = []
        for r in range(FIRST_ROW, self.ws.max_row + 1):
            number = _text(self.ws[f"{NUMBER_COL}{r}"].value)
            statement = _text(self.ws[f"{STATEMENT_COL}{r}"].value)
            if number:
                found.append(_FoundRow(r, number, statement))
            elif statement or any(_text(self.ws[f"{c}{r}"].value) for c in ANSWER_COLS):
                self._refuse(
                    f"{NUMBER_COL}{r}",
                    "this row is not part of the workbook — rows must not be added",
                )
        return found

    def _locate(self, sheet: SheetLayout, found: list[_FoundRow]) -> dict[str, int]:
        """Judgement number → the row it was found on (first occurrence)."""
        expected = {r.judgement: r for r in sheet.rows}
        located: dict[str, int] = {}
        for f in found:
            cell = f"{NUMBER_COL}{f.row}"
            if f.judgement not in expected:
                self._refuse(
                    cell, f'row "{f.judgement}" is not in the rubric — rows must not be added'
                )
            elif f.judgement in located:
                self._refuse(
                    cell,
                    f"{_describe(expected[f.judgement])} appears more than once — "
                    "rows must not be copied or added",
                )
            else:
                located[f.judgement] = f.row
        for row in sheet.rows:
            if row.judgement not in located:
                self._refuse(
                    f"{NUMBER_COL}{row.row}",
                    f"{_describe(row)} is missing — rows must not be deleted",
                )
        return located

    def _check_positions(self, sheet: SheetLayout, found: list[_FoundRow]) -> None:
        for f, row in zip(found, sheet.rows, strict=True):
            cell = f"{NUMBER_COL}{f.row}"
            if f.judgement != row.judgement:
                self._refuse(
                    cell,
                    f"expected {_describe(row)} here but found {f.judgement} — "
                    "rows must not be reordered",
                )
            elif f.row != row.row:
                self._refuse(
                    cell,
                    f"{_describe(row)} should be on row {row.row} — "
                    "rows must not be inserted or moved",
                )

    def _check_statements(self, sheet: SheetLayout, found: list[_FoundRow]) -> None:
        expected = {r.judgement: r for r in sheet.rows}
        for f in found:
            row = expected.get(f.judgement)
            if row is not None and f.statement != row.statement:
                self._refuse(
                    f"{STATEMENT_COL}{f.row}",
                    f"the statement for {_describe(row)} has been changed — "
                    "statements must not be edited",
                )

    # answers

    def _readable(self, cell: str) -> bool:
        return (self.ws.title, cell) not in self.formula_cells  # formulas: reported already

    def _value(self, cell: str) -> object:
        return self.ws[cell].value if self._readable(cell) else None

    def _entry(self, layout_row: LayoutRow, r: int) -> SelfEvaluationEntry:
        """Read one row's answers, reporting problems in cell order (C, D, E)."""
        grade_cell, narrative_cell = f"{GRADE_COL}{r}", f"{NARRATIVE_COL}{r}"
        grade = self._grade(grade_cell)
        narrative = self._limited_text(narrative_cell, "narrative is", NARRATIVE_MAX_CHARS)
        grade_given = bool(_text(self._value(grade_cell)))  # even one refused above
        if grade_given and not narrative and self._readable(narrative_cell):
            self.problems.cell(
                self.ws.title, narrative_cell, "narrative is required when a grade is given"
            )
        evidence = self._limited_text(
            f"{EVIDENCE_COL}{r}", "evidence references are", EVIDENCE_MAX_CHARS
        )
        return SelfEvaluationEntry(
            layout_row.judgement, layout_row.is_area, grade, narrative, evidence
        )

    def _grade(self, cell: str) -> int | None:
        raw = self._value(cell)
        try:
            grade = _parse_grade(raw)
        except _BadGrade:
            grade = None
        else:
            if grade is None or self.scale.contains(grade):
                return grade
        self.problems.cell(
            self.ws.title,
            cell,
            f'grade "{_display(raw)}" is not on the scale {self.scale.describe()}',
        )
        return None

    def _limited_text(self, cell: str, what: str, limit: int) -> str:
        text = _text(self._value(cell))
        if len(text) > limit:
            self.problems.cell(
                self.ws.title, cell, f"{what} {len(text):,} characters long; the limit is {limit:,}"
            )
        return text


def _parse_grade(value: object) -> int | None:
    """A whole-number grade from a cell value; ``None`` when blank; else ``_BadGrade``."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _BadGrade
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _WHOLE_NUMBER.fullmatch(text):
            return int(text.split(".")[0])
    raise _BadGrade


def _display(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def _text(value: object) -> str:
    """A cell value as text with surrounding whitespace stripped."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---- whole return


def _check_some_grade(entries: list[SelfEvaluationEntry], problems: _Problems) -> None:
    if any(e.grade is not None for e in entries):
        return
    if any(p.cell is not None and p.cell.startswith(GRADE_COL) for p in problems.items):
        return  # grades were given but refused; that is reported already
    problems.file("no grades have been given — grade at least one key judgement or area")


def _in_rubric_order(
    entries: list[SelfEvaluationEntry], layout: tuple[SheetLayout, ...]
) -> list[SelfEvaluationEntry]:
    order = {r.judgement: i for i, r in enumerate(r for s in layout for r in s.rows)}
    return sorted(entries, key=lambda e: order[e.judgement])


# --------------------------------------------------------------------------- diff

_DIFF_FIELDS = ("grade", "narrative", "evidence_references")


def diff_returns(old: SelfEvaluationReturn, new: SelfEvaluationReturn) -> list[EntryChange]:
    """What changed between two submissions, entry by entry and field by field.

    An entry present in only one return is compared with a blank entry. Changes come
    in the new return's order, then entries found only in the old one.
    """
    old_by_id = {e.judgement: e for e in old.entries}
    new_by_id = {e.judgement: e for e in new.entries}
    order = [e.judgement for e in new.entries]
    order += [j for j in old_by_id if j not in new_by_id]
    changes: list[EntryChange] = []
    for judgement in order:
        before, after = old_by_id.get(judgement), new_by_id.get(judgement)
        for name in _DIFF_FIELDS:
            a, b = _field(before, name), _field(after, name)
            if a != b:
                changes.append(EntryChange(judgement, name, a, b))
    return changes


def _field(entry: SelfEvaluationEntry | None, name: str) -> int | str | None:
    if entry is None:
        return None if name == "grade" else ""
    value: int | str | None = getattr(entry, name)
    return value
