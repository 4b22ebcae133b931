"""Sweeping the evidence store: strays removed, missing files reported.

A stray is a file no row refers to: a blob whose upload was killed between storing the
file and committing its rows, or a partial upload left in ``tmp/``, or a file out of
place. Strays younger than the grace period are left alone, because an upload still in
flight looks exactly like one (its file is stored a moment before its rows are
committed). Rows whose file is missing cannot be repaired here; they are reported so
that somebody restores the file from a backup.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.domain.store_scan import StoreFile, is_older_than, scan
from inspect_app.models import EvidenceBlob, EvidenceFile, EvidenceItem, Review
from inspect_app.services import audit

DEFAULT_GRACE_MINUTES = 60
_CHUNK = 500  # hashes per IN (…) when looking up who uses a missing file


@dataclass(frozen=True)
class MissingFile:
    """A stored blob the database refers to but the store no longer holds."""

    sha256: str
    size: int
    used_by: list[str]  # "JAR-2026-001 evidence 12 “Minutes of the strategy meeting”"


@dataclass
class SweepReport:
    grace_minutes: float
    dry_run: bool
    unreferenced: list[StoreFile] = field(default_factory=list)
    partial: list[StoreFile] = field(default_factory=list)
    out_of_place: list[StoreFile] = field(default_factory=list)
    too_recent: list[StoreFile] = field(default_factory=list)
    missing: list[MissingFile] = field(default_factory=list)
    removed: list[StoreFile] = field(default_factory=list)

    @property
    def strays(self) -> list[StoreFile]:
        return [*self.unreferenced, *self.partial, *self.out_of_place]

    @property
    def is_clean(self) -> bool:
        return not self.strays and not self.missing


def sweep(
    session: Session,
    store: EvidenceStore,
    *,
    grace_minutes: float = DEFAULT_GRACE_MINUTES,
    dry_run: bool = False,
    now: float | None = None,
) -> SweepReport:
    """Find strays and missing files; remove strays older than the grace period.

    The store is listed before the database is read, so a file whose rows were
    committed in between is seen as referenced. Each file's age is checked again just
    before it is removed.
    """
    if grace_minutes < 0:
        raise ValueError("The grace period cannot be negative")
    now = time.time() if now is None else now
    cutoff = now - grace_minutes * 60
    report = SweepReport(grace_minutes=grace_minutes, dry_run=dry_run)

    found = list(scan(store))
    referenced = {
        sha: size for sha, size in session.execute(select(EvidenceBlob.sha256, EvidenceBlob.size))
    }
    on_disk: set[str] = set()
    for file in found:
        if file.is_temporary:
            kind = report.partial
        elif file.sha256 is None:
            kind = report.out_of_place
        elif file.sha256 in referenced:
            on_disk.add(file.sha256)
            continue
        else:
            kind = report.unreferenced
        if file.modified >= cutoff:
            report.too_recent.append(file)
        else:
            kind.append(file)

    if not dry_run:
        for file in report.strays:
            if is_older_than(file.path, cutoff):
                with contextlib.suppress(FileNotFoundError):
                    file.path.unlink()
                    report.removed.append(file)
        if report.removed:
            audit.record(
                session,
                action="evidence.swept",
                actor=None,
                summary=f"Removed {len(report.removed)} stray file(s) from the evidence store "
                f"(older than {grace_minutes:g} minutes, referred to by no evidence)",
                after={
                    "removed": [f.relative for f in report.removed[:200]],
                    "count": len(report.removed),
                    "bytes": sum(f.size for f in report.removed),
                },
            )

    missing = sorted(set(referenced) - on_disk)
    report.missing = _missing_files(session, missing, referenced)
    return report


def _missing_files(
    session: Session, missing: list[str], sizes: dict[str, int]
) -> list[MissingFile]:
    used_by: dict[str, list[str]] = {sha: [] for sha in missing}
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        rows = session.execute(
            select(EvidenceFile.blob_sha256, Review.reference, EvidenceItem.id, EvidenceItem.title)
            .join(EvidenceItem, EvidenceFile.evidence_item_id == EvidenceItem.id)
            .join(Review, EvidenceItem.review_id == Review.id)
            .where(EvidenceFile.blob_sha256.in_(chunk))
            .order_by(Review.reference, EvidenceItem.id)
        )
        for sha, reference, item_id, title in rows:
            used_by[sha].append(f"{reference} evidence {item_id} “{title}”")
    return [MissingFile(sha, sizes[sha], used_by[sha]) for sha in missing]


def describe(file: StoreFile, now: float) -> str:
    """``sha256/ab/cd/… (12,345 bytes, 3 hours old)`` for the command's report."""
    age = file.age(now)
    if age >= 2 * 3600:
        when = f"{age / 3600:.0f} hours old"
    elif age >= 120:
        when = f"{age / 60:.0f} minutes old"
    else:
        when = f"{age:.0f} seconds old"
    return f"{file.relative} ({file.size:,} bytes, {when})"
