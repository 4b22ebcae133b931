"""``flask export``: the report of one review, or of every review, in any export format.

    flask export JAR-2026-001 --format pdf -o northmere.pdf
    flask export 3 --format docx --children-summary
    flask export --all --format html -o exports/

A published report is exported from its frozen snapshot; a report not yet published is
exported from the live draft, marked DRAFT. Exports are for the authority and the public
unless ``--for team`` (restricted evidence in the spreadsheet and JSON, the team's grades in
the annex). Every export is audit-logged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from inspect_app.domain.phases import PHASE_ORDER, Phase
from inspect_app.domain.report import Audience
from inspect_app.exports import CHILDREN_SUMMARY_EXPORTERS, EXPORTERS
from inspect_app.extensions import db
from inspect_app.models import Review
from inspect_app.services import publication
from inspect_app.services.reviews import load_review

FORMATS = tuple(EXPORTERS)
AUDIENCES = {"public": Audience.PUBLIC, "team": Audience.INSPECTION_TEAM}


def _find(review: str) -> Review | None:
    if review.isdigit():
        found = load_review(db.session, int(review))
        if found is not None:
            return found
    review_id = db.session.scalar(select(Review.id).where(Review.reference == review.upper()))
    return load_review(db.session, review_id) if review_id else None


def _export_one(
    review: Review, fmt: str, audience: Audience, children: bool, version: int | None
) -> tuple[bytes, str]:
    registry = CHILDREN_SUMMARY_EXPORTERS if children else EXPORTERS
    if fmt not in registry:
        raise click.ClickException(
            f"The summary for children and young people is not available as {fmt}: "
            f"choose one of {', '.join(registry)}."
        )
    view = publication.document_for_export(
        db.session, review, audience=audience, version_number=version
    )
    if view is None:
        what = f"version {version}" if version else "a report"
        raise click.ClickException(
            f"{review.reference} has no {what} to export yet (reports start at drafting)."
        )
    exporter = registry[fmt]
    data = exporter.render(view.doc, audience)
    publication.record_export(
        db.session, review, view, fmt, actor=None, children_summary=children, via="command line"
    )
    return data, exporter.filename(view.doc)


@click.command("export")
@click.argument("review", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), required=True, help="The export format."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, allow_dash=True),
    help="File to write (a directory with --all). Default: the export's own file name in the "
    "current directory. '-' writes to standard output.",
)
@click.option("--all", "all_reviews", is_flag=True, help="Export every review that has a report.")
@click.option("--children-summary", is_flag=True, help="The summary for children and young people.")
@click.option(
    "--for",
    "audience",
    type=click.Choice(tuple(AUDIENCES)),
    default="public",
    show_default=True,
    help="Who the export is for: 'team' includes restricted evidence and the team's grades.",
)
@click.option("--version", "version", type=int, help="A published version (default: latest).")
@with_appcontext
def export(
    review: str | None,
    fmt: str,
    output: Path | None,
    all_reviews: bool,
    children_summary: bool,
    audience: str,
    version: int | None,
) -> None:
    """Export REVIEW's report (its id or reference, e.g. JAR-2026-001), or --all reports."""
    who = AUDIENCES[audience]
    if all_reviews == bool(review):
        raise click.UsageError("Give one REVIEW, or --all (not both).")
    if not all_reviews:
        found = _find(review or "")
        if found is None:
            raise click.ClickException(f"No review has the id or reference {review!r}.")
        data, filename = _export_one(found, fmt, who, children_summary, version)
        db.session.commit()
        if output is not None and str(output) == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        target = output or Path(filename)
        if target.is_dir():
            target = target / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        click.echo(f"Wrote {target} ({len(data):,} bytes)", err=True)
        return

    directory = output or Path(".")
    if str(directory) == "-":
        raise click.UsageError("--all writes files: give a directory with -o.")
    directory.mkdir(parents=True, exist_ok=True)
    drafting_on = PHASE_ORDER[PHASE_ORDER.index(Phase.DRAFTING) :]
    ids = db.session.scalars(
        select(Review.id)
        .where(Review.phase.in_([p.value for p in drafting_on]))
        .order_by(Review.id)
    ).all()
    if not ids:
        click.echo("No review has a report yet.", err=True)
        return
    written = 0
    with click.progressbar(
        ids,
        label=f"Exporting {len(ids)} report{'s' if len(ids) != 1 else ''} as {fmt}",
        file=sys.stderr,
        item_show_func=lambda i: f"review {i}" if i else "",
    ) as bar:
        for review_id in bar:
            found = load_review(db.session, review_id)
            data, filename = _export_one(found, fmt, who, children_summary, None)
            (directory / filename).write_bytes(data)
            db.session.commit()
            written += 1
    click.echo(f"Wrote {written} file{'s' if written != 1 else ''} to {directory}", err=True)
