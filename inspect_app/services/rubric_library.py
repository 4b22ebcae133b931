"""Storing validated rubrics. A stored rubric revision is never changed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from inspect_app.domain.rubric import RubricSpec
from inspect_app.models import JudgementArea, KeyJudgement, Rubric, User
from inspect_app.services import audit


@dataclass(frozen=True)
class LoadResult:
    rubric: Rubric
    created: bool

    @property
    def message(self) -> str:
        r = self.rubric
        if self.created:
            return (
                f"Loaded {r.key} version {r.version} as revision {r.revision} "
                f"({r.content_hash[:12]})"
            )
        return f"Unchanged {r.key} version {r.version} (revision {r.revision})"


def load_rubric(
    session: Session, spec: RubricSpec, *, loaded_from: str = "", actor: User | None = None
) -> LoadResult:
    """Store ``spec`` as a new revision unless identical content is already stored."""
    existing = session.scalar(
        select(Rubric).where(Rubric.key == spec.key, Rubric.content_hash == spec.content_hash)
    )
    if existing is not None:
        return LoadResult(existing, created=False)
    latest = session.scalar(select(func.max(Rubric.revision)).where(Rubric.key == spec.key)) or 0
    rubric = Rubric(
        key=spec.key,
        version=spec.version,
        revision=latest + 1,
        title=spec.title,
        source=spec.source,
        description=spec.description,
        content_hash=spec.content_hash,
        area_grade_rule=spec.area_grade_rule,
        loaded_from=loaded_from,
        grade_scale={
            "best": spec.grade_scale.best.value,
            "grades": [
                {"value": p.value, "label": p.label, "descriptor": p.descriptor}
                for p in spec.grade_scale.points
            ],
        },
    )
    for area in spec.areas:
        stored_area = JudgementArea(
            number=area.number,
            code=area.code,
            title=area.title,
            kind=area.kind.value,
            description=area.description,
            lead_inspectorates=list(area.lead_inspectorates),
            descriptors={str(k): v for k, v in area.descriptors.items()},
        )
        for position, kj in enumerate(area.key_judgements, start=1):
            stored_area.key_judgements.append(
                KeyJudgement(
                    number=kj.number,
                    position=position,
                    text=kj.text,
                    evidence_prompts=list(kj.evidence_prompts),
                    descriptors={str(k): v for k, v in kj.descriptors.items()},
                )
            )
        rubric.areas.append(stored_area)
    session.add(rubric)
    session.flush()
    audit.record(
        session,
        action="rubric.loaded",
        actor=actor,
        subject=rubric,
        summary=f"Loaded rubric {rubric.key} version {rubric.version} revision {rubric.revision}",
        after={
            "key": rubric.key,
            "version": rubric.version,
            "revision": rubric.revision,
            "content_hash": rubric.content_hash,
            "loaded_from": loaded_from,
        },
    )
    return LoadResult(rubric, created=True)


def latest_rubrics(session: Session) -> list[Rubric]:
    """The newest revision of every rubric key, for choosing a rubric for a new review."""
    newest = (
        select(Rubric.key, func.max(Rubric.revision).label("revision"))
        .group_by(Rubric.key)
        .subquery()
    )
    return list(
        session.scalars(
            select(Rubric)
            .join(newest, (Rubric.key == newest.c.key) & (Rubric.revision == newest.c.revision))
            .order_by(Rubric.key)
        )
    )


def all_rubrics(session: Session) -> list[Rubric]:
    return list(session.scalars(select(Rubric).order_by(Rubric.key, Rubric.revision)))


def rubric_with_judgements(session: Session, rubric_id: int) -> Rubric | None:
    return session.scalar(
        select(Rubric)
        .where(Rubric.id == rubric_id)
        .options(selectinload(Rubric.areas).selectinload(JudgementArea.key_judgements))
    )
