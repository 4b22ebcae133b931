"""The authority's self-evaluation: the workbook it downloads, and the returns it uploads.

A workbook is checked completely before anything is written: a refused upload
leaves no rows and no files behind. An accepted one becomes a new version (earlier
versions are kept) and its file is kept as evidence of kind self-evaluation.
"""

from __future__ import annotations

import io

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from inspect_app.domain.evidence import EvidenceKind
from inspect_app.domain.evidence_files import MB, RefusedFile, sanitise_filename
from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.domain.phases import Phase
from inspect_app.domain.selfeval_workbook import (
    EntryChange,
    SelfEvaluationErrors,
    SelfEvaluationReturn,
    WorkbookProblem,
    build_workbook,
    diff_returns,
    parse_workbook,
)
from inspect_app.models import (
    EvidenceItem,
    Review,
    SelfEvaluation,
    SelfEvaluationEntry,
    User,
)
from inspect_app.models.types import utcnow
from inspect_app.services import audit
from inspect_app.services.evidence import StagedFile, attach_file, discard_staged, reindex

WEB = "web"
COMMAND_LINE = "command line"


class SelfEvaluationClosed(ValueError):
    """The review is not in the self-assessment phase."""


def workbook_filename(review: Review) -> str:
    return f"self-evaluation-{review.reference}.xlsx"


def blank_workbook(review: Review) -> bytes:
    """The workbook for this review, made from its pinned rubric revision."""
    return build_workbook(
        review.rubric.to_spec(),
        authority_name=review.authority.name,
        review_reference=review.reference,
    )


def submit_return(
    session: Session,
    store: EvidenceStore,
    review: Review,
    data: bytes,
    *,
    filename: str,
    actor: User | None,
    via: str = WEB,
    max_bytes: int,
) -> SelfEvaluation:
    """Store a filled workbook as the next version of the review's self-evaluation.

    Raises :class:`SelfEvaluationClosed` outside the self-assessment phase and
    :class:`SelfEvaluationErrors` (every problem, each with its sheet and cell) for
    a workbook that cannot be accepted. Either way nothing is written.
    """
    if review.current_phase is not Phase.SELF_ASSESSMENT:
        raise SelfEvaluationClosed(
            "The authority can return its self-evaluation only while the review is in the "
            f"self-assessment phase; it is in {review.current_phase.label.lower()}."
        )
    display = sanitise_filename(filename)
    if len(data) > max_bytes:
        raise SelfEvaluationErrors(
            [
                WorkbookProblem(
                    None, None, f"the file is larger than the {max_bytes / MB:g} MB limit", display
                )
            ]
        )
    parsed = parse_workbook(
        data, review.rubric.to_spec(), filename=display, review_reference=review.reference
    )
    try:
        blob, sniffed = store.stage_upload(io.BytesIO(data), filename, max_bytes)
    except RefusedFile as refusal:
        raise SelfEvaluationErrors([WorkbookProblem(None, None, refusal.reason)]) from None

    version = (
        session.scalar(
            select(func.max(SelfEvaluation.version)).where(SelfEvaluation.review_id == review.id)
        )
        or 0
    ) + 1
    graded = sum(1 for e in parsed.entries if e.grade is not None)
    item = EvidenceItem(
        review_id=review.id,
        title=f"Self-evaluation return, version {version}",
        kind=EvidenceKind.SELF_EVALUATION.value,
        source=review.authority.name,
        gathered_on=utcnow().date(),
        inspectorate=None,
        is_restricted=False,
        notes=f"The authority's self-evaluation workbook ({graded} of {len(parsed.entries)} "
        "judgements graded).",
        added_by=actor,
    )
    session.add(item)
    staged = StagedFile(blob, sniffed, filename)
    attach_file(session, item, staged, text=_answers_text(parsed))
    self_evaluation = SelfEvaluation(
        review_id=review.id,
        version=version,
        rubric_id=review.rubric_id,
        evidence_item=item,
        filename=display,
        submitted_via=via,
        submitted_by=actor,
        entries=_entries(review, parsed),
    )
    session.add(self_evaluation)
    try:
        session.flush()
    except IntegrityError:
        # Another return for this review took the same version number between our read and
        # our write: nothing of ours is kept, and the second sender is told what happened.
        session.rollback()
        discard_staged(session, store, [staged])
        raise SelfEvaluationErrors(
            [
                WorkbookProblem(
                    None,
                    None,
                    f"another self-evaluation return (version {version}) was stored for this "
                    "review at the same moment; nothing was saved from this upload. Check the "
                    "latest version, then upload your workbook again",
                    display,
                )
            ]
        ) from None
    audit.record(
        session,
        action="self_evaluation.submitted",
        actor=actor,
        review_id=review.id,
        subject=self_evaluation,
        summary=f"{review.authority.name} returned its self-evaluation, version {version} "
        f"({graded} judgements graded, {via})",
        after={"version": version, "file": blob.sha256, "graded": graded},
    )
    reindex(session, item)
    return self_evaluation


def _entries(review: Review, parsed: SelfEvaluationReturn) -> list[SelfEvaluationEntry]:
    areas = {str(area.number): area for area in review.rubric.areas}
    key_judgements = {kj.number: kj for area in review.rubric.areas for kj in area.key_judgements}
    return [
        SelfEvaluationEntry(
            position=position,
            judgement=entry.judgement,
            is_area=entry.is_area,
            key_judgement_id=None if entry.is_area else key_judgements[entry.judgement].id,
            area_id=areas[entry.judgement].id if entry.is_area else None,
            grade=entry.grade,
            narrative=entry.narrative,
            evidence_references=entry.evidence_references,
        )
        for position, entry in enumerate(parsed.entries, start=1)
    ]


def _answers_text(parsed: SelfEvaluationReturn) -> str:
    """The searchable text of a return: its narratives and evidence references."""
    return "\n".join(
        f"{e.judgement} {e.narrative} {e.evidence_references}".strip()
        for e in parsed.entries
        if e.narrative or e.evidence_references
    )


# --------------------------------------------------------------------------- reading


def has_return(session: Session, review_id: int) -> bool:
    return bool(session.scalar(select(exists().where(SelfEvaluation.review_id == review_id))))


def returns_for(session: Session, review: Review) -> list[SelfEvaluation]:
    """Every version, newest first, without their entries."""
    return list(
        session.scalars(
            select(SelfEvaluation)
            .where(SelfEvaluation.review_id == review.id)
            .options(selectinload(SelfEvaluation.submitted_by))
            .order_by(SelfEvaluation.version.desc())
        )
    )


def load_version(session: Session, review: Review, version: int) -> SelfEvaluation | None:
    return session.scalar(
        select(SelfEvaluation)
        .where(SelfEvaluation.review_id == review.id, SelfEvaluation.version == version)
        .options(
            selectinload(SelfEvaluation.entries),
            selectinload(SelfEvaluation.submitted_by),
            selectinload(SelfEvaluation.evidence_item).selectinload(EvidenceItem.files),
        )
    )


def latest_self_grades(session: Session, review: Review) -> dict[str, int | None]:
    """Judgement number → the authority's grade in its latest return (empty if none)."""
    latest = (
        select(func.max(SelfEvaluation.version))
        .where(SelfEvaluation.review_id == review.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(SelfEvaluationEntry.judgement, SelfEvaluationEntry.grade)
        .join(SelfEvaluationEntry.self_evaluation)
        .where(SelfEvaluation.review_id == review.id, SelfEvaluation.version == latest)
    )
    return dict(rows.tuples().all())


def changes_between(older: SelfEvaluation, newer: SelfEvaluation) -> list[EntryChange]:
    """What changed from one version to another, judgement by judgement."""
    return diff_returns(older.to_return(), newer.to_return())
