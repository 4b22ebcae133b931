"""Script and HTML injection typed into EVERY Markdown field of a report leaves no trace in the
HTML, PDF and Word exports (nor in the children's summary), while the surrounding text stays.

Only the Markdown fields are hostile here, so any "alert", "onerror" or "framed" found in an
export can only have leaked from Markdown (names and other plain-text fields are covered in
test_exports.py, where they must appear as typed)."""

from __future__ import annotations

import io
from dataclasses import replace

import docx
import pypdf
import pytest
from bs4 import BeautifulSoup

from inspect_app.domain.report import ReportDocument
from inspect_app.exports.export_docx import children_summary_to_docx, to_docx
from inspect_app.exports.export_html import children_summary_to_html, to_html
from inspect_app.exports.export_pdf import children_summary_to_pdf, to_pdf
from tests.exports.samples import PAYLOAD, sample_document

LEAKS = ("alert", "onerror", "framed", "evil.example", "<script", "<iframe", "javascript")


def _markdown_only_hostile() -> tuple[ReportDocument, list[str]]:
    """The sample with the payloads after every Markdown field, and a marker per field."""
    doc = sample_document()
    markers: list[str] = []

    def evil(text: str, name: str) -> str:
        marker = f"Marker{len(markers):02d}{name.replace('_', '')}"
        markers.append(marker)
        return f"{text}\n\n{marker} {PAYLOAD}"

    hostile = replace(
        doc,
        introduction_md=evil(doc.introduction_md, "introduction"),
        context_md=evil(doc.context_md, "context"),
        main_findings_md=evil(doc.main_findings_md, "findings"),
        children_summary_md=evil(doc.children_summary_md, "children"),
        area_sections=tuple(
            replace(
                s,
                narrative_md=evil(s.narrative_md, f"narrative{s.area_number}"),
                strengths_md=evil(s.strengths_md, f"strengths{s.area_number}"),
                weaknesses_md=evil(s.weaknesses_md, f"weaknesses{s.area_number}"),
            )
            for s in doc.area_sections
        ),
        recommendations=tuple(
            replace(r, text_md=evil(r.text_md, f"recommendation{r.number}"))
            for r in doc.recommendations
        ),
    )
    return hostile, markers


@pytest.fixture(scope="module")
def hostile() -> tuple[ReportDocument, list[str]]:
    return _markdown_only_hostile()


def _assert_clean(text: str, markers: list[str], where: str) -> None:
    squashed = "".join(text.split())  # PDF text may break words across lines
    missing = [m for m in markers if m not in squashed]
    assert not missing, f"{where}: the text around the payload was lost: {missing}"
    lowered = text.lower()
    leaks = [leak for leak in LEAKS if leak in lowered or leak in squashed.lower()]
    assert not leaks, f"{where}: {leaks}"


def test_html_keeps_the_text_and_drops_every_payload(hostile) -> None:
    doc, markers = hostile
    soup = BeautifulSoup(to_html(doc), "html.parser")
    for style in soup.find_all("style"):
        style.decompose()
    assert not soup.find_all(["script", "iframe", "img", "object", "embed"])
    assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    body = [m for m in markers if "children" not in m]
    _assert_clean(soup.get_text(" "), body, "HTML")
    summary = BeautifulSoup(children_summary_to_html(doc), "html.parser")
    for style in summary.find_all("style"):
        style.decompose()
    _assert_clean(summary.get_text(" "), [m for m in markers if "children" in m], "summary HTML")


def test_pdf_keeps_the_text_and_drops_every_payload(hostile) -> None:
    doc, markers = hostile
    for data, wanted, where in (
        (to_pdf(doc), [m for m in markers if "children" not in m], "PDF"),
        (children_summary_to_pdf(doc), [m for m in markers if "children" in m], "summary PDF"),
    ):
        for active in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/OpenAction"):
            assert active not in data, (where, active)
        reader = pypdf.PdfReader(io.BytesIO(data))
        _assert_clean("\n".join(page.extract_text() for page in reader.pages), wanted, where)


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_keeps_the_text_and_drops_every_payload(hostile) -> None:
    doc, markers = hostile
    _assert_clean(_docx_text(to_docx(doc)), [m for m in markers if "children" not in m], "Word")
    _assert_clean(
        _docx_text(children_summary_to_docx(doc)),
        [m for m in markers if "children" in m],
        "summary Word",
    )
