"""``flask selfeval template|import``: the self-evaluation workbook on the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import or_, select

from inspect_app.cli.files import refuse_if_larger_than_an_upload
from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.domain.selfeval_workbook import SelfEvaluationErrors
from inspect_app.extensions import db
from inspect_app.models import Review, User
from inspect_app.services import self_evaluation as service
from inspect_app.services.reviews import load_review


@click.group()
def selfeval() -> None:
    """The authority's self-evaluation workbook."""


def _review(reference: str) -> Review:
    """A review by its reference (JAR-2026-001) or its number."""
    condition = Review.reference == reference.strip()
    if reference.strip().isdigit():
        condition = or_(condition, Review.id == int(reference))
    found = db.session.scalar(select(Review.id).where(condition))
    if found is None:
        raise click.ClickException(f"No review {reference!r}. `flask reviews list` shows them.")
    return load_review(db.session, found)


@selfeval.command("template")
@click.argument("review")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the workbook (default: self-evaluation-<reference>.xlsx)",
)
@with_appcontext
def template_command(review: str, output: Path | None) -> None:
    """Write the blank self-evaluation workbook for REVIEW (reference or number)."""
    found = _review(review)
    output = output or Path(service.workbook_filename(found))
    output.write_bytes(service.blank_workbook(found))
    click.echo(
        f"Wrote the self-evaluation workbook for {found.reference} "
        f"({found.rubric.key} version {found.rubric.version}) to {output}"
    )


@selfeval.command("import")
@click.argument("review")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by_email", help="Email of the authority user who sent it in (optional)")
@with_appcontext
def import_command(review: str, file: Path, by_email: str | None) -> None:
    """Import a completed workbook FILE as the next version of REVIEW's self-evaluation.

    The whole workbook is checked first; if anything is wrong every problem is listed
    and nothing is stored.
    """
    found = _review(review)
    actor = None
    if by_email:
        actor = db.session.scalar(select(User).where(User.email == by_email.strip().lower()))
        if actor is None or not (
            actor.is_administrator
            or (actor.is_authority_user and actor.authority_id == found.authority_id)
        ):
            raise click.ClickException(
                f"{by_email} is not a user of {found.authority.name} or an administrator"
            )
    max_bytes = refuse_if_larger_than_an_upload(file)
    try:
        returned = service.submit_return(
            db.session,
            EvidenceStore(Path(current_app.config["EVIDENCE_DIR"])),
            found,
            file.read_bytes(),
            filename=file.name,
            actor=actor,
            via=service.COMMAND_LINE,
            max_bytes=max_bytes,
        )
    except service.SelfEvaluationClosed as closed:
        db.session.rollback()
        raise click.ClickException(str(closed)) from None
    except SelfEvaluationErrors as refused:
        db.session.rollback()
        for problem in refused.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"The workbook has {len(refused.problems)} problem(s). Nothing was stored."
        ) from None
    db.session.commit()
    click.echo(
        f"Imported {file.name} as version {returned.version} of the self-evaluation "
        f"for {found.reference} ({returned.graded_count} judgements graded)."
    )
