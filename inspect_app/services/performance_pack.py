"""A review's performance data pack from the database, for one reader, and auditing its export.

:func:`build_pack` benchmarks the review's authority (the same figures as the performance
page, in the same few queries) and keeps the team's working — flags and hypotheses — out
of the pack unless the reader may see it (:class:`PerformanceAccess`).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy.orm import Session

from inspect_app.domain.benchmarking import IndicatorBenchmark
from inspect_app.domain.performance_access import PerformanceAccess
from inspect_app.exports.performance_pack import PackIndicator, PackOutcome, PerformancePack
from inspect_app.models import Review, User
from inspect_app.services import audit, indicator_data

FORMATS = ("pdf", "html", "xlsx")


def _figures_only(bench: IndicatorBenchmark) -> IndicatorBenchmark:
    """The figures only: no flag and no hypothesis (the team's working)."""
    return dataclasses.replace(bench, flagged=False, hypothesis=None)


def build_pack(
    session: Session, review: Review, rights: PerformanceAccess, *, today: date | None = None
) -> PerformancePack:
    """The pack as ``rights`` allow: with the hypotheses for the team and administrators,
    the figures only for the authority."""
    result = indicator_data.benchmark_review(session, review)
    team = rights.can_see_hypotheses

    def shown(bench: IndicatorBenchmark | None) -> IndicatorBenchmark | None:
        if bench is None or team:
            return bench
        return _figures_only(bench)

    outcomes = tuple(
        PackOutcome(
            group.code,
            group.title,
            tuple(PackIndicator(row.indicator, shown(row.benchmark)) for row in group.rows),
        )
        for group in result.outcomes
    )
    authority = review.authority
    return PerformancePack(
        review_reference=review.reference,
        authority_name=authority.name,
        authority_code=authority.code,
        region=authority.region,
        neighbour_names=result.neighbour_names,
        outcomes=outcomes,
        produced_on=today or date.today(),
        hypotheses=result.flagged if team else None,
    )


def record_export(
    session: Session, review: Review, pack: PerformancePack, fmt: str, *, actor: User | None
) -> None:
    """Audit one download of the pack (added to the session; the caller commits)."""
    audit.record(
        session,
        action="performance.exported",
        actor=actor,
        review_id=review.id,
        subject=review,
        summary=(
            f"Exported the performance data pack of {pack.authority_name} as {fmt.upper()}"
            + (" (with the team’s hypotheses)" if pack.for_team else " (figures only)")
        ),
        after={
            "format": fmt,
            "indicators": len(pack.benchmarks),
            "hypotheses": len(pack.hypotheses) if pack.hypotheses is not None else None,
            "with_team_working": pack.for_team,
        },
    )
