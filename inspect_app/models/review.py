"""A review of one area, its team and who judges which area."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.models.people import Authority, User
from inspect_app.models.rubric import JudgementArea, Rubric
from inspect_app.models.types import UTCDateTime, utcnow


class Review(db.Model):
    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), index=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"))
    phase: Mapped[str] = mapped_column(String(30), default=Phase.SET_UP.value)
    set_up_on: Mapped[date | None]
    analysis_week_on: Mapped[date | None]
    fieldwork_week_one_on: Mapped[date | None]
    fieldwork_week_two_on: Mapped[date | None]
    publication_due_on: Mapped[date | None]
    phase_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    authority: Mapped[Authority] = relationship()
    rubric: Mapped[Rubric] = relationship()
    team: Mapped[list[TeamMember]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="TeamMember.id"
    )

    @property
    def current_phase(self) -> Phase:
        return Phase(self.phase)

    @property
    def title(self) -> str:
        return f"Joint area review of {self.authority.name}"

    @property
    def lead_inspector(self) -> TeamMember | None:
        return next((m for m in self.team if m.role == ReviewRole.LEAD_INSPECTOR), None)

    @property
    def planned_dates(self) -> list[tuple[str, date | None]]:
        return [
            ("Set-up meeting", self.set_up_on),
            ("Analysis week", self.analysis_week_on),
            ("Fieldwork week 1", self.fieldwork_week_one_on),
            ("Fieldwork week 2", self.fieldwork_week_two_on),
            ("Publication due", self.publication_due_on),
        ]

    def member_for(self, user_id: int) -> TeamMember | None:
        return next((m for m in self.team if m.user_id == user_id), None)

    def __repr__(self) -> str:
        return f"<Review {self.reference} {self.phase}>"


class TeamMember(db.Model):
    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    interests_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    has_conflict: Mapped[bool | None]  # None until the member declares
    conflict_details: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    review: Mapped[Review] = relationship(back_populates="team")
    user: Mapped[User] = relationship()
    assignments: Mapped[list[AreaAssignment]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )

    @property
    def review_role(self) -> ReviewRole:
        return ReviewRole(self.role)

    @property
    def has_declared(self) -> bool:
        return self.interests_declared_at is not None

    @property
    def declaration_label(self) -> str:
        if not self.has_declared:
            return "Not yet declared"
        return "Conflict declared" if self.has_conflict else "No conflict"

    @property
    def assigned_areas(self) -> list[JudgementArea]:
        return sorted((a.area for a in self.assignments), key=lambda area: area.number)


class AreaAssignment(db.Model):
    """A judgement area a team member is responsible for grading."""

    __tablename__ = "area_assignment"
    __table_args__ = (UniqueConstraint("member_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("team_member.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("judgement_area.id"), index=True)

    member: Mapped[TeamMember] = relationship(back_populates="assignments")
    area: Mapped[JudgementArea] = relationship()


__all__ = ["AreaAssignment", "Review", "TeamMember"]
