"""The report as Markdown, for people who keep documents as text.

The authors' Markdown is not copied through as typed: it is rendered, sanitised and written
back out (:func:`~inspect_app.exports.rich_text.safe_markdown`), so the file holds exactly
what the HTML report shows — formatting, lists, tables, links to http, https and mailto
addresses — and no raw HTML, images or unsafe links, whatever a Markdown viewer would do
with them. Names and other plain text are escaped (``<`` as ``&lt;``, Markdown's own
characters with a backslash), so they read as typed.
"""

from __future__ import annotations

import re

from inspect_app.domain.report import (
    ReportDocument,
    format_date,
    grade_text,
    with_hash,
)
from inspect_app.exports import lineage_text
from inspect_app.exports.export_html import OVERRIDE_NOTE
from inspect_app.exports.rich_text import (
    Paragraph,
    blocks_from_markdown,
    blocks_to_markdown,
    escape_markdown_cell,
    escape_markdown_text,
    safe_markdown,
)

__all__ = ["children_summary_to_markdown", "to_markdown"]

NONE_RECORDED = "None recorded."


def _esc(text: str) -> str:
    return escape_markdown_text(text).replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(escape_markdown_cell(h) for h in header) + " |"]
    lines.append("| " + " | ".join("---" for _ in header) + " |")
    lines += ["| " + " | ".join(escape_markdown_cell(c) for c in row) + " |" for row in rows]
    return lines


def _text_section(md: str, top_heading: int = 3) -> str:
    return safe_markdown(md, top_heading=top_heading) or NONE_RECORDED


def _front(doc: ReportDocument, title: str) -> list[str]:
    parts = [f"# {_esc(title)}"]
    if doc.is_draft:
        parts.append(
            "**Draft – not for publication.** This document has not been published and may change."
        )
    return parts


def _recommendation(number: int, text_md: str, details: str) -> str:
    blocks = list(blocks_from_markdown(text_md, top_heading=4))
    lead = f"**{number}.**"
    if blocks and isinstance(blocks[0], Paragraph):
        first = blocks_to_markdown((blocks.pop(0),))
        lead = f"{lead} {first}"
    parts = [lead]
    if blocks:
        parts.append(blocks_to_markdown(tuple(blocks)))
    if details:
        parts.append(f"*{_esc(details)}*")
    return "\n\n".join(parts)


def _fingerprint(label: str, content_hash: str) -> str:
    return f"{label}: `{content_hash}`"


def to_markdown(doc: ReportDocument) -> str:
    """The whole report as a Markdown document."""
    doc = with_hash(doc)
    parts = _front(doc, doc.title)
    area = doc.authority_name + (f", {doc.authority_region}" if doc.authority_region else "")
    facts = [
        ("Review reference", doc.review_reference),
        ("Local authority area", area),
        ("Framework", f"{doc.rubric_title} (version {doc.rubric_version})"),
        ("Status", doc.status_text),
    ]
    if doc.version_number > 1 and doc.issue_reasons:
        facts.append(("Why this version was issued", doc.issue_reasons))
    parts.append("\n".join(f"- **{label}:** {_esc(value)}" for label, value in facts))

    parts += ["## Introduction", _text_section(doc.introduction_md)]
    parts += ["## Context", _text_section(doc.context_md)]
    parts += ["## Main findings", _text_section(doc.main_findings_md)]

    parts.append("## Grades")
    parts.append(
        "\n".join(
            _table(
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
        )
    )

    parts.append("## Recommendations")
    for band, recommendations in doc.recommendations_by_band():
        parts.append(f"### {band.label}")
        if not recommendations:
            parts.append("No recommendations in this band.")
        for rec in recommendations:
            details = []
            if rec.area_title:
                details.append(f"Judgement area: {rec.area_title}.")
            if rec.responsible_body:
                details.append(f"Responsible: {rec.responsible_body}.")
            parts.append(_recommendation(rec.number, rec.text_md, " ".join(details)))

    for section in doc.sections_in_order:
        parts.append(f"## {_esc(section.area_title)}")
        grade = doc.grade_for(section.area_number)
        if grade is not None:
            parts.append(f"**Grade:** {_esc(grade_text(grade.grade, grade.label))}")
        narrative = safe_markdown(section.narrative_md)
        if narrative:
            parts.append(narrative)
        parts += ["### Major strengths", _text_section(section.strengths_md, 4)]
        parts += ["### Important weaknesses", _text_section(section.weaknesses_md, 4)]

    parts.append("## Annex: how the grades were agreed")
    parts.append(_esc(lineage_text.ANNEX_INTRO))
    if not doc.lineage:
        parts.append("No grades have been agreed yet.")
    for row in doc.lineage:
        parts.append(f"### {_esc(row.judgement)} {_esc(row.title)}")
        agreed_by = row.agreed_by or "Not recorded"
        if row.agreed_at:
            agreed_by += f" on {format_date(row.agreed_at)}"
        override = lineage_text.override_text(row)
        facts = [
            ("Agreed grade", grade_text(row.agreed_grade, row.agreed_label)),
            ("Agreed by", agreed_by),
            *([(lineage_text.OVERRIDE_LABEL, override)] if override else []),
            ("Revisions", str(row.revisions_count)),
            (
                "Evidence",
                f"{row.evidence_supports} supporting, {row.evidence_contradicts} contradicting",
            ),
        ]
        parts.append("\n".join(f"- **{label}:** {_esc(value)}" for label, value in facts))
        if row.reasons.strip():
            parts.append("**Reasons**")
            parts += [
                escape_markdown_text(chunk.strip())
                for chunk in re.split(r"\n\s*\n", row.reasons.strip())
            ]
        earlier = lineage_text.earlier_version_lines(row)
        if earlier:
            parts.append(f"**{_esc(lineage_text.EARLIER_VERSIONS_HEADING)}**")
            parts.append("\n".join(f"- {_esc(line)}" for line in earlier))
        if row.team_histories:
            label = _esc(lineage_text.TEAM_HISTORY_LABEL)
            parts.append(f"**{label}:** {_esc(lineage_text.team_history_text(row))}")
        if row.team_grades:
            parts.append(f"*Team members’ grades for {_esc(row.judgement)}*")
            parts.append(
                "\n".join(
                    _table(
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
                )
            )

    parts.append("## About this document")
    parts.append(
        _esc(
            "Joint area review of services for children and young people in the area of "
            f"{doc.authority_name}, review reference {doc.review_reference}, judged against "
            f"the {doc.rubric_title} (framework key {doc.rubric_key}, version "
            f"{doc.rubric_version}). {doc.status_text}."
        )
    )
    parts.append(
        "A separate summary of this report has been written for children and young people."
    )
    parts.append(
        "The fingerprint is computed from the content of the report. Any change to the "
        "content gives a different fingerprint, so two copies with the same fingerprint say "
        "the same thing."
    )
    parts.append(_fingerprint("Document fingerprint (SHA-256)", doc.content_hash))
    return "\n\n".join(parts) + "\n"


def children_summary_to_markdown(doc: ReportDocument) -> str:
    """The summary for children and young people as Markdown."""
    doc = with_hash(doc)
    parts = _front(doc, doc.children_summary_title)
    parts += ["## What we found", _text_section(doc.children_summary_md)]
    parts.append("## About this summary")
    parts.append(
        _esc(
            "This is a short version, for children and young people, of the joint area "
            "review of services for children and young people in the area of "
            f"{doc.authority_name} (review reference {doc.review_reference}). "
            f"{doc.status_text}."
        )
    )
    parts.append(_fingerprint("Fingerprint of the full report (SHA-256)", doc.content_hash))
    return "\n\n".join(parts) + "\n"
