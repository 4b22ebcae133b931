"""The six report exports and the children's summary: structure, agreement, safety."""

from __future__ import annotations

import io
import itertools
import json
import re
import zipfile
from dataclasses import replace
from datetime import UTC

import docx
import markdown
import pypdf
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from inspect_app.domain.report import (
    Audience,
    Band,
    ReportDocument,
    ReportStatus,
    compute_hash,
    render_markdown,
)
from inspect_app.exports import (
    CHILDREN_SUMMARY_EXPORTERS,
    EXPORTERS,
    export,
    export_pdf,
    lineage_text,
)
from inspect_app.exports.export_docx import children_summary_to_docx, to_docx
from inspect_app.exports.export_html import (
    children_summary_to_html,
    contents,
    report_css,
    to_html,
)
from inspect_app.exports.export_json import to_json
from inspect_app.exports.export_markdown import children_summary_to_markdown, to_markdown
from inspect_app.exports.export_pdf import children_summary_to_pdf, to_pdf
from inspect_app.exports.export_xlsx import SHEETS, to_xlsx
from inspect_app.exports.rich_text import (
    escape_markdown_text,
    plain_text,
    safe_markdown,
)
from tests.exports.readers import (
    Extract,
    LineageStep,
    normalise,
    pdf_body_lines,
    pdf_pages,
    read_docx,
    read_html,
    read_json,
    read_json_lineage,
    read_markdown,
    read_pdf,
    read_xlsx,
    read_xlsx_lineage,
)
from tests.exports.samples import PAYLOADS, hostile_document, sample_document

EXPECTED_H2 = [
    "Contents",
    "Introduction",
    "Context",
    "Main findings",
    "Grades",
    "Recommendations",
    "Being healthy",
    "Staying safe",
    "Enjoying and achieving",
    "Making a positive contribution",
    "Achieving economic well-being",
    "Service management",
    "Capacity to improve",
    "Annex: how the grades were agreed",
    "About this document",
]
RESTRICTED_TITLES = (
    "Case file reading record CF-0142",
    "Interview notes: designated nurse for looked after children",
)


@pytest.fixture(scope="module")
def doc() -> ReportDocument:
    return sample_document()


@pytest.fixture(scope="module")
def hostile() -> ReportDocument:
    return hostile_document()


# One PDF render each, shared by the module's tests.
@pytest.fixture(scope="module")
def pdf(doc: ReportDocument) -> bytes:
    return to_pdf(doc)


@pytest.fixture(scope="module")
def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page (pypdf's extraction is slow: once per module)."""
    return pdf_pages(pdf)


@pytest.fixture(scope="module")
def hostile_pdf(hostile: ReportDocument) -> bytes:
    return to_pdf(hostile)


@pytest.fixture(scope="module")
def draft_summary_pdf(doc: ReportDocument) -> bytes:
    return children_summary_to_pdf(replace(doc, status=ReportStatus.DRAFT, published_on=None))


def expected_extract(doc: ReportDocument) -> Extract:
    return Extract(
        grades=[(g.area_number, g.grade) for g in doc.grades_in_order],
        recommendations=[
            (r.number, r.band.label, normalise(plain_text(r.text_md)))
            for r in doc.recommendations_in_order
        ],
        content_hash=compute_hash(doc),
    )


def expected_lineage(doc: ReportDocument, audience: Audience) -> list[LineageStep]:
    """Every agreed value recorded and (for the team only) every team member's grade."""
    steps: list[LineageStep] = []
    for row in doc.lineage:
        for v in row.agreed_versions:
            when = v.agreed_at.astimezone(UTC).replace(tzinfo=None).isoformat()
            facts = (v.version, v.grade, v.agreed_by, "", when, v.is_override, v.derived_grade)
            steps.append((row.judgement, "agreed", *facts, v.reasons))
        if audience is not Audience.INSPECTION_TEAM:
            continue
        for h in row.team_histories:
            for r in h.revisions:
                when = r.recorded_at.astimezone(UTC).replace(tzinfo=None).isoformat()
                facts = (r.version, r.grade, h.grader_name, h.inspectorate_label, when)
                steps.append((row.judgement, "team", *facts, None, None, ""))
    return steps


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


# ---- the six formats agree


def test_every_format_says_the_same_grades_recommendations_and_fingerprint(
    doc: ReportDocument, pdf_text: list[str]
) -> None:
    extracts = {
        "html": read_html(to_html(doc)),
        "pdf": read_pdf(pdf_text),
        "docx": read_docx(to_docx(doc)),
        "md": read_markdown(to_markdown(doc)),
        "xlsx": read_xlsx(to_xlsx(doc)),
        "json": read_json(to_json(doc)),
    }
    expected = expected_extract(doc)
    assert len(expected.grades) == 7
    assert len(expected.recommendations) == 10
    assert {band for _, band, _ in expected.recommendations} == {b.label for b in Band}
    for fmt, extract in extracts.items():
        assert extract.grades == expected.grades, fmt
        assert extract.recommendations == expected.recommendations, fmt
        assert extract.content_hash == expected.content_hash, fmt
    lineage = read_json_lineage(to_json(doc))
    assert lineage == read_xlsx_lineage(to_xlsx(doc)) == expected_lineage(doc, Audience.PUBLIC)


@pytest.mark.parametrize("audience", list(Audience))
def test_json_and_spreadsheet_carry_the_same_lineage_step_for_step(
    doc: ReportDocument, audience: Audience
) -> None:
    from_json = read_json_lineage(to_json(doc, audience=audience))
    from_xlsx = read_xlsx_lineage(to_xlsx(doc, audience=audience))
    expected = expected_lineage(doc, audience)
    assert from_json == from_xlsx == expected
    agreed = [s for s in expected if s[1] == "agreed"]
    team = [s for s in expected if s[1] == "team"]
    assert len(agreed) == sum(len(r.agreed_versions) for r in doc.lineage) == 11
    assert [step[2:7] for step in agreed if step[0] == "2.3"] == [
        (1, 3, "Anna Whitfield", "", "2026-03-09T10:00:00"),
        (2, 1, "Anna Whitfield", "", "2026-03-10T10:00:00"),
        (3, 2, "Anna Whitfield", "", "2026-03-11T10:00:00"),
    ]
    if audience is Audience.INSPECTION_TEAM:
        assert len(team) == sum(len(h.revisions) for r in doc.lineage for h in r.team_histories)
        assert [s[2:5] for s in team if s[0] == "2.3"] == [
            (1, 3, "Dev Ramsay"),
            (2, 2, "Dev Ramsay"),
            (1, 3, "Grace Okafor"),
        ]
    else:
        assert team == []  # individual grades are the team's alone


def _drop_a_revision(doc: ReportDocument) -> ReportDocument:
    """The document with Dev Ramsay's first grade for 2.3 and its first agreed value gone."""
    lineage = []
    for row in doc.lineage:
        if row.judgement == "2.3":
            first, *others = row.team_histories
            row = replace(
                row,
                agreed_versions=row.agreed_versions[1:],
                team_histories=(replace(first, revisions=first.revisions[1:]), *others),
            )
        lineage.append(row)
    return replace(doc, lineage=tuple(lineage))


def test_a_dropped_revision_shows_in_the_lineage_and_the_fingerprint(doc: ReportDocument) -> None:
    dropped = _drop_a_revision(doc)
    team = Audience.INSPECTION_TEAM
    assert compute_hash(dropped) != compute_hash(doc)
    for read, render in (
        (read_json_lineage, lambda d: to_json(d, audience=team)),
        (read_xlsx_lineage, lambda d: to_xlsx(d, audience=team)),
    ):
        full, less = read(render(doc)), read(render(dropped))
        assert len(full) == len(less) + 2
        assert full == expected_lineage(doc, team) and less == expected_lineage(dropped, team)


def _lineage_lines(row) -> list[str]:
    return [*lineage_text.earlier_version_lines(row), lineage_text.team_history_text(row)]


def _flat(text: str) -> str:
    """Text compared without the punctuation the formats set labels apart with."""
    return normalise(text.replace(":", " ").replace("•", " "))


def _texts(doc: ReportDocument) -> dict[str, str]:
    """The annex's text in the HTML, Markdown (as rendered) and Word exports."""
    word = docx.Document(io.BytesIO(to_docx(doc)))
    paragraphs = [p.text for p in word.paragraphs]
    annex = paragraphs.index("Annex: how the grades were agreed")
    md = soup_of(markdown.markdown(to_markdown(doc), extensions=["tables"]))
    md_annex = md.find("h2", string="Annex: how the grades were agreed")
    return {
        "html": _flat(soup_of(to_html(doc)).find(id="annex-grades").get_text(" ")),
        "md": _flat(" ".join(t.get_text(" ") for t in md_annex.find_all_next())),
        "docx": _flat(" ".join(paragraphs[annex:])),
    }


def test_every_text_format_gives_each_revision_in_the_annex(
    doc: ReportDocument, pdf_text: list[str]
) -> None:
    texts = _texts(doc)
    lines = pdf_body_lines(pdf_text)
    texts["pdf"] = _flat(" ".join(lines[lines.index("Annex: how the grades were agreed") :]))
    row = next(r for r in doc.lineage if r.judgement == "2.3")
    history = (
        "Dev Ramsay (Commission for Social Care Inspection) 3 on 2 March 2026, revised to 2 on "
        "4 March 2026; Grace Okafor (Healthcare Commission) 3 on 5 March 2026"
    )
    assert lineage_text.team_history_text(row) == history
    assert lineage_text.earlier_version_lines(row) == [
        "Version 1: 3 – Good, agreed by Anna Whitfield on 9 March 2026. Reasons: The team’s "
        "median.",
        "Version 2: 1 – Inadequate, agreed by Anna Whitfield on 10 March 2026. Reasons: Two cases.",
    ]
    area_2 = next(r for r in doc.lineage if r.judgement == "Area 2")
    assert lineage_text.override_text(area_2) == "Yes – the framework’s rule gave 3"
    for fmt, text in texts.items():
        assert "Earlier agreed grades" in text, fmt
        assert _flat("Override: Yes – the framework’s rule gave 3") in text, fmt
        for r in doc.lineage:
            for line in _lineage_lines(r):
                assert _flat(line) in text, (fmt, line)


def test_the_text_formats_lose_nothing_when_a_revision_is_dropped(doc: ReportDocument) -> None:
    full, dropped = _texts(doc), _texts(_drop_a_revision(doc))
    for fmt in full:
        assert "3 on 2 March 2026, revised to 2 on 4 March 2026" in full[fmt], fmt
        assert "3 on 2 March 2026, revised to 2" not in dropped[fmt], fmt
        assert "Dev Ramsay (Commission for Social Care Inspection) 2 on 4 March" in dropped[fmt]
        assert "Reasons The team’s median." in full[fmt]
        assert "Reasons The team’s median." not in dropped[fmt], fmt


def test_a_report_without_agreed_versions_or_histories_shows_the_annex_as_before(
    doc: ReportDocument,
) -> None:
    """As reports published before the annex kept them read back from their snapshots."""
    before = replace(
        doc,
        lineage=tuple(replace(r, agreed_versions=(), team_histories=()) for r in doc.lineage),
    )
    for fmt, text in _texts(before).items():
        assert "Earlier agreed grades" not in text, fmt
        assert "every revision" not in text, fmt
        assert "Override Yes" not in text, fmt
        assert "Agreed by Anna Whitfield on 11 March 2026" in text, fmt
    assert read_json_lineage(to_json(before)) == read_xlsx_lineage(to_xlsx(before)) == []


def test_a_draft_with_missing_grades_agrees_too(doc: ReportDocument) -> None:
    draft = replace(
        doc,
        status=ReportStatus.DRAFT,
        published_on=None,
        grades=(replace(doc.grades[0], grade=None, label=""), *doc.grades[1:]),
    )
    expected = expected_extract(draft)
    assert expected.grades[0] == (1, None)
    for extract in (
        read_html(to_html(draft)),
        read_docx(to_docx(draft)),
        read_markdown(to_markdown(draft)),
        read_xlsx(to_xlsx(draft)),
        read_json(to_json(draft)),
    ):
        assert extract == expected


def test_the_fingerprint_ignores_a_stale_stored_hash(doc: ReportDocument) -> None:
    stale = replace(doc, content_hash="0" * 64)
    assert read_json(to_json(stale)).content_hash == compute_hash(doc)


# ---- HTML


def test_html_is_one_accessible_document(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc))
    assert soup.html["lang"] == "en"
    assert soup.title.get_text() == "Joint area review: Northmere Borough Council"
    assert len(soup.find_all("h1")) == 1
    assert soup.find("main") is not None
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert not soup.find_all(style=True)  # works under a CSP that refuses inline styles
    assert not soup.find_all("script")


def test_html_headings_are_in_order_and_sections_in_report_order(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc))
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1
    for previous, level in itertools.pairwise(levels):
        assert level <= previous + 1, levels
    assert [normalise(h.get_text()) for h in soup.find_all("h2")] == EXPECTED_H2
    recommendations = soup.find(id="recommendations")
    assert [h.get_text() for h in recommendations.find_all("h3")] == [b.label for b in Band]
    area = soup.find(id="area-2")
    assert [h.get_text() for h in area.find_all("h3")] == [
        "What inspectors looked at",
        "Major strengths",
        "Important weaknesses",
    ]


def test_html_contents_link_to_every_section(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc))
    links = soup.select("nav.contents a")
    assert [a.get_text() for a in links] == EXPECTED_H2[1:]
    for a in links:
        assert soup.find(id=a["href"][1:]) is not None
    assert [title for _, title in contents(doc)] == EXPECTED_H2[1:]


def test_html_tables_have_captions_and_header_scopes(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc))
    tables = soup.find_all("table")
    assert len(tables) > 5
    for table in tables:
        assert table.find("caption") or table.find_parent(class_="text-section"), table
        for th in table.select("thead th"):
            assert th["scope"] == "col"
        for th in table.select("tbody th"):
            assert th["scope"] == "row"
    grades = soup.select_one("#grades table")
    assert grades.caption.get_text() == "Grades for each judgement area"
    rows = [
        [normalise(c.get_text()) for c in tr.find_all(["td", "th"])]
        for tr in grades.tbody.find_all("tr")
    ]
    rows = [r for r in rows if r]
    assert rows[0] == ["1", "Being healthy", "3 – Good", ""]
    assert rows[1][:3] == ["2", "Staying safe", "2 – Adequate"]
    assert "departed" in rows[1][3]  # the override says so in words
    assert rows[3][2] == "4 – Outstanding"


def test_html_grades_are_text_not_just_colour(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc))
    for tag in soup.select(".grade"):
        assert re.fullmatch(r"[1-4] – \w+|Not graded", normalise(tag.get_text()))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_grade_colours_have_enough_contrast() -> None:
    rules = re.findall(
        r"\.grade-(\w+) \{ color: (#[0-9a-f]{6}); background: (#[0-9a-f]{6}); \}", report_css()
    )
    assert {name for name, _, _ in rules} == {"1", "2", "3", "4", "none"}
    for _name, foreground, background in rules:
        lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5


def test_html_recommendations_and_sections(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc))
    first = soup.select_one("#recommendation-1")
    assert first.select_one(".rec-number").get_text() == "1."
    assert first.select_one(".rec-text strong").get_text() == "every"
    assert normalise(first.select_one(".rec-meta").get_text()) == (
        "Judgement area: Staying safe. Responsible: Northmere Borough Council."
    )
    link = soup.select_one("#recommendation-4 a")
    assert link["href"] == "https://www.example.org/attendance"
    assert link["rel"] == ["noopener", "noreferrer"]
    area = soup.find(id="area-6")
    assert "Grade: 3 – Good" in normalise(area.get_text())
    assert area.find("ul").find("ul") is not None  # nested list kept


def test_html_front_matter_and_draft_banner(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc))
    facts = {
        normalise(div.dt.get_text()): normalise(div.dd.get_text())
        for div in soup.select("dl.facts > div")
    }
    assert facts["Review reference"] == "JAR-2026-014"
    assert facts["Status"] == "Published 28 April 2026"
    assert "Why this version was issued" not in facts
    assert soup.select_one(".status-banner") is None

    reissue = replace(doc, version_number=2, issue_reasons="A figure was corrected.")
    facts = soup_of(to_html(reissue)).select("dl.facts dd")
    assert "A figure was corrected." in [d.get_text() for d in facts]

    draft = soup_of(to_html(replace(doc, status=ReportStatus.DRAFT, published_on=None)))
    assert "Draft – not for publication" in draft.select_one(".status-banner").get_text()
    assert "draft" in draft.body["class"]


def test_html_annex_shows_the_lineage(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc))
    annex = soup.find(id="annex-grades")
    sections = annex.select("section.lineage")
    assert len(sections) == len(doc.lineage)
    kj = next(s for s in sections if s.h3.get_text().startswith("2.3"))
    text = normalise(kj.get_text(" "))
    assert "Agreed by Anna Whitfield on 11 March 2026" in text
    assert "6 supporting, 2 contradicting" in text
    assert "Revisions 2" in text
    assert kj.table.caption.get_text() == "Team members’ grades for 2.3"
    cells = [normalise(td.get_text()) for td in kj.table.tbody.find_all(["th", "td"])]
    assert cells[:4] == ["Dev Ramsay", "Commission for Social Care Inspection", "2", "Slow."]


def test_html_shows_the_fingerprint(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc))
    assert soup.select_one("#about code.hash").get_text() == compute_hash(doc)


def test_html_can_link_its_stylesheet_instead(doc: ReportDocument) -> None:
    soup = soup_of(to_html(doc, stylesheet_href="/static/report.css"))
    assert soup.find("style") is None
    assert soup.find("link", rel="stylesheet")["href"] == "/static/report.css"
    assert soup_of(to_html(doc)).find("style").get_text().strip().startswith("/*")


def test_empty_sections_say_so() -> None:
    bare = replace(
        sample_document(),
        introduction_md="",
        recommendations=(),
        lineage=(),
        area_sections=tuple(replace(s, strengths_md="") for s in sample_document().area_sections),
    )
    soup = soup_of(to_html(bare))
    assert "None recorded." in soup.find(id="introduction").get_text()
    assert soup.select("#recommendations .none")[0].get_text() == "No recommendations in this band."
    assert "No grades have been agreed yet." in soup.find(id="annex-grades").get_text()
    assert "None recorded." in soup.find(id="area-1").get_text()


# ---- PDF


def test_pdf_metadata_and_tagging(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Joint area review: Northmere Borough Council"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root  # tagged for screen readers


def test_pdf_pages_have_running_header_and_page_x_of_y(pdf_text: list[str]) -> None:
    pages = pdf_text
    total = len(pages)
    assert total > 5
    for number, text in enumerate(pages, start=1):
        lines = text.splitlines()
        assert f"Page {number} of {total}" in lines
        header = lines[lines.index(f"Page {number} of {total}") - 1]
        assert header == "Northmere Borough Council Joint area review"
    assert "Page 1 of" in pages[0]


def test_pdf_contents_give_the_right_page_numbers(pdf_text: list[str]) -> None:
    pages = pdf_text
    first = pages[0].splitlines()
    assert "Contents" in first
    entries = {}
    for line in first:
        match = re.fullmatch(r"(.+?) \.+\s+(\d+)", line)
        if match:
            entries[match[1]] = int(match[2])
    assert list(entries) == EXPECTED_H2[1:]
    for heading, page in entries.items():
        body = pdf_body_lines([pages[page - 1]])
        assert heading in body, (heading, page)


def test_pdf_content(pdf_text: list[str]) -> None:
    lines = pdf_body_lines(pdf_text)
    for heading in [*EXPECTED_H2, *(b.label for b in Band)]:
        assert heading in lines, heading
    assert lines.count("Major strengths") == 7
    assert lines.count("Important weaknesses") == 7
    assert "1 Being healthy 3 – Good" in lines
    assert "4 Making a positive contribution 4 – Outstanding" in lines
    assert "Team members’ grades for 2.3" in lines


def _link_targets(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    targets = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                assert action["/S"] == "/URI", action
                targets.append(str(action["/URI"]))
    return targets


def test_pdf_links_are_the_reports_links(pdf: bytes) -> None:
    # a link broken over two lines has an annotation for each line
    assert set(_link_targets(pdf)) == {
        "https://www.example.org/apa",
        "https://www.example.org/attendance",
    }


def test_hostile_pdf_has_no_active_content(hostile_pdf: bytes) -> None:
    for marker in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/OpenAction", b"/AA "):
        assert marker not in hostile_pdf
    targets = _link_targets(hostile_pdf)
    assert targets
    assert all(t.startswith(("https://", "http://", "mailto:")) for t in targets)
    assert not any("javascript" in t.lower() or "evil" in t for t in targets)
    reader = pypdf.PdfReader(io.BytesIO(hostile_pdf))
    text = "\n".join(page.extract_text() for page in reader.pages[:3])  # cover and intro
    # Names are shown as typed; Markdown loses its scripts and frames.
    assert "Northmere Borough Council <script>alert(1)</script>" in text
    intro = text[text.index("This report assesses") :][:400]
    assert "alert" not in intro
    assert "framed" not in intro


# ---- Word


def test_docx_uses_word_styles(doc: ReportDocument) -> None:
    document = docx.Document(io.BytesIO(to_docx(doc)))
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == "Joint area review: Northmere Borough Council"
    heading_1 = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert heading_1 == EXPECTED_H2[1:]
    heading_2 = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert heading_2[:2] == ["Overall", "For immediate action"]
    assert heading_2.count("Major strengths") == 7
    styles = {p.style.name for p in paragraphs}
    assert {"List Bullet", "List Bullet 2", "List Number", "Recommendation"} <= styles
    assert document.core_properties.title == "Joint area review: Northmere Borough Council"
    assert document.core_properties.language == "en-GB"


def test_docx_recommendations_under_band_headings(doc: ReportDocument) -> None:
    document = docx.Document(io.BytesIO(to_docx(doc)))
    recommendations = [p for p in document.paragraphs if p.style.name == "Recommendation"]
    assert [p.text.split("\t")[0] for p in recommendations] == [f"{n}." for n in range(1, 11)]
    assert recommendations[0].runs[0].bold
    assert any(run.bold and run.text == "every" for run in recommendations[0].runs)
    assert any(run.italic for run in recommendations[1].runs)
    extract = read_docx(to_docx(doc))
    assert [band for _, band, _ in extract.recommendations] == (
        ["For immediate action"] * 3 + ["Within six months"] * 4 + ["In the longer term"] * 3
    )


def test_docx_grades_table(doc: ReportDocument) -> None:
    document = docx.Document(io.BytesIO(to_docx(doc)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Number")
    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == ["Number", "Judgement area", "Grade", "Note"]
    assert [c.text for c in table.rows[1].cells] == ["1", "Being healthy", "3 – Good", ""]
    assert table.rows[4].cells[2].text == "4 – Outstanding"
    xml = table._tbl.xml
    assert "w:tblHeader" in xml
    assert 'w:tblCaption w:val="Grades for each judgement area"' in xml


def test_docx_numbered_lists_restart(doc: ReportDocument) -> None:
    document = docx.Document(io.BytesIO(to_docx(doc)))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    first_items = [p for p in numbered if p.text.startswith("Recording")]
    num_ids = {p._p.pPr.numPr.numId.val for p in first_items}
    assert len(num_ids) == 7  # one numbering instance per list, each starting at 1
    numbering = document.part.numbering_part.element.xml
    assert numbering.count('w:startOverride w:val="1"') >= 7


def test_docx_links_are_hyperlinks_to_web_addresses(doc: ReportDocument) -> None:
    data = to_docx(doc)
    document = docx.Document(io.BytesIO(data))
    targets = sorted(
        rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")
    )
    assert targets == ["https://www.example.org/apa", "https://www.example.org/attendance"]


def test_docx_ends_with_the_fingerprint_and_has_page_numbers(doc: ReportDocument) -> None:
    document = docx.Document(io.BytesIO(to_docx(doc)))
    assert document.paragraphs[-1].text == (f"Document fingerprint (SHA-256): {compute_hash(doc)}")
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Northmere Borough Council — Joint area review"
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer
    assert 'w:instr="NUMPAGES"' in footer


def _docx_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def test_hostile_docx_is_literal_text(hostile: ReportDocument) -> None:
    data = to_docx(hostile)
    parts = _docx_xml(data)
    body = parts["word/document.xml"]
    assert "w:fldSimple" not in body
    assert "w:instrText" not in body
    assert "w:fldChar" not in body
    for name, xml in parts.items():
        if name.endswith(".rels"):  # every link target, hyperlinks included
            assert "javascript" not in xml.lower(), name
            assert "evil.example" not in xml, name
    document = docx.Document(io.BytesIO(data))
    hyperlink_ids = re.findall(r'<w:hyperlink r:id="([^"]+)"', body)
    assert hyperlink_ids
    for r_id in hyperlink_ids:
        assert document.part.rels[r_id].target_ref.startswith("https://")
    # fields only in the footer, with fixed instructions
    instructions = re.findall(r'w:instr="([^"]*)"', "".join(parts.values()))
    assert sorted(instructions) == ["NUMPAGES", "PAGE"]
    # a name is shown exactly as typed…
    assert "<script>alert(1)</script>" in document.paragraphs[0].text
    # …Markdown loses its scripts, images and frames, and unsafe links lose their address
    intro_index = next(i for i, p in enumerate(document.paragraphs) if p.text == "Introduction")
    intro = " ".join(p.text for p in document.paragraphs[intro_index + 1 : intro_index + 3])
    assert "alert" not in intro
    assert "framed" not in intro
    assert "click" in intro
    assert '">bold' in intro


def test_docx_drops_characters_word_cannot_hold(doc: ReportDocument) -> None:
    odd = replace(doc, authority_name="North\x00mere\x0b Council", introduction_md="A\x07B")
    document = docx.Document(io.BytesIO(to_docx(odd)))
    assert document.paragraphs[0].text == "Joint area review: Northmere Council"


# ---- Markdown


def test_markdown_structure(doc: ReportDocument) -> None:
    md = to_markdown(doc)
    lines = md.splitlines()
    assert lines[0] == "# Joint area review: Northmere Borough Council"
    assert [line[3:] for line in lines if line.startswith("## ")] == EXPECTED_H2[1:]
    assert "| 1 | Being healthy | 3 – Good |  |" in lines
    assert "**1.** Ensure that **every** referral" in md
    assert "- **Review reference:** JAR-2026-014" in lines
    assert md.endswith(f"Document fingerprint (SHA-256): `{compute_hash(doc)}`\n")


def test_markdown_renders_to_the_same_text_as_the_html(doc: ReportDocument) -> None:
    rendered = soup_of(markdown.markdown(to_markdown(doc), extensions=["tables"]))
    html = soup_of(to_html(doc))
    assert normalise(rendered.find("h2", string="Main findings").find_next("ul").get_text()) == (
        normalise(html.find(id="main-findings").find("ul").get_text())
    )
    assert rendered.find("table") is not None


def _assert_safe_rendered_html(html: str) -> None:
    soup = soup_of(html)
    for style in soup.find_all("style"):  # only our own stylesheet, in the head
        assert style.parent.name == "head"
        assert style.get_text().strip() == report_css().strip()
        style.decompose()
    assert not soup.find_all(["script", "iframe", "img", "object", "embed", "style"])
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            assert not attribute.lower().startswith("on"), tag
            if attribute in ("href", "src"):
                assert value.startswith(("https://", "http://", "mailto:", "#")), tag


def test_hostile_markdown_is_neutralised(hostile: ReportDocument) -> None:
    md = to_markdown(hostile)
    for raw in ("<script", "<iframe", "<img", "<b>"):
        assert raw not in md
    # rendered by an ordinary Markdown renderer, raw HTML allowed, nothing active appears
    _assert_safe_rendered_html(markdown.markdown(md, extensions=["tables"]))
    # names read as typed once rendered
    rendered = soup_of(markdown.markdown(md)).get_text()
    assert "Northmere Borough Council <script>alert(1)</script>" in rendered


# ---- spreadsheet


def test_xlsx_sheets_and_values(doc: ReportDocument) -> None:
    wb = load_workbook(io.BytesIO(to_xlsx(doc)))
    assert wb.sheetnames == list(SHEETS)
    assert {"Grades", "Recommendations", "Evidence index"} <= set(wb.sheetnames)
    grades = list(wb["Grades"].iter_rows(values_only=True))
    assert grades[0] == (
        "Area number",
        "Judgement area",
        "Kind",
        "Grade",
        "Grade label",
        "Override",
    )
    assert grades[2] == (2, "Staying safe", "outcome", 2, "Adequate", True)
    assert grades[7] == (7, "Capacity to improve", "capacity", 3, "Good", False)
    recs = list(wb["Recommendations"].iter_rows(values_only=True))
    assert len(recs) == 11
    assert recs[4][:5] == (
        4,
        "Within six months",
        3,
        "Enjoying and achieving",
        "Northmere Children’s Trust",
    )
    assert recs[4][5].endswith("drawing on the attendance guidance.")
    facts = dict(wb["Document"].iter_rows(min_row=2, values_only=True))
    assert facts["Document fingerprint (SHA-256)"] == compute_hash(doc)
    assert facts["Published on"].date().isoformat() == "2026-04-28"
    lineage = list(wb["Grade lineage"].iter_rows(values_only=True))
    assert len(lineage) == len(doc.lineage) + 1
    assert lineage[3][7] is None  # individual grades: the inspection team’s workbook only
    team = load_workbook(io.BytesIO(to_xlsx(doc, audience=Audience.INSPECTION_TEAM)))
    lineage = list(team["Grade lineage"].iter_rows(values_only=True))
    assert "Dev Ramsay (Commission for Social Care Inspection): 2" in lineage[3][7]
    steps = list(team["Lineage"].iter_rows(values_only=True))
    assert steps[0] == (
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
    override = next(r for r in steps if r[0] == "Area 2" and r[2] == 2)
    assert override[1:5] == ("Agreed grade", 2, 2, "Adequate")
    assert override[8:10] == (True, 3) and override[10].startswith("The team weighed")
    revised = [r for r in steps if r[0] == "2.3" and r[1] == "Team member’s grade"]
    assert [(r[5], r[2], r[3]) for r in revised] == [
        ("Dev Ramsay", 1, 3),
        ("Dev Ramsay", 2, 2),
        ("Grace Okafor", 1, 3),
    ]


def test_xlsx_public_export_leaves_out_restricted_evidence(doc: ReportDocument) -> None:
    public = load_workbook(io.BytesIO(to_xlsx(doc)))["Evidence index"]
    rows = list(public.iter_rows(values_only=True))
    assert rows[0] == ("Title", "Kind", "Inspectorate", "Date", "Judgements")
    titles = [row[0] for row in rows[1:]]
    assert len(titles) == 4
    for restricted in RESTRICTED_TITLES:
        assert restricted not in titles

    team = load_workbook(io.BytesIO(to_xlsx(doc, audience=Audience.INSPECTION_TEAM)))
    rows = list(team["Evidence index"].iter_rows(values_only=True))
    assert rows[0][-1] == "Restricted"
    by_title = {row[0]: row for row in rows[1:]}
    for restricted in RESTRICTED_TITLES:
        assert by_title[restricted][-1] == "Yes"
    facts = dict(team["Document"].iter_rows(min_row=2, values_only=True))
    assert facts["For"].startswith("The inspection team")


def test_xlsx_text_never_becomes_a_formula(doc: ReportDocument) -> None:
    wb = load_workbook(io.BytesIO(to_xlsx(doc)))
    cell = next(
        row[0]
        for row in wb["Evidence index"].iter_rows(min_row=2)
        if str(row[0].value).startswith("=")
    )
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert cell.value.startswith("=HYPERLINK")


def test_xlsx_drops_characters_excel_cannot_hold(doc: ReportDocument) -> None:
    odd = replace(doc, authority_name="North\x00mere\x0b Council")
    facts = dict(load_workbook(io.BytesIO(to_xlsx(odd)))["Document"].iter_rows(values_only=True))
    assert facts["Local authority"] == "Northmere Council"


# ---- JSON


def test_json_is_stable_and_complete(doc: ReportDocument) -> None:
    text = to_json(doc)
    assert text == to_json(doc)
    data = json.loads(text)
    assert list(data) == [
        "format",
        "format_version",
        "content_hash",
        "content_hash_algorithm",
        "content_hash_schema",
        "audience",
        "review",
        "authority",
        "rubric",
        "sections",
        "grades",
        "recommendations",
        "areas",
        "judgements",
        "evidence_index",
        "children_summary_markdown",
    ]
    assert data["content_hash"] == compute_hash(doc)
    assert data["rubric"] == {
        "key": "jar-2005",
        "version": "1.0",
        "title": "Joint Area Review framework (2005)",
    }
    assert data["review"]["reference"] == "JAR-2026-014"
    assert data["review"]["published_on"] == "2026-04-28"
    assert data["authority"]["name"] == "Northmere Borough Council"
    assert len(data["judgements"]) == len(doc.lineage)
    kj = next(j for j in data["judgements"] if j["judgement"] == "2.3")
    assert kj["agreed_grade"] == 2
    assert kj["agreed_at"] == "2026-03-11T10:00:00+00:00"
    assert list(kj)[-3:] == ["team_grades", "agreed_versions", "team_grade_history"]
    assert kj["agreed_versions"][0] == {
        "version": 1,
        "agreed_grade": 3,
        "agreed_label": "Good",
        "agreed_by": "Anna Whitfield",
        "agreed_at": "2026-03-09T10:00:00+00:00",
        "reasons": "The team’s median.",
        "is_override": False,
        "derived_grade": None,
    }
    # individual grades and rationales: in the inspection team's export only
    assert kj["team_grades"] == kj["team_grade_history"] == []
    team = json.loads(to_json(doc, audience=Audience.INSPECTION_TEAM))
    kj = next(j for j in team["judgements"] if j["judgement"] == "2.3")
    assert kj["team_grades"][1] == {
        "grader_name": "Grace Okafor",
        "inspectorate": "Healthcare Commission",
        "grade": 3,
        "rationale_excerpt": "Good health input.",
    }
    assert kj["team_grade_history"][0]["revisions"][1] == {
        "version": 2,
        "grade": 2,
        "recorded_by": "Dev Ramsay",
        "recorded_at": "2026-03-04T11:00:00+00:00",
        "rationale": "Dev Ramsay, value 2: evidence from case tracking in Castlebridge.",
    }
    first = data["recommendations"][0]
    assert first["band"] == "immediate"
    assert first["text_markdown"].startswith("Ensure that **every** referral")
    assert first["text"].startswith("Ensure that every referral")


def test_json_evidence_index_depends_on_audience(doc: ReportDocument) -> None:
    public = json.loads(to_json(doc))
    assert public["audience"] == "public"
    titles = [e["title"] for e in public["evidence_index"]]
    assert not set(RESTRICTED_TITLES) & set(titles)
    assert all("restricted" not in e for e in public["evidence_index"])
    team = json.loads(to_json(doc, audience=Audience.INSPECTION_TEAM))
    assert team["audience"] == "inspection_team"
    assert {e["title"] for e in team["evidence_index"] if e["restricted"]} == set(RESTRICTED_TITLES)
    assert team["content_hash"] == public["content_hash"]


def test_hostile_json_markdown_is_neutralised(hostile: ReportDocument) -> None:
    data = json.loads(to_json(hostile))
    for md in [
        *data["sections"].values(),
        *(r["text_markdown"] for r in data["recommendations"]),
        data["children_summary_markdown"],
    ]:
        assert "<script" not in md
        assert "javascript:" not in md
        _assert_safe_rendered_html(markdown.markdown(md, extensions=["tables"]))


# ---- HTML injection


def test_hostile_html_is_neutralised(hostile: ReportDocument) -> None:
    html = to_html(hostile)
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered
    assert "<img" not in lowered
    assert "javascript:" not in lowered.replace("[click](javascript:alert(1))", "")
    _assert_safe_rendered_html(html)
    soup = soup_of(html)
    # names appear as typed text
    assert "Northmere Borough Council <script>alert(1)</script>" in soup.h1.get_text()
    assert len(soup.find_all("h1")) == 1
    # inside Markdown, scripts and frames are gone with their content; links lose javascript:
    intro = soup.find(id="introduction")
    assert "alert" not in intro.get_text()
    assert "framed" not in intro.get_text()
    assert intro.find("a") is None
    assert intro.find("b") is None
    # the attribute-breaking payload stays inside its text
    assert soup.find(attrs={"onerror": True}) is None


def test_hostile_children_summary_is_neutralised(hostile: ReportDocument) -> None:
    _assert_safe_rendered_html(children_summary_to_html(hostile))
    md = children_summary_to_markdown(hostile)
    assert "<script" not in md
    _assert_safe_rendered_html(markdown.markdown(md))
    body = _docx_xml(children_summary_to_docx(hostile))["word/document.xml"]
    assert "w:fldSimple" not in body
    assert "w:hyperlink" not in body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_alone_is_harmless_in_every_text_format(payload: str) -> None:
    doc = sample_document(main_findings_md=payload, authority_name=payload)
    _assert_safe_rendered_html(to_html(doc))
    _assert_safe_rendered_html(markdown.markdown(to_markdown(doc)))
    assert "javascript" not in str(render_markdown(payload)).lower()


# ---- the children's summary


def test_children_summary_html(doc: ReportDocument) -> None:
    soup = soup_of(children_summary_to_html(doc))
    assert soup.html["lang"] == "en"
    assert [h.name for h in soup.find_all(re.compile(r"^h[1-6]$"))] == [
        "h1",
        "h2",
        "h3",
        "h3",
        "h3",
        "h2",
    ]
    assert soup.h1.get_text() == (
        "What we found in Northmere Borough Council: a summary for children and young people"
    )
    assert "Most of you feel safe at school." in soup.get_text()
    assert soup.select_one("code.hash").get_text() == compute_hash(doc)


def test_children_summary_pdf_of_a_draft(draft_summary_pdf: bytes) -> None:
    pages = pdf_pages(draft_summary_pdf)
    assert "Page 1 of" in pages[0]
    assert "DRAFT – NOT FOR PUBLICATION" in pages[0]
    text = "\n".join(pages)
    assert "What we did" in text
    assert "Social workers need to answer calls about children more quickly." in text
    assert "Draft – not for publication." in text


def test_children_summary_docx_and_markdown(doc: ReportDocument) -> None:
    document = docx.Document(io.BytesIO(children_summary_to_docx(doc)))
    assert document.paragraphs[0].style.name == "Title"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "What we found",
        "About this summary",
    ]
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2"] == [
        "What we did",
        "What is good",
        "What needs to get better",
    ]
    assert compute_hash(doc) in document.paragraphs[-1].text
    md = children_summary_to_markdown(doc)
    assert md.startswith("# What we found in Northmere Borough Council")
    assert "### What is good" in md
    assert "- Most of you feel safe at school." in md
    assert f"`{compute_hash(doc)}`" in md


# ---- the registry


def test_registry_lists_six_formats_with_types_and_extensions() -> None:
    assert list(EXPORTERS) == ["html", "pdf", "docx", "md", "xlsx", "json"]
    assert EXPORTERS["pdf"].media_type == "application/pdf"
    assert EXPORTERS["docx"].extension == "docx"
    assert EXPORTERS["md"].media_type.startswith("text/markdown")
    assert EXPORTERS["xlsx"].media_type.endswith("spreadsheetml.sheet")
    assert EXPORTERS["json"].media_type == "application/json"
    assert list(CHILDREN_SUMMARY_EXPORTERS) == ["html", "pdf", "docx", "md"]
    for key, exporter in EXPORTERS.items():
        assert exporter.key == key


def test_registry_renders_bytes(doc: ReportDocument, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_pdf, "to_pdf", lambda d: b"%PDF-report")
    monkeypatch.setattr(export_pdf, "children_summary_to_pdf", lambda d: b"%PDF-summary")
    for key, exporter in EXPORTERS.items():
        data = exporter.render(doc, Audience.PUBLIC)
        assert isinstance(data, bytes), key
        assert data
    assert EXPORTERS["pdf"].render(doc, Audience.PUBLIC) == b"%PDF-report"
    assert EXPORTERS["html"].render(doc, Audience.PUBLIC) == to_html(doc).encode("utf-8")
    assert export(doc, "json", audience=Audience.INSPECTION_TEAM) == to_json(
        doc, audience=Audience.INSPECTION_TEAM
    ).encode("utf-8")
    assert export(doc, "pdf", children_summary=True) == b"%PDF-summary"
    for exporter in CHILDREN_SUMMARY_EXPORTERS.values():
        assert exporter.render(doc, Audience.PUBLIC)
    with pytest.raises(KeyError):
        export(doc, "rtf")


def test_registry_file_names(doc: ReportDocument) -> None:
    assert EXPORTERS["pdf"].filename(doc) == "jar-2026-014-joint-area-review-v1.pdf"
    draft = replace(doc, status=ReportStatus.DRAFT, published_on=None, version_number=2)
    assert EXPORTERS["docx"].filename(draft) == "jar-2026-014-joint-area-review-v2-draft.docx"
    assert CHILDREN_SUMMARY_EXPORTERS["md"].filename(doc) == (
        "jar-2026-014-summary-for-children-and-young-people-v1.md"
    )
    odd = replace(doc, review_reference="../../etc/passwd <x>")
    assert EXPORTERS["json"].filename(odd) == "etc-passwd-x-joint-area-review-v1.json"


# ---- rich text


@pytest.mark.parametrize(
    "field",
    ["introduction_md", "context_md", "main_findings_md", "children_summary_md"],
)
def test_safe_markdown_says_what_the_original_said(field: str) -> None:
    md = getattr(sample_document(), field)
    again = safe_markdown(md)
    assert soup_of(render_markdown(again)).get_text() == soup_of(render_markdown(md)).get_text()


@pytest.mark.parametrize(
    "text",
    [
        "# not a heading",
        "- not a list",
        "1. not a list",
        "> not a quote",
        "*not emphasis* and _not_ either",
        "[not](https://a.link)",
        "<b>not bold</b> & 3 < 4 &amp;",
        "a `code` span \\ backslash",
        "===",
    ],
)
def test_escaped_text_reads_as_typed(text: str) -> None:
    rendered = markdown.markdown(escape_markdown_text(text))
    soup = soup_of(rendered)
    assert soup.get_text().strip() == text
    assert {tag.name for tag in soup.find_all(True)} <= {"p"}
