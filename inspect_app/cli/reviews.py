"""``flask reviews list``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app.extensions import db
from inspect_app.models import Review


@click.group()
def reviews() -> None:
    """Reviews."""


@reviews.command("list")
@with_appcontext
def list_command() -> None:
    """Print each review's id, reference, authority and phase."""
    rows = db.session.scalars(
        select(Review).options(selectinload(Review.authority)).order_by(Review.id)
    ).all()
    if not rows:
        click.echo("No reviews.")
    for review in rows:
        click.echo(
            f"{review.id}\t{review.reference}\t{review.authority.name}\t"
            f"{review.current_phase.label}"
        )
