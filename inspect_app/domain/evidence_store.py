"""A content-addressed store for evidence file bytes.

Files live at ``<root>/sha256/ab/cd/<full hash>``: the path is built only from a
SHA-256 we computed ourselves, never from anything the user sent. Uploads are
streamed to ``<root>/tmp`` while being hashed and moved into place with
``os.replace``, so a reader never sees a half-written file. Identical content is
stored once. Nothing here imports Flask or the database; the caller records which
reviews refer to which hash and decides when a blob may be deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from inspect_app.domain.evidence_files import (
    CHUNK_SIZE,
    DEFAULT_MAX_BYTES,
    SniffedFile,
    TooLarge,
    inspect_upload,
)

__all__ = ["EvidenceStore", "StoredBlob", "TooLarge"]

FILE_MODE = 0o640
DIR_MODE = 0o750
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path
    created: bool  # False when identical content was already stored


@dataclass(frozen=True)
class _Staged:
    temp: Path
    sha256: str
    size: int


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tmp_dir = self.root / "tmp"
        self.blob_dir = self.root / "sha256"

    def store(self, stream: BinaryIO, *, max_bytes: int) -> StoredBlob:
        """Store a stream's bytes; raises :class:`TooLarge` (leaving nothing) past max_bytes."""
        return self._commit(self._stage(stream, max_bytes))

    def store_path(self, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> StoredBlob:
        with Path(path).open("rb") as fh:
            return self.store(fh, max_bytes=max_bytes)

    def stage_upload(
        self, stream: BinaryIO, declared_name: str, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> tuple[StoredBlob, SniffedFile]:
        """Check an upload and keep it only if accepted; on refusal nothing stays on disk."""
        try:
            staged = self._stage(stream, max_bytes)
        except TooLarge:
            raise TooLarge(max_bytes, declared_name) from None
        try:
            sniffed = inspect_upload(staged.temp, declared_name, max_bytes)
        except BaseException:
            staged.temp.unlink(missing_ok=True)
            raise
        return self._commit(staged), sniffed

    def path_for(self, sha256: str) -> Path:
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise ValueError("not a lower-case hex SHA-256 digest")
        return self.blob_dir / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored blob for reading; FileNotFoundError if it is not stored."""
        return self.path_for(sha256).open("rb")

    def delete(self, sha256: str) -> bool:
        """Remove a blob no review refers to any more. True if a file was removed."""
        try:
            self.path_for(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def purge_stale_temp(self, max_age_seconds: float = 24 * 3600) -> int:
        """Remove temp files left by crashed uploads. Returns how many were removed."""
        removed = 0
        cutoff = time.time() - max_age_seconds
        for entry in self.tmp_dir.glob("upload-*.part"):
            with contextlib.suppress(FileNotFoundError):
                if entry.stat().st_mtime < cutoff:
                    entry.unlink()
                    removed += 1
        return removed

    def _stage(self, stream: BinaryIO, max_bytes: int) -> _Staged:
        self.tmp_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=self.tmp_dir)
        temp = Path(name)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK_SIZE):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, FILE_MODE)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return _Staged(temp=temp, sha256=digest.hexdigest(), size=size)

    def _commit(self, staged: _Staged) -> StoredBlob:
        final = self.path_for(staged.sha256)
        try:
            if final.is_file():
                created = False
                # Freshen it: `flask evidence sweep` leaves recently touched files alone, so
                # an unreferenced blob being reused right now is not removed under us.
                with contextlib.suppress(OSError):
                    os.utime(final)
            else:
                final.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
                os.replace(staged.temp, final)
                created = True
        finally:
            staged.temp.unlink(missing_ok=True)
        return StoredBlob(sha256=staged.sha256, size=staged.size, path=final, created=created)
