"""``flask data import|catalogue|demo``: the common dataset of performance indicators."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from inspect_app.cli.files import refuse_if_larger_than_an_upload
from inspect_app.demo_performance import catalogue_paths, load_demo_performance_data
from inspect_app.domain.demo_dataset import generate_demo_dataset, write_csv
from inspect_app.domain.indicators import CatalogueValidationError
from inspect_app.extensions import db
from inspect_app.services import indicator_data as service

# Files this large get a progress bar while they are checked.
PROGRESS_BAR_BYTES = 512 * 1024


@click.group()
def data() -> None:
    """The common dataset: indicator catalogue and performance figures."""


def _rubrics_dir() -> str:
    return current_app.config["RUBRICS_DIR"]


def _load_catalogue_or_exit(path: Path | None) -> service.CatalogueLoad:
    default_path, rubric_path = catalogue_paths(_rubrics_dir())
    try:
        catalogue = service.read_catalogue_file(path or default_path, rubric_path=rubric_path)
    except CatalogueValidationError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        noun = "problem" if len(error.problems) == 1 else "problems"
        raise click.ClickException(
            f"The catalogue has {len(error.problems)} {noun}; nothing was loaded."
        ) from None
    return service.load_catalogue(db.session, catalogue)


@data.command("catalogue")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Only validate the file; store nothing.")
@with_appcontext
def catalogue_command(path: Path | None, check: bool) -> None:
    """Validate the indicator catalogue (default: the shipped one) and load it.

    Exits non-zero, listing every problem with its line, when the file is invalid."""
    if check:
        default_path, rubric_path = catalogue_paths(_rubrics_dir())
        try:
            catalogue = service.read_catalogue_file(path or default_path, rubric_path=rubric_path)
        except CatalogueValidationError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            raise click.ClickException("The catalogue is invalid.") from None
        click.echo(
            f"The catalogue is valid: version {catalogue.version}, {len(catalogue)} indicators."
        )
        return
    result = _load_catalogue_or_exit(path)
    db.session.commit()
    click.echo(
        f"Loaded indicator catalogue version {result.version}: {len(result.added)} added, "
        f"{len(result.changed)} changed, {len(result.retired)} retired, "
        f"{result.unchanged} unchanged."
    )


@data.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Import indicator values from a CSV or XLSX FILE, all or nothing.

    One row per authority, indicator and period (format: rubrics/INDICATORS.md). Every
    problem is printed with its row and column and nothing is written; the command then
    exits non-zero. The file may be as large as an upload (``INSPECT_MAX_UPLOAD_MB``)."""
    refuse_if_larger_than_an_upload(file)
    catalogue_path, rubric_path = catalogue_paths(_rubrics_dir())
    service.ensure_catalogue(db.session, catalogue_path, rubric_path=rubric_path)
    content = file.read_bytes()
    if len(content) >= PROGRESS_BAR_BYTES:
        with click.progressbar(length=1, label="Checking rows", file=sys.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            outcome = service.import_indicator_file(
                db.session, content, file.name, actor=None, via="cli", on_progress=progress
            )
    else:
        outcome = service.import_indicator_file(
            db.session, content, file.name, actor=None, via="cli"
        )
    if not outcome.ok:
        db.session.rollback()
        for problem in outcome.problems:
            click.echo(f"{outcome.filename}: {problem}", err=True)
        count = len(outcome.problems)
        raise click.ClickException(
            f"{count} {'problem' if count == 1 else 'problems'} found; nothing was imported."
        )
    db.session.commit()
    click.echo(outcome.summary)


@data.command("demo")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the generated dataset to this CSV file instead of loading it.",
)
@with_appcontext
def demo_command(output: Path | None) -> None:
    """Load the generated fictional dataset (150 authorities, four years), or write it."""
    if output is not None:
        default_path, rubric_path = catalogue_paths(_rubrics_dir())
        catalogue = service.read_catalogue_file(default_path, rubric_path=rubric_path)
        dataset = generate_demo_dataset(catalogue=catalogue)
        write_csv(output, dataset)
        click.echo(
            f"Wrote {len(dataset.values):,} values for {len(dataset.authorities)} fictional "
            f"authorities to {output}."
        )
        return
    result = load_demo_performance_data(db.session, _rubrics_dir())
    db.session.commit()
    click.echo(
        f"Loaded the fictional dataset: {result.authorities_added} authorities and "
        f"{result.neighbours_added} neighbour links added; {result.values_added:,} values "
        f"added, {result.values_replaced:,} replaced, {result.values_unchanged:,} unchanged."
    )
