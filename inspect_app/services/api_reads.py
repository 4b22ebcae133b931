"""Read-only queries behind the JSON API's lists, each in a fixed number of statements.

The permission rules are the pages' rules: the reviews a user may see are the reviews on
their dashboard (:func:`inspect_app.services.reviews.reviews_visible_to`), and what they may
see on each review is decided by its :class:`~inspect_app.domain.permissions.Access`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from inspect_app.domain.permissions import Access
from inspect_app.domain.phases import Phase
from inspect_app.models import (
    AgreedGrade,
    Authority,
    Grade,
    Indicator,
    IndicatorValue,
    JudgementArea,
    PublishedReport,
    Review,
    Rubric,
    TeamMember,
    User,
)
from inspect_app.services.grading import (
    JudgementTarget,
    grades_for_review,
    judgement_targets,
    target_key_of,
)
from inspect_app.services.moderation import agreed_grades

PUBLISHED_PHASES: tuple[Phase, ...] = tuple(p for p in Phase if p.is_at_least(Phase.PUBLISHED))


# ---------------------------------------------------------------------------
# Reviews and published reports
# ---------------------------------------------------------------------------


def visible_reviews(user: User, *, phases: Iterable[Phase] | None = None) -> Select:
    """The reviews ``user`` may see, newest first: the same rule as the dashboard (an
    authority user its own authority's, an administrator all, an inspector those whose team
    they are on)."""
    query = select(Review).options(
        selectinload(Review.authority),
        selectinload(Review.rubric),
        selectinload(Review.team).selectinload(TeamMember.user),
    )
    if user.is_authority_user:
        query = query.where(Review.authority_id == user.authority_id)
    elif not user.is_administrator:
        member_of = select(TeamMember.review_id).where(TeamMember.user_id == user.id)
        query = query.where(Review.id.in_(member_of))
    if phases is not None:
        query = query.where(Review.phase.in_([p.value for p in phases]))
    return query.order_by(Review.created_at.desc(), Review.id.desc())


def published_reviews(user: User) -> Select:
    """Reviews whose report is published and which ``user`` may read: everyone who may see a
    review may read its published report (``Access.can_view_report``)."""
    return visible_reviews(user, phases=PUBLISHED_PHASES)


def published_versions_of(
    session: Session, review_ids: list[int]
) -> dict[int, list[PublishedReport]]:
    """Every published version of these reviews, newest first. One query."""
    if not review_ids:
        return {}
    found: dict[int, list[PublishedReport]] = {i: [] for i in review_ids}
    for row in session.scalars(
        select(PublishedReport)
        .where(PublishedReport.review_id.in_(review_ids))
        .order_by(PublishedReport.review_id, PublishedReport.version_number.desc())
    ):
        found[row.review_id].append(row)
    return found


# ---------------------------------------------------------------------------
# Rubrics
# ---------------------------------------------------------------------------


def rubric_library() -> Select:
    """Every stored rubric revision, by key and revision."""
    return select(Rubric).order_by(Rubric.key, Rubric.revision)


def latest_revisions(session: Session) -> dict[str, int]:
    """The newest revision number of each rubric key. One query."""
    return dict(
        session.execute(select(Rubric.key, func.max(Rubric.revision)).group_by(Rubric.key)).all()
    )


def rubric_version(
    session: Session, key: str, version: str, revision: int | None = None
) -> Rubric | None:
    """A rubric by key and version, with its areas and key judgements: the newest revision of
    that version, or the given revision. Three queries."""
    query = select(Rubric).where(Rubric.key == key, Rubric.version == version)
    if revision is not None:
        query = query.where(Rubric.revision == revision)
    return session.scalar(
        query.order_by(Rubric.revision.desc())
        .limit(1)
        .options(selectinload(Rubric.areas).selectinload(JudgementArea.key_judgements))
    )


# ---------------------------------------------------------------------------
# Grades, within the rules of blind grading
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgementGrades:
    """What one viewer may see of the grades for one judgement."""

    target: JudgementTarget
    grades_visible: bool  # the team's provisional grades are shown
    grades: tuple[Grade, ...]  # those the viewer may see (their own at least, if any)
    agreed: AgreedGrade | None


def may_see_agreed_grades(access: Access) -> bool:
    """Agreed grades are shown where the pages show them: to the team (reconciliation and
    moderation), and in the report to whoever may read it (the authority from the factual
    accuracy check, administrators once it is published)."""
    return access.can_see_provisional_grades or access.can_view_report


def grades_as_seen_by(
    session: Session, review: Review, viewer: User, access: Access
) -> list[JudgementGrades]:
    """Every judgement of the review in rubric order with the grades ``viewer`` may see.

    Blind grading: a team inspector sees the team's grades for a judgement once they have
    graded it themselves or the review has reached moderation; authority users and
    administrators never see provisional grades. Six statements at most."""
    targets = judgement_targets(session, review)
    by_target: dict[object, dict[int, Grade]] = {}
    if access.can_see_provisional_grades:
        for grade in grades_for_review(session, review):
            by_target.setdefault(target_key_of(grade), {})[grade.grader_id] = grade
    agreed: dict[object, AgreedGrade] = {}
    if may_see_agreed_grades(access):
        agreed = {target_key_of(a): a for a in agreed_grades(session, review)}
    out = []
    for target in targets:
        graded = by_target.get(target.key, {})
        visible = access.can_see_others_grades(has_own_grade=viewer.id in graded)
        shown = list(graded.values()) if visible else []
        shown.sort(key=lambda g: (g.grader.inspectorate or "", g.grader.name, g.grader_id))
        out.append(JudgementGrades(target, visible, tuple(shown), agreed.get(target.key)))
    return out


# ---------------------------------------------------------------------------
# The common dataset
# ---------------------------------------------------------------------------


def indicator_catalogue(*, outcome: str | None = None) -> Select:
    """The indicators still in the catalogue, in catalogue order."""
    query = select(Indicator).where(Indicator.in_catalogue.is_(True))
    if outcome is not None:
        query = query.where(Indicator.outcome == outcome)
    return query.order_by(Indicator.position, Indicator.code)


def authority_by_code(session: Session, code: str) -> Authority | None:
    return session.scalar(select(Authority).where(Authority.code == code))


def may_see_indicator_values(user: User, authority: Authority) -> bool:
    """The figures are published statistics that the team benchmarks against the national
    average and statistical neighbours, so inspectors and administrators see every
    authority's; an authority user sees its own authority's only."""
    if user.is_authority_user:
        return user.authority_id == authority.id
    return user.is_inspector or user.is_administrator


def indicator_values(
    authority: Authority, *, indicator_code: str | None = None, period: str | None = None
) -> Select:
    """An authority's figures for the current catalogue, by indicator (catalogue order) and
    period, with their indicator loaded."""
    query = (
        select(IndicatorValue)
        .join(IndicatorValue.indicator)
        .where(IndicatorValue.authority_id == authority.id, Indicator.in_catalogue.is_(True))
        .options(contains_eager(IndicatorValue.indicator))
    )
    if indicator_code is not None:
        query = query.where(Indicator.code == indicator_code)
    if period is not None:
        query = query.where(IndicatorValue.period == period)
    return query.order_by(Indicator.position, Indicator.code, IndicatorValue.period)
