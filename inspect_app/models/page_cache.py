"""The shared page cache: rendered pages, and the generations that say whether they are current.

See :mod:`inspect_app.services.page_cache` for how they are used. Both tables are shared by
every worker and host (they live in the application's database), and neither is ever the
only copy of anything: emptying them loses nothing but speed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from inspect_app.extensions import db
from inspect_app.models.types import UTCDateTime, utcnow


class CacheGeneration(db.Model):
    """The current generation of one scope of data: a review's (``review:12``), the data
    every review page shows (``shared``: people, authorities, rubrics) or the whole programme
    (``programme``). A new random token is written in the same transaction as any change."""

    __tablename__ = "cache_generation"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))

    def __repr__(self) -> str:
        return f"<CacheGeneration {self.scope} {self.token[:8]}>"


class CachedPage(db.Model):
    """One user's rendered page, valid while ``stamp`` matches the generations it was
    rendered under. The key is a digest of the user, the page's address and the code. The
    page is kept as the UTF-8 bytes it is sent as, so serving it encodes nothing."""

    __tablename__ = "cached_page"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(200))
    html: Mapped[bytes] = mapped_column(LargeBinary)
    # Where the last per-request placeholder ends: only what comes before is searched.
    holes_end: Mapped[int] = mapped_column(default=0)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<CachedPage {self.key[:8]}>"
