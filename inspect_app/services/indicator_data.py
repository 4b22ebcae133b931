"""The common dataset in the database: the catalogue, importing values, benchmarking a review.

Public functions (each takes a SQLAlchemy session; none commits — the caller does):

* :func:`read_catalogue_file` — read and validate a catalogue YAML file (against the 2005
  rubric when given), raising ``CatalogueValidationError`` with every problem.
* :func:`load_catalogue` — store a validated catalogue as :class:`~inspect_app.models.Indicator`
  rows (adds new codes, updates changed ones, marks codes gone from the file as retired);
  audit-logged when anything changed. :func:`ensure_catalogue` loads the default file only
  when no indicator is stored yet.
* :func:`stored_catalogue` — the stored (not retired) indicators as a domain
  ``IndicatorCatalogue``, in catalogue order: one query.
* :func:`import_indicator_file` — validate a CSV or XLSX upload fully (``validate_indicator_file``
  plus a check against the periods already stored) and, only when there is no problem at all,
  store every row in the session: new figures are added, a figure for an authority ×
  indicator × period already held is replaced. One :class:`~inspect_app.models.IndicatorImport`
  and one audit event per import (with the replaced values). Returns an :class:`ImportOutcome`.
* :func:`store_values` — the bulk writer behind the import (also used by the demo): a frame
  of ``authority_code, indicator_code, period, value`` upserted with a fixed number of queries.
* :func:`indicator_values_for` — stored values as the DataFrame the benchmarking module takes
  (``authority_code, indicator_code, period, value``), optionally restricted to some authority
  and/or indicator codes: one query.
* :func:`neighbour_codes` / :func:`neighbours_of` — an authority's statistical neighbours'
  codes (or codes and names), closest first.
* :func:`benchmark_authority` / :func:`benchmark_review` — benchmark one authority (a review's
  authority) against the national average and its neighbours: a fixed number of queries
  whatever the number of authorities, indicators and periods.
* :func:`recorded_benchmarks` and :func:`record_benchmark_as_evidence` — turn one indicator's
  benchmark into an evidence item of kind *data*, linked to the indicator's key judgements.
* :func:`dataset_summary` and :func:`recent_imports` — what is held, for the import page.

Units, outcomes and the benchmarking rules are the domain's (``inspect_app.domain.indicators``,
``inspect_app.domain.benchmarking``); see ``rubrics/INDICATORS.md``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from inspect_app.domain.benchmarking import IndicatorBenchmark, benchmark
from inspect_app.domain.charts import chart_data_table
from inspect_app.domain.evidence import LINK_NOTE_MAX, SOURCE_MAX, EvidenceKind, Stance
from inspect_app.domain.evidence_files import sanitise_filename
from inspect_app.domain.indicator_import import (
    ImportProblem,
    ProgressCallback,
    validate_indicator_file,
)
from inspect_app.domain.indicators import (
    DEFAULT_CATALOGUE_PATH,
    OUTCOMES,
    IndicatorCatalogue,
)
from inspect_app.domain.indicators import Indicator as IndicatorSpec
from inspect_app.domain.indicators import load_catalogue as read_catalogue
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.rubric_validation import load_rubric_file
from inspect_app.models import (
    Authority,
    AuthorityNeighbour,
    EvidenceItem,
    Indicator,
    IndicatorImport,
    IndicatorValue,
    Review,
    User,
)
from inspect_app.models.types import utcnow
from inspect_app.services import audit
from inspect_app.services import evidence as evidence_service

# How many replaced figures an import's audit event lists one by one (the count is always kept).
AUDITED_CHANGES_MAX = 500
# The rubric whose key judgement numbers the catalogue uses.
CATALOGUE_RUBRIC_KEY = "jar-2005"
EVIDENCE_TITLE_PREFIX = "Performance data: "
IMPORT_VIA = ("web", "cli", "demo")


# --------------------------------------------------------------------------- the catalogue


def read_catalogue_file(
    path: str | os.PathLike[str] = DEFAULT_CATALOGUE_PATH,
    *,
    rubric_path: str | os.PathLike[str] | None = None,
) -> IndicatorCatalogue:
    """Read and validate a catalogue file; with ``rubric_path`` (the 2005 rubric YAML) every
    key judgement number must exist in that rubric. Raises ``CatalogueValidationError``."""
    rubric = load_rubric_file(Path(rubric_path)) if rubric_path is not None else None
    return read_catalogue(path, rubric=rubric)


@dataclass(frozen=True)
class CatalogueLoad:
    """What :func:`load_catalogue` changed."""

    version: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    retired: tuple[str, ...]
    unchanged: int

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.retired)


def _catalogue_columns(spec: IndicatorSpec, position: int, catalogue: IndicatorCatalogue) -> dict:
    return {
        "title": spec.title,
        "outcome": spec.outcome,
        "unit": spec.unit,
        "higher_is_better": spec.higher_is_better,
        "key_judgements": list(spec.key_judgements),
        "description": spec.description,
        "source": spec.source,
        "decimals": spec.decimals,
        "position": position,
        "in_catalogue": True,
        "catalogue_version": catalogue.version,
        "catalogue_digest": catalogue.content_hash,
    }


def load_catalogue(
    session: Session, catalogue: IndicatorCatalogue, *, actor: User | None = None
) -> CatalogueLoad:
    """Store a validated catalogue. Codes are never deleted (figures refer to them): a code
    missing from the file is marked retired and no longer benchmarked."""
    stored = {i.code: i for i in session.scalars(select(Indicator))}
    added: list[str] = []
    changed: list[str] = []
    for position, spec in enumerate(catalogue):
        columns = _catalogue_columns(spec, position, catalogue)
        row = stored.get(spec.code)
        if row is None:
            session.add(Indicator(code=spec.code, **columns))
            added.append(spec.code)
            continue
        if any(getattr(row, name) != value for name, value in columns.items()):
            for name, value in columns.items():
                setattr(row, name, value)
            row.updated_at = utcnow()
            changed.append(spec.code)
    retired = []
    for code, row in stored.items():
        if code not in catalogue and row.in_catalogue:
            row.in_catalogue = False
            row.updated_at = utcnow()
            retired.append(code)
    result = CatalogueLoad(
        catalogue.version,
        tuple(added),
        tuple(changed),
        tuple(sorted(retired)),
        len(catalogue) - len(added) - len(changed),
    )
    session.flush()
    if result.changed_anything:
        audit.record(
            session,
            action="indicators.catalogue_loaded",
            actor=actor,
            summary=f"Loaded indicator catalogue version {catalogue.version}: "
            f"{len(added)} added, {len(changed)} changed, {len(retired)} retired",
            after={
                "version": catalogue.version,
                "digest": catalogue.content_hash,
                "added": list(result.added),
                "changed": list(result.changed),
                "retired": list(result.retired),
            },
        )
    return result


def ensure_catalogue(
    session: Session,
    path: str | os.PathLike[str] = DEFAULT_CATALOGUE_PATH,
    *,
    rubric_path: str | os.PathLike[str] | None = None,
    actor: User | None = None,
) -> None:
    """Load the catalogue file if no indicator is stored yet."""
    if session.scalar(select(Indicator.id).limit(1)) is None:
        load_catalogue(session, read_catalogue_file(path, rubric_path=rubric_path), actor=actor)


def stored_catalogue(session: Session) -> IndicatorCatalogue:
    """The stored indicators still in the catalogue, in file order (one query)."""
    rows = list(
        session.scalars(
            select(Indicator)
            .where(Indicator.in_catalogue.is_(True))
            .order_by(Indicator.position, Indicator.code)
        )
    )
    version = rows[0].catalogue_version if rows else ""
    digest = rows[0].catalogue_digest if rows else ""
    return IndicatorCatalogue(
        version=version,
        title="Indicator catalogue",
        source="",
        description="",
        indicators=tuple(row.to_spec() for row in rows),
        content_hash=digest,
    )


# --------------------------------------------------------------------------- importing


@dataclass
class ImportOutcome:
    """What happened to an uploaded file: its problems (then nothing was written) or counts."""

    filename: str
    problems: list[ImportProblem] = field(default_factory=list)
    row_count: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    record: IndicatorImport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.record is not None

    @property
    def summary(self) -> str:
        return (
            f"Imported {self.row_count:,} {'row' if self.row_count == 1 else 'rows'} from "
            f"{self.filename}: {self.added:,} new, {self.replaced:,} replaced, "
            f"{self.unchanged:,} unchanged."
        )


@dataclass(frozen=True)
class StoredCounts:
    added: int
    replaced: int
    unchanged: int
    changes: list[
        dict[str, object]
    ]  # replaced figures: authority, indicator, period, before, after


def import_indicator_file(
    session: Session,
    data: bytes,
    filename: str,
    *,
    actor: User | None,
    via: str,
    on_progress: ProgressCallback | None = None,
) -> ImportOutcome:
    """Validate a whole file, then import all of it or (on any problem) nothing.

    The stored catalogue must be loaded (see :func:`ensure_catalogue`); an empty catalogue
    means every indicator code is unknown.
    """
    if via not in IMPORT_VIA:
        raise ValueError(f"unknown import channel {via!r}")
    name = sanitise_filename(filename)
    catalogue = stored_catalogue(session)
    known = session.scalars(select(Authority.code)).all()
    result = validate_indicator_file(data, name, known, catalogue, on_progress=on_progress)
    outcome = ImportOutcome(filename=name, problems=list(result.problems))
    if not result.ok:
        return outcome
    rows = result.rows
    assert rows is not None
    outcome.problems = _period_kind_problems(session, rows)
    if outcome.problems:
        return outcome
    record = IndicatorImport(
        imported_by=actor,
        via=via,
        filename=name,
        sha256=hashlib.sha256(data).hexdigest(),
        row_count=len(rows),
    )
    session.add(record)
    session.flush()
    counts = store_values(session, rows, import_id=record.id)
    record.added_count, record.replaced_count = counts.added, counts.replaced
    record.unchanged_count = counts.unchanged
    outcome.row_count, outcome.record = len(rows), record
    outcome.added, outcome.replaced, outcome.unchanged = (
        counts.added,
        counts.replaced,
        counts.unchanged,
    )
    _audit_import(session, record, counts, actor=actor)
    return outcome


def _audit_import(
    session: Session, record: IndicatorImport, counts: StoredCounts, *, actor: User | None
) -> None:
    listed = counts.changes[:AUDITED_CHANGES_MAX]
    audit.record(
        session,
        action="indicators.imported",
        actor=actor,
        subject=record,
        summary=f"Imported {record.row_count:,} indicator values from {record.filename} "
        f"({counts.added:,} new, {counts.replaced:,} replaced, {counts.unchanged:,} unchanged)",
        before={"replaced_values": [{k: c[k] for k in _KEY_AND_BEFORE} for c in listed]}
        if listed
        else None,
        after={
            "filename": record.filename,
            "sha256": record.sha256,
            "via": record.via,
            "rows": record.row_count,
            "added": counts.added,
            "replaced": counts.replaced,
            "unchanged": counts.unchanged,
            "replaced_values": [{k: c[k] for k in _KEY_AND_AFTER} for c in listed],
            "replaced_values_not_listed": max(len(counts.changes) - len(listed), 0),
        },
    )


_KEY_AND_BEFORE = ("authority", "indicator", "period", "before")
_KEY_AND_AFTER = ("authority", "indicator", "period", "after")


def _period_kind(period: str) -> str:
    return "year" if len(period) == 4 else "span"


def _period_kind_problems(session: Session, rows: pd.DataFrame) -> list[ImportProblem]:
    """One indicator keeps one kind of period across imports, as it must within a file."""
    stored = session.execute(
        select(
            Indicator.code,
            func.min(func.length(IndicatorValue.period)),
            func.max(func.length(IndicatorValue.period)),
        )
        .join(IndicatorValue.indicator)
        .where(Indicator.code.in_(rows["indicator_code"].unique().tolist()))
        .group_by(Indicator.code)
    ).all()
    kinds = {code: ("year" if high == 4 else "span") for code, low, high in stored if low == high}
    problems = []
    for row, code, period in rows[["row", "indicator_code", "period"]].itertuples(index=False):
        held = kinds.get(code)
        if held is not None and _period_kind(period) != held:
            example = "2006" if held == "year" else "2006-07"
            kind = "calendar years" if held == "year" else "financial or academic years"
            problems.append(
                ImportProblem(
                    int(row),
                    "period",
                    f'period "{period}" does not match the values already held for {code}, '
                    f'which are for {kind} (like "{example}")',
                )
            )
    return problems


def store_values(
    session: Session, values: pd.DataFrame, *, import_id: int | None = None
) -> StoredCounts:
    """Upsert ``authority_code, indicator_code, period, value`` rows (codes as stored; one
    row per key) with a fixed number of queries. Unknown codes raise KeyError: validate first."""
    authorities = dict(session.execute(select(Authority.code, Authority.id)).tuples().all())
    indicators = dict(session.execute(select(Indicator.code, Indicator.id)).tuples().all())
    frame = pd.DataFrame(
        {
            "authority_code": values["authority_code"].astype(str).to_numpy(),
            "indicator_code": values["indicator_code"].astype(str).to_numpy(),
            "period": values["period"].astype(str).to_numpy(),
            "value": values["value"].astype("float64").to_numpy(),
        }
    )
    frame["authority_id"] = frame["authority_code"].map(lambda c: authorities[c])
    frame["indicator_id"] = frame["indicator_code"].map(lambda c: indicators[c])
    existing_rows = session.execute(
        select(
            IndicatorValue.id,
            IndicatorValue.authority_id,
            IndicatorValue.indicator_id,
            IndicatorValue.period,
            IndicatorValue.value,
        ).where(
            IndicatorValue.authority_id.in_(frame["authority_id"].unique().tolist()),
            IndicatorValue.indicator_id.in_(frame["indicator_id"].unique().tolist()),
        )
    ).all()
    existing = {(a, i, p): (vid, v) for vid, a, i, p, v in existing_rows}
    now = utcnow()
    new: list[dict[str, object]] = []
    replaced: list[dict[str, object]] = []
    changes: list[dict[str, object]] = []
    unchanged = 0
    for a_code, i_code, period, value, a_id, i_id in frame.itertuples(index=False):
        held = existing.get((a_id, i_id, period))
        if held is None:
            new.append(
                {
                    "authority_id": a_id,
                    "indicator_id": i_id,
                    "period": period,
                    "value": float(value),
                    "import_id": import_id,
                    "updated_at": now,
                }
            )
        elif held[1] == value:
            unchanged += 1
        else:
            replaced.append(
                {"id": held[0], "value": float(value), "import_id": import_id, "updated_at": now}
            )
            changes.append(
                {
                    "authority": a_code,
                    "indicator": i_code,
                    "period": period,
                    "before": held[1],
                    "after": float(value),
                }
            )
    if new:
        session.execute(insert(IndicatorValue), new)
    if replaced:
        session.execute(update(IndicatorValue), replaced)
    return StoredCounts(len(new), len(replaced), unchanged, changes)


# --------------------------------------------------------------------------- reading values


def indicator_values_for(
    session: Session,
    authority_codes: Iterable[str] | None = None,
    indicator_codes: Iterable[str] | None = None,
    *,
    current_only: bool = True,
) -> pd.DataFrame:
    """Stored values with columns ``authority_code, indicator_code, period, value`` (one
    query), sorted by authority, indicator and period. ``None`` means every authority or
    indicator; ``current_only`` leaves out indicators retired from the catalogue."""
    query = (
        select(Authority.code, Indicator.code, IndicatorValue.period, IndicatorValue.value)
        .join(IndicatorValue.authority)
        .join(IndicatorValue.indicator)
        .order_by(Authority.code, Indicator.code, IndicatorValue.period)
    )
    if authority_codes is not None:
        query = query.where(Authority.code.in_(list(authority_codes)))
    if indicator_codes is not None:
        query = query.where(Indicator.code.in_(list(indicator_codes)))
    if current_only:
        query = query.where(Indicator.in_catalogue.is_(True))
    rows = session.execute(query).all()
    return pd.DataFrame.from_records(
        [tuple(row) for row in rows],
        columns=["authority_code", "indicator_code", "period", "value"],
    ).astype({"value": "float64"})


def national_averages(session: Session, *, current_only: bool = True) -> pd.DataFrame:
    """The mean over every authority with a figure, per indicator and period, with columns
    ``indicator_code, period, value`` (one aggregate query)."""
    query = (
        select(Indicator.code, IndicatorValue.period, func.avg(IndicatorValue.value))
        .join(IndicatorValue.indicator)
        .group_by(Indicator.code, IndicatorValue.period)
    )
    if current_only:
        query = query.where(Indicator.in_catalogue.is_(True))
    rows = session.execute(query).all()
    return pd.DataFrame.from_records(
        [(code, period, None if mean is None else float(mean)) for code, period, mean in rows],
        columns=["indicator_code", "period", "value"],
    ).astype({"value": "float64"})


def neighbour_codes(session: Session, authority: Authority) -> list[str]:
    """The authority's statistical neighbours' codes, closest first (one query)."""
    return [code for code, _ in neighbours_of(session, authority)]


def neighbours_of(session: Session, authority: Authority) -> list[tuple[str, str]]:
    """The authority's statistical neighbours as (code, name), closest first (one query)."""
    return [
        (code, name)
        for code, name in session.execute(
            select(Authority.code, Authority.name)
            .join(AuthorityNeighbour, AuthorityNeighbour.neighbour_id == Authority.id)
            .where(AuthorityNeighbour.authority_id == authority.id)
            .order_by(AuthorityNeighbour.rank)
        )
    ]


# --------------------------------------------------------------------------- benchmarking


@dataclass(frozen=True)
class IndicatorRow:
    """One catalogue indicator for the authority: its benchmark, or None without data."""

    indicator: IndicatorSpec
    benchmark: IndicatorBenchmark | None


@dataclass(frozen=True)
class OutcomeGroup:
    code: str
    title: str
    rows: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class AuthorityBenchmark:
    """Every catalogue indicator for one authority, grouped by outcome."""

    authority: Authority
    neighbours: tuple[str, ...]  # codes, closest first
    catalogue: IndicatorCatalogue
    benchmarks: tuple[IndicatorBenchmark, ...]  # catalogue order, indicators with data only
    outcomes: tuple[OutcomeGroup, ...]
    neighbour_names: tuple[str, ...] = ()  # in the order of ``neighbours``

    @property
    def has_data(self) -> bool:
        return bool(self.benchmarks)

    @property
    def flagged(self) -> tuple[IndicatorBenchmark, ...]:
        """Markedly worse than the neighbours: the hypotheses for the analysis week."""
        return tuple(b for b in self.benchmarks if b.flagged)

    def get(self, indicator_code: str) -> IndicatorBenchmark | None:
        return next((b for b in self.benchmarks if b.indicator.code == indicator_code), None)


def benchmark_authority(
    session: Session, authority: Authority, *, catalogue: IndicatorCatalogue | None = None
) -> AuthorityBenchmark:
    """Benchmark one authority: four queries (catalogue, neighbours, their values, national
    averages), whatever the number of authorities, indicators or periods held. Only the
    authority's and its neighbours' figures are fetched; the database averages the rest."""
    catalogue = catalogue if catalogue is not None else stored_catalogue(session)
    named = neighbours_of(session, authority)
    neighbours = [code for code, _ in named]
    values = indicator_values_for(session, [authority.code, *neighbours])
    results = []
    if (values["authority_code"] == authority.code).any():
        national = national_averages(session)
        results = benchmark(values, authority.code, neighbours, catalogue, national=national)
    by_code = {b.indicator.code: b for b in results}
    outcomes = []
    for code, title in OUTCOMES.items():
        specs = catalogue.for_outcome(code)
        if specs:
            rows = tuple(IndicatorRow(spec, by_code.get(spec.code)) for spec in specs)
            outcomes.append(OutcomeGroup(code, title, rows))
    return AuthorityBenchmark(
        authority=authority,
        neighbours=tuple(neighbours),
        catalogue=catalogue,
        benchmarks=tuple(results),
        outcomes=tuple(outcomes),
        neighbour_names=tuple(name for _, name in named),
    )


def benchmark_review(session: Session, review: Review) -> AuthorityBenchmark:
    """Benchmark the review's authority (see :func:`benchmark_authority`)."""
    return benchmark_authority(session, review.authority)


# --------------------------------------------------------------------------- as evidence


class PerformanceEvidenceError(evidence_service.EvidenceError):
    """An indicator benchmark that cannot be recorded as evidence, with the reason."""


def evidence_title(bench: IndicatorBenchmark) -> str:
    return f"{EVIDENCE_TITLE_PREFIX}{bench.indicator.title}, {bench.latest_period}"


def recorded_benchmarks(session: Session, review: Review) -> dict[str, int]:
    """Evidence titles already recorded from benchmarks on this review (not deleted), to
    evidence item id: one query."""
    rows = session.execute(
        select(EvidenceItem.title, EvidenceItem.id).where(
            EvidenceItem.review_id == review.id,
            EvidenceItem.kind == EvidenceKind.DATA.value,
            EvidenceItem.deleted_at.is_(None),
            EvidenceItem.title.like(EVIDENCE_TITLE_PREFIX + "%"),
        )
    ).all()
    return {title: item_id for title, item_id in rows}


def _stance_for(bench: IndicatorBenchmark) -> Stance | None:
    """Data worse than the neighbours (or, without neighbours, the national average) bears
    against a key judgement; similar or better data bears for it."""
    direction = bench.direction or bench.national_direction
    if direction is None:
        return None
    return Stance.CONTRADICTS if direction.value == "worse" else Stance.SUPPORTS


def evidence_notes(bench: IndicatorBenchmark, authority: Authority) -> str:
    """The benchmark in words and as a table of figures, for the evidence item's notes."""
    indicator = bench.indicator
    lines = []
    if bench.hypothesis:
        lines += [f"Hypothesis for fieldwork: {bench.hypothesis}", ""]
    neighbours = bench.neighbour_count.get(bench.latest_period, 0)
    lines.append(
        f"{authority.name}: {indicator.format(bench.latest_value)} in {bench.latest_period}; "
        f"statistical neighbours (mean of {neighbours}): "
        f"{indicator.format(bench.latest_neighbour_mean)}; national average: "
        f"{indicator.format(bench.latest_national_average)}."
    )
    better = "Higher" if indicator.higher_is_better else "Lower"
    facts = [f"{better} is better."]
    if bench.direction is not None:
        facts.append(f"Against statistical neighbours: {bench.direction.value}.")
    if bench.trend is not None:
        facts.append(f"Trend since {bench.earliest_period}: {bench.trend.value}.")
    lines += [" ".join(facts), ""]
    table = chart_data_table(bench, authority_label=authority.name)
    lines.append(" | ".join(table.headers))
    lines += [f"{r.period} | {r.authority} | {r.neighbours} | {r.national}" for r in table.rows]
    lines += ["", f"Definition: {indicator.description}", f"Source: {indicator.source}"]
    return "\n".join(lines)


def record_benchmark_as_evidence(
    session: Session,
    review: Review,
    indicator_code: str,
    *,
    actor: User,
) -> EvidenceItem:
    """Record one indicator's benchmark (recomputed now, from the stored data) as evidence of
    kind *data*, linked to the indicator's key judgements when the review uses the 2005
    rubric, whose numbers the catalogue uses. Refused when the indicator has no data for the
    authority or the same benchmark is already recorded. The caller checks the actor may add
    evidence."""
    result = benchmark_review(session, review)
    bench = result.get(indicator_code)
    if bench is None:
        raise PerformanceEvidenceError(
            f"There is no data for indicator {indicator_code} for {review.authority.name}"
        )
    title = evidence_title(bench)
    if title in recorded_benchmarks(session, review):
        raise PerformanceEvidenceError(f"“{title}” is already in the evidence")
    version = result.catalogue.version
    source = f"Common dataset (indicator catalogue version {version})"
    details = evidence_service.EvidenceDetails(
        title=title,
        kind=EvidenceKind.DATA,
        source=source[:SOURCE_MAX],
        gathered_on=utcnow().date(),
        inspectorate=Inspectorate(actor.inspectorate) if actor.inspectorate else None,
        notes=evidence_notes(bench, review.authority),
    )
    item = evidence_service.add_evidence(session, review, details, [], actor=actor)
    stance = _stance_for(bench)
    if stance is not None and review.rubric.key == CATALOGUE_RUBRIC_KEY:
        wanted = list(bench.indicator.key_judgements)
        by_number = {
            kj.number: kj for kj in evidence_service.key_judgements_for(session, review.rubric_id)
        }
        note = (bench.hypothesis or _link_note(bench))[:LINK_NOTE_MAX]
        for number in wanted:
            if number in by_number:
                evidence_service.link_to_judgement(
                    session, item, by_number[number], stance=stance, note=note, actor=actor
                )
    return item


def _link_note(bench: IndicatorBenchmark) -> str:
    indicator = bench.indicator
    comparison = bench.direction.value if bench.direction else "not compared"
    return (
        f"{indicator.title}: {indicator.format(bench.latest_value)} in {bench.latest_period} "
        f"against statistical neighbours: {comparison}."
    )


# --------------------------------------------------------------------------- for the import page


@dataclass(frozen=True)
class DatasetSummary:
    catalogue_version: str
    indicators: int
    values: int
    authorities_with_data: int
    first_period: str | None
    last_period: str | None


def dataset_summary(session: Session) -> DatasetSummary:
    """Counts of what is held (two queries)."""
    indicator_count, version = session.execute(
        select(func.count(Indicator.id), func.max(Indicator.catalogue_version)).where(
            Indicator.in_catalogue.is_(True)
        )
    ).one()
    values, authorities, first, last = session.execute(
        select(
            func.count(IndicatorValue.id),
            func.count(func.distinct(IndicatorValue.authority_id)),
            func.min(IndicatorValue.period),
            func.max(IndicatorValue.period),
        )
    ).one()
    return DatasetSummary(version or "", indicator_count, values, authorities, first, last)


@dataclass(frozen=True)
class ImportListing:
    imported_at: datetime
    filename: str
    via: str
    by: str
    row_count: int
    added: int
    replaced: int


def recent_imports(session: Session, limit: int = 10) -> list[ImportListing]:
    """The latest imports, newest first (one query)."""
    rows = session.execute(
        select(IndicatorImport, User.name)
        .outerjoin(User, User.id == IndicatorImport.imported_by_id)
        .order_by(IndicatorImport.imported_at.desc(), IndicatorImport.id.desc())
        .limit(limit)
    ).all()
    return [
        ImportListing(
            record.imported_at,
            record.filename,
            record.via,
            name or {"cli": "Command line", "demo": "Demo loader"}.get(record.via, "Unknown"),
            record.row_count,
            record.added_count,
            record.replaced_count,
        )
        for record, name in rows
    ]
