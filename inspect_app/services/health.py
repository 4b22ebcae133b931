"""Health checks for load balancers: can this worker reach its database and evidence store?"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from inspect_app.domain.evidence_store import EvidenceStore

OK = "ok"


@dataclass(frozen=True)
class Health:
    checks: dict[str, str]  # check name -> "ok" or what is wrong

    @property
    def healthy(self) -> bool:
        return all(result == OK for result in self.checks.values())

    @property
    def failing(self) -> list[str]:
        return [name for name, result in self.checks.items() if result != OK]

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"status": "ok" if self.healthy else "error", **self.checks}
        if not self.healthy:
            body["failing"] = self.failing
        return body


def check_database(session: Session) -> str:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return "unreachable"
    finally:
        with contextlib.suppress(SQLAlchemyError):
            session.rollback()
    return OK


def check_evidence_store(store: EvidenceStore) -> str:
    """The store's folder exists and a file can be written in it (and removed again).

    The store's own temporary folder is created if missing, as the first upload would.
    """
    if not store.root.is_dir():
        return "missing"
    try:
        store.tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="healthz-", suffix=".probe", dir=store.tmp_dir)
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(name)
    except OSError:
        return "not writable"
    return OK


def check(session: Session, store: EvidenceStore) -> Health:
    return Health(
        {"database": check_database(session), "evidence_store": check_evidence_store(store)}
    )
