"""``flask demo load``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from inspect_app import demo_programme
from inspect_app.demo import DEMO_PASSWORD, DemoAlreadyLoaded, load_demo
from inspect_app.demo_performance import load_demo_performance_data
from inspect_app.extensions import db


@click.group()
def demo() -> None:
    """The fictional demo data."""


@demo.command("load")
@with_appcontext
def load_command() -> None:
    """Load the fictional demo (rubrics, authorities, people, reviews). Safe to run twice."""
    try:
        people = load_demo(db.session, Path(current_app.config["RUBRICS_DIR"]))
    except DemoAlreadyLoaded:
        db.session.rollback()
        click.echo("The demo is already loaded.")
        # A database loaded before the common dataset existed gets it now (idempotent).
        load_demo_performance_data(db.session, current_app.config["RUBRICS_DIR"])
        from inspect_app.demo import PEOPLE as people

        # ... and the programme lead and the programme's other published reviews.
        demo_programme.top_up(db.session, people, DEMO_PASSWORD)
        db.session.commit()
    else:
        db.session.commit()
        click.echo("Loaded the fictional demo.")
    click.echo(f"\nDemo sign-ins (demo only; every password is {DEMO_PASSWORD!r}):")
    for person in people:
        role = person.job_title or person.kind.label
        click.echo(f"  {person.email:<36} {person.name} — {role}")
