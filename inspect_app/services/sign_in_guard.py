"""Account lockout: too many failed sign-ins for an address within the window locks it.

Failures are counted per email address in the database, so every gunicorn worker and
every host sees the same count. An address is locked whether or not an account has it,
so the lockout says nothing about which addresses exist. While locked, no password is
checked, the right one included; the lock lifts when the oldest failure in the window
is older than the window. A successful sign-in clears the address's failures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from inspect_app.models import SignInFailure
from inspect_app.models.types import utcnow
from inspect_app.services.users import normalise_email


def email_digest(email: str) -> str:
    return hashlib.sha256(normalise_email(email or "").encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SignInGuard:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SignInGuard:
        return cls(
            max_failures=int(config["SIGN_IN_MAX_FAILURES"]),
            window=timedelta(minutes=float(config["SIGN_IN_LOCKOUT_MINUTES"])),
        )

    @property
    def message(self) -> str:
        minutes = self.window.total_seconds() / 60
        return (
            "You have entered the wrong details too many times. "
            f"Try again in {minutes:g} minute{'' if minutes == 1 else 's'}."
        )

    def failures(self, session: Session, email: str, *, now: datetime | None = None) -> int:
        """Failed sign-ins for this address within the window."""
        since = (now or utcnow()) - self.window
        return (
            session.scalar(
                select(func.count())
                .select_from(SignInFailure)
                .where(
                    SignInFailure.email_digest == email_digest(email),
                    SignInFailure.attempted_at > since,
                )
            )
            or 0
        )

    def is_locked(self, session: Session, email: str, *, now: datetime | None = None) -> bool:
        return self.failures(session, email, now=now) >= self.max_failures

    def record_failure(self, session: Session, email: str, *, now: datetime | None = None) -> int:
        """Count a failed sign-in; returns the failures now in the window (this one included).

        Failures older than the window are no longer needed and are deleted here.
        """
        now = now or utcnow()
        session.execute(
            delete(SignInFailure).where(SignInFailure.attempted_at <= now - self.window)
        )
        session.add(SignInFailure(email_digest=email_digest(email), attempted_at=now))
        session.flush()
        return self.failures(session, email, now=now)

    def clear(self, session: Session, email: str) -> None:
        session.execute(
            delete(SignInFailure).where(SignInFailure.email_digest == email_digest(email))
        )
