"""The report's tables as an Excel workbook.

Sheets: "Document" (what the workbook is, with the content fingerprint), "Grades",
"Recommendations", "Evidence index", "Grade lineage" (one row per judgement) and "Lineage"
(one row per step of each judgement's lineage: every agreed value recorded and, in the
inspection team's export only, every grade each team member submitted; rationales are
left to the JSON export). Text is always stored as text:
a value that begins with ``=`` (or ``+``, ``-``, ``@``) is neither a formula nor becomes
one when the cell is edited. The evidence index lists restricted evidence only in the
inspection team's export.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from inspect_app.domain.report import Audience, ReportDocument, with_hash
from inspect_app.exports.rich_text import plain_text
from inspect_app.garbage_collection import paused_garbage_collection

__all__ = ["SHEETS", "to_xlsx"]

SHEETS = ("Document", "Grades", "Recommendations", "Evidence index", "Grade lineage", "Lineage")
LINEAGE_HEADER = (
    "Judgement",
    "Record",
    "Version",
    "Grade",
    "Grade label",
    "By",
    "Inspectorate",
    "At (UTC)",
    "Override",
    "Derived grade",
    "Reasons",
)
AGREED_RECORD = "Agreed grade"
TEAM_RECORD = "Team member’s grade"
DATE_FORMAT = "d mmmm yyyy"
DATETIME_FORMAT = "d mmmm yyyy hh:mm"

Value = str | int | bool | date | datetime | None


def _clean(text: str) -> str:
    """Without the control characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


class _Styles:
    """The few cell formats the workbook uses, each registered with the workbook once.

    The evidence index of a large review has over a hundred thousand cells: giving each
    its own ``Alignment`` (which openpyxl then compares with every format it knows) took
    most of the export's time, so each cell is created with the format of its kind.
    """

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        text_align = Alignment(wrap_text=True, vertical="top")
        top = Alignment(vertical="top")

        def style(alignment: Alignment, **formats: object) -> StyleArray:
            cell = Cell(ws)  # registers the format with the sheet's workbook
            cell.alignment = alignment
            for name, value in formats.items():
                setattr(cell, name, value)
            return StyleArray(cell._style)

        self.text = style(text_align)
        self.quoted_text = style(text_align, quotePrefix=True)
        self.header = style(text_align, font=Font(bold=True))
        self.quoted_header = style(text_align, font=Font(bold=True), quotePrefix=True)
        self.datetime = style(top, number_format=DATETIME_FORMAT)
        self.date = style(top, number_format=DATE_FORMAT)
        self.other = style(top)


def _cell(ws: WriteOnlyWorksheet, styles: _Styles, value: Value, header: bool = False) -> Cell:
    if isinstance(value, str):
        text = _clean(value)
        quoted = text[:1] in ("=", "+", "-", "@")  # Excel keeps it text when it is edited
        if header:
            style = styles.quoted_header if quoted else styles.header
        else:
            style = styles.quoted_text if quoted else styles.text
        cell = Cell(ws, row=1, column=1, value=text, style_array=style)
        cell.data_type = "s"  # never a formula, whatever it begins with
        return cell
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return Cell(ws, row=1, column=1, value=value, style_array=styles.datetime)
    if isinstance(value, date):
        return Cell(ws, row=1, column=1, value=value, style_array=styles.date)
    return Cell(ws, row=1, column=1, value=value, style_array=styles.other)


def _sheet(
    ws: WriteOnlyWorksheet,
    styles: _Styles,
    header: Sequence[str],
    rows: Sequence[Sequence[Value]],
    widths: Sequence[int],
) -> None:
    """A bold header row, frozen, and a filter over the rows (the workbook is write-only:
    the sheet's layout is set before its rows are streamed out)."""
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    ws.append([_cell(ws, styles, text, header=True) for text in header])
    for row in rows:
        ws.append([_cell(ws, styles, value) for value in row])


def _lineage_steps(doc: ReportDocument, audience: Audience) -> list[list[Value]]:
    """Every agreed value recorded, then (the team's export only) every grade each team
    member submitted, judgement by judgement in report order."""
    rows: list[list[Value]] = []
    for row in doc.lineage:
        for v in row.agreed_versions:
            rows.append(
                [
                    row.judgement,
                    AGREED_RECORD,
                    v.version,
                    v.grade,
                    v.label,
                    v.agreed_by,
                    "",
                    v.agreed_at,
                    v.is_override,
                    v.derived_grade,
                    v.reasons,
                ]
            )
        if audience is not Audience.INSPECTION_TEAM:
            continue  # individual grades: never for the authority or the public
        for h in row.team_histories:
            for r in h.revisions:
                rows.append(
                    [
                        row.judgement,
                        TEAM_RECORD,
                        r.version,
                        r.grade,
                        "",
                        h.grader_name,
                        h.inspectorate_label,
                        r.recorded_at,
                        None,
                        None,
                        "",
                    ]
                )
    return rows


@paused_garbage_collection()
def to_xlsx(doc: ReportDocument, *, audience: Audience = Audience.PUBLIC) -> bytes:
    """The grades, recommendations, evidence index and grade lineage as a workbook."""
    doc = with_hash(doc)
    audience = Audience(audience)
    wb = Workbook(write_only=True)  # streamed: a large review has 20,000 evidence rows
    wb.properties.title = _clean(doc.title)[:255]
    wb.properties.creator = "JAR Workbench"
    wb.properties.subject = _clean(f"Joint area review {doc.review_reference}")[:255]
    wb.properties.description = f"Document fingerprint (SHA-256): {doc.content_hash}"

    document = wb.create_sheet("Document")
    styles = _Styles(document)
    facts: list[tuple[str, Value]] = [
        ("Title", doc.title),
        ("Review reference", doc.review_reference),
        ("Local authority", doc.authority_name),
        ("Region", doc.authority_region),
        ("Framework", doc.rubric_title),
        ("Framework key", doc.rubric_key),
        ("Framework version", doc.rubric_version),
        ("Status", doc.status.label),
        ("Version", doc.version_number),
        ("Published on", doc.published_on),
        ("Why this version was issued", doc.issue_reasons),
        (
            "For",
            "The inspection team (includes restricted evidence)"
            if audience is Audience.INSPECTION_TEAM
            else "The authority, its partners and the public",
        ),
        ("Document fingerprint (SHA-256)", doc.content_hash),
    ]
    _sheet(document, styles, ["Item", "Value"], facts, [32, 80])

    _sheet(
        wb.create_sheet("Grades"),
        styles,
        ["Area number", "Judgement area", "Kind", "Grade", "Grade label", "Override"],
        [
            [g.area_number, g.area_title, g.kind.value, g.grade, g.label, g.is_override]
            for g in doc.grades_in_order
        ],
        [12, 36, 12, 8, 16, 10],
    )

    _sheet(
        wb.create_sheet("Recommendations"),
        styles,
        ["Number", "Band", "Area number", "Judgement area", "Responsible", "Recommendation"],
        [
            [
                r.number,
                r.band.label,
                r.area_number,
                r.area_title,
                r.responsible_body,
                plain_text(r.text_md),
            ]
            for r in doc.recommendations_in_order
        ],
        [9, 22, 12, 30, 32, 80],
    )

    team = audience is Audience.INSPECTION_TEAM
    evidence_header = ["Title", "Kind", "Inspectorate", "Date", "Judgements"]
    if team:
        evidence_header.append("Restricted")
    _sheet(
        wb.create_sheet("Evidence index"),
        styles,
        evidence_header,
        [
            [e.title, e.kind, e.inspectorate, e.date, e.judgements]
            + (["Yes" if e.restricted else "No"] if team else [])
            for e in doc.evidence_index_for(audience)
        ],
        [60, 20, 32, 16, 20, 12],
    )

    _sheet(
        wb.create_sheet("Grade lineage"),
        styles,
        [
            "Judgement",
            "Title",
            "Agreed grade",
            "Grade label",
            "Agreed by",
            "Agreed at (UTC)",
            "Reasons",
            "Team grades",
            "Revisions",
            "Evidence supporting",
            "Evidence contradicting",
        ],
        [
            [
                row.judgement,
                row.title,
                row.agreed_grade,
                row.agreed_label,
                row.agreed_by,
                row.agreed_at,
                row.reasons,
                "\n".join(
                    f"{t.grader_name} ({t.inspectorate_label}): "
                    + (str(t.grade) if t.grade is not None else "not graded")
                    for t in (row.team_grades if team else ())
                ),
                row.revisions_count,
                row.evidence_supports,
                row.evidence_contradicts,
            ]
            for row in doc.lineage
        ],
        [12, 40, 12, 14, 24, 20, 50, 50, 10, 12, 12],
    )

    _sheet(
        wb.create_sheet("Lineage"),
        styles,
        LINEAGE_HEADER,
        _lineage_steps(doc, audience),
        [12, 22, 9, 8, 14, 28, 32, 20, 10, 12, 60],
    )

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
