"""``flask evidence sweep``: stray files removed from the evidence store, missing ones reported."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.extensions import db
from inspect_app.services import evidence_sweep

_LISTED = 20  # files listed per heading; the rest are counted


@click.group()
def evidence() -> None:
    """The evidence store."""


def _listing(title: str, files: list, now: float, verb: str) -> None:
    if not files:
        return
    click.echo(f"{title}: {len(files)} ({verb})")
    for file in files[:_LISTED]:
        click.echo(f"  {evidence_sweep.describe(file, now)}")
    if len(files) > _LISTED:
        click.echo(f"  … and {len(files) - _LISTED} more")


@evidence.command("sweep")
@click.option("--dry-run", is_flag=True, help="Report what would be removed; remove nothing.")
@click.option(
    "--grace-minutes",
    type=click.FloatRange(min=0),
    default=None,
    help="Leave strays younger than this alone (default: INSPECT_EVIDENCE_SWEEP_GRACE_MINUTES, "
    f"else {evidence_sweep.DEFAULT_GRACE_MINUTES}), so uploads in flight are not hit.",
)
@with_appcontext
def sweep_command(dry_run: bool, grace_minutes: float | None) -> None:
    """Remove files no evidence refers to (killed uploads, partial temp files) and report
    evidence whose file is missing.

    Exits with status 1 when the database refers to files the store does not hold: restore
    them from a backup (`flask backup`).
    """
    if grace_minutes is None:
        grace_minutes = float(current_app.config["EVIDENCE_SWEEP_GRACE_MINUTES"])
    store = EvidenceStore(Path(current_app.config["EVIDENCE_DIR"]))
    now = time.time()
    report = evidence_sweep.sweep(
        db.session, store, grace_minutes=grace_minutes, dry_run=dry_run, now=now
    )
    db.session.commit()

    verb = "would be removed" if dry_run else "removed"
    click.echo(f"Evidence store: {store.root}")
    _listing("Files no evidence refers to", report.unreferenced, now, verb)
    _listing("Partial uploads", report.partial, now, verb)
    _listing("Files out of place", report.out_of_place, now, verb)
    if report.too_recent:
        click.echo(
            f"Left alone: {len(report.too_recent)} stray file(s) younger than "
            f"{grace_minutes:g} minutes (uploads may still be in flight)"
        )
    if not dry_run and len(report.removed) != len(report.strays):
        click.echo(
            f"{len(report.strays) - len(report.removed)} file(s) changed while sweeping and "
            "were left alone"
        )
    if not report.strays and not report.too_recent:
        click.echo("No stray files.")
    if report.missing:
        click.echo(
            f"Evidence whose file is missing from the store: {len(report.missing)}", err=True
        )
        for missing in report.missing[:_LISTED]:
            users = "; ".join(missing.used_by) or "no evidence item"
            click.echo(f"  {missing.sha256} ({missing.size:,} bytes), used by {users}", err=True)
        if len(report.missing) > _LISTED:
            click.echo(f"  … and {len(report.missing) - _LISTED} more", err=True)
        raise click.exceptions.Exit(1)
    click.echo("Every file the database refers to is in the store.")
