"""The demo's common dataset: the indicator catalogue and 150 fictional authorities' figures.

:func:`load_demo_performance_data` loads the catalogue and the generated dataset
(``inspect_app/domain/demo_dataset.py``): authorities missing from the database are
created with their regions (the six demo authorities already exist and are matched by
code), statistical neighbours are added where an authority has fewer than the generated
ten (existing neighbours are kept, ranked first), and every figure is stored in bulk.
Running it again changes nothing. Every name and figure is invented.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from inspect_app.domain.demo_dataset import DemoDataset, generate_demo_dataset
from inspect_app.domain.indicators import DEFAULT_CATALOGUE_PATH
from inspect_app.models import Authority, AuthorityNeighbour, IndicatorImport
from inspect_app.models.types import utcnow
from inspect_app.services import audit
from inspect_app.services import indicator_data as data_service

DEMO_FILENAME = "generated fictional dataset"


@dataclass(frozen=True)
class DemoPerformanceLoad:
    authorities_added: int
    neighbours_added: int
    values_added: int
    values_replaced: int
    values_unchanged: int


def catalogue_paths(rubrics_dir: str | os.PathLike[str] | None) -> tuple[Path, Path | None]:
    """The catalogue file and the 2005 rubric file it is checked against, under a rubrics
    directory (the shipped catalogue when the directory has none)."""
    if rubrics_dir is None:
        return DEFAULT_CATALOGUE_PATH, None
    root = Path(rubrics_dir)
    catalogue = root / "indicators" / "catalogue.yaml"
    rubric = root / f"{data_service.CATALOGUE_RUBRIC_KEY}.yaml"
    return (
        catalogue if catalogue.exists() else DEFAULT_CATALOGUE_PATH,
        rubric if rubric.exists() else None,
    )


def load_demo_performance_data(
    session: Session,
    rubrics_dir: str | os.PathLike[str] | None = None,
    *,
    dataset: DemoDataset | None = None,
) -> DemoPerformanceLoad:
    """Load the catalogue and the fictional dataset into the session (the caller commits)."""
    catalogue_path, rubric_path = catalogue_paths(rubrics_dir)
    catalogue = data_service.read_catalogue_file(catalogue_path, rubric_path=rubric_path)
    data_service.load_catalogue(session, catalogue)
    dataset = dataset if dataset is not None else generate_demo_dataset(catalogue=catalogue)

    codes, added = _ensure_authorities(session, dataset)
    neighbours_added = _ensure_neighbours(session, dataset, codes)

    values = dataset.values[dataset.values["authority_code"].isin(codes.keys())]
    record = IndicatorImport(
        imported_by=None,
        via="demo",
        filename=DEMO_FILENAME,
        sha256=hashlib.sha256(values.to_csv(index=False).encode()).hexdigest(),
        row_count=len(values),
    )
    session.add(record)
    session.flush()
    counts = data_service.store_values(session, values, import_id=record.id)
    if counts.added or counts.replaced or added:
        record.added_count, record.replaced_count = counts.added, counts.replaced
        record.unchanged_count = counts.unchanged
        audit.record(
            session,
            action="indicators.demo_loaded",
            actor=None,
            subject=record,
            summary=f"Loaded the fictional demo dataset: {added} authorities, "
            f"{counts.added:,} new values, {counts.replaced:,} replaced",
            after={
                "authorities_added": added,
                "neighbours_added": neighbours_added,
                "values_added": counts.added,
                "values_replaced": counts.replaced,
            },
        )
    else:
        session.delete(record)
    session.flush()
    return DemoPerformanceLoad(
        added, neighbours_added, counts.added, counts.replaced, counts.unchanged
    )


def _ensure_authorities(session: Session, dataset: DemoDataset) -> tuple[dict[str, int], int]:
    """Create the generated authorities that are missing; returns code → id for every
    generated authority in the database, and how many were created. A generated name
    already used by an authority with another code is skipped (with its figures)."""
    existing = dict(session.execute(select(Authority.code, Authority.id)).tuples().all())
    taken_names = set(session.scalars(select(Authority.name)))
    now = utcnow()
    missing = [
        {"code": a.code, "name": a.name, "region": a.region, "created_at": now}
        for a in dataset.authorities
        if a.code not in existing and a.name not in taken_names
    ]
    if missing:
        session.execute(insert(Authority), missing)
        existing = dict(session.execute(select(Authority.code, Authority.id)).tuples().all())
    generated = {a.code for a in dataset.authorities}
    return {code: i for code, i in existing.items() if code in generated}, len(missing)


def _ensure_neighbours(session: Session, dataset: DemoDataset, codes: dict[str, int]) -> int:
    """Top up each generated authority's neighbours to the generated list (kept ranks first)."""
    links: dict[int, list[tuple[int, int]]] = {}
    for authority_id, neighbour_id, rank in session.execute(
        select(
            AuthorityNeighbour.authority_id,
            AuthorityNeighbour.neighbour_id,
            AuthorityNeighbour.rank,
        )
    ):
        links.setdefault(authority_id, []).append((rank, neighbour_id))
    wanted_count = max((len(n) for n in dataset.neighbours.values()), default=0)
    rows = []
    for code, neighbours in dataset.neighbours.items():
        if code not in codes:
            continue
        own = links.get(codes[code], [])
        have = {neighbour_id for _, neighbour_id in own}
        rank = max((r for r, _ in own), default=0)
        for other in neighbours:
            if len(have) >= wanted_count:
                break
            other_id = codes.get(other)
            if other_id is None or other_id in have or other_id == codes[code]:
                continue
            rank += 1
            have.add(other_id)
            rows.append({"authority_id": codes[code], "neighbour_id": other_id, "rank": rank})
    if rows:
        session.execute(insert(AuthorityNeighbour), rows)
    return len(rows)
