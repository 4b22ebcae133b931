"""Gathering evidence: storing uploads, recording items, linking them to key judgements.

Uploads are all-or-nothing: every file of a submission is checked and stored in the
content-addressed store first; if any is refused, none is kept. Evidence is never
deleted, only marked deleted with a reason, so a stored file stays while any
review refers to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from inspect_app.domain.evidence import (
    DELETION_REASON_MAX,
    LINK_NOTE_MAX,
    NEIGHBOURHOOD_MAX,
    NOTES_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    EvidenceKind,
    Sensitivity,
    Stance,
)
from inspect_app.domain.evidence_files import (
    RefusedFile,
    SniffedFile,
    extract_text,
    sanitise_filename,
)
from inspect_app.domain.evidence_store import EvidenceStore, StoredBlob
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.models import (
    EvidenceBlob,
    EvidenceFile,
    EvidenceItem,
    EvidenceLink,
    JudgementArea,
    KeyJudgement,
    Review,
    TrackedCase,
    TrackedCaseFinding,
    User,
)
from inspect_app.models.types import utcnow
from inspect_app.services import audit, evidence_search

PER_PAGE = 25
MAX_FILES_PER_UPLOAD = 20


class EvidenceError(ValueError):
    """A request about evidence that cannot be carried out, with the reason."""


# --------------------------------------------------------------------------- uploads


@dataclass(frozen=True)
class Upload:
    """A file as it arrives: a readable stream and the name the browser declared."""

    stream: BinaryIO
    filename: str


@dataclass(frozen=True)
class StagedFile:
    """An accepted file, already in the store, not yet attached to an item."""

    blob: StoredBlob
    sniffed: SniffedFile
    filename: str


@dataclass(frozen=True)
class RefusedUpload:
    filename: str
    reason: str


class UploadRefused(EvidenceError):
    """At least one file was refused; none of the submission's files was kept."""

    def __init__(self, refusals: list[RefusedUpload]) -> None:
        self.refusals = refusals
        super().__init__("; ".join(r.reason for r in refusals))


def stage_files(
    session: Session, store: EvidenceStore, uploads: list[Upload], *, max_bytes: int
) -> list[StagedFile]:
    """Check and store every upload, or keep none of them and raise :class:`UploadRefused`."""
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise UploadRefused(
            [RefusedUpload("", f"Upload at most {MAX_FILES_PER_UPLOAD} files at a time")]
        )
    staged: list[StagedFile] = []
    refused: list[RefusedUpload] = []
    try:
        for upload in uploads:
            try:
                blob, sniffed = store.stage_upload(upload.stream, upload.filename, max_bytes)
            except RefusedFile as refusal:
                refused.append(RefusedUpload(upload.filename, refusal.reason))
            else:
                staged.append(StagedFile(blob, sniffed, upload.filename))
    except BaseException:
        discard_staged(session, store, staged)
        raise
    if refused:
        discard_staged(session, store, staged)
        raise UploadRefused(refused)
    return staged


def discard_staged(session: Session, store: EvidenceStore, staged: list[StagedFile]) -> None:
    """Remove files this submission put in the store, unless something already uses them."""
    for file in staged:
        if file.blob.created and session.get(EvidenceBlob, file.blob.sha256) is None:
            store.delete(file.blob.sha256)


def _blob_for(session: Session, file: StagedFile, *, text: str | None = None) -> EvidenceBlob:
    blob = session.get(EvidenceBlob, file.blob.sha256)
    if blob is None:
        blob = EvidenceBlob(
            sha256=file.blob.sha256,
            size=file.blob.size,
            kind=file.sniffed.kind,
            media_type=file.sniffed.media_type,
            extracted_text=text
            if text is not None
            else extract_text(file.blob.path, file.sniffed.kind),
        )
        session.add(blob)
        session.flush()
    return blob


def attach_file(
    session: Session, item: EvidenceItem, file: StagedFile, *, text: str | None = None
) -> EvidenceFile:
    """Attach a staged file to an item (``text``: searchable text, if not extracted)."""
    attached = EvidenceFile(
        blob=_blob_for(session, file, text=text), original_name=sanitise_filename(file.filename)
    )
    item.files.append(attached)
    return attached


# --------------------------------------------------------------------------- items


@dataclass(frozen=True)
class EvidenceDetails:
    title: str
    kind: EvidenceKind
    source: str
    gathered_on: date
    inspectorate: Inspectorate | None
    neighbourhood: str = ""
    is_restricted: bool = False
    notes: str = ""

    def cleaned(self) -> EvidenceDetails:
        return EvidenceDetails(
            title=" ".join(self.title.split()),
            kind=self.kind,
            source=" ".join(self.source.split()),
            gathered_on=self.gathered_on,
            inspectorate=self.inspectorate,
            neighbourhood=" ".join(self.neighbourhood.split()),
            is_restricted=self.is_restricted or self.kind.always_restricted,
            notes=self.notes.strip(),
        )

    def problems(self) -> list[str]:
        problems = []
        if not self.title:
            problems.append("Enter a title")
        elif len(self.title) > TITLE_MAX:
            problems.append(f"Title must be {TITLE_MAX} characters or fewer")
        if not self.source:
            problems.append("Enter who provided the evidence")
        elif len(self.source) > SOURCE_MAX:
            problems.append(f"Source must be {SOURCE_MAX} characters or fewer")
        if len(self.neighbourhood) > NEIGHBOURHOOD_MAX:
            problems.append(f"Neighbourhood must be {NEIGHBOURHOOD_MAX} characters or fewer")
        if len(self.notes) > NOTES_MAX:
            problems.append(f"Notes must be {NOTES_MAX:,} characters or fewer")
        if self.gathered_on > utcnow().date():
            problems.append("The date cannot be in the future")
        return problems

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "kind": self.kind.value,
            "source": self.source,
            "gathered_on": self.gathered_on.isoformat(),
            "inspectorate": self.inspectorate.value if self.inspectorate else None,
            "neighbourhood": self.neighbourhood,
            "is_restricted": self.is_restricted,
        }


def add_evidence(
    session: Session,
    review: Review,
    details: EvidenceDetails,
    files: list[StagedFile],
    *,
    actor: User,
) -> EvidenceItem:
    """Record a new evidence item with its (already staged) files."""
    details = details.cleaned()
    problems = details.problems()
    if not details.kind.added_by_inspectors:
        problems.append("Self-evaluation evidence arrives with the authority's return")
    if not files and not details.notes:
        problems.append("Write a note or choose at least one file: a note on its own is evidence")
    if problems:
        raise EvidenceError(problems[0])
    item = EvidenceItem(review_id=review.id, added_by=actor, **_columns(details))
    session.add(item)
    for file in files:
        attach_file(session, item, file)
    session.flush()
    names = ", ".join(f.original_name for f in item.files)
    audit.record(
        session,
        action="evidence.added",
        actor=actor,
        review_id=review.id,
        subject=item,
        summary=f"Added {details.kind.label.lower()} evidence “{item.title}”"
        + (" (restricted)" if item.is_restricted else "")
        + (f" with {len(item.files)} file(s): {names}" if item.files else ""),
        after={**details.as_dict(), "files": [f.blob_sha256 for f in item.files]},
    )
    reindex(session, item)
    return item


def _columns(details: EvidenceDetails) -> dict[str, object]:
    return {
        "title": details.title,
        "kind": details.kind.value,
        "source": details.source,
        "gathered_on": details.gathered_on,
        "inspectorate": details.inspectorate.value if details.inspectorate else None,
        "neighbourhood": details.neighbourhood,
        "is_restricted": details.is_restricted,
        "notes": details.notes,
    }


def update_evidence(
    session: Session, item: EvidenceItem, details: EvidenceDetails, *, actor: User
) -> None:
    """Change an item's description. Its files and links stay as they are."""
    _refuse_if_deleted(item)
    details = details.cleaned()
    if item.evidence_kind is not details.kind and not details.kind.added_by_inspectors:
        raise EvidenceError("Self-evaluation evidence arrives with the authority's return")
    if item.evidence_kind is EvidenceKind.SELF_EVALUATION:
        raise EvidenceError("The authority's self-evaluation return cannot be changed")
    if item.tracked_case is not None and details.kind is not EvidenceKind.CASE_FILE:
        raise EvidenceError("A tracked case stays a case file")
    problems = details.problems()
    if not item.files and not details.notes:
        problems.append("Write a note: evidence without files needs one")
    if problems:
        raise EvidenceError(problems[0])
    before = _details_of(item)
    for name, value in _columns(details).items():
        setattr(item, name, value)
    audit.record(
        session,
        action="evidence.changed",
        actor=actor,
        review_id=item.review_id,
        subject=item,
        summary=f"Changed the details of evidence “{item.title}”",
        before=before,
        after=details.as_dict(),
    )
    reindex(session, item)


def _details_of(item: EvidenceItem) -> dict[str, object]:
    return {
        "title": item.title,
        "kind": item.kind,
        "source": item.source,
        "gathered_on": item.gathered_on.isoformat(),
        "inspectorate": item.inspectorate,
        "neighbourhood": item.neighbourhood,
        "is_restricted": item.is_restricted,
    }


def delete_evidence(session: Session, item: EvidenceItem, *, reason: str, actor: User) -> None:
    """Mark an item deleted, with the reason. Its files stay in the store."""
    reason = reason.strip()
    _refuse_if_deleted(item)
    if item.evidence_kind is EvidenceKind.SELF_EVALUATION:
        raise EvidenceError("The authority's self-evaluation return cannot be deleted")
    if not reason:
        raise EvidenceError("Enter the reason for deleting this evidence")
    if len(reason) > DELETION_REASON_MAX:
        raise EvidenceError(f"The reason must be {DELETION_REASON_MAX:,} characters or fewer")
    item.deleted_at = utcnow()
    item.deleted_by = actor
    item.deletion_reason = reason
    audit.record(
        session,
        action="evidence.deleted",
        actor=actor,
        review_id=item.review_id,
        subject=item,
        summary=f"Deleted evidence “{item.title}”: {reason}",
        after={"reason": reason},
    )


def _refuse_if_deleted(item: EvidenceItem) -> None:
    if item.is_deleted:
        raise EvidenceError("This evidence has been deleted")


def record_restricted_access(
    session: Session, item: EvidenceItem, *, actor: User, what: str = "viewed"
) -> None:
    """Every view or download of restricted evidence goes in the audit log."""
    if not item.is_restricted:
        return
    audit.record(
        session,
        action=f"evidence.restricted_{what}",
        actor=actor,
        review_id=item.review_id,
        subject=item,
        summary=f"{what.capitalize()} restricted evidence “{item.title}”",
    )


# --------------------------------------------------------------------------- links


def link_to_judgement(
    session: Session,
    item: EvidenceItem,
    key_judgement: KeyJudgement,
    *,
    stance: Stance,
    note: str,
    actor: User,
) -> EvidenceLink:
    """Say that an item supports or contradicts a key judgement (again: changes the link)."""
    _refuse_if_deleted(item)
    note = note.strip()
    if len(note) > LINK_NOTE_MAX:
        raise EvidenceError(f"The note must be {LINK_NOTE_MAX:,} characters or fewer")
    review_rubric = session.scalar(select(Review.rubric_id).where(Review.id == item.review_id))
    if key_judgement.area.rubric_id != review_rubric:
        raise EvidenceError("That key judgement is not part of this review's rubric")
    link = next((lk for lk in item.links if lk.key_judgement_id == key_judgement.id), None)
    before = None
    if link is None:
        link = EvidenceLink(key_judgement=key_judgement, linked_by=actor)
        item.links.append(link)
    else:
        before = {"stance": link.stance, "note": link.note}
    link.stance, link.note = stance.value, note
    session.flush()
    audit.record(
        session,
        action="evidence.linked" if before is None else "evidence.link_changed",
        actor=actor,
        review_id=item.review_id,
        subject=link,
        summary=f"“{item.title}” {stance.value} key judgement {key_judgement.number}",
        before=before,
        after={"key_judgement": key_judgement.number, "stance": stance.value, "note": note},
    )
    reindex(session, item)
    return link


def remove_link(session: Session, link: EvidenceLink, *, actor: User) -> None:
    item = link.item
    _refuse_if_deleted(item)
    audit.record(
        session,
        action="evidence.unlinked",
        actor=actor,
        review_id=item.review_id,
        subject=link,
        summary=f"Removed the link from “{item.title}” to key judgement "
        f"{link.key_judgement.number}",
        before={
            "key_judgement": link.key_judgement.number,
            "stance": link.stance,
            "note": link.note,
        },
    )
    item.links.remove(link)
    session.flush()
    reindex(session, item)


# --------------------------------------------------------------------------- search index


def reindex(session: Session, item: EvidenceItem) -> None:
    """Rewrite the item's search row from its notes, links, files and tracked case."""
    parts = [item.source, item.neighbourhood, item.notes]
    parts += [link.note for link in item.links]
    parts += [f.original_name for f in item.files]
    if item.files:
        shas = [f.blob_sha256 for f in item.files]
        parts += session.scalars(
            select(EvidenceBlob.extracted_text).where(EvidenceBlob.sha256.in_(shas))
        ).all()
    case = item.tracked_case
    if case is not None:
        parts += [case.reference, case.summary, ", ".join(case.services)]
        parts += [f"{c.service}: {c.summary}" for c in case.contacts]
        parts += [f.text for f in case.findings]
    evidence_search.index_item(session, item.id, title=item.title, body_parts=parts)


# --------------------------------------------------------------------------- reading


def key_judgements_for(session: Session, rubric_id: int) -> list[KeyJudgement]:
    """Every key judgement of a rubric, in order, with its area: one query."""
    return list(
        session.scalars(
            select(KeyJudgement)
            .join(KeyJudgement.area)
            .where(JudgementArea.rubric_id == rubric_id)
            .options(contains_eager(KeyJudgement.area))
            .order_by(JudgementArea.number, KeyJudgement.position)
        )
    )


@dataclass(frozen=True)
class EvidenceFilters:
    key_judgement_id: int | None = None
    kind: EvidenceKind | None = None
    inspectorate: Inspectorate | None = None
    sensitivity: Sensitivity | None = None
    query: str = ""

    @property
    def active(self) -> bool:
        return any(
            (
                self.key_judgement_id,
                self.kind,
                self.inspectorate,
                self.sensitivity,
                self.query.strip(),
            )
        )


@dataclass(frozen=True)
class EvidencePage:
    items: list[EvidenceItem]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_number(self) -> int:
        return min(self.total, self.page * self.per_page)


def _filtered(
    session: Session, review: Review, filters: EvidenceFilters, *, include_restricted: bool
) -> tuple[Select, list]:
    query = select(EvidenceItem).where(
        EvidenceItem.review_id == review.id, EvidenceItem.deleted_at.is_(None)
    )
    if not include_restricted or filters.sensitivity is Sensitivity.UNRESTRICTED:
        query = query.where(EvidenceItem.is_restricted.is_(False))
    if filters.sensitivity is Sensitivity.RESTRICTED:
        query = query.where(EvidenceItem.is_restricted.is_(True))
    if filters.kind is not None:
        query = query.where(EvidenceItem.kind == filters.kind.value)
    if filters.inspectorate is not None:
        query = query.where(EvidenceItem.inspectorate == filters.inspectorate.value)
    if filters.key_judgement_id is not None:
        kj = filters.key_judgement_id
        linked = exists().where(
            EvidenceLink.evidence_item_id == EvidenceItem.id, EvidenceLink.key_judgement_id == kj
        )
        found = exists().where(
            TrackedCase.evidence_item_id == EvidenceItem.id,
            TrackedCaseFinding.case_id == TrackedCase.id,
            TrackedCaseFinding.key_judgement_id == kj,
        )
        query = query.where(or_(linked, found))
    order: list = [EvidenceItem.gathered_on.desc(), EvidenceItem.id.desc()]
    found_items = evidence_search.matches_to_join(session, filters.query)
    if found_items is not None:
        query = query.join(found_items, found_items.c.item_id == EvidenceItem.id)
        order = [found_items.c.rank, *order]
    return query, order


def evidence_page(
    session: Session,
    review: Review,
    filters: EvidenceFilters,
    *,
    page: int = 1,
    include_restricted: bool,
    per_page: int = PER_PAGE,
    key_judgements_loaded: bool = False,
) -> EvidencePage:
    """One page of a review's evidence, in a fixed number of queries whatever its size.

    ``key_judgements_loaded``: the caller has the rubric's key judgements in the session
    already (:func:`key_judgements_for`), so the links' and findings' key judgements are
    found there without a query of their own.
    """
    query, order = _filtered(session, review, filters, include_restricted=include_restricted)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    links = selectinload(EvidenceItem.links)
    # An item has at most one tracked case: joined to the page's own query rather than
    # fetched by a statement of its own (its findings, when there are cases, still are).
    findings = joinedload(EvidenceItem.tracked_case).selectinload(TrackedCase.findings)
    if not key_judgements_loaded:
        links = links.selectinload(EvidenceLink.key_judgement)
        findings = findings.selectinload(TrackedCaseFinding.key_judgement)
    items = list(
        session.scalars(
            query.order_by(*order)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .options(selectinload(EvidenceItem.files), links, findings)
        ).unique()
    )
    return EvidencePage(items, total, page, per_page)


def load_item(session: Session, review: Review, item_id: int) -> EvidenceItem | None:
    """An item of this review (deleted or not) with its files, links and tracked case."""
    return session.scalar(
        select(EvidenceItem)
        .where(EvidenceItem.id == item_id, EvidenceItem.review_id == review.id)
        .options(
            selectinload(EvidenceItem.files),
            selectinload(EvidenceItem.links).selectinload(EvidenceLink.key_judgement),
            selectinload(EvidenceItem.links).selectinload(EvidenceLink.linked_by),
            selectinload(EvidenceItem.added_by),
            selectinload(EvidenceItem.deleted_by),
            selectinload(EvidenceItem.tracked_case),
        )
    )


def load_file(session: Session, review: Review, item_id: int, file_id: int) -> EvidenceFile | None:
    return session.scalar(
        select(EvidenceFile)
        .join(EvidenceFile.item)
        .where(
            EvidenceFile.id == file_id,
            EvidenceFile.evidence_item_id == item_id,
            EvidenceItem.review_id == review.id,
        )
        .options(contains_eager(EvidenceFile.item))
    )
