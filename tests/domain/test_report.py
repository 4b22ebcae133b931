"""The report document model: order of sections, content hash and Markdown sanitising."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from inspect_app.domain.report import (
    BAND_LABELS,
    HASH_SCHEMA,
    AreaSection,
    Audience,
    Band,
    GradeRow,
    Recommendation,
    ReportStatus,
    canonical_json,
    compute_hash,
    format_date,
    grade_text,
    is_safe_link,
    render_markdown,
    verify_hash,
    with_hash,
)
from inspect_app.domain.rubric import AreaKind
from tests.exports.samples import sample_document

# ---- the document


def test_bands_have_labels_in_report_order() -> None:
    assert [b.label for b in Band] == [
        "For immediate action",
        "Within six months",
        "In the longer term",
    ]
    assert BAND_LABELS[Band.SIX_MONTHS] == "Within six months"
    assert [b.order for b in Band] == [0, 1, 2]


def test_plain_strings_become_enums() -> None:
    row = GradeRow(1, "Being healthy", "outcome", 3, "Good")  # type: ignore[arg-type]
    assert row.kind is AreaKind.OUTCOME
    rec = Recommendation(1, "Do it.", None, "", "six_months")  # type: ignore[arg-type]
    assert rec.band is Band.SIX_MONTHS
    doc = sample_document(status="draft")
    assert doc.status is ReportStatus.DRAFT
    assert doc.is_draft


def test_documents_are_immutable() -> None:
    doc = sample_document()
    with pytest.raises(FrozenInstanceError):
        doc.authority_name = "Elsewhere"  # type: ignore[misc]


def test_a_published_report_needs_a_date_and_a_version_from_one() -> None:
    with pytest.raises(ValueError, match="publication date"):
        sample_document(published_on=None)
    with pytest.raises(ValueError, match="starts at 1"):
        sample_document(version_number=0)
    draft = sample_document(status=ReportStatus.DRAFT, published_on=None)
    assert draft.status_text == "Draft – not for publication"


def test_recommendation_numbers_are_unique() -> None:
    doc = sample_document()
    duplicate = replace(doc.recommendations[1], number=doc.recommendations[0].number)
    with pytest.raises(ValueError, match="unique"):
        replace(doc, recommendations=(doc.recommendations[0], duplicate))


def test_status_text() -> None:
    doc = sample_document()
    assert doc.status_text == "Published 28 April 2026"
    reissued = sample_document(version_number=2, issue_reasons="Corrected a figure.")
    assert reissued.status_text == "Published 28 April 2026 (re-issue 2)"


def test_sections_come_in_report_order_whatever_order_they_are_given_in() -> None:
    doc = sample_document()
    shuffled = replace(doc, area_sections=tuple(reversed(doc.area_sections)))
    assert [s.area_number for s in shuffled.outcome_sections] == [1, 2, 3, 4, 5]
    assert [s.area_title for s in shuffled.service_sections] == ["Service management"]
    assert [s.area_title for s in shuffled.capacity_sections] == ["Capacity to improve"]
    assert [s.area_number for s in shuffled.sections_in_order] == [1, 2, 3, 4, 5, 6, 7]


def test_service_management_comes_after_outcomes_even_when_numbered_first() -> None:
    """In a rubric whose service area is numbered before an outcome, kinds decide order."""
    doc = sample_document(
        area_sections=(
            AreaSection(1, "Service management", "", "", "", AreaKind.SERVICE),
            AreaSection(2, "Capacity to improve", "", "", "", AreaKind.CAPACITY),
            AreaSection(3, "Safeguarding", "", "", "", AreaKind.OUTCOME),
        )
    )
    assert [s.area_title for s in doc.sections_in_order] == [
        "Safeguarding",
        "Service management",
        "Capacity to improve",
    ]


def test_recommendations_by_band_lists_every_band_in_order() -> None:
    doc = sample_document()
    bands = doc.recommendations_by_band()
    assert [band for band, _ in bands] == list(Band)
    assert [[r.number for r in recs] for _, recs in bands] == [
        [1, 2, 3],
        [4, 5, 6, 7],
        [8, 9, 10],
    ]
    only_one = replace(doc, recommendations=doc.recommendations[:1])
    assert [len(recs) for _, recs in only_one.recommendations_by_band()] == [1, 0, 0]


def test_restricted_evidence_is_only_for_the_inspection_team() -> None:
    doc = sample_document()
    public = doc.evidence_index_for(Audience.PUBLIC)
    team = doc.evidence_index_for(Audience.INSPECTION_TEAM)
    assert len(team) == len(doc.evidence_index)
    assert any(e.restricted for e in team)
    assert not any(e.restricted for e in public)
    assert len(public) == len(team) - 2


# ---- content hash


def test_hash_is_a_sha256_hex_digest_and_deterministic() -> None:
    first = compute_hash(sample_document())
    assert len(first) == 64
    assert int(first, 16) >= 0
    assert compute_hash(sample_document()) == first


def test_canonical_json_is_sorted_compact_and_names_its_schema() -> None:
    text = canonical_json(sample_document())
    payload = json.loads(text)
    assert payload["schema"] == HASH_SCHEMA
    assert "content_hash" not in payload["document"]
    assert text == json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert payload["document"]["status"] == "published"
    assert payload["document"]["published_on"] == "2026-04-28"


@pytest.mark.parametrize(
    "change",
    [
        {"authority_name": "Southmere Borough Council"},
        {"main_findings_md": "Different findings."},
        {"version_number": 2},
        {"status": ReportStatus.DRAFT},
        {"children_summary_md": "Changed."},
    ],
)
def test_any_content_change_changes_the_hash(change: dict[str, object]) -> None:
    assert compute_hash(sample_document(**change)) != compute_hash(sample_document())


def test_changes_deep_inside_change_the_hash() -> None:
    doc = sample_document()
    regraded = replace(doc, grades=(replace(doc.grades[0], grade=4), *doc.grades[1:]))
    assert compute_hash(regraded) != compute_hash(doc)
    reworded = replace(
        doc,
        recommendations=(
            replace(doc.recommendations[0], text_md="Other words."),
            *doc.recommendations[1:],
        ),
    )
    assert compute_hash(reworded) != compute_hash(doc)
    team = doc.lineage[0].team_grades
    relineaged = replace(
        doc,
        lineage=(
            replace(doc.lineage[0], team_grades=(replace(team[0], grade=1), *team[1:])),
            *doc.lineage[1:],
        ),
    )
    assert compute_hash(relineaged) != compute_hash(doc)


def test_hash_ignores_the_stored_hash_and_restricted_evidence() -> None:
    doc = sample_document()
    assert compute_hash(replace(doc, content_hash="x" * 64)) == compute_hash(doc)
    public_only = replace(doc, evidence_index=doc.evidence_index_for(Audience.PUBLIC))
    assert compute_hash(public_only) == compute_hash(doc)
    # …but public evidence is content
    assert compute_hash(replace(doc, evidence_index=())) != compute_hash(doc)


def test_hash_treats_the_same_instant_in_any_time_zone_alike() -> None:
    doc = sample_document()
    row = doc.lineage[0]
    assert row.agreed_at is not None
    in_bst = row.agreed_at.astimezone(timezone(timedelta(hours=1)))
    moved = replace(doc, lineage=(replace(row, agreed_at=in_bst), *doc.lineage[1:]))
    assert compute_hash(moved) == compute_hash(doc)


def test_with_hash_and_verify_hash() -> None:
    doc = sample_document()
    assert doc.content_hash == ""
    assert not verify_hash(doc)
    hashed = with_hash(doc)
    assert hashed.content_hash == compute_hash(doc)
    assert verify_hash(hashed)
    assert not verify_hash(replace(hashed, authority_name="Changed"))


# ---- Markdown


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_markdown_basics() -> None:
    html = render_markdown("Some **bold** and *italic* text.\n\n- one\n- two\n\n1. first")
    assert isinstance(html, Markup)
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<ul>" in html
    assert "<ol>" in html


def test_empty_markdown_is_empty() -> None:
    assert render_markdown("") == ""
    assert render_markdown("   \n ") == ""


def test_headings_start_at_the_given_level_and_never_skip() -> None:
    html = render_markdown("# Top\n\n### Deep\n\n## Middle\n\n###### Very deep")
    levels = [tag.name for tag in _soup(html).find_all(True) if tag.name.startswith("h")]
    assert levels == ["h3", "h4", "h4", "h5"]
    assert [t.name for t in _soup(render_markdown("## Under a subsection", top_heading=4))] == [
        "h4"
    ]
    with pytest.raises(ValueError, match="h3"):
        render_markdown("x", top_heading=2)


def test_tables_have_column_headers_and_no_inline_styles() -> None:
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    soup = _soup(html)
    assert [th["scope"] for th in soup.find_all("th")] == ["col", "col"]
    assert "style" not in html


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://www.example.org/a", True),
        ("http://www.example.org/", True),
        ("mailto:lead@example.org", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("/relative/path", False),
        ("//evil.example/x", False),
        ("#anchor", False),
        ("ftp://files.example.org/", False),
    ],
)
def test_links_keep_only_web_and_mail_addresses(href: str, kept: bool) -> None:
    html = render_markdown(f"[the link]({href})")
    links = _soup(html).find_all("a")
    assert is_safe_link(href) is kept
    if kept:
        assert links[0]["href"] == href
        assert links[0]["rel"] == ["noopener", "noreferrer"]
    else:
        assert links == []  # the text stays, without the link
        assert "the link" in html
    assert "javascript" not in html.lower()


def test_raw_html_is_removed() -> None:
    md = (
        "Before <script>alert(1)</script> after.\n\n"
        "<img src=x onerror=alert(1)>\n\n"
        '<iframe src="https://evil.example/">framed</iframe>\n\n'
        '"><b>bold</b> <span style="color:red" onclick="x()">span</span>\n\n'
        "<style>body{display:none}</style>\n\n<!-- a comment -->"
    )
    html = render_markdown(md)
    soup = _soup(html)
    allowed = {"p", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a"}
    allowed |= {"blockquote", "table", "thead", "tbody", "tr", "th", "td", "br", "code"}
    assert {tag.name for tag in soup.find_all(True)} <= allowed
    assert "alert(1)" not in html  # script content dropped with the script
    assert "framed" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "display:none" not in html
    assert "a comment" not in html
    assert "&gt;bold" in html  # the text of stripped tags stays, escaped
    assert "span" in soup.get_text()


def test_code_spans_show_html_literally() -> None:
    html = render_markdown("Type `<script>` to …")
    assert "<code>&lt;script&gt;</code>" in html


def test_format_date_and_grade_text() -> None:
    assert format_date(date(2026, 4, 3)) == "3 April 2026"
    assert format_date(None) == ""
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in British Summer Time
    assert format_date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "1 April 2026"
    assert grade_text(3, "Good") == "3 – Good"
    assert grade_text(None, "") == "Not graded"
    assert grade_text(2, "") == "2"
