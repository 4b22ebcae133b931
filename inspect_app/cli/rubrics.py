"""``flask rubrics validate|load|list``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from inspect_app.domain.rubric_validation import validate_paths
from inspect_app.extensions import db
from inspect_app.services.rubric_library import all_rubrics, load_rubric


def _paths(paths: tuple[str, ...]) -> list[Path]:
    return [Path(p) for p in paths] or [Path(current_app.config["RUBRICS_DIR"])]


@click.group()
def rubrics() -> None:
    """Validate, load and list rubric libraries."""


@rubrics.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=True))
@with_appcontext
def validate_command(paths: tuple[str, ...]) -> None:
    """Check rubric YAML files (default: the rubrics folder). Exits 1 on any problem."""
    specs, problems = validate_paths(_paths(paths))
    for spec in specs:
        click.echo(
            f"ok  {spec.key} version {spec.version} ({len(spec.areas)} areas, "
            f"{len(spec.key_judgements())} key judgements)"
        )
    for problem in problems:
        click.echo(f"error  {problem}", err=True)
    if problems:
        raise SystemExit(1)


@rubrics.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=True))
@with_appcontext
def load_command(paths: tuple[str, ...]) -> None:
    """Validate and load rubrics. Nothing is loaded if any file has a problem."""
    specs, problems = validate_paths(_paths(paths))
    if problems:
        for problem in problems:
            click.echo(f"error  {problem}", err=True)
        click.echo("Nothing was loaded.", err=True)
        raise SystemExit(1)
    for spec in specs:
        result = load_rubric(db.session, spec, loaded_from=spec.key)
        click.echo(result.message)
    db.session.commit()


@rubrics.command("list")
@with_appcontext
def list_command() -> None:
    """List every stored rubric revision."""
    stored = all_rubrics(db.session)
    if not stored:
        click.echo("No rubrics loaded.")
    for rubric in stored:
        click.echo(
            f"{rubric.id}\t{rubric.key}\tversion {rubric.version}\trevision "
            f"{rubric.revision}\t{rubric.content_hash[:12]}\t{rubric.title}"
        )
