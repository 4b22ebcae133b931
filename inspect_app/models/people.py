"""Users, local authorities and their statistical neighbours."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import UserKind
from inspect_app.extensions import db
from inspect_app.models.types import UTCDateTime, utcnow


class Authority(db.Model):
    """A local authority area whose children's services are reviewed."""

    __tablename__ = "authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    region: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    neighbour_links: Mapped[list[AuthorityNeighbour]] = relationship(
        foreign_keys="AuthorityNeighbour.authority_id",
        order_by="AuthorityNeighbour.rank",
        cascade="all, delete-orphan",
        back_populates="authority",
    )

    @property
    def statistical_neighbours(self) -> list[Authority]:
        return [link.neighbour for link in self.neighbour_links]

    def __repr__(self) -> str:
        return f"<Authority {self.code} {self.name}>"


class AuthorityNeighbour(db.Model):
    """One of an authority's statistical neighbours, ranked by similarity (1 = closest)."""

    __tablename__ = "authority_neighbour"
    __table_args__ = (
        CheckConstraint("authority_id <> neighbour_id", name="not_self"),
        UniqueConstraint("authority_id", "rank"),
    )

    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authority.id", ondelete="CASCADE"), primary_key=True
    )
    neighbour_id: Mapped[int] = mapped_column(
        ForeignKey("authority.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int]

    authority: Mapped[Authority] = relationship(
        foreign_keys=[authority_id], back_populates="neighbour_links"
    )
    neighbour: Mapped[Authority] = relationship(foreign_keys=[neighbour_id])


class User(UserMixin, db.Model):
    """Somebody who signs in: an administrator, an inspector or an authority user."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'inspector') = (inspectorate IS NOT NULL)", name="inspectorate_iff_inspector"
        ),
        CheckConstraint(
            "(kind = 'authority') = (authority_id IS NOT NULL)", name="authority_iff_authority_user"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))
    inspectorate: Mapped[str | None] = mapped_column(String(40))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authority.id"))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # An inspectorate lead who may see the national programme view (all reviews).
    programme_lead: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    authority: Mapped[Authority | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    @property
    def user_kind(self) -> UserKind:
        return UserKind(self.kind)

    @property
    def is_administrator(self) -> bool:
        return self.kind == UserKind.ADMINISTRATOR

    @property
    def is_inspector(self) -> bool:
        return self.kind == UserKind.INSPECTOR

    @property
    def is_authority_user(self) -> bool:
        return self.kind == UserKind.AUTHORITY

    @property
    def inspectorate_label(self) -> str:
        return Inspectorate(self.inspectorate).label if self.inspectorate else ""

    @property
    def affiliation(self) -> str:
        """Who the user works for, as shown beside their name."""
        if self.inspectorate:
            return self.inspectorate_label
        if self.authority is not None:
            return self.authority.name
        return "Administrator"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.kind}>"
