"""Local authorities and their ranked statistical neighbours, as administrators keep them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspect_app.models import Authority, AuthorityNeighbour, User
from inspect_app.services import audit


class AuthorityError(ValueError):
    """An authority that cannot be saved as given, with the reason."""


@dataclass(frozen=True)
class AuthorityDetails:
    name: str
    code: str
    region: str
    neighbour_ids: tuple[int, ...] = ()  # closest first


def _as_dict(authority: Authority) -> dict[str, object]:
    return {
        "name": authority.name,
        "code": authority.code,
        "region": authority.region,
        "neighbours": [link.neighbour_id for link in authority.neighbour_links],
    }


def save_authority(
    session: Session, authority: Authority | None, details: AuthorityDetails, *, actor: User
) -> Authority:
    """Create an authority (``authority`` None) or change one, neighbours included.

    Neighbours are ranked in the order given. Raises :class:`AuthorityError` when the
    name or code is already used by another authority, or a neighbour is unknown or the
    authority itself; nothing is changed then.
    """
    name, code, region = details.name.strip(), details.code.strip(), details.region.strip()
    own_id = authority.id if authority is not None else None
    clash = session.scalar(
        select(Authority).where(
            (Authority.name == name) | (Authority.code == code),
            Authority.id != (own_id or 0),
        )
    )
    if clash is not None:
        raise AuthorityError(f"{clash.name} ({clash.code}) already uses that name or code")
    wanted = list(dict.fromkeys(details.neighbour_ids))
    if own_id is not None and own_id in wanted:
        raise AuthorityError("An authority cannot be its own statistical neighbour")
    known = set(session.scalars(select(Authority.id).where(Authority.id.in_(wanted))))
    if len(known) != len(wanted):
        raise AuthorityError("Select statistical neighbours from the list")

    before = None
    if authority is None:
        authority = Authority(name=name, code=code, region=region)
        session.add(authority)
    else:
        before = _as_dict(authority)
        authority.name, authority.code, authority.region = name, code, region
        # Ranks are unique per authority: the old links go before the new ones are written,
        # or re-ranking (adding a closer neighbour, reordering) would collide mid-flush.
        authority.neighbour_links.clear()  # delete-orphan: removed at this flush
    session.flush()
    authority.neighbour_links.extend(
        AuthorityNeighbour(neighbour_id=neighbour_id, rank=rank)
        for rank, neighbour_id in enumerate(wanted, start=1)
    )
    session.flush()
    audit.record(
        session,
        action="authority.saved",
        actor=actor,
        subject=authority,
        summary=f"Saved authority {authority.name}",
        before=before,
        after={"name": name, "code": code, "region": region, "neighbours": wanted},
    )
    return authority
