"""Files given to ``flask`` commands: held to the same size limit as an upload."""

from __future__ import annotations

from pathlib import Path

import click

from inspect_app.domain.evidence_files import MB
from inspect_app.web.uploads import max_file_bytes


def refuse_if_larger_than_an_upload(file: Path) -> int:
    """The upload limit in bytes (``INSPECT_MAX_UPLOAD_MB``). A larger ``file`` is refused,
    before it is read, with a message naming it. Needs an application context."""
    max_bytes = max_file_bytes()
    if file.stat().st_size > max_bytes:
        raise click.ClickException(
            f"{file.name} is larger than the {max_bytes // MB} MB limit; nothing was imported. "
            "Split it into smaller files, or raise INSPECT_MAX_UPLOAD_MB."
        )
    return max_bytes
