""" "Nothing written": every table's row count and every file under the evidence store."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text

from inspect_app.extensions import db

_BLOB_PATH = re.compile(r"sha256/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}")


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]
    files: tuple[str, ...]

    def changes(self, later: Snapshot) -> list[str]:
        changed = [
            f"{table}: {self.rows.get(table)} -> {later.rows.get(table)} rows"
            for table in sorted(set(self.rows) | set(later.rows))
            if self.rows.get(table) != later.rows.get(table)
        ]
        added = sorted(set(later.files) - set(self.files))
        removed = sorted(set(self.files) - set(later.files))
        changed += [f"file added: {f}" for f in added] + [f"file removed: {f}" for f in removed]
        return changed


def evidence_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def take() -> Snapshot:
    session = db.session
    session.expire_all()
    rows = {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    rows["evidence_search"] = session.scalar(text("SELECT count(*) FROM evidence_search"))
    root = evidence_root()
    files = (
        tuple(sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()))
        if root.exists()
        else ()
    )
    return Snapshot(rows, files)


def store_is_content_addressed() -> list[str]:
    """Files in the evidence store that are not named by their hash (none should be)."""
    root = evidence_root()
    if not root.exists():
        return []
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not _BLOB_PATH.fullmatch(str(p.relative_to(root)))
    )


def unsafe_name_problems(name: str) -> list[str]:
    """Why a stored or shown file name is not safe (empty when it is)."""
    problems = []
    if "/" in name or "\\" in name:
        problems.append("contains a path separator")
    if ".." in name.split("/") or name.startswith("."):
        problems.append("starts with a dot or is a parent directory")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        problems.append("contains control, format or bidirectional characters")
    if unicodedata.normalize("NFKC", name) != name:
        problems.append("is not NFKC-normalised (lookalike characters)")
    if len(name) > 200 or not name.strip():
        problems.append("is empty or too long")
    return problems
