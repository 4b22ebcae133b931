"""Publishing the report: frozen snapshots, re-issues, the public address, what each
viewer sees, and audit of every export.

Publishing moves the review from the factual accuracy check to Published (whichever page
does it: :func:`publish_first_version` is called by ``advance_phase``) and stores the whole
report as a :class:`PublishedReport`: the document as JSON and its SHA-256 content hash. The
row can never be changed or deleted (ORM guard and database trigger). Every later export is
rendered from the snapshot. A correction needs a formal re-issue: the lead reopens the draft
with reasons, the authors edit it, and the lead publishes version 2, 3, … with those reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from inspect_app.domain.permissions import Access
from inspect_app.domain.phases import Phase
from inspect_app.domain.report import (
    UK_TIME,
    Audience,
    ReportDocument,
    ReportStatus,
    compute_hash,
    verify_hash,
)
from inspect_app.domain.report_snapshot import from_snapshot, to_snapshot
from inspect_app.garbage_collection import paused_garbage_collection
from inspect_app.models import PublishedReport, Report, Review, User
from inspect_app.models.types import utcnow
from inspect_app.services import audit
from inspect_app.services.report_builder import build_document
from inspect_app.services.report_drafting import (
    ReportError,
    ReportForbidden,
    ensure_report,
    report_for,
)

__all__ = [
    "REASONS_MAX",
    "ReportView",
    "document_for",
    "document_for_export",
    "latest_published",
    "public_report",
    "publish",
    "publish_first_version",
    "publish_reissue",
    "published_document",
    "published_versions",
    "record_export",
    "reopen_for_reissue",
    "set_public",
    "today_in_uk",
]

REASONS_MAX = 5_000


def today_in_uk() -> date:
    return datetime.now(UK_TIME).date()


# ---------------------------------------------------------------------------
# Reading published versions
# ---------------------------------------------------------------------------


def published_versions(session: Session, review_id: int) -> list[PublishedReport]:
    """Every published version, newest first."""
    return list(
        session.scalars(
            select(PublishedReport)
            .where(PublishedReport.review_id == review_id)
            .options(selectinload(PublishedReport.published_by))
            .order_by(PublishedReport.version_number.desc())
        )
    )


def latest_published(session: Session, review_id: int) -> PublishedReport | None:
    return session.scalar(
        select(PublishedReport)
        .where(PublishedReport.review_id == review_id)
        .options(selectinload(PublishedReport.published_by))
        .order_by(PublishedReport.version_number.desc())
        .limit(1)
    )


@paused_garbage_collection()
def published_document(published: PublishedReport) -> ReportDocument:
    """The report exactly as published. Raises if the stored content no longer matches its
    hash (which the database triggers make impossible short of tampering)."""
    doc = from_snapshot(published.document, content_hash=published.content_hash)
    if not verify_hash(doc):
        raise RuntimeError(
            f"Published report {published.id} does not match its content hash: refusing to show it."
        )
    return doc


# ---------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------


def _snapshot(
    session: Session,
    review: Review,
    *,
    version_number: int,
    reasons: str,
    actor: User,
    today: date | None,
) -> PublishedReport:
    published_on = today or today_in_uk()
    doc = build_document(
        session,
        review,
        audience=Audience.PUBLIC,
        status=ReportStatus.PUBLISHED,
        version_number=version_number,
        published_on=published_on,
        issue_reasons=reasons,
    )
    content_hash = compute_hash(doc)
    published = PublishedReport(
        review_id=review.id,
        version_number=version_number,
        document=to_snapshot(doc),
        content_hash=content_hash,
        reasons=reasons,
        published_on=published_on,
        published_by=actor,
        published_at=utcnow(),
    )
    session.add(published)
    session.flush()
    audit.record(
        session,
        action="report.published" if version_number == 1 else "report.reissued",
        actor=actor,
        review_id=review.id,
        subject=published,
        summary=(
            f"Published the report (version {version_number}), fingerprint {content_hash[:12]}…"
            + (f" Reasons: {reasons}" if reasons else "")
        ),
        after={
            "version_number": version_number,
            "content_hash": content_hash,
            "published_on": published_on.isoformat(),
            "reasons": reasons,
        },
    )
    return published


def publish_first_version(
    session: Session, review: Review, *, actor: User, today: date | None = None
) -> PublishedReport:
    """Freeze version 1 as the review enters Published (called by ``advance_phase``)."""
    existing = latest_published(session, review.id)
    if existing is not None:
        return existing
    ensure_report(session, review)
    return _snapshot(session, review, version_number=1, reasons="", actor=actor, today=today)


def publish(
    session: Session,
    review: Review,
    *,
    actor: User,
    access: Access,
    make_public: bool,
) -> PublishedReport:
    """The lead publishes the report at the end of the factual accuracy check.

    Raises :class:`ReportForbidden`, or ``PhaseTransitionError`` while factual accuracy
    comments are unanswered.
    """
    from inspect_app.services.reviews import advance_phase

    if not access.can_publish:
        raise ReportForbidden(
            "Only the lead inspector publishes the report, at the end of the factual accuracy "
            "check."
        )
    report = ensure_report(session, review)
    if make_public and not report.is_public:
        report.is_public = True
    advance_phase(session, review, Phase.PUBLISHED, actor=actor)
    published = latest_published(session, review.id)
    assert published is not None  # advance_phase froze version 1
    if make_public:
        _audit_publicity(session, review, report, actor)
    return published


def reopen_for_reissue(
    session: Session, review: Review, *, reasons: str, actor: User, access: Access
) -> Report:
    """The lead reopens the published report so it can be corrected and re-issued."""
    if not access.can_reissue_report:
        raise ReportForbidden("Only the lead inspector can reopen a published report.")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ReportError("Give the reasons for re-issuing the report", "reasons")
    if len(reasons) > REASONS_MAX:
        raise ReportError(f"The reasons must be {REASONS_MAX:,} characters or fewer", "reasons")
    report = ensure_report(session, review)
    if report.reissue_open:
        raise ReportError("The report is already open for re-issue.", "reasons")
    report.reissue_open = True
    report.reissue_reasons = reasons
    report.reissue_opened_by = actor
    report.reissue_opened_at = utcnow()
    session.flush()
    audit.record(
        session,
        action="report.reopened",
        actor=actor,
        review_id=review.id,
        subject=report,
        summary=f"Reopened the published report for re-issue: {reasons}",
        after={"reasons": reasons},
    )
    return report


def publish_reissue(
    session: Session,
    review: Review,
    *,
    reasons: str,
    actor: User,
    access: Access,
    today: date | None = None,
) -> PublishedReport:
    """Publish the reopened draft as the next numbered version, with the reasons."""
    if not access.can_reissue_report:
        raise ReportForbidden("Only the lead inspector re-issues the report.")
    report = report_for(session, review)
    if report is None or not report.reissue_open:
        raise ReportError("Reopen the report for re-issue first.", "reasons")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ReportError("Give the reasons for re-issuing the report", "reasons")
    if len(reasons) > REASONS_MAX:
        raise ReportError(f"The reasons must be {REASONS_MAX:,} characters or fewer", "reasons")
    current = session.scalar(
        select(func.max(PublishedReport.version_number)).where(
            PublishedReport.review_id == review.id
        )
    )
    published = _snapshot(
        session,
        review,
        version_number=(current or 0) + 1,
        reasons=reasons,
        actor=actor,
        today=today,
    )
    report.reissue_open = False
    report.reissue_reasons = ""
    session.flush()
    return published


def _audit_publicity(session: Session, review: Review, report: Report, actor: User) -> None:
    audit.record(
        session,
        action="report.made_public" if report.is_public else "report.made_private",
        actor=actor,
        review_id=review.id,
        subject=report,
        summary=(
            "Made the published report public at its public address"
            if report.is_public
            else "Withdrew the published report from its public address"
        ),
        after={"is_public": report.is_public},
    )


def set_public(
    session: Session, review: Review, *, is_public: bool, actor: User, access: Access
) -> Report:
    if not access.can_manage_publication:
        raise ReportForbidden("Only the lead inspector decides whether the report is public.")
    report = ensure_report(session, review)
    if report.is_public != is_public:
        report.is_public = is_public
        session.flush()
        _audit_publicity(session, review, report, actor)
    return report


def public_report(session: Session, slug: str) -> tuple[Review, PublishedReport] | None:
    """The latest published version at a public address, if the report is public."""
    if not slug or len(slug) > 64:
        return None
    report = session.scalar(
        select(Report).where(Report.public_slug == slug, Report.is_public.is_(True))
    )
    if report is None:
        return None
    published = latest_published(session, report.review_id)
    if published is None:
        return None
    review = session.get(Review, report.review_id)
    return (review, published) if review is not None else None


# ---------------------------------------------------------------------------
# What a viewer sees
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportView:
    """The document a viewer gets, and what it is."""

    doc: ReportDocument
    audience: Audience
    published: PublishedReport | None  # the version shown, when it is a published one
    is_live_draft: bool


def document_for(
    session: Session,
    review: Review,
    access: Access,
    *,
    version_number: int | None = None,
    prefer_draft: bool = False,
) -> ReportView | None:
    """The report ``access`` may see: a published version (the latest, or
    ``version_number``) once published; before that, the live draft. After publication the
    team sees the reopened draft when it asks for it (``prefer_draft``). None: nothing
    they may see."""
    if not access.can_view_report:
        return None
    audience = Audience.INSPECTION_TEAM if access.can_see_report_workings else Audience.PUBLIC
    versions = published_versions(session, review.id) if access.report_is_published else []
    report = report_for(session, review)
    reissue_open = bool(report and report.reissue_open)
    if versions and not (prefer_draft and reissue_open and access.can_see_report_workings):
        chosen = versions[0]
        if version_number is not None:
            chosen = next((v for v in versions if v.version_number == version_number), None)
            if chosen is None:
                return None
        return ReportView(published_document(chosen), audience, chosen, False)
    if versions:  # the reopened draft, for the team
        doc = build_document(
            session,
            review,
            audience=audience,
            version_number=versions[0].version_number + 1,
            issue_reasons=report.reissue_reasons if report else "",
        )
        return ReportView(doc, audience, None, True)
    if not access.can_see_report_draft:
        return None
    return ReportView(build_document(session, review, audience=audience), audience, None, True)


def record_export(
    session: Session,
    review: Review,
    view: ReportView,
    fmt: str,
    *,
    actor: User | None,
    children_summary: bool = False,
    via: str = "web",
) -> None:
    """Audit one export (downloads and the command line)."""
    what = "summary for children and young people" if children_summary else "report"
    state = (
        f"published version {view.doc.version_number}"
        if view.published is not None
        else f"draft (version {view.doc.version_number})"
    )
    audit.record(
        session,
        action="report.exported",
        actor=actor,
        review_id=review.id,
        subject=view.published,
        summary=f"Exported the {what} as {fmt.upper()}: {state}, via {via}",
        after={
            "format": fmt,
            "children_summary": children_summary,
            "version_number": view.doc.version_number,
            "draft": view.published is None,
            "audience": view.audience.value,
            "content_hash": compute_hash(view.doc),
            "via": via,
        },
    )


def document_for_export(
    session: Session,
    review: Review,
    *,
    audience: Audience = Audience.PUBLIC,
    version_number: int | None = None,
) -> ReportView | None:
    """What the command line exports: the latest published version (or ``version_number``)
    from its snapshot; before publication, the live draft (from drafting on). None when
    there is nothing to export."""
    audience = Audience(audience)
    versions = published_versions(session, review.id)
    if versions:
        chosen = versions[0]
        if version_number is not None:
            chosen = next((v for v in versions if v.version_number == version_number), None)
            if chosen is None:
                return None
        return ReportView(published_document(chosen), audience, chosen, False)
    if version_number is not None or not review.current_phase.is_at_least(Phase.DRAFTING):
        return None
    return ReportView(build_document(session, review, audience=audience), audience, None, True)
