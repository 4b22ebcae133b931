"""``flask backup create|verify|restore``: the database and the evidence files, together."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.extensions import db
from inspect_app.services import backup as service


@click.group()
def backup() -> None:
    """Back up and restore the database and the evidence store."""


def _store() -> EvidenceStore:
    return EvidenceStore(Path(current_app.config["EVIDENCE_DIR"]))


def _pg_bin_dir() -> str | None:
    return current_app.config.get("PG_BIN_DIR") or None


@backup.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def create_command(directory: Path) -> None:
    """Write a backup into DIRECTORY (new or empty): a consistent snapshot of the database,
    every evidence file it refers to, and manifest.json with the SHA-256 of each file.

    Exits with status 1 if evidence files the database refers to are missing (the backup is
    still written, without them).
    """
    db.session.remove()
    try:
        result = service.create_backup(db.engine, _store(), directory, pg_bin_dir=_pg_bin_dir())
    except service.BackupError as error:
        raise click.ClickException(str(error)) from None
    manifest = result.manifest
    rows = sum(manifest.tables.values())
    click.echo(
        f"Backed up the {manifest.dialect} database (revision "
        f"{manifest.data['alembic_revision']}, {rows:,} rows in {len(manifest.tables)} tables) "
        f"and {len(manifest.evidence_files):,} evidence files to {result.directory}"
    )
    if result.missing:
        click.echo(
            f"Warning: {len(result.missing)} evidence files the database refers to are not "
            "in the store, so they are not in the backup:",
            err=True,
        )
        for missing in result.missing[:20]:
            click.echo(f"  {missing}", err=True)
        raise click.exceptions.Exit(1)


@backup.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def verify_command(directory: Path) -> None:
    """Check every file of the backup in DIRECTORY against its manifest."""
    try:
        manifest = service.verify_backup(directory)
    except service.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"The backup made at {manifest.data['created_at']} is complete: "
        f"{len(manifest.files):,} files match the manifest."
    )


@backup.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace a database that holds data (its contents are lost) and add the backup's "
    "files to a store that holds files.",
)
@with_appcontext
def restore_command(directory: Path, force: bool) -> None:
    """Restore the backup in DIRECTORY into this instance's database and evidence store.

    Every file is checked against the manifest first; the target must be empty unless
    --force is given; every file hash and table row count is checked again afterwards.
    """
    db.session.remove()
    try:
        result = service.restore_backup(
            db.engine, _store(), directory, force=force, pg_bin_dir=_pg_bin_dir()
        )
    except service.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored the backup made at {result.manifest.data['created_at']}: "
        f"{result.tables_checked} tables and {len(result.manifest.evidence_files):,} evidence "
        f"files ({result.files_restored:,} copied) match the manifest."
    )
