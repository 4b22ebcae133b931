"""The live report of a review as a :class:`~inspect_app.domain.report.ReportDocument`.

The grades table, the annex (lineage and evidence counts) and the evidence index are
generated from the agreed grades and the evidence every time the document is built, so they
follow the grades until publication; the text comes from the sections, the recommendations
from their rows. A fixed number of queries however much evidence there is.

Who the document is for (``audience``):

- :attr:`Audience.INSPECTION_TEAM` — the annex also lists each team member's grade when the
  grade was agreed, with an extract of their rationale, and every grade each member
  submitted for the judgement: each revision with its value, who saved it, when and its
  full rationale.
- :attr:`Audience.PUBLIC` — the authority (during the factual accuracy check), its partners
  and the public: the annex gives each agreed grade, who recorded it and when, the reasons
  recorded for it, every earlier agreed value (who, when, why, whether it overrode the
  rubric's rule) and the evidence counts, but never an individual's provisional grade or
  rationale (which may quote restricted evidence), before publication or after.

The evidence index always holds every item, restricted ones flagged; the exports list
restricted items only for the inspection team. Published versions are stored from the
:attr:`Audience.PUBLIC` document (see ``services/publication.py``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from inspect_app.domain.report import (
    AgreedVersion,
    AreaSection,
    Audience,
    GradeRow,
    LineageRow,
    ReportDocument,
    ReportStatus,
    TeamGrade,
    TeamGradeHistory,
    TeamGradeRevision,
)
from inspect_app.domain.report import Recommendation as RecommendationRow
from inspect_app.domain.rubric import AreaKind
from inspect_app.garbage_collection import paused_garbage_collection
from inspect_app.models import Review
from inspect_app.services.report_drafting import (
    numbered,
    recommendations_for,
    sections_for,
)
from inspect_app.services.report_sources import (
    ReportSources,
    evidence_index,
    excerpt,
    load_sources,
)

__all__ = ["build_document"]


def _lineage(sources: ReportSources, review: Review, audience: Audience) -> tuple[LineageRow, ...]:
    scale = review.rubric.scale
    rows = []
    for target in sources.targets:
        record = sources.agreed.get(target.key)
        counts = sources.evidence.get(target.key)
        agreed = record.agreed if record else None
        team: tuple[TeamGrade, ...] = ()
        histories: tuple[TeamGradeHistory, ...] = ()
        if audience is Audience.INSPECTION_TEAM:
            if record is not None:
                team = tuple(
                    TeamGrade(t.grader_name, t.inspectorate, t.grade, excerpt(t.rationale))
                    for t in record.team
                )
            histories = tuple(
                TeamGradeHistory(
                    grader_name=h.grader_name,
                    inspectorate_label=h.inspectorate,
                    revisions=tuple(
                        TeamGradeRevision(
                            version=r.version,
                            grade=r.value,
                            recorded_at=r.recorded_at,
                            recorded_by=r.recorded_by,
                            rationale=r.rationale,
                        )
                        for r in h.revisions
                    ),
                )
                for h in sources.histories.get(target.key, ())
            )
        versions = tuple(
            AgreedVersion(
                version=v.version,
                grade=v.value,
                label=scale.label_for(v.value),
                agreed_by=v.recorded_by,
                agreed_at=v.recorded_at,
                reasons=v.reasons,
                is_override=v.is_override,
                derived_grade=v.derived_value,
            )
            for v in (record.versions if record else ())
        )
        rows.append(
            LineageRow(
                judgement=f"Area {target.number}" if target.is_area else target.number,
                title=target.area_title if target.is_area else target.text,
                agreed_grade=agreed.value if agreed else None,
                agreed_label=scale.label_for(agreed.value) if agreed else "",
                agreed_by=agreed.agreed_by.name if agreed else "",
                agreed_at=agreed.agreed_at if agreed else None,
                reasons=agreed.reasons if agreed else "",
                team_grades=team,
                revisions_count=max(record.revisions - 1, 0) if record else 0,
                evidence_supports=counts.supports if counts else 0,
                evidence_contradicts=counts.contradicts if counts else 0,
                agreed_versions=versions,
                team_histories=histories,
            )
        )
    return tuple(rows)


@paused_garbage_collection()
def build_document(
    session: Session,
    review: Review,
    *,
    audience: Audience = Audience.PUBLIC,
    status: ReportStatus = ReportStatus.DRAFT,
    version_number: int = 1,
    published_on: date | None = None,
    issue_reasons: str = "",
) -> ReportDocument:
    """The report as it stands. ``review`` should come from ``load_review`` (authority,
    rubric and areas loaded). About a dozen queries, whatever the size of the review."""
    audience = Audience(audience)
    scale = review.rubric.scale
    sources = load_sources(session, review, with_rationales=audience is Audience.INSPECTION_TEAM)
    texts = {key: s.body_md for key, s in sections_for(session, review).items()}
    areas = {a.number: a for a in review.rubric.areas}

    grades = []
    for target in sources.targets:
        if not target.is_area:
            continue
        record = sources.agreed.get(target.key)
        agreed = record.agreed if record else None
        grades.append(
            GradeRow(
                area_number=target.area_number,
                area_title=target.area_title,
                kind=AreaKind(areas[target.area_number].kind),
                grade=agreed.value if agreed else None,
                label=scale.label_for(agreed.value) if agreed else "",
                is_override=bool(agreed and agreed.is_override),
            )
        )

    sections = tuple(
        AreaSection(
            area_number=area.number,
            area_title=area.title,
            strengths_md=texts.get(f"area-{area.number}-strengths", ""),
            weaknesses_md=texts.get(f"area-{area.number}-weaknesses", ""),
            narrative_md=texts.get(f"area-{area.number}-narrative", ""),
            kind=AreaKind(area.kind),
        )
        for area in review.rubric.areas
    )
    recommendations = tuple(
        RecommendationRow(
            number=number,
            text_md=rec.text_md,
            area_number=rec.area.number if rec.area else None,
            area_title=rec.area.title if rec.area else "",
            band=rec.band,
            responsible_body=rec.responsible_body,
        )
        for number, rec in numbered(recommendations_for(session, review))
    )
    return ReportDocument(
        review_reference=review.reference,
        authority_name=review.authority.name,
        authority_region=review.authority.region,
        rubric_key=review.rubric.key,
        rubric_version=review.rubric.version,
        rubric_title=review.rubric.title,
        status=status,
        version_number=version_number,
        published_on=published_on,
        issue_reasons=issue_reasons,
        introduction_md=texts.get("introduction", ""),
        context_md=texts.get("context", ""),
        main_findings_md=texts.get("main-findings", ""),
        grades=tuple(grades),
        area_sections=sections,
        recommendations=recommendations,
        lineage=_lineage(sources, review, audience),
        evidence_index=tuple(evidence_index(session, review)),
        children_summary_md=texts.get("children-summary", ""),
    )
