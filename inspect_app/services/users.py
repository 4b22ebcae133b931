"""Creating and finding people."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import UserKind
from inspect_app.models import Authority, User
from inspect_app.services import audit
from inspect_app.services.passwords import (
    DUMMY_HASH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)


class UserError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    kind: UserKind,
    inspectorate: Inspectorate | None = None,
    authority: Authority | None = None,
    job_title: str = "",
    created_by: User | None = None,
    password_hash: str | None = None,
) -> User:
    """Create a user, checking the kind-specific fields. Raises :class:`UserError`.

    ``password_hash``: a hash of ``password`` made already, used as it is (the demo's
    accounts share one password, so the demo hashes it once)."""
    email = normalise_email(email)
    if not email or "@" not in email:
        raise UserError("Enter an email address in the correct format, like name@example.org")
    if find_by_email(session, email) is not None:
        raise UserError(f"A user with the email address {email} already exists")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if kind is UserKind.INSPECTOR and inspectorate is None:
        raise UserError("An inspector must belong to an inspectorate")
    if kind is UserKind.AUTHORITY and authority is None:
        raise UserError("An authority user must belong to a local authority")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=password_hash or hash_password(password),
        kind=kind.value,
        inspectorate=inspectorate.value if kind is UserKind.INSPECTOR and inspectorate else None,
        authority=authority if kind is UserKind.AUTHORITY else None,
        job_title=job_title.strip(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="user.created",
        actor=created_by,
        subject=user,
        summary=f"Created {kind.label.lower()} {user.name} <{user.email}>",
        after={
            "email": user.email,
            "kind": user.kind,
            "inspectorate": user.inspectorate,
            "authority_id": user.authority_id,
        },
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Takes the same time either way."""
    user = find_by_email(session, email)
    if user is None:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active_account:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_password(session: Session, user: User, password: str, *, changed_by: User | None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long")
    user.password_hash = hash_password(password)
    audit.record(
        session,
        action="user.password_set",
        actor=changed_by,
        subject=user,
        summary=f"Password set for {user.email}",
    )
