"""The national programme view: every review against the programme schedule, and grades,
disagreement and self-evaluation calibration across the programme.

Four set-based queries build the data, however many reviews there are (plus three small
ones for the filter choices, see :func:`filter_options`):

1. the reviews matching the filters, with authority, region, rubric, the lead inspector's
   inspectorate and the date the report was first published;
2. the agreed grades of the published ones (areas and key judgements);
3. the team's provisional grades on the ones that reached moderation (grading closed);
4. the authority's self-grades from its latest self-evaluation, for the published ones.

The filtered reviews are one subquery that the other three reuse, so nothing is fetched
per review. :mod:`inspect_app.domain.national_aggregates` turns the DataFrames into
distributions, disagreement and calibration; :func:`national_tables` lays them out as the
tables the page and the exports share.

Provisional grades are used only as spreads (highest minus lowest) per judgement and
review, never shown one by one, and only once the review's grading has closed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Select, and_, distinct, func, select
from sqlalchemy.orm import Session, aliased

from inspect_app.domain.distribution_chart import Bar, grade_distribution_svg
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.national_aggregates import (
    CalibrationSummary,
    GradeCounts,
    GradeDistribution,
    JudgementDisagreement,
    SelfEvaluationCalibration,
    disagreement_by_judgement,
    grade_distribution,
    self_evaluation_calibration,
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

    reviews = _review_rows(session, filtered, today)
    frame = pd.DataFrame(
        {
            "review_id": [r.review_id for r in reviews],
            "rubric_key": [r.rubric_key for r in reviews],
            "authority_code": [r.authority_code for r in reviews],
            "region": [r.region for r in reviews],
            "lead_inspectorate": [
                _inspectorate_label(r.lead_inspectorate) if r.lead_inspectorate else "No lead"
                for r in reviews
            ],
        },
        columns=["review_id", "rubric_key", "authority_code", "region", "lead_inspectorate"],
    ).astype({"review_id": "int64"})
    published = select(filtered.c.review_id).where(filtered.c.phase.in_(PUBLISHED_PHASES))
    graded = select(filtered.c.review_id).where(filtered.c.phase.in_(GRADING_CLOSED_PHASES))

    agreed = _with_reviews(_agreed_frame(session, published), frame)
    provisional = _with_reviews(_provisional_frame(session, graded), frame)
    self_grades = _self_grade_frame(session, published)

    judgements: dict[str, JudgementInfo] = {}
    for part in (agreed, provisional):
        for row in part.drop_duplicates("judgement").itertuples(index=False):
            judgements.setdefault(
                row.judgement,
                JudgementInfo(row.judgement, row.rubric_key, row.number, row.text),
            )

    areas = agreed[agreed["area_id"].notna()].sort_values(["rubric_key", "area_number"])
    distribution = grade_distribution(
        areas.rename(columns={"area_code": "area", "value": "grade"}),
        scale=sorted(grade_labels or DEFAULT_GRADE_LABELS),
    )
    area_titles = dict(zip(areas["area_code"], areas["area_title"], strict=True))

    disagreement = disagreement_by_judgement(
        provisional.rename(columns={"grader_id": "inspector", "value": "grade"})
    )

    compared = agreed.merge(self_grades, on=["review_id", "target"], how="inner")
    calibration = self_evaluation_calibration(compared.rename(columns={"value": "agreed_grade"}))

    return NationalView(
        filters=filters,
        today=today,
        reviews=reviews,
        distribution=distribution,
        area_titles=area_titles,
        disagreement=disagreement,
        calibration=calibration,
        judgements=judgements,
        authority_names={r.authority_code: r.authority_name for r in reviews},
        grade_labels=dict(grade_labels or DEFAULT_GRADE_LABELS),
        graded_reviews=int(provisional["review_id"].nunique()) if len(provisional) else 0,
        calibrated_reviews=int(compared["review_id"].nunique()) if len(compared) else 0,
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


def _review_rows(session: Session, filtered, today: date) -> list[ReviewRow]:
    rows = _core_rows(session, select(filtered))
    out: dict[int, ReviewRow] = {}
    for row in rows:
        if row.review_id in out:  # two leads recorded: the first wins
            continue
        phase = Phase(row.phase)
        planned = PlannedDates(
            row.analysis_week_on,
            row.fieldwork_week_one_on,
            row.fieldwork_week_two_on,
            row.publication_due_on,
        )
        out[row.review_id] = ReviewRow(
            review_id=row.review_id,
            reference=row.reference,
            authority_name=row.authority_name,
            authority_code=row.authority_code,
            region=row.region,
            phase=phase,
            rubric_key=row.rubric_key,
            lead_inspectorate=row.lead_inspectorate,
            analysis_week_on=row.analysis_week_on,
            fieldwork_week_one_on=row.fieldwork_week_one_on,
            fieldwork_week_two_on=row.fieldwork_week_two_on,
            publication_due_on=row.publication_due_on,
            published_on=row.published_on,
            schedule=schedule_status(phase, planned, today=today, published_on=row.published_on),
        )
    return sorted(
        out.values(),
        key=lambda r: (r.fieldwork_week_one_on is None, r.fieldwork_week_one_on, r.reference),
    )


def _core_rows(session: Session, query: Select) -> list:
    """Rows of plain columns on the session's connection: the ORM's result processing (made
    for entities) was most of the cost of the thousands of grade rows read here."""
    return session.connection().execute(query).all()


_JUDGEMENT_COLUMNS = [
    "review_id",
    "target",
    "area_id",
    "number",
    "text",
    "area_number",
    "area_code",
    "area_title",
]


def _judgement_columns(model) -> list:
    """The columns that say which judgement a Grade or AgreedGrade row is about."""
    return [
        model.review_id,
        model.key_judgement_id,
        model.area_id,
        KeyJudgement.number.label("kj_number"),
        KeyJudgement.text.label("kj_text"),
        JudgementArea.number.label("area_number"),
        JudgementArea.code.label("area_code"),
        JudgementArea.title.label("area_title"),
    ]


def _judgement_joins(query: Select, model) -> Select:
    return query.outerjoin(KeyJudgement, model.key_judgement_id == KeyJudgement.id).join(
        JudgementArea, JudgementArea.id == func.coalesce(model.area_id, KeyJudgement.area_id)
    )


def _judgement_frame(rows: list, extra: list[str]) -> pd.DataFrame:
    """Rows of :func:`_judgement_columns` (+ ``extra``) as a frame with the judgement's
    ``target`` ("kj:<id>" or "area:<id>"), ``number`` ("2.3" or "2") and ``text``.
    Column-wise, so tens of thousands of grades take milliseconds."""
    names = [
        "review_id",
        "key_judgement_id",
        "area_id",
        "kj_number",
        "kj_text",
        "area_number",
        "area_code",
        "area_title",
        *extra,
    ]
    raw = pd.DataFrame.from_records([tuple(row) for row in rows], columns=names)
    is_area = raw["key_judgement_id"].isna().to_numpy()
    kj_ids = raw["key_judgement_id"].astype("Int64").astype(str)
    area_ids = raw["area_id"].astype("Int64").astype(str)
    raw["target"] = np.where(is_area, "area:" + area_ids, "kj:" + kj_ids)
    raw["number"] = np.where(is_area, raw["area_number"].astype(str), raw["kj_number"])
    raw["text"] = np.where(is_area, raw["area_title"].astype(str) + " (overall)", raw["kj_text"])
    return raw[_JUDGEMENT_COLUMNS + extra].astype({"review_id": "int64"})


def _agreed_frame(session: Session, review_ids: Select) -> pd.DataFrame:
    query = select(*_judgement_columns(AgreedGrade), AgreedGrade.value).where(
        AgreedGrade.review_id.in_(review_ids)
    )
    rows = _core_rows(session, _judgement_joins(query, AgreedGrade))
    return _judgement_frame(rows, ["value"])


def _provisional_frame(session: Session, review_ids: Select) -> pd.DataFrame:
    query = select(*_judgement_columns(Grade), Grade.grader_id, Grade.value).where(
        Grade.review_id.in_(review_ids)
    )
    rows = _core_rows(session, _judgement_joins(query, Grade))
    return _judgement_frame(rows, ["grader_id", "value"])


def _self_grade_frame(session: Session, review_ids: Select) -> pd.DataFrame:
    latest = (
        select(SelfEvaluation.review_id, func.max(SelfEvaluation.version).label("version"))
        .where(SelfEvaluation.review_id.in_(review_ids))
        .group_by(SelfEvaluation.review_id)
        .subquery("latest_return")
    )
    rows = _core_rows(
        session,
        select(
            SelfEvaluation.review_id,
            SelfEvaluationEntry.key_judgement_id,
            SelfEvaluationEntry.area_id,
            SelfEvaluationEntry.grade,
        )
        .join(SelfEvaluationEntry.self_evaluation)
        .join(
            latest,
            and_(
                latest.c.review_id == SelfEvaluation.review_id,
                latest.c.version == SelfEvaluation.version,
            ),
        )
        .where(SelfEvaluationEntry.grade.is_not(None)),
    )
    raw = pd.DataFrame.from_records(
        [tuple(row) for row in rows],
        columns=["review_id", "key_judgement_id", "area_id", "self_grade"],
    )
    is_area = raw["key_judgement_id"].isna().to_numpy()
    kj_ids = raw["key_judgement_id"].astype("Int64").astype(str)
    area_ids = raw["area_id"].astype("Int64").astype(str)
    raw["target"] = np.where(is_area, "area:" + area_ids, "kj:" + kj_ids)
    return raw[["review_id", "target", "self_grade"]].astype({"review_id": "int64"})


def _with_reviews(grades: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """Grades with their review's rubric, authority, region and lead inspectorate, and the
    judgement key ``"<rubric> <number>"`` that is the same judgement in every review."""
    data = grades.merge(reviews, on="review_id", how="inner")
    data["judgement"] = data["rubric_key"].astype(str) + " " + data["number"].astype(str)
    return data


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
