"""Receiving uploaded files: the evidence store, size limits, and errors listed in full."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, request, send_file
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from inspect_app.domain.evidence_files import MB
from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.extensions import db
from inspect_app.models import EvidenceFile, User
from inspect_app.services.evidence import record_restricted_access

# Room for the form's other fields and the multipart framing.
_REQUEST_SLACK_BYTES = 1 * MB


def evidence_store() -> EvidenceStore:
    return EvidenceStore(Path(current_app.config["EVIDENCE_DIR"]))


def max_file_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * MB


def accept_request_of_files(max_files: int) -> None:
    """Cap the request at ``max_files`` full-size files, then parse it.

    Each file is checked against the per-file limit as it is stored; this only stops
    a request too large to be a genuine upload before it fills the disk.
    """
    request.max_content_length = max_files * max_file_bytes() + _REQUEST_SLACK_BYTES
    try:
        request.files  # noqa: B018 — parse the body now, inside the size check
    except RequestEntityTooLarge:
        abort(
            413,
            description=f"The files you chose add up to more than {max_files} files of "
            f"{current_app.config['MAX_UPLOAD_MB']} MB. Upload fewer files at a time. "
            "Nothing was saved.",
        )


def chosen_files(files: list[FileStorage] | FileStorage | None) -> list[FileStorage]:
    """The files actually chosen (a form with no file chosen sends an empty part)."""
    if files is None:
        return []
    if isinstance(files, FileStorage):
        files = [files]
    return [f for f in files if isinstance(f, FileStorage) and f.filename]


def error_list(form: FlaskForm, extra: list[tuple[str, str]] = ()) -> list[dict[str, str]]:
    """Every error of every field (not only the first), for a GOV.UK error summary."""
    items = [
        {"text": message, "href": f"#{field.id}"}
        for field in form
        for message in field.errors
        if isinstance(message, str)
    ]
    items += [{"text": text, "href": href} for text, href in extra]
    return items


def send_stored_file(file: EvidenceFile, *, actor: User) -> Response:
    """Send a stored evidence file as an attachment under its sanitised name.

    The caller has checked the user may see it; a download of restricted evidence is
    recorded in the audit log before the file is sent.
    """
    store = evidence_store()
    if not store.exists(file.blob_sha256):
        abort(404, description="The file is missing from the evidence store.")
    record_restricted_access(db.session, file.item, actor=actor, what="downloaded")
    db.session.commit()
    response = send_file(
        store.path_for(file.blob_sha256),
        mimetype=file.media_type,
        as_attachment=True,
        download_name=file.download_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
