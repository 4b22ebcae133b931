"""Failed sign-ins, kept for the lockout window, shared by every worker and host."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from inspect_app.extensions import db
from inspect_app.models.types import UTCDateTime, utcnow


class SignInFailure(db.Model):
    """One failed sign-in for an email address, whether or not an account has it.

    The address is kept only as a SHA-256 digest: this table says how often somebody
    tried, not who. Rows older than the lockout window are deleted as new ones arrive.
    """

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_digest: Mapped[str] = mapped_column(String(64), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<SignInFailure {self.email_digest[:8]} {self.attempted_at:%Y-%m-%d %H:%M}>"
