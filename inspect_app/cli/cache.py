"""``flask cache clear``: forget every page kept in the shared page cache."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from inspect_app.extensions import db
from inspect_app.services import page_cache


@click.group()
def cache() -> None:
    """The shared page cache (see inspect_app/services/page_cache.py)."""


@cache.command("clear")
@with_appcontext
def clear() -> None:
    """Forget every kept page: each is rendered again when next asked for. Never needed for
    correctness (a change to the data, a new day or a new release renders pages again); for
    an operator who has changed the database by hand, outside the application."""
    forgotten = page_cache.clear(db.session)
    db.session.commit()
    click.echo(f"Forgot {forgotten} kept page{'s' if forgotten != 1 else ''}.")
