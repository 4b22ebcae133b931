"""Writing the report: sections with version history, recommendations, starting points.

Every section is saved against the version the author last saw. A save from a stale page
is refused with :class:`StaleSectionError`, which carries the newer text, who saved it,
when, and the difference from what the author tried to save: nothing is silently
overwritten. Every save is kept as a :class:`ReportSectionRevision` and audit-logged.

Editing is open to the report author and the lead inspector during drafting and the factual
accuracy check, and afterwards only in a draft the lead reopened for a formal re-issue
(:meth:`Access.can_edit_report`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from inspect_app.domain.permissions import Access
from inspect_app.domain.phases import Phase
from inspect_app.domain.report import Band
from inspect_app.domain.report_sections import (
    SECTION_MAX,
    AreaRef,
    SectionSpec,
    find_section,
    report_sections,
)
from inspect_app.domain.rubric import AreaKind
from inspect_app.domain.text_diff import DiffLine, line_diff
from inspect_app.models import (
    PlannedAction,
    Recommendation,
    Report,
    ReportSection,
    ReportSectionRevision,
    Review,
    User,
)
from inspect_app.models.types import utcnow
from inspect_app.services import audit

__all__ = [
    "RECOMMENDATION_MAX",
    "RESPONSIBLE_MAX",
    "RecommendationDetails",
    "ReportError",
    "ReportForbidden",
    "SectionVersion",
    "StaleSectionError",
    "add_recommendation",
    "area_refs",
    "ensure_report",
    "numbered",
    "recommendations_for",
    "remove_recommendation",
    "report_for",
    "report_has_content",
    "save_section",
    "section_history",
    "section_or_none",
    "section_specs",
    "sections_for",
    "update_recommendation",
]

RECOMMENDATION_MAX = 5_000
RESPONSIBLE_MAX = 200


class ReportError(ValueError):
    """Something about the report that cannot be done as asked; ``field`` names the field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ReportForbidden(PermissionError):
    """The user may not change the report now (for example, it has been published)."""


PUBLISHED_REFUSAL = (
    "The report has been published, so it can no longer be changed. The lead inspector can "
    "reopen it for a formal re-issue, which publishes a new numbered version with reasons."
)


# ---------------------------------------------------------------------------
# The report row and the catalogue of sections
# ---------------------------------------------------------------------------


def report_for(session: Session, review: Review) -> Report | None:
    return session.scalar(select(Report).where(Report.review_id == review.id))


def ensure_report(session: Session, review: Review) -> Report:
    """The review's report row, created on first use (with its unguessable public address)."""
    report = report_for(session, review)
    if report is None:
        report = Report(review_id=review.id, public_slug=secrets.token_urlsafe(24))
        session.add(report)
        session.flush()
    return report


def area_refs(review: Review) -> list[AreaRef]:
    return [AreaRef(a.number, a.title, AreaKind(a.kind)) for a in review.rubric.areas]


def section_specs(review: Review) -> tuple[SectionSpec, ...]:
    """``review`` should have its rubric's areas loaded (``load_review`` does)."""
    return report_sections(area_refs(review))


def check_may_edit(access: Access, report: Report | None) -> None:
    reissue_open = bool(report and report.reissue_open)
    if access.can_edit_report(reissue_open=reissue_open):
        return
    if access.review_phase.is_at_least(Phase.PUBLISHED):
        raise ReportForbidden(PUBLISHED_REFUSAL)
    if access.is_report_writer:
        raise ReportForbidden(
            "The report can be written once the review reaches the drafting phase."
        )
    raise ReportForbidden("Only the report author and the lead inspector write the report.")


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


def sections_for(session: Session, review: Review) -> dict[str, ReportSection]:
    """key -> current section, with who saved it. Two queries."""
    rows = session.scalars(
        select(ReportSection)
        .where(ReportSection.review_id == review.id)
        .options(selectinload(ReportSection.updated_by))
    )
    return {row.key: row for row in rows}


def section_or_none(session: Session, review: Review, key: str) -> ReportSection | None:
    return session.scalar(
        select(ReportSection)
        .where(ReportSection.review_id == review.id, ReportSection.key == key)
        .options(selectinload(ReportSection.updated_by))
    )


def report_has_content(session: Session, review_id: int) -> bool:
    """Some section has text (for the phase rule drafting → factual accuracy)."""
    found = session.scalar(
        select(ReportSection.id)
        .where(ReportSection.review_id == review_id, func.length(ReportSection.body_md) > 0)
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True)
class SectionVersion:
    """A section's text as somebody saved it: shown when another save was stale."""

    key: str
    body_md: str
    version: int
    saved_by: str
    saved_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "body_markdown": self.body_md,
            "version": self.version,
            "saved_by": self.saved_by,
            "saved_at": self.saved_at.isoformat(),
        }


def _version_of(section: ReportSection) -> SectionVersion:
    return SectionVersion(
        section.key,
        section.body_md,
        section.version,
        section.updated_by.name,
        section.updated_at,
    )


class StaleSectionError(Exception):
    """The section was saved by somebody else (or in another window) since it was loaded."""

    def __init__(self, current: SectionVersion, attempted: str) -> None:
        self.current = current
        self.attempted = attempted
        self.diff: list[DiffLine] = line_diff(current.body_md, attempted)
        when = current.saved_at.strftime("%-d %B %Y at %H:%M")
        self.message = (
            f"This section was changed while you were editing it: {current.saved_by} saved "
            f"version {current.version} on {when}. Your text was not saved. Compare the two, "
            "then save again if you still want your version."
        )
        super().__init__(self.message)


def save_section(
    session: Session,
    review: Review,
    key: str,
    body_md: str,
    *,
    expected_version: int | None,
    actor: User,
    access: Access,
    note: str = "",
) -> ReportSection:
    """Save a section's Markdown against the version the author last saw (``None``: the
    section has never been saved). Returns the section; unchanged text saves nothing.

    Raises :class:`ReportForbidden`, :class:`ReportError` or :class:`StaleSectionError`
    (after rolling the session back).
    """
    spec = find_section(section_specs(review), key)
    if spec is None:
        raise ReportError(f"The report has no section ‘{key}’.", "key")
    check_may_edit(access, report_for(session, review))
    body = (body_md or "").replace("\r\n", "\n").strip()
    if len(body) > SECTION_MAX:
        raise ReportError(f"The section must be {SECTION_MAX:,} characters or fewer", "body")

    section = section_or_none(session, review, key)
    if section is not None and expected_version != section.version:
        raise StaleSectionError(_version_of(section), body)
    if section is None and expected_version is not None:
        raise ReportError("This section has not been saved before: reload the page.", "version")
    if section is not None and section.body_md == body:
        return section

    now = utcnow()
    before = None
    if section is None:
        section = ReportSection(review_id=review.id, key=key, body_md=body)
        session.add(section)
        next_version = 1
    else:
        before = {"version": section.version, "body_markdown": section.body_md}
        next_version = section.version + 1
        section.body_md = body
    section.updated_by = actor
    section.updated_at = now
    session.add(
        ReportSectionRevision(
            section=section,
            version=next_version,
            body_md=body,
            saved_by=actor,
            saved_at=now,
            note=note[:200],
        )
    )
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        session.rollback()
        newer = section_or_none(session, review, key)
        if newer is None:  # pragma: no cover - a first save raced and was rolled back
            raise ReportError("The section changed while you were saving: try again.") from None
        raise StaleSectionError(_version_of(newer), body) from None
    audit.record(
        session,
        action="report.section_saved",
        actor=actor,
        review_id=review.id,
        subject=section,
        summary=f"Saved the report section ‘{spec.title}’ (version {section.version})"
        + (f": {note}" if note else ""),
        before=before,
        after={"key": key, "version": section.version, "body_markdown": body},
    )
    return section


def section_history(session: Session, section: ReportSection) -> list[ReportSectionRevision]:
    """Every saved version of a section, oldest first. Two queries."""
    return list(
        session.scalars(
            select(ReportSectionRevision)
            .where(ReportSectionRevision.section_id == section.id)
            .options(selectinload(ReportSectionRevision.saved_by))
            .order_by(ReportSectionRevision.version)
        )
    )


# ---------------------------------------------------------------------------
# Recommendations
# ---------------------------------------------------------------------------


def recommendations_for(session: Session, review: Review) -> list[Recommendation]:
    return list(
        session.scalars(
            select(Recommendation)
            .where(Recommendation.review_id == review.id)
            .options(selectinload(Recommendation.area))
            .order_by(Recommendation.id)
        )
    )


def numbered(recommendations: list[Recommendation]) -> list[tuple[int, Recommendation]]:
    """Recommendations numbered 1, 2, … in report order: by band, then as written."""
    ordered = sorted(recommendations, key=lambda r: (Band(r.band).order, r.id))
    return list(enumerate(ordered, start=1))


@dataclass(frozen=True)
class RecommendationDetails:
    text_md: str
    band: str | None
    area_id: int | None
    responsible_body: str


def _clean(review: Review, details: RecommendationDetails) -> RecommendationDetails:
    text = (details.text_md or "").replace("\r\n", "\n").strip()
    if not text:
        raise ReportError("Enter the recommendation", "text_md")
    if len(text) > RECOMMENDATION_MAX:
        raise ReportError(
            f"The recommendation must be {RECOMMENDATION_MAX:,} characters or fewer", "text_md"
        )
    try:
        band = Band(details.band or "")
    except ValueError:
        raise ReportError("Select when the recommendation should be acted on", "band") from None
    if details.area_id is not None and details.area_id not in {a.id for a in review.rubric.areas}:
        raise ReportError("Select a judgement area of this review", "area_id")
    body = " ".join((details.responsible_body or "").split())
    if not body:
        raise ReportError(
            "Enter who is responsible: the authority or a named partner", "responsible_body"
        )
    if len(body) > RESPONSIBLE_MAX:
        raise ReportError(
            f"The body responsible must be {RESPONSIBLE_MAX} characters or fewer",
            "responsible_body",
        )
    return RecommendationDetails(text, band.value, details.area_id, body)


def _as_dict(rec: Recommendation) -> dict[str, Any]:
    return {
        "text_markdown": rec.text_md,
        "band": rec.band,
        "area_id": rec.area_id,
        "responsible_body": rec.responsible_body,
        "version": rec.version,
    }


def add_recommendation(
    session: Session,
    review: Review,
    details: RecommendationDetails,
    *,
    actor: User,
    access: Access,
) -> Recommendation:
    check_may_edit(access, report_for(session, review))
    clean = _clean(review, details)
    rec = Recommendation(
        review_id=review.id,
        text_md=clean.text_md,
        band=clean.band,
        area_id=clean.area_id,
        responsible_body=clean.responsible_body,
        created_by=actor,
        updated_by=actor,
    )
    session.add(rec)
    session.flush()
    audit.record(
        session,
        action="report.recommendation_added",
        actor=actor,
        review_id=review.id,
        subject=rec,
        summary=f"Added a recommendation ({Band(clean.band).label.lower()})",
        after=_as_dict(rec),
    )
    return rec


class StaleRecommendationError(Exception):
    def __init__(self) -> None:
        self.message = (
            "Somebody else changed this recommendation while you were editing it. Your change "
            "was not saved: the page now shows the latest version."
        )
        super().__init__(self.message)


def update_recommendation(
    session: Session,
    review: Review,
    rec: Recommendation,
    details: RecommendationDetails,
    *,
    expected_version: int | None,
    actor: User,
    access: Access,
) -> Recommendation:
    check_may_edit(access, report_for(session, review))
    clean = _clean(review, details)
    if expected_version != rec.version:
        raise StaleRecommendationError()
    before = _as_dict(rec)
    rec.text_md = clean.text_md
    rec.band = clean.band
    rec.area_id = clean.area_id
    rec.responsible_body = clean.responsible_body
    rec.updated_by = actor
    rec.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleRecommendationError() from None
    audit.record(
        session,
        action="report.recommendation_changed",
        actor=actor,
        review_id=review.id,
        subject=rec,
        summary="Changed a recommendation",
        before=before,
        after=_as_dict(rec),
    )
    return rec


def remove_recommendation(
    session: Session, review: Review, rec: Recommendation, *, actor: User, access: Access
) -> None:
    check_may_edit(access, report_for(session, review))
    has_actions = session.scalar(
        select(PlannedAction.id).where(PlannedAction.recommendation_id == rec.id).limit(1)
    )
    if has_actions is not None:
        raise ReportError(
            "The authority’s action plan has actions against this recommendation, so it "
            "cannot be removed. Change its wording instead."
        )
    audit.record(
        session,
        action="report.recommendation_removed",
        actor=actor,
        review_id=review.id,
        subject=rec,
        summary="Removed a recommendation",
        before=_as_dict(rec),
    )
    session.delete(rec)
    session.flush()


def spec_for_key(review: Review, key: str) -> SectionSpec | None:
    return find_section(section_specs(review), key)
