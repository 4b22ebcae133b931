"""Walking the evidence store: which files it holds, and which of them are strays.

The store keeps blobs at ``sha256/ab/cd/<full hash>`` and partial uploads in ``tmp/``
(see :mod:`inspect_app.domain.evidence_store`). Anything else inside those two
folders is out of place. Files beside them (a README in the default folder) are not
the store's and are never touched. No Flask, no database: the caller says which
hashes the database refers to.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from inspect_app.domain.evidence_store import EvidenceStore

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoreFile:
    """A file found in the store, with the hash its place names (None: out of place)."""

    path: Path
    relative: str  # to the store's root, with forward slashes
    size: int
    modified: float  # st_mtime
    sha256: str | None
    is_temporary: bool

    def age(self, now: float) -> float:
        return max(0.0, now - self.modified)


def _walk(folder: Path) -> Iterator[os.DirEntry]:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        else:
            yield entry


def _blob_hash(store: EvidenceStore, path: Path) -> str | None:
    """The hash a file's place names, if it sits exactly where that blob belongs."""
    name = path.name
    if _SHA256.fullmatch(name) and store.path_for(name) == path:
        return name
    return None


def scan(store: EvidenceStore) -> Iterator[StoreFile]:
    """Every file in the store's blob and temporary folders (files only, no symlinks)."""
    for folder, temporary in ((store.blob_dir, False), (store.tmp_dir, True)):
        for entry in _walk(folder):
            try:
                info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # removed while we looked (an upload finishing)
            path = Path(entry.path)
            yield StoreFile(
                path=path,
                relative=path.relative_to(store.root).as_posix(),
                size=info.st_size,
                modified=info.st_mtime,
                sha256=None if temporary else _blob_hash(store, path),
                is_temporary=temporary,
            )


def is_older_than(path: Path, cutoff: float) -> bool:
    """Whether a file still exists and was last changed before ``cutoff`` (seconds)."""
    try:
        return path.stat(follow_symlinks=False).st_mtime < cutoff
    except FileNotFoundError:
        return False
