"""A small hand-built common dataset for tests: a few fictional authorities and figures."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from inspect_app.models import Authority, AuthorityNeighbour
from inspect_app.services import indicator_data as svc

HEADER = "authority_code,indicator_code,period,value\n"


def load_shipped_catalogue(session: Session) -> None:
    svc.load_catalogue(session, svc.read_catalogue_file())
    session.flush()


def csv_bytes(rows: list[tuple[str, str, str, float | str]]) -> bytes:
    return (HEADER + "".join(f"{a},{i},{p},{v}\n" for a, i, p, v in rows)).encode()


def set_neighbours(session: Session, authority: Authority, neighbours: list[Authority]) -> None:
    authority.neighbour_links = [
        AuthorityNeighbour(neighbour_id=n.id, rank=rank) for rank, n in enumerate(neighbours, 1)
    ]
    session.flush()


@dataclass
class SmallDataset:
    """A (the reviewed authority) with neighbours B and C; D is neither.

    LAC-GCSE-5AC (higher is better), 2006-07: A 5, B 10, C 14, D 21; 2005-06: A 6, B 9, C 13.
    LAC-PLACEMENTS-3PLUS (lower is better), 2006-07: A 8, B 12, C 12, D 10.
    """

    a: Authority
    b: Authority
    c: Authority
    d: Authority

    def rows(self) -> list[tuple[str, str, str, float]]:
        a, b, c, d = (x.code for x in (self.a, self.b, self.c, self.d))
        return [
            (a, "LAC-GCSE-5AC", "2005-06", 6),
            (b, "LAC-GCSE-5AC", "2005-06", 9),
            (c, "LAC-GCSE-5AC", "2005-06", 13),
            (a, "LAC-GCSE-5AC", "2006-07", 5),
            (b, "LAC-GCSE-5AC", "2006-07", 10),
            (c, "LAC-GCSE-5AC", "2006-07", 14),
            (d, "LAC-GCSE-5AC", "2006-07", 21),
            (a, "LAC-PLACEMENTS-3PLUS", "2006-07", 8),
            (b, "LAC-PLACEMENTS-3PLUS", "2006-07", 12),
            (c, "LAC-PLACEMENTS-3PLUS", "2006-07", 12),
            (d, "LAC-PLACEMENTS-3PLUS", "2006-07", 10),
        ]


def small_dataset(make, session: Session, a: Authority | None = None) -> SmallDataset:
    """Build and store the dataset (catalogue loaded, neighbours set, figures imported)."""
    load_shipped_catalogue(session)
    data = SmallDataset(a or make.authority(), make.authority(), make.authority(), make.authority())
    set_neighbours(session, data.a, [data.b, data.c])
    frame = pd.DataFrame(
        data.rows(), columns=["authority_code", "indicator_code", "period", "value"]
    )
    svc.store_values(session, frame)
    session.flush()
    return data
