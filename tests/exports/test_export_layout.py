"""What the faster exports must keep: the workbook's layout (written streamed, with shared
cell formats), the PDF's own layout rules (only in the HTML the PDF is made from) and the
content fingerprint (computed with per-type field lists, the same value as before)."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import fields, is_dataclass, replace
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from inspect_app.domain.report import (
    HASH_SCHEMA,
    Audience,
    EvidenceIndexRow,
    ReportDocument,
    ReportStatus,
    compute_hash,
)
from inspect_app.exports.export_html import pdf_css, to_html
from inspect_app.exports.export_xlsx import SHEETS, to_xlsx
from tests.exports.samples import sample_document


@pytest.fixture(scope="module")
def doc() -> ReportDocument:
    return sample_document()


@pytest.fixture(scope="module")
def workbook(doc: ReportDocument):
    return load_workbook(io.BytesIO(to_xlsx(doc, audience=Audience.INSPECTION_TEAM)))


def test_workbook_sheets_in_order_with_their_layout(workbook) -> None:
    assert workbook.sheetnames == list(SHEETS)
    for name in SHEETS:
        ws = workbook[name]
        assert ws.freeze_panes == "A2", name
        header = next(ws.iter_rows(max_row=1))
        assert all(cell.font.bold for cell in header), name
        assert ws.max_row > 1, name
        # the filter covers the header and every row written
        assert ws.auto_filter.ref == f"A1:{header[-1].column_letter}{ws.max_row}", name
    index = workbook["Evidence index"]
    assert index.column_dimensions["A"].width == 60
    assert index.column_dimensions["E"].width == 20


def test_workbook_cells_keep_their_formats(workbook, doc: ReportDocument) -> None:
    index = workbook["Evidence index"]
    rows = list(index.iter_rows(min_row=2))
    assert len(rows) == len(doc.evidence_index_for(Audience.INSPECTION_TEAM))
    title, _, _, when, _, _ = rows[0]
    assert title.data_type == "s" and not title.font.bold
    assert title.alignment.wrap_text and title.alignment.vertical == "top"
    assert when.number_format == "d mmmm yyyy" and when.alignment.vertical == "top"
    assert not when.alignment.wrap_text
    assert isinstance(when.value, datetime | date)

    lineage = workbook["Lineage"]
    stamps = [row[7] for row in lineage.iter_rows(min_row=2) if row[7].value is not None]
    assert stamps and all(c.number_format == "d mmmm yyyy hh:mm" for c in stamps)
    # text that looks like a formula is text, and only that text is marked as such
    quoted = [c for row in index.iter_rows(min_row=2) for c in row if c.quotePrefix]
    assert quoted and all(str(c.value)[:1] in "=+-@" for c in quoted)


def test_workbook_text_beginning_like_a_formula_in_a_header_row_too() -> None:
    odd = sample_document(authority_name="=SUM(A1:A9)")
    facts = load_workbook(io.BytesIO(to_xlsx(odd)))["Document"]
    cell = next(row[1] for row in facts.iter_rows(min_row=2) if row[0].value == "Local authority")
    assert cell.value == "=SUM(A1:A9)" and cell.data_type == "s" and cell.quotePrefix


def test_pdf_layout_rules_only_in_the_html_the_pdf_is_made_from(doc: ReportDocument) -> None:
    rules = pdf_css()
    assert ".team-grades-list > .lineage-label { break-after: avoid; }" in rules
    assert "float" not in rules.replace("No floats", "")  # reading order stays the text's
    assert rules not in to_html(doc)
    assert rules in to_html(doc, for_pdf=True)


def test_the_pdf_lists_each_team_members_grade_where_the_html_has_a_table(
    doc: ReportDocument,
) -> None:
    row = next(r for r in doc.lineage if r.team_grades)
    web = BeautifulSoup(to_html(doc), "html.parser")
    pdf = BeautifulSoup(to_html(doc, for_pdf=True), "html.parser")
    assert len(web.select("table.team-grades")) == sum(1 for r in doc.lineage if r.team_grades)
    assert not pdf.select("table.team-grades")
    lists = pdf.select(".team-grades-list")
    assert len(lists) == len(web.select("table.team-grades"))
    section = next(
        s for s in pdf.select("section.lineage") if s.h3.get_text().startswith(row.judgement)
    )
    label = section.select_one(".team-grades-list > .lineage-label").get_text()
    assert label == f"Team members’ grades for {row.judgement}"
    items = [" ".join(li.get_text().split()) for li in section.select(".team-grades-list li")]
    expected = []
    for t in row.team_grades:
        grade = f"grade {t.grade}" if t.grade is not None else "not graded"
        rationale = f". {t.rationale_excerpt}" if t.rationale_excerpt else ""
        expected.append(f"{t.grader_name}, {t.inspectorate_label}: {grade}{rationale}")
    assert items == expected


def _header_parts(page) -> dict[str, tuple[float, float, list[tuple[float, float, str]]]]:
    """A laid-out page's header: margin box -> (left, right, [(left, right, text) per line]).
    Reads WeasyPrint's layout (``page._page_box``), which has no public API for it."""
    parts = {}
    for box in page._page_box.children:
        keyword = getattr(box, "at_keyword", "")
        if not keyword.startswith("@top"):
            continue
        lines = [
            (line.position_x, line.position_x + line.width,
             "".join(getattr(text, "text", "") for text in line.descendants()))
            for line in box.descendants()
            if type(line).__name__ == "LineBox"
        ]  # fmt: skip
        parts[keyword] = (box.position_x, box.position_x + box.width, lines)
    return parts


@pytest.mark.parametrize(
    "authority",
    [
        "Northmere Borough Council",
        "Harlow Moss Metropolitan Borough Council",
        "The Royal Borough of Kettlesby and Upper Wendle Metropolitan District Council",
    ],
)
def test_a_drafts_header_keeps_a_long_authority_name_clear_of_the_draft_mark(
    doc: ReportDocument, authority: str
) -> None:
    from weasyprint import HTML

    draft = replace(doc, authority_name=authority, status=ReportStatus.DRAFT)
    rendered = HTML(string=to_html(draft, for_pdf=True)).render()
    parts = _header_parts(rendered.pages[1])
    assert list(parts) == ["@top-left", "@top-center", "@top-right"]
    left, centre, right = parts.values()
    assert left[1] <= centre[0] and centre[1] <= right[0]  # the three parts side by side
    for start, end, lines in parts.values():
        assert lines and all(start - 0.5 <= a and b <= end + 0.5 for a, b, _ in lines), lines
    # at least a space of a 9pt em (12 CSS px) between the words of neighbouring parts
    assert max(b for _, b, _ in left[2]) + 12 <= min(a for a, _, _ in centre[2])
    assert max(b for _, b, _ in centre[2]) + 12 <= min(a for a, _, _ in right[2])
    assert " ".join(" ".join(text.split()) for _, _, text in left[2]) == authority
    assert [text for _, _, text in centre[2]] == ["DRAFT – NOT FOR PUBLICATION"]


def _reference_canonical(value: Any) -> Any:
    """The fingerprint's canonical form as first written (field by field, every time)."""
    if is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in fields(value):
            item = getattr(value, f.name)
            if f.name == "content_hash":
                continue
            if f.metadata.get("hash") == "omit_when_default" and item == f.default:
                continue
            out[f.name] = _reference_canonical(item)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_reference_canonical(v) for v in value]
    return value


def _reference_hash(doc: ReportDocument) -> str:
    public = replace(doc, evidence_index=doc.evidence_index_for(Audience.PUBLIC))
    payload = {"schema": HASH_SCHEMA, "document": _reference_canonical(public)}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {  # the fields added later, left at their defaults: left out of the hash
            "lineage": tuple(
                replace(row, agreed_versions=(), team_histories=())
                for row in sample_document().lineage
            )
        },
        {
            "evidence_index": (
                EvidenceIndexRow("A", "Case file", "Ofsted", date(2026, 3, 1), True, "1.1"),
                EvidenceIndexRow("B", "Policy", "The authority", None, False, ""),
            )
        },
    ],
)
def test_fingerprint_is_the_same_as_computed_field_by_field(changes: dict) -> None:
    doc = sample_document(**changes)
    assert compute_hash(doc) == _reference_hash(doc)
    assert compute_hash(doc) != compute_hash(replace(doc, authority_name="Elsewhere"))
