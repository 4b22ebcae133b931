"""``flask users create|list``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import UserKind
from inspect_app.extensions import db
from inspect_app.models import Authority, User
from inspect_app.services.users import UserError, create_user


@click.group()
def users() -> None:
    """Manage people who sign in."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--kind",
    type=click.Choice([k.value for k in UserKind]),
    default=UserKind.ADMINISTRATOR.value,
    show_default=True,
)
@click.option("--inspectorate", type=click.Choice([i.value for i in Inspectorate]))
@click.option("--authority", "authority_code", help="Authority code, for authority users")
@click.password_option(help="Prompted for (twice) when not given")
@with_appcontext
def create_command(
    email: str,
    name: str,
    kind: str,
    inspectorate: str | None,
    authority_code: str | None,
    password: str,
) -> None:
    """Create a user, e.g. the first administrator."""
    authority = None
    if authority_code:
        authority = db.session.scalar(select(Authority).where(Authority.code == authority_code))
        if authority is None:
            raise click.UsageError(f"No authority has the code {authority_code}")
    try:
        user = create_user(
            db.session,
            email=email,
            name=name,
            password=password,
            kind=UserKind(kind),
            inspectorate=Inspectorate(inspectorate) if inspectorate else None,
            authority=authority,
        )
    except UserError as error:
        raise click.UsageError(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.user_kind.label.lower()} {user.name} <{user.email}>")


@users.command("list")
@with_appcontext
def list_command() -> None:
    for user in db.session.scalars(select(User).order_by(User.kind, User.email)):
        click.echo(f"{user.id}\t{user.kind}\t{user.email}\t{user.name}\t{user.affiliation}")
