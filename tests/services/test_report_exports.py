"""Exports of a report written and published through the services: every format says the
same thing, has the right structure, and neutralises anything hostile an author typed."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pypdf
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from inspect_app.domain.phases import Phase
from inspect_app.domain.report import Audience, compute_hash
from inspect_app.exports import CHILDREN_SUMMARY_EXPORTERS, EXPORTERS
from inspect_app.exports.export_html import report_css
from inspect_app.exports.rich_text import plain_text
from inspect_app.services import publication, report_drafting
from inspect_app.services.report_drafting import RecommendationDetails
from inspect_app.services.reviews import load_review
from tests.exports.readers import (
    normalise,
    pdf_pages,
    read_docx,
    read_html,
    read_json,
    read_markdown,
    read_pdf,
    read_xlsx,
)
from tests.exports.samples import PAYLOAD
from tests.report_factories import ReportWorld, add_evidence, advance


def _publish(world: ReportWorld):
    review = load_review(world.session, world.review.id)
    publication.publish(
        world.session, review, actor=world.lead, access=world.access(world.lead), make_public=False
    )
    world.session.commit()
    return publication.document_for(world.session, review, world.access(world.lead))


@pytest.fixture
def world(make) -> ReportWorld:
    world = ReportWorld.build(make, Phase.FACTUAL_ACCURACY)
    add_evidence(world.session, world.review, 12)
    world.session.commit()
    return world


def test_every_format_carries_the_same_grades_recommendations_and_fingerprint(world):
    view = _publish(world)
    doc = view.doc
    expected_grades = [(g.area_number, g.grade) for g in doc.grades_in_order]
    expected_recs = [
        (r.number, r.band.label, normalise(plain_text(r.text_md)))
        for r in doc.recommendations_in_order
    ]
    data = {fmt: exporter.render(doc, Audience.PUBLIC) for fmt, exporter in EXPORTERS.items()}
    extracts = {
        "html": read_html(data["html"].decode()),
        "pdf": read_pdf(pdf_pages(data["pdf"])),
        "docx": read_docx(data["docx"]),
        "md": read_markdown(data["md"].decode()),
        "xlsx": read_xlsx(data["xlsx"]),
        "json": read_json(data["json"].decode()),
    }
    for fmt, extract in extracts.items():
        assert extract.grades == expected_grades, fmt
        assert extract.recommendations == expected_recs, fmt
        assert extract.content_hash == view.published.content_hash == compute_hash(doc), fmt
    assert [band for _, band, _ in expected_recs] == [
        "For immediate action",
        "For immediate action",
        "Within six months",
        "In the longer term",
    ]


def test_structure_of_each_export(world):
    view = _publish(world)
    doc = view.doc
    # HTML: one h1, the sections in report order, the grades table with a caption
    soup = BeautifulSoup(EXPORTERS["html"].render(doc, Audience.PUBLIC), "html.parser")
    assert len(soup.find_all("h1")) == 1
    h2 = [h.get_text() for h in soup.find_all("h2")]
    assert h2[:6] == [
        "Contents",
        "Introduction",
        "Context",
        "Main findings",
        "Grades",
        "Recommendations",
    ]
    assert "Service management" in h2 and "Capacity to improve" in h2
    assert soup.select_one("#grades caption").get_text() == "Grades for each judgement area"
    # PDF: page numbers, contents and the grades table
    pages = pdf_pages(EXPORTERS["pdf"].render(doc, Audience.PUBLIC))
    assert all(re.search(r"Page \d+ of \d+", page) for page in pages)
    assert "Contents" in pages[0] + pages[1]
    assert "Number Judgement area Grade Note" in "\n".join(pages)
    # Word: real headings and a real table
    word = docx.Document(io.BytesIO(EXPORTERS["docx"].render(doc, Audience.PUBLIC)))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["Introduction", "Context", "Main findings"]
    assert any(
        [c.text for c in t.rows[0].cells] == ["Number", "Judgement area", "Grade", "Note"]
        for t in word.tables
    )
    # Spreadsheet: grades, recommendations, evidence index, one sheet each
    wb = load_workbook(io.BytesIO(EXPORTERS["xlsx"].render(doc, Audience.PUBLIC)))
    assert {"Grades", "Recommendations", "Evidence index"} <= set(wb.sheetnames)
    public_rows = wb["Evidence index"].max_row - 1
    team = load_workbook(io.BytesIO(EXPORTERS["xlsx"].render(doc, Audience.INSPECTION_TEAM)))
    assert team["Evidence index"].max_row - 1 > public_rows  # restricted items for the team only


HOSTILE_KEYS = (
    "introduction",
    "context",
    "main-findings",
    "area-2-narrative",
    "area-2-strengths",
    "area-2-weaknesses",
    "children-summary",
)


def _hostile_world(make) -> ReportWorld:
    text = {key: f"Text for {key}. {PAYLOAD}" for key in HOSTILE_KEYS}
    world = ReportWorld.build(make, Phase.DRAFTING, text=text)
    report_drafting.add_recommendation(
        world.session,
        world.review,
        RecommendationDetails(
            f"Hostile recommendation. {PAYLOAD}", "immediate", None, f"Council {PAYLOAD}"
        ),
        actor=world.lead,
        access=world.access(world.lead),
    )
    advance(world.session, world.review, Phase.FACTUAL_ACCURACY)
    world.session.commit()
    return world


def _assert_safe_html(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for style in soup.find_all("style"):
        assert style.parent.name == "head" and style.get_text().strip() == report_css().strip()
        style.decompose()
    assert not soup.find_all(["script", "iframe", "img", "object", "embed", "style"])
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            assert not attribute.lower().startswith("on"), tag
            if attribute in ("href", "src"):
                assert value.startswith(("https://", "http://", "mailto:", "#")), tag
    assert not re.search(r"""(href|src)=["']?\s*javascript""", html, re.IGNORECASE)


def test_script_and_html_injection_in_every_markdown_field_is_neutralised(make):
    world = _hostile_world(make)
    view = _publish(world)
    doc = view.doc
    html = EXPORTERS["html"].render(doc, Audience.PUBLIC).decode()
    _assert_safe_html(html)
    _assert_safe_html(CHILDREN_SUMMARY_EXPORTERS["html"].render(doc, Audience.PUBLIC).decode())
    soup = BeautifulSoup(html, "html.parser")
    intro = soup.find(id="introduction").get_text()
    assert "Text for introduction." in intro and "alert" not in intro and "framed" not in intro
    # the responsible body is plain text: shown as typed, inert
    assert "Council <script>alert(1)</script>" in soup.find(id="recommendations").get_text()

    pdf = EXPORTERS["pdf"].render(doc, Audience.PUBLIC)
    for marker in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/OpenAction"):
        assert marker not in pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            uri = annotation.get_object().get("/A", {}).get("/URI", "")
            assert not str(uri).lower().startswith("javascript")
    text = "\n".join(page.extract_text() for page in reader.pages)
    body = text[text.index("Text for introduction.") :][:300]
    assert "alert" not in body and "framed" not in body

    data = EXPORTERS["docx"].render(doc, Audience.PUBLIC)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = {
            name: archive.read(name).decode()
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }
    assert "w:fldSimple" not in xml["word/document.xml"]
    assert all("javascript" not in v.lower() for k, v in xml.items() if k.endswith(".rels"))
    word = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in word.paragraphs]
    start = paragraphs.index("Introduction")
    assert "alert" not in paragraphs[start + 1] and "framed" not in paragraphs[start + 1]
    assert "Text for introduction." in paragraphs[start + 1]


def test_the_authority_reads_the_draft_without_the_teams_grades(world):
    review = load_review(world.session, world.review.id)
    view = publication.document_for(world.session, review, world.access(world.authority_user))
    assert view.is_live_draft and view.audience is Audience.PUBLIC
    assert all(row.team_grades == () for row in view.doc.lineage)
    json_text = EXPORTERS["json"].render(view.doc, view.audience).decode()
    assert "CF-0000" not in json_text  # restricted evidence is not listed for the authority
    xlsx = load_workbook(io.BytesIO(EXPORTERS["xlsx"].render(view.doc, view.audience)))
    titles = [row[0] for row in xlsx["Evidence index"].iter_rows(min_row=2, values_only=True)]
    assert titles and not any(str(t).startswith("Case file") for t in titles)
