"""Helpers for evidence and self-evaluation tests: sample uploads and "nothing written" checks."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from werkzeug.test import EnvironBuilder

from inspect_app.domain.evidence import EvidenceKind
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.models import (
    AuditEvent,
    EvidenceBlob,
    EvidenceFile,
    EvidenceItem,
    EvidenceLink,
    SelfEvaluation,
    SelfEvaluationEntry,
)
from inspect_app.services import evidence as evidence_service
from inspect_app.services.evidence import EvidenceDetails, Upload
from tests.domain.evidence_samples import (
    EXCEL_MACRO_MAIN,
    EXCEL_MAIN,
    WORD_MACRO_MAIN,
    WORD_MAIN,
    XXE_PROLOGUE,
    docx_bytes,
    pdf_bytes,
    rewrite_zip,
    xlsx_bytes,
    zip_of,
)
from tests.factories import evidence_store

MB = 1024 * 1024


def evidence_dir() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def stored_files() -> list[Path]:
    """Every file in the evidence store (temporary uploads included)."""
    root = evidence_dir()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]
    files: list[Path]


def snapshot(session: Session) -> Snapshot:
    """Row counts of everything an upload writes, and the files on disk."""
    models = (
        EvidenceItem,
        EvidenceFile,
        EvidenceBlob,
        EvidenceLink,
        SelfEvaluation,
        SelfEvaluationEntry,
        AuditEvent,
    )
    rows = {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in models}
    rows["evidence_search"] = session.scalar(text("SELECT count(*) FROM evidence_search"))
    return Snapshot(rows, stored_files())


def zip_bomb() -> bytes:
    """A .docx-shaped archive with a part that inflates 10 MB of zeros from a few KB."""
    return zip_of(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
                '.org/package/2006/content-types"><Override PartName="/word/document.xml" '
                f'ContentType="{WORD_MAIN}"/></Types>'
            ).encode(),
            "word/document.xml": b"<w/>",
            "word/media/padding.bin": b"\0" * (10 * MB),
        }
    )


def docm_bytes() -> bytes:
    return rewrite_zip(
        docx_bytes(),
        edit={"[Content_Types].xml": (WORD_MAIN, WORD_MACRO_MAIN)},
        add={"word/vbaProject.bin": b"Attribute VB_Name"},
    )


def xlsm_bytes() -> bytes:
    return rewrite_zip(xlsx_bytes(), edit={"[Content_Types].xml": (EXCEL_MAIN, EXCEL_MACRO_MAIN)})


def xxe_docx_bytes() -> bytes:
    original = docx_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        _, _, body = zf.read("word/document.xml").decode().partition("\n")
    return rewrite_zip(original, replace={"word/document.xml": (XXE_PROLOGUE + body).encode()})


# name -> (bytes, declared name, words expected in the refusal)
REFUSED_UPLOADS: dict[str, tuple[bytes, str, str]] = {
    "mismatched extension": (pdf_bytes(), "minutes.docx", "its name ends in .docx"),
    "empty file": (b"", "empty.txt", "the file is empty"),
    "zip bomb": (zip_bomb(), "plan.docx", "expands to an unsafe size"),
    "macro-enabled Word": (docm_bytes(), "plan.docx", "contains macros"),
    "macro-enabled Excel": (xlsm_bytes(), "data.xlsx", "contains macros"),
    "XXE in an Office file": (xxe_docx_bytes(), "plan.docx", "document type declarations"),
    "unknown binary": (b"MZ\x90\x00\x03" + bytes(range(256)) * 4, "tool.exe", "not one of"),
}


def details(
    title: str = "Minutes of the strategic partnership",
    *,
    kind: EvidenceKind = EvidenceKind.DOCUMENT,
    notes: str = "",
    restricted: bool = False,
    source: str = "Northmere Children's Trust",
    inspectorate: Inspectorate = Inspectorate.OFSTED,
    gathered_on: date = date(2026, 10, 1),
) -> EvidenceDetails:
    return EvidenceDetails(
        title=title,
        kind=kind,
        source=source,
        gathered_on=gathered_on,
        inspectorate=inspectorate,
        is_restricted=restricted,
        notes=notes,
    )


def add(session: Session, review, actor, files: dict[str, bytes] | None = None, **kw):
    """Add an evidence item through the services, as the web form does."""
    store = evidence_store()
    uploads = [Upload(io.BytesIO(data), name) for name, data in (files or {}).items()]
    staged = evidence_service.stage_files(session, store, uploads, max_bytes=50 * MB)
    return evidence_service.add_evidence(session, review, details(**kw), staged, actor=actor)


__all__ = ["docx_bytes", "pdf_bytes", "xlsx_bytes"]


def post_files(client, path: str, data: dict):
    """POST a multipart form with files, closing the encoded body afterwards.

    Werkzeug's test client spools a large multipart body to a temporary file that it
    never closes; with warnings as errors that leak would fail an unrelated test.
    """
    builder = EnvironBuilder(path=path, method="POST", data=data)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()
