"""The report as a Word document that report authors can edit.

Built with python-docx on Word's own styles: the report title in "Title", sections in
"Heading 1", recommendation bands and subsections in "Heading 2", the authors' headings
below that; bulleted and numbered lists in "List Bullet" and "List Number" (each numbered
list restarting at 1); the grades table in "Table Grid" with a repeating header row.
Recommendations keep their own numbers, written out, in a "Recommendation" paragraph style.

Authors' Markdown reaches Word only as text: it is rendered and sanitised, parsed into
blocks and runs (:mod:`inspect_app.exports.rich_text`), and every piece of text is added
as a run. No HTML, field code or unsafe link can be carried through; links are real Word
hyperlinks only to http, https and mailto addresses. The only fields in the document are
the page numbers in the footer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run as WordRun

from inspect_app.domain.report import (
    ReportDocument,
    format_date,
    grade_text,
    is_safe_link,
    with_hash,
)
from inspect_app.exports import lineage_text
from inspect_app.exports.export_html import OVERRIDE_NOTE
from inspect_app.exports.rich_text import (
    Block,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Run,
    Table,
    blocks_from_markdown,
)
from inspect_app.garbage_collection import paused_garbage_collection

__all__ = ["children_summary_to_docx", "to_docx"]

RECOMMENDATION_STYLE = "Recommendation"
RECOMMENDATION_DETAILS_STYLE = "Recommendation details"
LINK_COLOUR = RGBColor(0x1D, 0x70, 0xB8)

# Characters XML 1.0 cannot hold (python-docx refuses them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


# ---- document set-up


def _new_document(doc: ReportDocument, title: str) -> WordDocument:
    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin = section.bottom_margin = Mm(22)

    props = word.core_properties
    props.title = _text(title)
    props.subject = _text(f"Joint area review {doc.review_reference}")
    props.author = "Joint area review team"
    props.last_modified_by = "JAR Workbench"
    props.keywords = _text(f"joint area review; children's services; {doc.authority_name}")
    props.comments = f"Document fingerprint (SHA-256): {doc.content_hash}"
    props.language = "en-GB"
    props.category = "Joint area review"
    props.revision = doc.version_number
    now = datetime.now(UTC).replace(microsecond=0)
    props.created = props.modified = now

    lang = word.styles.element.find(qn("w:docDefaults") + "//" + qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-GB")
        lang.set(qn("w:eastAsia"), "en-GB")

    styles = word.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    recommendation = styles.add_style(RECOMMENDATION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    recommendation.base_style = normal
    recommendation.paragraph_format.left_indent = Cm(1)
    recommendation.paragraph_format.first_line_indent = Cm(-1)
    recommendation.paragraph_format.space_after = Pt(2)
    details = styles.add_style(RECOMMENDATION_DETAILS_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    details.base_style = normal
    details.font.size = Pt(9)
    details.font.italic = True
    details.paragraph_format.left_indent = Cm(1)

    header = section.header.paragraphs[0]
    header.text = _text(f"{doc.authority_name} — Joint area review")
    if doc.is_draft:
        header.add_run("  DRAFT – NOT FOR PUBLICATION").bold = True
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    _add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES", "1")
    return word


def _add_field(paragraph: WordParagraph, instruction: str, placeholder: str) -> None:
    """A simple field with a fixed instruction (PAGE, NUMPAGES): never built from content."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _save(word: WordDocument) -> bytes:
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# ---- paragraphs
#
# python-docx looks a style up by name by scanning every style in the document each time,
# which makes a long report slow to build; set each paragraph's style by its id instead.


@cache
def _template_style_ids() -> dict[str, str]:
    return {style.name: style.style_id for style in Document().styles}


def _paragraph(word: WordDocument, text: str = "", style: str | None = None) -> WordParagraph:
    paragraph = word.add_paragraph(_text(text))
    if style is not None:
        style_id = _template_style_ids().get(style) or word.styles[style].style_id
        paragraph._p.style = style_id
    return paragraph


def _grid_style(table: WordTable) -> None:
    """The "Table Grid" style, set by its id (as paragraphs' styles are: see above)."""
    table._tbl.tblStyle_val = _template_style_ids()["Table Grid"]


# ---- text


def _add_runs(paragraph: WordParagraph, runs: Iterable[Run]) -> None:
    for run in runs:
        if run.is_break:
            paragraph.add_run().add_break()
        elif run.href is not None and is_safe_link(run.href):
            _add_hyperlink(paragraph, run)
        else:
            _styled_run(paragraph, run)


def _styled_run(paragraph: WordParagraph, run: Run) -> WordRun:
    word_run = paragraph.add_run(_text(run.text))
    word_run.bold = run.bold or None
    word_run.italic = run.italic or None
    if run.code:
        word_run.font.name = "Courier New"
    return word_run


def _add_hyperlink(paragraph: WordParagraph, run: Run) -> None:
    assert run.href is not None
    r_id = paragraph.part.relate_to(run.href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), r_id)
    word_run = _styled_run(paragraph, run)
    word_run.underline = True
    word_run.font.color.rgb = LINK_COLOUR
    hyperlink.append(word_run._r)  # moves the run inside the hyperlink
    paragraph._p.append(hyperlink)


def _labelled(word: WordDocument, label: str, value: str, style: str | None = None) -> None:
    paragraph = _paragraph(word, style=style)
    paragraph.add_run(_text(f"{label}: ")).bold = True
    paragraph.add_run(_text(value))


def _heading(word: WordDocument, text: str, html_level: int) -> WordParagraph:
    """A heading at the level the HTML export uses: h2 is "Heading 1", h3 "Heading 2"…"""
    return _paragraph(word, text, f"Heading {max(1, min(9, html_level - 1))}")


# ---- blocks


def _restart_numbering(word: WordDocument, style_name: str) -> int:
    """A new numbering instance for a numbered-list style, starting again at 1."""
    numbering = word.part.numbering_part.numbering_definitions._numbering
    num_id = word.styles[style_name].element.pPr.numPr.numId.val
    abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def _list_style(ordered: bool, depth: int) -> str:
    base = "List Number" if ordered else "List Bullet"
    return base if depth == 0 else f"{base} {min(depth + 1, 3)}"


def _add_blocks(word: WordDocument, blocks: Iterable[Block], *, depth: int = 0) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            _add_runs(_paragraph(word), block.runs)
        elif isinstance(block, Heading):
            _add_runs(_heading(word, "", block.level), block.runs)
        elif isinstance(block, Quote):
            for inner in block.blocks:
                if isinstance(inner, Paragraph | Heading):
                    _add_runs(_paragraph(word, style="Quote"), inner.runs)
                else:
                    _add_blocks(word, (inner,), depth=depth)
        elif isinstance(block, ListBlock):
            _add_list(word, block, depth)
        else:
            _add_table(word, block)


def _add_list(word: WordDocument, block: ListBlock, depth: int) -> None:
    style = _list_style(block.ordered, depth)
    num_id = _restart_numbering(word, style) if block.ordered else None
    continue_style = "List Continue" if depth == 0 else f"List Continue {min(depth + 1, 3)}"
    for item in block.items:
        first = True
        for inner in item.blocks:
            if isinstance(inner, ListBlock):
                _add_list(word, inner, depth + 1)
                continue
            if not isinstance(inner, Paragraph | Heading):  # a quote or table in an item
                _add_blocks(word, (inner,), depth=depth + 1)
                continue
            paragraph = _paragraph(word, style=style if first else continue_style)
            if first and num_id is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
            _add_runs(paragraph, inner.runs)
            first = False


def _mark_header_row(table: WordTable, caption: str) -> None:
    """Repeat the first row on each page; give the table a caption for screen readers."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    tbl_pr = table._tbl.tblPr
    caption_element = OxmlElement("w:tblCaption")
    caption_element.set(qn("w:val"), _text(caption)[:255])
    tbl_pr.append(caption_element)


def _add_table(word: WordDocument, block: Table) -> None:
    columns = max([len(block.header), *(len(r) for r in block.rows)], default=0)
    if columns == 0:
        return
    rows = [block.header] if block.header else []
    rows += list(block.rows)
    table = word.add_table(rows=len(rows), cols=columns)
    _grid_style(table)
    for r, (row, word_row) in enumerate(zip(rows, table.rows, strict=True)):
        bold = bool(block.header) and r == 0
        for cell_runs, cell in zip(row, word_row.cells, strict=False):
            runs = (Run(x.text, x.bold or bold, x.italic, x.code, x.href) for x in cell_runs)
            _add_runs(cell.paragraphs[0], runs)
    if block.header:
        _mark_header_row(table, "Table")
    _paragraph(word)  # keeps two tables in a row apart (Word would join them)


def _simple_table(
    word: WordDocument, caption: str, header: list[str], rows: list[list[str]]
) -> WordTable:
    caption_paragraph = _paragraph(word)
    caption_paragraph.add_run(_text(caption)).bold = True
    caption_paragraph.paragraph_format.keep_with_next = True
    table = word.add_table(rows=1 + len(rows), cols=len(header))
    _grid_style(table)
    word_rows = table.rows
    for text, cell in zip(header, word_rows[0].cells, strict=True):
        cell.paragraphs[0].add_run(_text(text)).bold = True
    for row, word_row in zip(rows, word_rows[1:], strict=True):
        for text, cell in zip(row, word_row.cells, strict=True):
            cell.paragraphs[0].add_run(_text(text))
    _mark_header_row(table, caption)
    _paragraph(word)  # a gap after the table
    return table


def _markdown(word: WordDocument, md: str, top_heading: int, empty: str | None = None) -> None:
    blocks = blocks_from_markdown(md, top_heading=top_heading)
    if blocks:
        _add_blocks(word, blocks)
    elif empty:
        _paragraph(word, empty)


# ---- the report


def _front(word: WordDocument, doc: ReportDocument, title: str) -> None:
    _paragraph(word, title, "Title")
    if doc.is_draft:
        _paragraph(word).add_run(
            "Draft – not for publication. This document has not been published and may change."
        ).bold = True


@paused_garbage_collection()
def to_docx(doc: ReportDocument) -> bytes:
    """The whole report as a Word document (.docx)."""
    doc = with_hash(doc)
    word = _new_document(doc, doc.title)
    _front(word, doc, doc.title)
    _labelled(word, "Review reference", doc.review_reference)
    area = doc.authority_name + (f", {doc.authority_region}" if doc.authority_region else "")
    _labelled(word, "Local authority area", area)
    _labelled(word, "Framework", f"{doc.rubric_title} (version {doc.rubric_version})")
    _labelled(word, "Status", doc.status_text)
    if doc.version_number > 1 and doc.issue_reasons:
        _labelled(word, "Why this version was issued", doc.issue_reasons)

    for heading, md in (
        ("Introduction", doc.introduction_md),
        ("Context", doc.context_md),
        ("Main findings", doc.main_findings_md),
    ):
        _heading(word, heading, 2)
        _markdown(word, md, 3, "None recorded.")

    _heading(word, "Grades", 2)
    _simple_table(
        word,
        "Grades for each judgement area",
        ["Number", "Judgement area", "Grade", "Note"],
        [
            [
                str(g.area_number),
                g.area_title,
                grade_text(g.grade, g.label),
                OVERRIDE_NOTE if g.is_override else "",
            ]
            for g in doc.grades_in_order
        ],
    )

    _heading(word, "Recommendations", 2)
    for band, recommendations in doc.recommendations_by_band():
        _heading(word, band.label, 3)
        if not recommendations:
            _paragraph(word, "No recommendations in this band.")
        for rec in recommendations:
            _add_recommendation(word, rec.number, rec.text_md)
            details = []
            if rec.area_title:
                details.append(f"Judgement area: {rec.area_title}.")
            if rec.responsible_body:
                details.append(f"Responsible: {rec.responsible_body}.")
            if details:
                _paragraph(word, " ".join(details), RECOMMENDATION_DETAILS_STYLE)

    for section in doc.sections_in_order:
        _heading(word, section.area_title, 2)
        grade = doc.grade_for(section.area_number)
        if grade is not None:
            _labelled(word, "Grade", grade_text(grade.grade, grade.label))
        _markdown(word, section.narrative_md, 3)
        _heading(word, "Major strengths", 3)
        _markdown(word, section.strengths_md, 4, "None recorded.")
        _heading(word, "Important weaknesses", 3)
        _markdown(word, section.weaknesses_md, 4, "None recorded.")

    _heading(word, "Annex: how the grades were agreed", 2)
    _paragraph(word, lineage_text.ANNEX_INTRO)
    if not doc.lineage:
        _paragraph(word, "No grades have been agreed yet.")
    for row in doc.lineage:
        _heading(word, f"{row.judgement} {row.title}", 3)
        _labelled(word, "Agreed grade", grade_text(row.agreed_grade, row.agreed_label))
        agreed_by = row.agreed_by or "Not recorded"
        if row.agreed_at:
            agreed_by += f" on {format_date(row.agreed_at)}"
        _labelled(word, "Agreed by", agreed_by)
        if override := lineage_text.override_text(row):
            _labelled(word, lineage_text.OVERRIDE_LABEL, override)
        _labelled(word, "Revisions", str(row.revisions_count))
        _labelled(
            word,
            "Evidence",
            f"{row.evidence_supports} supporting, {row.evidence_contradicts} contradicting",
        )
        if row.reasons.strip():
            _paragraph(word).add_run("Reasons").bold = True
            for chunk in re.split(r"\n\s*\n", row.reasons.strip()):
                _paragraph(word, chunk.strip())
        earlier = lineage_text.earlier_version_lines(row)
        if earlier:
            _paragraph(word).add_run(lineage_text.EARLIER_VERSIONS_HEADING).bold = True
            for line in earlier:
                _paragraph(word, line, "List Bullet")
        if row.team_histories:
            _labelled(word, lineage_text.TEAM_HISTORY_LABEL, lineage_text.team_history_text(row))
        if row.team_grades:
            _simple_table(
                word,
                f"Team members’ grades for {row.judgement}",
                ["Inspector", "Inspectorate", "Grade", "Rationale (extract)"],
                [
                    [
                        t.grader_name,
                        t.inspectorate_label,
                        str(t.grade) if t.grade is not None else "Not graded",
                        t.rationale_excerpt,
                    ]
                    for t in row.team_grades
                ],
            )

    _heading(word, "About this document", 2)
    _paragraph(
        word,
        _text(
            f"Joint area review of services for children and young people in the area of "
            f"{doc.authority_name}, review reference {doc.review_reference}, judged against "
            f"the {doc.rubric_title} (framework key {doc.rubric_key}, version "
            f"{doc.rubric_version}). {doc.status_text}."
        ),
    )
    _paragraph(
        word, "A separate summary of this report has been written for children and young people."
    )
    _paragraph(
        word,
        "The fingerprint is computed from the content of the report. Any change to the "
        "content gives a different fingerprint, so two copies with the same fingerprint say "
        "the same thing.",
    )
    _fingerprint(word, "Document fingerprint (SHA-256)", doc.content_hash)
    return _save(word)


def _add_recommendation(word: WordDocument, number: int, text_md: str) -> None:
    blocks = list(blocks_from_markdown(text_md, top_heading=4))
    paragraph = _paragraph(word, style=RECOMMENDATION_STYLE)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run(f"{number}.\t").bold = True
    if blocks and isinstance(blocks[0], Paragraph):
        _add_runs(paragraph, blocks.pop(0).runs)
    for block in blocks:
        if isinstance(block, Paragraph):
            indented = _paragraph(word)
            indented.paragraph_format.left_indent = Cm(1)
            _add_runs(indented, block.runs)
        else:
            _add_blocks(word, (block,))


def _fingerprint(word: WordDocument, label: str, content_hash: str) -> None:
    """The final paragraph of every Word export."""
    paragraph = _paragraph(word)
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(content_hash).font.name = "Courier New"


@paused_garbage_collection()
def children_summary_to_docx(doc: ReportDocument) -> bytes:
    """The summary for children and young people as a Word document."""
    doc = with_hash(doc)
    word = _new_document(doc, doc.children_summary_title)
    _front(word, doc, doc.children_summary_title)
    _heading(word, "What we found", 2)
    _markdown(word, doc.children_summary_md, 3, "None recorded.")
    _heading(word, "About this summary", 2)
    _paragraph(
        word,
        _text(
            "This is a short version, for children and young people, of the joint area "
            f"review of services for children and young people in the area of "
            f"{doc.authority_name} (review reference {doc.review_reference}). "
            f"{doc.status_text}."
        ),
    )
    _fingerprint(word, "Fingerprint of the full report (SHA-256)", doc.content_hash)
    return _save(word)
