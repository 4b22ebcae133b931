"""The national programme view: every review against the programme schedule, and grades,
disagreement and self-evaluation calibration across the programme.

Four set-based queries build the data, however many reviews there are (plus three small
ones for the filter choices, see :func:`filter_options`):

1. the reviews matching the filters, with authority, region, rubric, the lead inspector's
   inspectorate, the date the report was first published and whether the team has
   graded it;
2. the agreed area grades of the published ones, one row per review and area, and for
   each key judgement the first published review that agreed a grade for it (for its
   wording);
3. the spreads (highest minus lowest) of the team's provisional grades on the ones that
   reached moderation (grading closed), counted in the database per judgement target and
   spread;
4. the authority's self-grades from its latest self-evaluation against the agreed grades,
   for the published ones, counted in the database by deviation per review and per
   judgement target.

Queries 2–4 take the reviews from query 1 by id, so nothing is fetched per review, and
they return a few hundred rows however many thousand grades there are: reading every
grade row into Python (and into DataFrames) was most of the cost of the page.
:mod:`inspect_app.domain.national_aggregates` turns the rows and counts into
distributions, disagreement and calibration; :func:`national_tables` lays them out as the
tables the page and the exports share.

Provisional grades are used only as spreads per judgement and review, never shown one by
one, and only once the review's grading has closed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from inspect_app.domain.distribution_chart import Bar, grade_distribution_svg
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.national_aggregates import (
    CalibrationSummary,
    GradeCounts,
    GradeDistribution,
    JudgementDisagreement,
    SelfEvaluationCalibration,
    calibration_from_counts,
    disagreement_from_spreads,
    grade_distribution_from_rows,
)
from inspect_app.domain.national_tables import Table, Value
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import PHASE_ORDER, Phase
from inspect_app.domain.programme_schedule import (
    PlannedDates,
    ScheduleState,
    ScheduleStatus,
    schedule_status,
)
from inspect_app.models import (
    AgreedGrade,
    Authority,
    Grade,
    JudgementArea,
    KeyJudgement,
    PublishedReport,
    Review,
    Rubric,
    SelfEvaluation,
    SelfEvaluationEntry,
    TeamMember,
    User,
)
from inspect_app.services.publication import today_in_uk

PUBLISHED_PHASES = tuple(p.value for p in PHASE_ORDER if p.is_at_least(Phase.PUBLISHED))
GRADING_CLOSED_PHASES = tuple(p.value for p in PHASE_ORDER if p.is_at_least(Phase.MODERATION))

DEFAULT_GRADE_LABELS = {4: "Outstanding", 3: "Good", 2: "Adequate", 1: "Inadequate"}


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class ProgrammeFilters:
    """Which reviews the view covers. None means any."""

    region: str | None = None
    phase: Phase | None = None
    lead_inspectorate: str | None = None  # an Inspectorate code
    rubric: str | None = None  # a rubric key, e.g. "jar-2005"
    publication_year: int | None = None  # the year the report was first published
    fieldwork_year: int | None = None  # the year fieldwork (week 1) was planned to start

    @property
    def active(self) -> bool:
        return any(value is not None for value in self.query_args().values())

    def query_args(self) -> dict[str, str]:
        """As URL query parameters (the filter form's field names), for export links."""
        values = {
            "region": self.region,
            "phase": self.phase.value if self.phase else None,
            "lead_inspectorate": self.lead_inspectorate,
            "rubric": self.rubric,
            "publication_year": self.publication_year,
            "fieldwork_year": self.fieldwork_year,
        }
        return {k: str(v) for k, v in values.items() if v is not None}

    def describe(self) -> list[tuple[str, str]]:
        """Each filter in words, for the export's About sheet and the audit log."""
        inspectorate = (
            _inspectorate_label(self.lead_inspectorate) if self.lead_inspectorate else None
        )
        return [
            ("Region", self.region or "Any"),
            ("Phase", self.phase.label if self.phase else "Any"),
            ("Lead inspector’s inspectorate", inspectorate or "Any"),
            ("Rubric", self.rubric or "Any"),
            ("Year of publication", str(self.publication_year or "Any")),
            ("Year of fieldwork", str(self.fieldwork_year or "Any")),
        ]


@dataclass(frozen=True)
class RubricChoice:
    key: str
    title: str


@dataclass(frozen=True)
class FilterOptions:
    regions: list[str]
    rubrics: list[RubricChoice]
    publication_years: list[int]
    fieldwork_years: list[int]
    grade_labels: dict[int, str]  # best grade first


def filter_options(session: Session) -> FilterOptions:
    """What the filters can be set to: regions with an authority, rubrics with a review, and
    the years that occur. Three queries."""
    regions = session.scalars(select(distinct(Authority.region)).order_by(Authority.region)).all()
    rubric_rows = session.execute(
        select(Rubric.key, Rubric.title, Rubric.revision, Rubric.grade_scale).order_by(
            Rubric.key, Rubric.revision
        )
    ).all()
    years = session.execute(
        select(
            select(func.min(Review.fieldwork_week_one_on)).scalar_subquery(),
            select(func.max(Review.fieldwork_week_one_on)).scalar_subquery(),
            select(func.min(PublishedReport.published_on)).scalar_subquery(),
            select(func.max(PublishedReport.published_on)).scalar_subquery(),
        )
    ).one()
    rubrics: dict[str, RubricChoice] = {}
    for row in rubric_rows:
        rubrics[row.key] = RubricChoice(row.key, row.title)  # the latest revision's title
    labels = _grade_labels([row.grade_scale for row in rubric_rows])
    return FilterOptions(
        regions=[r for r in regions if r],
        rubrics=list(rubrics.values()),
        publication_years=_year_range(years[2], years[3]),
        fieldwork_years=_year_range(years[0], years[1]),
        grade_labels=labels,
    )


def _year_range(first: date | None, last: date | None) -> list[int]:
    if first is None or last is None:
        return []
    return list(range(_as_date(last).year, _as_date(first).year - 1, -1))


def _as_date(value: date | str) -> date:
    # SQLite hands back the text of a MIN()/MAX() over a date column.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _grade_labels(scales: list[dict]) -> dict[int, str]:
    """Value -> label from the first rubric's scale, best grade first (JAR: 4 first)."""
    for scale in scales:
        points = {int(p["value"]): str(p["label"]) for p in scale.get("grades", [])}
        if points:
            best_lowest = scale.get("best") == "lowest"
            return dict(sorted(points.items(), reverse=not best_lowest))
    return dict(DEFAULT_GRADE_LABELS)


# --------------------------------------------------------------------------- the view


@dataclass(frozen=True)
class ReviewRow:
    review_id: int
    reference: str
    authority_name: str
    authority_code: str
    region: str
    phase: Phase
    rubric_key: str
    lead_inspectorate: str | None
    analysis_week_on: date | None
    fieldwork_week_one_on: date | None
    fieldwork_week_two_on: date | None
    publication_due_on: date | None
    published_on: date | None
    schedule: ScheduleStatus

    @property
    def lead_inspectorate_label(self) -> str:
        return _inspectorate_label(self.lead_inspectorate) if self.lead_inspectorate else ""


@dataclass(frozen=True)
class JudgementInfo:
    """A judgement across reviews: rubric key and number identify it (``"jar-2005 2.3"``)."""

    key: str
    rubric_key: str
    number: str
    text: str


@dataclass(frozen=True)
class NationalView:
    filters: ProgrammeFilters
    today: date
    reviews: list[ReviewRow]
    distribution: GradeDistribution
    area_titles: dict[str, str]  # area code -> title
    disagreement: list[JudgementDisagreement]
    calibration: SelfEvaluationCalibration
    judgements: dict[str, JudgementInfo]
    authority_names: dict[str, str]  # code -> name
    grade_labels: dict[int, str]  # best first
    graded_reviews: int  # reviews whose grading has closed (the disagreement base)
    calibrated_reviews: int  # published reviews with self-grades to compare
    schedule_counts: dict[ScheduleState, int] = field(default_factory=dict)

    @property
    def published_reviews(self) -> int:
        return sum(1 for r in self.reviews if r.phase.value in PUBLISHED_PHASES)

    def area_title(self, code: str) -> str:
        return self.area_titles.get(code, code)

    def chart_svg(self) -> str:
        bars = [Bar(self.area_title(c.area), c.counts) for c in self.distribution.overall]
        return grade_distribution_svg(
            bars,
            grade_labels=self.grade_labels,
            title="Agreed grades of published reviews, by judgement area",
            chart_id="national-grades-chart",
        )


def national_view(
    session: Session,
    filters: ProgrammeFilters | None = None,
    *,
    today: date | None = None,
    grade_labels: dict[int, str] | None = None,
) -> NationalView:
    """Everything the page shows, in four queries."""
    filters = filters or ProgrammeFilters()
    today = today or today_in_uk()
    filtered = _reviews_query(filters).subquery("filtered_reviews")

    reviews, with_grades = _review_rows(session, filtered, today)
    by_id = {r.review_id: r for r in reviews}
    # The other queries take the reviews by id: evaluating the filters again as a subquery
    # in each of them cost more than reading their grades.
    published = [r.review_id for r in reviews if r.phase.value in PUBLISHED_PHASES]
    graded = [r.review_id for r in reviews if r.phase.value in GRADING_CLOSED_PHASES]

    judgements = _Judgements()
    areas, area_titles = _agreed_grades(session, published, by_id, judgements)
    spreads = _provisional_spreads(session, graded, by_id, judgements)
    calibration, calibrated_reviews = _calibration(session, published, by_id)

    return NationalView(
        filters=filters,
        today=today,
        reviews=reviews,
        distribution=grade_distribution_from_rows(
            areas, scale=sorted(grade_labels or DEFAULT_GRADE_LABELS)
        ),
        area_titles=area_titles,
        disagreement=disagreement_from_spreads(spreads),
        calibration=calibration,
        judgements=judgements.described(),
        authority_names={r.authority_code: r.authority_name for r in reviews},
        grade_labels=dict(grade_labels or DEFAULT_GRADE_LABELS),
        graded_reviews=sum(1 for review_id in graded if review_id in with_grades),
        calibrated_reviews=calibrated_reviews,
        schedule_counts=dict(Counter(r.schedule.state for r in reviews)),
    )


def _reviews_query(filters: ProgrammeFilters) -> Select:
    lead = aliased(TeamMember)
    lead_user = aliased(User)
    first_published = (
        select(
            PublishedReport.review_id.label("review_id"),
            func.min(PublishedReport.published_on).label("published_on"),
        )
        .group_by(PublishedReport.review_id)
        .subquery("first_published")
    )
    query = (
        select(
            Review.id.label("review_id"),
            Review.reference,
            Review.phase,
            Review.analysis_week_on,
            Review.fieldwork_week_one_on,
            Review.fieldwork_week_two_on,
            Review.publication_due_on,
            Authority.name.label("authority_name"),
            Authority.code.label("authority_code"),
            Authority.region,
            Rubric.key.label("rubric_key"),
            lead_user.inspectorate.label("lead_inspectorate"),
            first_published.c.published_on,
        )
        .join(Authority, Review.authority_id == Authority.id)
        .join(Rubric, Review.rubric_id == Rubric.id)
        .outerjoin(
            lead, and_(lead.review_id == Review.id, lead.role == ReviewRole.LEAD_INSPECTOR.value)
        )
        .outerjoin(lead_user, lead_user.id == lead.user_id)
        .outerjoin(first_published, first_published.c.review_id == Review.id)
    )
    if filters.region is not None:
        query = query.where(Authority.region == filters.region)
    if filters.phase is not None:
        query = query.where(Review.phase == filters.phase.value)
    if filters.lead_inspectorate is not None:
        query = query.where(lead_user.inspectorate == filters.lead_inspectorate)
    if filters.rubric is not None:
        query = query.where(Rubric.key == filters.rubric)
    if filters.fieldwork_year is not None:
        query = query.where(*_in_year(Review.fieldwork_week_one_on, filters.fieldwork_year))
    if filters.publication_year is not None:
        query = query.where(*_in_year(first_published.c.published_on, filters.publication_year))
    return query


def _in_year(column, year: int) -> tuple:
    return (column >= date(year, 1, 1), column < date(year + 1, 1, 1))


_REVIEW_COLUMNS = (
    "review_id",
    "reference",
    "phase",
    "authority_name",
    "authority_code",
    "region",
    "rubric_key",
    "lead_inspectorate",
    "analysis_week_on",
    "fieldwork_week_one_on",
    "fieldwork_week_two_on",
    "publication_due_on",
    "published_on",
)


def _review_rows(session: Session, filtered, today: date) -> tuple[list[ReviewRow], set[int]]:
    """The filtered reviews in order of fieldwork, and which of them have provisional
    grades."""
    has_grades = select(Grade.id).where(Grade.review_id == filtered.c.review_id).exists()
    query = select(*(filtered.c[name] for name in _REVIEW_COLUMNS), has_grades)
    out: dict[int, ReviewRow] = {}
    with_grades: set[int] = set()
    # Rows are unpacked by position throughout: a Row's attributes cost a microsecond each.
    for row in _core_rows(session, query):
        review_id, reference, phase_value, name, code, region, rubric_key, lead, *dates = row
        if review_id in out:  # two leads recorded: the first wins
            continue
        analysis, week_one, week_two, due, published_on, graded = dates
        if graded:
            with_grades.add(review_id)
        phase = Phase(phase_value)
        planned = PlannedDates(analysis, week_one, week_two, due)
        out[review_id] = ReviewRow(
            review_id=review_id,
            reference=reference,
            authority_name=name,
            authority_code=code,
            region=region,
            phase=phase,
            rubric_key=rubric_key,
            lead_inspectorate=lead,
            analysis_week_on=analysis,
            fieldwork_week_one_on=week_one,
            fieldwork_week_two_on=week_two,
            publication_due_on=due,
            published_on=published_on,
            schedule=schedule_status(phase, planned, today=today, published_on=published_on),
        )
    reviews = sorted(
        out.values(),
        key=lambda r: (r.fieldwork_week_one_on is None, r.fieldwork_week_one_on, r.reference),
    )
    return reviews, with_grades


def _core_rows(session: Session, query: Select) -> list:
    """Rows of plain columns on the session's connection: the ORM's result processing (made
    for entities) is not needed for them."""
    return session.connection().execute(query).all()


# The grade queries below group in the database by judgement *target* (a key judgement or
# an area, by id), which within one review is the same as grouping by the judgement
# (rubric key and number); targets of different revisions of one rubric are the same
# judgement, so their counts are added together here.


def _nothing(kind: type[Integer] | type[String] = Integer):
    """A typed NULL, for a column one side of a UNION does not have."""
    return cast(null(), kind)


def _judgement_key(
    review: ReviewRow, key_judgement_id: int | None, kj_number: str | None, area_number: int
) -> str:
    """The judgement ``"<rubric> <number>"``, the same judgement in every review."""
    number = str(area_number) if key_judgement_id is None else kj_number
    return f"{review.rubric_key} {number}"


def _judgement(
    review: ReviewRow,
    kj_id: int | None,
    kj_number: str,
    kj_text: str,
    area_number: int,
    area_title: str,
) -> JudgementInfo:
    """A row's judgement as :class:`JudgementInfo` (an area is "<title> (overall)")."""
    if kj_id is None:
        number, text = str(area_number), f"{area_title} (overall)"
    else:
        number, text = kj_number, kj_text
    return JudgementInfo(f"{review.rubric_key} {number}", review.rubric_key, number, text)


class _Judgements:
    """Each judgement as the first review that has it describes it (by review id, then by
    the grade's id): one with an agreed grade if any, else one with provisional grades."""

    def __init__(self) -> None:
        self._agreed: dict[str, tuple[tuple[int, int], JudgementInfo]] = {}
        self._provisional: dict[str, tuple[tuple[int, int], JudgementInfo]] = {}

    def met(self, info: JudgementInfo, first: tuple[int, int], *, agreed: bool) -> None:
        found = self._agreed if agreed else self._provisional
        seen = found.get(info.key)
        if seen is None or first < seen[0]:
            found[info.key] = (first, info)

    def described(self) -> dict[str, JudgementInfo]:
        out = {key: info for key, (_, info) in self._agreed.items()}
        for key, (_, info) in self._provisional.items():
            out.setdefault(key, info)
        return out


def _agreed_grades(
    session: Session,
    review_ids: list[int],
    reviews: dict[int, ReviewRow],
    judgements: _Judgements,
) -> tuple[list[tuple[str, str, str, int]], dict[str, str]]:
    """The agreed area grades of the published reviews as rows for
    :func:`grade_distribution_from_rows` (by rubric and area number), and each area's
    title by code; the judgements they name go into ``judgements``. Key judgement grades
    are not fetched one by one: only the first review that agreed each one."""
    areas = select(
        AgreedGrade.review_id,
        AgreedGrade.id,
        _nothing().label("key_judgement_id"),
        AgreedGrade.area_id,
        AgreedGrade.value,
    ).where(AgreedGrade.area_id.is_not(None), AgreedGrade.review_id.in_(review_ids))
    first_agreed = (
        select(
            func.min(AgreedGrade.review_id),
            _nothing(),
            AgreedGrade.key_judgement_id,
            _nothing(),
            _nothing(),
        )
        .where(AgreedGrade.key_judgement_id.is_not(None), AgreedGrade.review_id.in_(review_ids))
        .group_by(AgreedGrade.key_judgement_id)
    )
    grades = union_all(areas, first_agreed).subquery("agreed")
    query = _described(grades, select(*grades.c))
    found: list[tuple[tuple, str, str, str, str, int]] = []
    for row in _core_rows(session, query):
        review_id, grade_id, kj_id, _area_id, value, kj_number, kj_text, area_number = row[:8]
        code, title = row[8:]
        review = reviews.get(review_id)
        if review is None:
            continue
        info = _judgement(review, kj_id, kj_number, kj_text, area_number, title)
        judgements.met(info, (review_id, grade_id or 0), agreed=True)
        if kj_id is None:
            lead = _lead_label(review)
            order = (review.rubric_key, area_number, review_id, grade_id)
            found.append((order, code, title, review.region, lead, value))
    found.sort(key=lambda area: area[0])
    return (
        [(code, region, lead, grade) for _, code, _, region, lead, grade in found],
        {code: title for _, code, title, _, _, _ in found},  # the last one met wins
    )


def _described(grades, query: Select) -> Select:
    """``query`` over ``grades`` (with key_judgement_id and area_id columns), with the
    judgement's number and wording: kj_number, kj_text, area_number, area_code,
    area_title."""
    return (
        query.add_columns(
            KeyJudgement.number,
            KeyJudgement.text,
            JudgementArea.number,
            JudgementArea.code,
            JudgementArea.title,
        )
        .outerjoin(KeyJudgement, KeyJudgement.id == grades.c.key_judgement_id)
        .join(
            JudgementArea,
            JudgementArea.id == func.coalesce(grades.c.area_id, KeyJudgement.area_id),
        )
    )


def _provisional_spreads(
    session: Session,
    review_ids: list[int],
    reviews: dict[int, ReviewRow],
    judgements: _Judgements,
) -> dict[str, dict[int, int]]:
    """For each judgement, how many reviews whose grading has closed had each spread of
    provisional grades (where at least two inspectors graded it), as
    :func:`disagreement_from_spreads` takes them; every judgement graded goes into
    ``judgements``."""
    graders, high, low = func.count(Grade.value), func.max(Grade.value), func.min(Grade.value)
    per_review = (
        select(
            Grade.review_id,
            Grade.key_judgement_id,
            Grade.area_id,
            case((graders >= 2, high - low)).label("spread"),  # NULL: one grader
        )
        .where(Grade.review_id.in_(review_ids))
        .group_by(Grade.review_id, Grade.key_judgement_id, Grade.area_id)
        .subquery("per_review")
    )
    grouped = (
        select(
            func.min(per_review.c.review_id).label("review_id"),
            per_review.c.key_judgement_id,
            per_review.c.area_id,
            per_review.c.spread,
            func.count().label("reviews"),
        )
        .group_by(per_review.c.key_judgement_id, per_review.c.area_id, per_review.c.spread)
        .subquery("spreads")
    )
    spreads: dict[str, dict[int, int]] = {}
    for row in _core_rows(session, _described(grouped, select(*grouped.c))):
        review_id, kj_id, _area_id, spread_value, count, kj_number, kj_text, area_number = row[:8]
        title = row[9]
        review = reviews.get(review_id)
        if review is None:
            continue
        info = _judgement(review, kj_id, kj_number, kj_text, area_number, title)
        judgements.met(info, (review_id, 0), agreed=False)
        if spread_value is not None:
            tally = spreads.setdefault(info.key, {})
            tally[spread_value] = tally.get(spread_value, 0) + count
    return spreads


def _calibration(
    session: Session, review_ids: list[int], reviews: dict[int, ReviewRow]
) -> tuple[SelfEvaluationCalibration, int]:
    """Self-grades from each published review's latest self-evaluation against the agreed
    grades for the same judgements, counted by deviation per review and per judgement
    target in the database; and how many reviews had any to compare."""
    latest = (
        select(SelfEvaluation.review_id, func.max(SelfEvaluation.version).label("version"))
        .where(SelfEvaluation.review_id.in_(review_ids))
        .group_by(SelfEvaluation.review_id)
        .subquery("latest_return")
    )
    entry = SelfEvaluationEntry
    same_target = or_(
        AgreedGrade.key_judgement_id == entry.key_judgement_id,
        and_(entry.key_judgement_id.is_(None), AgreedGrade.area_id == entry.area_id),
    )
    compared = (
        select(
            SelfEvaluation.review_id,
            AgreedGrade.key_judgement_id,
            AgreedGrade.area_id,
            (entry.grade - AgreedGrade.value).label("deviation"),
        )
        .select_from(entry)
        .join(SelfEvaluation, SelfEvaluation.id == entry.self_evaluation_id)
        .join(
            latest,
            and_(
                latest.c.review_id == SelfEvaluation.review_id,
                latest.c.version == SelfEvaluation.version,
            ),
        )
        .join(AgreedGrade, and_(AgreedGrade.review_id == SelfEvaluation.review_id, same_target))
        .where(entry.grade.is_not(None))
        .cte("compared")
    )
    by_review = select(
        compared.c.review_id,
        _nothing(),
        _nothing(String),
        _nothing(),
        _nothing(),
        compared.c.deviation,
        func.count(),
    ).group_by(compared.c.review_id, compared.c.deviation)
    by_target = (
        select(
            func.min(compared.c.review_id),
            compared.c.key_judgement_id,
            KeyJudgement.number,
            compared.c.area_id,
            JudgementArea.number,
            compared.c.deviation,
            func.count(),
        )
        .outerjoin(KeyJudgement, KeyJudgement.id == compared.c.key_judgement_id)
        .join(
            JudgementArea,
            JudgementArea.id == func.coalesce(compared.c.area_id, KeyJudgement.area_id),
        )
        .group_by(
            compared.c.key_judgement_id,
            KeyJudgement.number,
            compared.c.area_id,
            JudgementArea.number,
            compared.c.deviation,
        )
    )
    overall: dict[int, int] = {}
    by_authority: dict[str, dict[int, int]] = {}
    by_judgement: dict[str, dict[int, int]] = {}
    compared_reviews: set[int] = set()
    for row in _core_rows(session, union_all(by_review, by_target)):
        review_id, kj_id, kj_number, area_id, area_number, deviation, count = row
        review = reviews.get(review_id)
        if review is None:
            continue
        if kj_id is None and area_id is None:  # a review's count
            compared_reviews.add(review_id)
            overall[deviation] = overall.get(deviation, 0) + count
            tally = by_authority.setdefault(review.authority_code, {})
        else:
            key = _judgement_key(review, kj_id, kj_number, area_number)
            tally = by_judgement.setdefault(key, {})
        tally[deviation] = tally.get(deviation, 0) + count
    return (
        calibration_from_counts(overall, by_authority, by_judgement),
        len(compared_reviews),
    )


def _lead_label(review: ReviewRow) -> str:
    lead = review.lead_inspectorate
    return _inspectorate_label(lead) if lead else "No lead"


def _inspectorate_label(code: str) -> str:
    try:
        return Inspectorate(code).label
    except ValueError:
        return code


# --------------------------------------------------------------------------- tables

SECTION_KEYS = (
    "reviews",
    "grades",
    "grades-by-region",
    "grades-by-inspectorate",
    "disagreement",
    "calibration-by-authority",
    "calibration-by-judgement",
)


def national_tables(view: NationalView) -> dict[str, Table]:
    """Every section of the view as a table, keyed as in :data:`SECTION_KEYS`."""
    tables = [
        _reviews_table(view),
        _grades_table(view, "grades", "Grades", view.distribution.overall, None),
        _grades_table(
            view, "grades-by-region", "Grades by region", view.distribution.by_region, "Region"
        ),
        _grades_table(
            view,
            "grades-by-inspectorate",
            "Grades by lead inspectorate",
            view.distribution.by_lead_inspectorate,
            "Lead inspector’s inspectorate",
        ),
        _disagreement_table(view),
        _calibration_table(
            view,
            "calibration-by-authority",
            "Calibration by authority",
            view.calibration.by_authority,
            by_authority=True,
        ),
        _calibration_table(
            view,
            "calibration-by-judgement",
            "Calibration by judgement",
            view.calibration.by_judgement,
            by_authority=False,
        ),
    ]
    return {table.key: table for table in tables}


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _reviews_table(view: NationalView) -> Table:
    headers = (
        "Reference",
        "Authority",
        "Region",
        "Phase",
        "Rubric",
        "Lead inspector’s inspectorate",
        "Analysis week",
        "Fieldwork starts",
        "Fieldwork week 2",
        "Publication due",
        "Published on",
        "Schedule",
        "Schedule detail",
    )
    rows = tuple(
        (
            r.reference,
            r.authority_name,
            r.region,
            r.phase.label,
            r.rubric_key,
            r.lead_inspectorate_label,
            r.analysis_week_on,
            r.fieldwork_week_one_on,
            r.fieldwork_week_two_on,
            r.publication_due_on,
            r.published_on,
            r.schedule.label,
            r.schedule.reason,
        )
        for r in view.reviews
    )
    return Table("reviews", "Reviews", headers, rows)


def _grades_table(
    view: NationalView, key: str, title: str, counts: list[GradeCounts], group: str | None
) -> Table:
    grade_headers = tuple(f"{g} {label}" for g, label in view.grade_labels.items())
    headers = ("Judgement area",) + ((group,) if group else ()) + grade_headers
    headers += ("Reviews", "Mean grade")
    rows: list[tuple[Value, ...]] = []
    for c in counts:
        row: tuple[Value, ...] = (view.area_title(c.area),)
        if group:
            row += (c.group,)
        row += tuple(c.counts.get(g, 0) for g in view.grade_labels)
        rows.append((*row, c.total, _r(c.mean)))
    lead = 2 if group else 1
    numeric = (False,) * lead + (True,) * (len(headers) - lead)
    return Table(key, title, headers, tuple(rows), numeric)


def _disagreement_table(view: NationalView) -> Table:
    headers = (
        "Rubric",
        "Judgement",
        "Wording",
        "Reviews",
        "Mean spread",
        "Largest spread",
        "Reviews with disagreement",
    )
    rows = []
    for d in view.disagreement:
        info = view.judgements.get(d.judgement)
        rows.append(
            (
                info.rubric_key if info else "",
                info.number if info else d.judgement,
                info.text if info else "",
                d.reviews,
                _r(d.mean_spread),
                d.max_spread,
                round(d.disagreement_rate * d.reviews),
            )
        )
    numeric = (False, False, False, True, True, True, True)
    return Table("disagreement", "Disagreement", headers, tuple(rows), numeric)


_CALIBRATION_HEADERS = (
    "Comparisons",
    "Mean deviation",
    "Mean absolute deviation",
    "Over-rated",
    "Under-rated",
    "Matched",
    "Verdict",
)


def _calibration_figures(c: CalibrationSummary) -> tuple[Value, ...]:
    return (
        c.n,
        _r(c.mean_deviation),
        _r(c.mean_absolute_deviation),
        c.over_rated,
        c.under_rated,
        c.matched,
        c.verdict,
    )


def _calibration_table(
    view: NationalView,
    key: str,
    title: str,
    rows_in: list[CalibrationSummary],
    *,
    by_authority: bool,
) -> Table:
    rows: list[tuple[Value, ...]] = []
    if by_authority:
        headers: tuple[str, ...] = ("Authority", "Code", *_CALIBRATION_HEADERS)
        for c in rows_in:
            rows.append((view.authority_names.get(c.key, c.key), c.key, *_calibration_figures(c)))
        lead = 2
    else:
        headers = ("Rubric", "Judgement", "Wording", *_CALIBRATION_HEADERS)
        for c in rows_in:
            info = view.judgements.get(c.key)
            rows.append(
                (
                    info.rubric_key if info else "",
                    info.number if info else c.key,
                    info.text if info else "",
                    *_calibration_figures(c),
                )
            )
        lead = 3
    numeric = (False,) * lead + (True,) * 6 + (False,)
    return Table(key, title, headers, tuple(rows), numeric)


def about_rows(view: NationalView) -> list[tuple[str, Value]]:
    """The export's About sheet: what it is, when, which filters, and the overall figures."""
    overall = view.calibration.overall
    return [
        ("Export", "JAR Workbench: national programme view"),
        ("Date", view.today),
        *view.filters.describe(),
        ("Reviews", len(view.reviews)),
        ("Published reviews", view.published_reviews),
        ("Reviews with grading closed", view.graded_reviews),
        ("Judgements compared with self-assessment", overall.n),
        ("Mean self-assessment deviation", _r(overall.mean_deviation)),
        ("Self-assessment verdict", overall.verdict),
    ]
