"""The report as JSON, for other systems: every judgement with its agreed grade and lineage.

Each judgement's lineage has ``agreed_versions`` (every agreed value recorded: who, when,
why, override of the derived grade) and ``team_grade_history`` (every grade each team member
submitted, each revision with its full rationale: the inspection team's export only; an
empty list for anyone else). Reports published before the lineage kept these give both empty.

Keys come in a fixed, documented order (``json.dumps`` without sorting, from dictionaries
built in that order), so two exports of the same report are byte-for-byte the same. Text
written in Markdown is given twice: ``…_markdown`` (the sanitised Markdown of the Markdown
export) and, for recommendations, ``text`` (plain text). Dates are ISO 8601; times are UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from inspect_app.domain.report import (
    HASH_SCHEMA,
    Audience,
    ReportDocument,
    with_hash,
)
from inspect_app.exports.rich_text import plain_text, safe_markdown

__all__ = ["FORMAT", "FORMAT_VERSION", "to_json"]

FORMAT = "jar-workbench/report"
FORMAT_VERSION = 1


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat()


def to_json(doc: ReportDocument, *, audience: Audience = Audience.PUBLIC) -> str:
    """The report as JSON. Restricted evidence and the team's individual grades are listed
    only for the inspection team."""
    doc = with_hash(doc)
    audience = Audience(audience)
    team = audience is Audience.INSPECTION_TEAM  # individual grades: never anyone else
    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "content_hash": doc.content_hash,
        "content_hash_algorithm": "sha256",
        "content_hash_schema": HASH_SCHEMA,
        "audience": audience.value,
        "review": {
            "reference": doc.review_reference,
            "title": doc.title,
            "status": doc.status.value,
            "version_number": doc.version_number,
            "published_on": _date(doc.published_on),
            "issue_reasons": doc.issue_reasons,
        },
        "authority": {"name": doc.authority_name, "region": doc.authority_region},
        "rubric": {
            "key": doc.rubric_key,
            "version": doc.rubric_version,
            "title": doc.rubric_title,
        },
        "sections": {
            "introduction_markdown": safe_markdown(doc.introduction_md),
            "context_markdown": safe_markdown(doc.context_md),
            "main_findings_markdown": safe_markdown(doc.main_findings_md),
        },
        "grades": [
            {
                "area_number": g.area_number,
                "area_title": g.area_title,
                "kind": g.kind.value,
                "grade": g.grade,
                "label": g.label,
                "is_override": g.is_override,
            }
            for g in doc.grades_in_order
        ],
        "recommendations": [
            {
                "number": r.number,
                "band": r.band.value,
                "band_label": r.band.label,
                "area_number": r.area_number,
                "area_title": r.area_title,
                "responsible_body": r.responsible_body,
                "text": plain_text(r.text_md),
                "text_markdown": safe_markdown(r.text_md, top_heading=4),
            }
            for r in doc.recommendations_in_order
        ],
        "areas": [
            {
                "area_number": s.area_number,
                "area_title": s.area_title,
                "kind": s.kind.value,
                "narrative_markdown": safe_markdown(s.narrative_md),
                "strengths_markdown": safe_markdown(s.strengths_md, top_heading=4),
                "weaknesses_markdown": safe_markdown(s.weaknesses_md, top_heading=4),
            }
            for s in doc.sections_in_order
        ],
        "judgements": [
            {
                "judgement": row.judgement,
                "title": row.title,
                "agreed_grade": row.agreed_grade,
                "agreed_label": row.agreed_label,
                "agreed_by": row.agreed_by,
                "agreed_at": _datetime(row.agreed_at),
                "reasons": row.reasons,
                "revisions_count": row.revisions_count,
                "evidence_supports": row.evidence_supports,
                "evidence_contradicts": row.evidence_contradicts,
                "team_grades": [
                    {
                        "grader_name": t.grader_name,
                        "inspectorate": t.inspectorate_label,
                        "grade": t.grade,
                        "rationale_excerpt": t.rationale_excerpt,
                    }
                    for t in (row.team_grades if team else ())
                ],
                "agreed_versions": [
                    {
                        "version": v.version,
                        "agreed_grade": v.grade,
                        "agreed_label": v.label,
                        "agreed_by": v.agreed_by,
                        "agreed_at": _datetime(v.agreed_at),
                        "reasons": v.reasons,
                        "is_override": v.is_override,
                        "derived_grade": v.derived_grade,
                    }
                    for v in row.agreed_versions
                ],
                "team_grade_history": [
                    {
                        "grader_name": h.grader_name,
                        "inspectorate": h.inspectorate_label,
                        "revisions": [
                            {
                                "version": r.version,
                                "grade": r.grade,
                                "recorded_by": r.recorded_by,
                                "recorded_at": _datetime(r.recorded_at),
                                "rationale": r.rationale,
                            }
                            for r in h.revisions
                        ],
                    }
                    for h in (row.team_histories if team else ())
                ],
            }
            for row in doc.lineage
        ],
        "evidence_index": [
            {
                "title": e.title,
                "kind": e.kind,
                "inspectorate": e.inspectorate,
                "date": _date(e.date),
                "judgements": e.judgements,
                **({"restricted": e.restricted} if audience is Audience.INSPECTION_TEAM else {}),
            }
            for e in doc.evidence_index_for(audience)
        ],
        "children_summary_markdown": safe_markdown(doc.children_summary_md),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
