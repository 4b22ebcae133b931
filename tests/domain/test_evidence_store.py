from __future__ import annotations

import hashlib
import io
import os
import stat
import time
from pathlib import Path

import pytest

from inspect_app.domain.evidence_files import RefusedFile, sanitise_filename
from inspect_app.domain.evidence_store import EvidenceStore, StoredBlob, TooLarge
from tests.domain import evidence_samples as samples

MB = 1024 * 1024


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


class TrickleStream(io.RawIOBase):
    """Returns at most a few bytes per read, like a slow network upload."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size, 7) if size > 0 else 7)


def test_store_hashes_and_files_content_by_sha256(store: EvidenceStore):
    data = os.urandom(200_000)
    blob = store.store(io.BytesIO(data), max_bytes=MB)
    digest = hashlib.sha256(data).hexdigest()
    assert blob == StoredBlob(
        sha256=digest,
        size=len(data),
        path=store.root / "sha256" / digest[:2] / digest[2:4] / digest,
        created=True,
    )
    assert blob.path.read_bytes() == data
    assert stat.S_IMODE(blob.path.stat().st_mode) == 0o640
    assert store.exists(digest)
    with store.open(digest) as fh:
        assert fh.read() == data


def test_store_reads_short_reads_to_the_end(store: EvidenceStore):
    data = b"partial reads are fine" * 10
    blob = store.store(TrickleStream(data), max_bytes=MB)
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.size == len(data)


def test_same_content_twice_is_stored_once(store: EvidenceStore):
    first = store.store(io.BytesIO(b"same bytes"), max_bytes=MB)
    second = store.store(io.BytesIO(b"same bytes"), max_bytes=MB)
    assert first.created is True
    assert second.created is False
    assert second.path == first.path
    assert files_under(store.root) == [first.path]


def test_store_path(store: EvidenceStore, tmp_path: Path):
    source = tmp_path / "source.txt"
    source.write_bytes(b"from a path")
    blob = store.store_path(source)
    assert blob.sha256 == hashlib.sha256(b"from a path").hexdigest()


def test_too_large_stream_leaves_nothing_behind(store: EvidenceStore):
    with pytest.raises(TooLarge) as caught:
        store.store(io.BytesIO(b"x" * (MB + 1)), max_bytes=MB)
    assert "1 MB" in caught.value.reason
    assert files_under(store.root) == []


def test_exactly_max_bytes_is_allowed(store: EvidenceStore):
    assert store.store(io.BytesIO(b"x" * 1000), max_bytes=1000).size == 1000


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc/passwd",
        "A" * 64,
        "0" * 63,
        "0" * 65,
        "0" * 62 + "/x",
        hashlib.sha256(b"").hexdigest() + "\n",
        None,
    ],
)
def test_path_for_refuses_anything_but_a_hex_digest(store: EvidenceStore, bad):
    with pytest.raises(ValueError):
        store.path_for(bad)


def test_delete(store: EvidenceStore):
    blob = store.store(io.BytesIO(b"to delete"), max_bytes=MB)
    assert store.delete(blob.sha256) is True
    assert not store.exists(blob.sha256)
    assert store.delete(blob.sha256) is False
    with pytest.raises(FileNotFoundError):
        store.open(blob.sha256)


def test_stage_upload_accepts_and_stores(store: EvidenceStore):
    data = samples.pdf_bytes()
    blob, sniffed = store.stage_upload(io.BytesIO(data), "report.pdf", max_bytes=MB)
    assert sniffed.kind == "pdf"
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert files_under(store.root) == [blob.path]


def test_path_traversal_name_never_reaches_the_storage_path(store: EvidenceStore):
    name = "../../etc/passwd.txt"
    blob, sniffed = store.stage_upload(io.BytesIO(b"root:x:0:0"), name, max_bytes=MB)
    assert sniffed.kind == "text"
    assert sanitise_filename(name) == "passwd.txt"
    assert blob.path.is_relative_to(store.root / "sha256")
    assert "passwd" not in str(blob.path)
    assert "etc" not in blob.path.relative_to(store.root).parts
    assert files_under(store.root) == [blob.path]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.txt"),
        (b"MZ\x90\x00binary", "notes.exe"),
        (samples.pdf_bytes(), "report.docx"),
        ("café".encode("latin-1"), "data.csv"),
        (samples.rewrite_zip(samples.docx_bytes(), add={"word/vbaProject.bin": b"x"}), "m.docx"),
        (samples.docx_bytes()[:500], "broken.docx"),
    ],
)
def test_refused_upload_leaves_nothing_on_disk(store: EvidenceStore, data, name):
    with pytest.raises(RefusedFile):
        store.stage_upload(io.BytesIO(data), name, max_bytes=MB)
    assert files_under(store.root) == []
    assert list((store.root / "tmp").iterdir()) == []


def test_oversize_upload_is_refused_naming_the_file(store: EvidenceStore):
    with pytest.raises(TooLarge) as caught:
        store.stage_upload(io.BytesIO(b"x" * (2 * MB + 1)), "big.txt", max_bytes=2 * MB)
    assert caught.value.reason == "'big.txt' was refused: it is larger than the 2 MB limit"
    assert files_under(store.root) == []


def test_purge_stale_temp(store: EvidenceStore):
    store.tmp_dir.mkdir(parents=True)
    stale = store.tmp_dir / "upload-old.part"
    fresh = store.tmp_dir / "upload-new.part"
    stale.write_bytes(b"crashed")
    fresh.write_bytes(b"in progress")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    assert store.purge_stale_temp(max_age_seconds=60) == 1
    assert list(store.tmp_dir.iterdir()) == [fresh]
