"""``flask reconcile REVIEW``: the reconciliation summary in the terminal."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import Review
from inspect_app.services import reconciliation as reconciliation_service
from inspect_app.services.reviews import load_review


def _find(review: str) -> Review | None:
    if review.isdigit():
        found = load_review(db.session, int(review))
        if found is not None:
            return found
    review_id = db.session.scalar(select(Review.id).where(Review.reference == review.upper()))
    return load_review(db.session, review_id) if review_id else None


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None, fmt: str = ".2f") -> str:
    if value is None:
        return "–"
    return format(value, fmt)


def _median(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _stats_line(stats) -> str:
    alpha = _num(stats.alpha) if stats.alpha is not None else f"n/a ({stats.alpha_message})"
    return (
        f"alpha {alpha} · exact {_pct(stats.exact_agreement)} · within one "
        f"{_pct(stats.within_one)} · {stats.judgements_compared} judgements, "
        f"{stats.pairs} pairs"
    )


@click.command("reconcile")
@click.argument("review")
@with_appcontext
def reconcile(review: str) -> None:
    """Print REVIEW's reconciliation: agreement, flagged judgements first, every grade.

    REVIEW is the review's id or reference (e.g. JAR-2026-001). Shows every grade: run it
    only where you may see the team's provisional grades.
    """
    found = _find(review)
    if found is None:
        raise click.ClickException(f"No review has the id or reference {review!r}.")
    matrix = reconciliation_service.build(db.session, found)
    scale = matrix.scale
    click.echo(f"{found.reference} · {found.authority.name} · {found.current_phase.label}")
    click.echo(
        f"Grades {scale.describe()}, "
        f"{scale.maximum if matrix.higher_is_better else scale.minimum} best. "
        f"{len(matrix.graders)} graders, {len(matrix.rows)} judgements, "
        f"{matrix.agreed_count} agreed."
    )
    click.echo("")
    click.echo("Agreement")
    click.echo(f"  Whole review: {_stats_line(matrix.overall)}")
    for area in matrix.by_area:
        click.echo(f"  {area.area_title}: {_stats_line(area.stats)}")

    initials = {}
    for group in matrix.groups:
        for g in group.graders:
            initials[g.user_id] = "".join(part[0] for part in g.name.split() if part)[:3]
    click.echo("")
    click.echo("Graders")
    for group in matrix.groups:
        people = ", ".join(
            f"{initials[g.user_id]} = {g.name}" + ("" if g.on_team else " (left)")
            for g in group.graders
        )
        click.echo(f"  {group.short_label}: {people}")

    click.echo("")
    if matrix.flagged:
        click.echo(f"Flagged for discussion ({len(matrix.flagged)})")
        for row in matrix.flagged:
            _echo_row(row, initials)
            for message in row.summary.flag_messages:
                click.echo(f"      ! {message}")
        click.echo("")
    click.echo(
        f"{'Other judgements' if matrix.flagged else 'All judgements'} ({len(matrix.unflagged)})"
    )
    for row in matrix.unflagged:
        _echo_row(row, initials)

    if matrix.calibration and matrix.agreed_count:
        click.echo("")
        click.echo("Calibration against the agreed grades (positive = more generous)")
        for c in matrix.calibration:
            click.echo(
                f"  {c.name} ({c.row.inspectorate}): n={c.row.n}, mean deviation "
                f"{_num(c.row.mean_deviation, '+.2f')}"
            )
        for r in matrix.inspectorate_calibration:
            click.echo(
                f"  {r.inspectorate}: n={r.n}, mean deviation {_num(r.mean_deviation, '+.2f')}"
            )
        s = matrix.self_calibration
        if s is not None and matrix.self_grades_available:
            click.echo(
                f"  Authority self-assessment: {s.verdict} (n={s.n}, mean deviation "
                f"{_num(s.mean_deviation, '+.2f')}, over {s.over_rated}, under "
                f"{s.under_rated}, matched {s.matched})"
            )


def _echo_row(row, initials: dict[int, str]) -> None:
    grades = (
        " ".join(
            f"{initials[c.grader.user_id]}:{c.grade.value}"
            for c in row.cells
            if c.grade is not None
        )
        or "no grades"
    )
    label = row.target.label if row.target.is_area else row.target.number
    self_grade = row.self_grade if row.self_grade is not None else "–"
    agreed = row.agreed.value if row.agreed else "–"
    evidence = (
        f" evidence +{row.evidence.supports}/-{row.evidence.contradicts}" if row.evidence else ""
    )
    click.echo(
        f"  {label:<40} {grades:<30} median {_median(row.summary.median):<4} "
        f"spread {row.summary.spread if row.summary.spread is not None else '–'}  "
        f"self {self_grade}  agreed {agreed}{evidence}"
    )
