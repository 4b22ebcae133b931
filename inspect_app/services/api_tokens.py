"""Personal API tokens: created on the profile page, shown once, stored as a SHA-256 hash.

A token is 32 random bytes (256 bits) from :mod:`secrets`, so a fast hash is enough: it
cannot be guessed, and a leaked database does not reveal working tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspect_app.models import ApiToken, User
from inspect_app.models.types import utcnow
from inspect_app.services import audit

PREFIX = "jarw_"
NAME_MAX = 100
ACTIVE_TOKENS_MAX = 10


class ApiTokenError(ValueError):
    pass


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def create_token(session: Session, user: User, name: str) -> NewToken:
    name = (name or "").strip()
    if not name:
        raise ApiTokenError("Enter a name for the token, like ‘Moderation spreadsheet’")
    if len(name) > NAME_MAX:
        raise ApiTokenError(f"The name must be {NAME_MAX} characters or fewer")
    active = [t for t in tokens_of(session, user) if t.is_active]
    if len(active) >= ACTIVE_TOKENS_MAX:
        raise ApiTokenError(
            f"You already have {ACTIVE_TOKENS_MAX} tokens. Revoke one you no longer use first"
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, token_hash=hash_token(secret), hint=secret[: len(PREFIX) + 6]
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        action="api_token.created",
        actor=user,
        subject=token,
        summary=f"{user.name} created the API token ‘{name}’ ({token.hint}…)",
        after={"name": name, "hint": token.hint},
    )
    return NewToken(token, secret)


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise ApiTokenError("That token does not exist")
    if not token.is_active:
        raise ApiTokenError("That token has already been revoked")
    token.revoked_at = utcnow()
    audit.record(
        session,
        action="api_token.revoked",
        actor=user,
        subject=token,
        summary=f"{user.name} revoked the API token ‘{token.name}’ ({token.hint}…)",
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at.isoformat()},
    )
    return token


def authenticate(session: Session, secret: str) -> User | None:
    """The active user a presented token belongs to, or ``None``. Records when it was used."""
    if not secret.startswith(PREFIX):
        return None
    digest = hash_token(secret)
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest) or not token.is_active:
        return None
    user = token.user
    if not user.is_active:
        return None
    token.last_used_at = utcnow()
    return user
