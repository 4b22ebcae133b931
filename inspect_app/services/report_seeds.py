"""Starting points for report sections: Markdown drafted from the agreed grades' reasons
and the notes on linked evidence, for the author to edit. Nothing here is saved.

Only the lead's recorded reasons for agreed grades and the notes on links from
*unrestricted* evidence are used: never a team member's own rationale, never restricted
evidence (case files and anything else about an individual child).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from inspect_app.domain.report_sections import SectionPart, SectionSpec
from inspect_app.domain.rubric import BestEnd, GradeScale
from inspect_app.models import Review
from inspect_app.services.grading import JudgementTarget
from inspect_app.services.report_sources import (
    EvidenceNote,
    ReportSources,
    evidence_notes,
    load_sources,
)

__all__ = ["seed_for"]

NOTES_PER_JUDGEMENT = 3  # evidence notes offered per key judgement and stance


def _first_sentence(text: str) -> str:
    text = " ".join((text or "").split())
    for end in (". ", "? ", "! "):
        if end in text:
            return text.split(end, 1)[0] + end.strip()
    return text


def _md_escape(text: str) -> str:
    """Plain text that Markdown (and the sanitiser) will show as typed."""
    return (
        text.replace("\\", "\\\\")
        .replace("<", "&lt;")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("[", "\\[")
        .replace("`", "\\`")
    )


def _plain_quality(value: int, scale: GradeScale) -> str:
    """Children's words for a grade, by its place on the scale (best first)."""
    ranked = sorted(scale.values, reverse=scale.best is BestEnd.HIGHEST)
    words = [
        "really well",
        "well",
        "well enough, but some things need to get better",
        "not well enough yet",
    ]
    return words[min(ranked.index(value), len(words) - 1)]


def _agreed(sources: ReportSources, target: JudgementTarget):
    record = sources.agreed.get(target.key)
    return record.agreed if record else None


def _area_targets(sources: ReportSources, area_number: int) -> list[JudgementTarget]:
    return [t for t in sources.targets if t.area_number == area_number]


def _front(review: Review, spec: SectionSpec, sources: ReportSources, scale: GradeScale) -> str:
    authority = _md_escape(review.authority.name)
    if spec.part is SectionPart.INTRODUCTION:
        inspectorates = sorted(
            {m.user.inspectorate_label for m in review.team if m.user.inspectorate_label}
        )
        when = (
            f" The fieldwork took place in {review.fieldwork_week_one_on:%B %Y}."
            if review.fieldwork_week_one_on
            else ""
        )
        return (
            f"This report assesses the contribution of local services in {authority} to "
            "improving outcomes for children and young people.{when}\n\n"
            f"The review team of {len(review.team)} came from "
            f"{_md_escape(', '.join(inspectorates) or 'the inspectorates')}. The team read "
            "case files, tracked children's journeys through services, met children and young "
            "people, and interviewed staff and partners."
        ).replace("{when}", when)
    if spec.part is SectionPart.CONTEXT:
        return (
            f"{authority} is a local authority in the {_md_escape(review.authority.region)} "
            "region.\n\n"
            "Describe the area: its population of children and young people, its schools and "
            "services, and what has changed recently."
        )
    lines = []
    for target in sources.targets:
        agreed = _agreed(sources, target)
        if not target.is_area or agreed is None:
            continue
        label = scale.label_for(agreed.value).lower()
        reason = _first_sentence(agreed.reasons)
        lines.append(
            f"- **{_md_escape(target.area_title)}** is {label}."
            + (f" {_md_escape(reason)}" if reason else "")
        )
    return "\n".join(lines)


def _area(
    spec: SectionSpec, sources: ReportSources, notes: list[EvidenceNote], scale: GradeScale
) -> str:
    assert spec.area is not None
    targets = _area_targets(sources, spec.area.number)
    numbers = {t.number for t in targets if not t.is_area}
    if spec.part is SectionPart.NARRATIVE:
        area_target = next((t for t in targets if t.is_area), None)
        agreed = _agreed(sources, area_target) if area_target else None
        parts = []
        if agreed is not None:
            parts.append(
                f"{_md_escape(spec.area.title)} is {scale.label_for(agreed.value).lower()}."
                + (f" {_md_escape(' '.join(agreed.reasons.split()))}" if agreed.reasons else "")
            )
        for target in targets:
            kj = _agreed(sources, target)
            if target.is_area or kj is None or not kj.reasons:
                continue
            parts.append(
                f"- {_md_escape(target.number)} {_md_escape(target.text.rstrip('.'))} "
                f"({scale.label_for(kj.value).lower()}): {_md_escape(' '.join(kj.reasons.split()))}"
            )
        return "\n\n".join(parts[:1]) + ("\n\n" + "\n".join(parts[1:]) if parts[1:] else "")

    strengths = spec.part is SectionPart.STRENGTHS
    stance = "supports" if strengths else "contradicts"
    lines = []
    for target in targets:
        agreed = _agreed(sources, target)
        if target.is_area or agreed is None:
            continue
        good = not scale.is_better(3, agreed.value) if 3 in scale.values else False
        if good is strengths:
            lines.append(
                f"- {_md_escape(target.text.rstrip('.'))} "
                f"({_md_escape(target.number)}: {scale.label_for(agreed.value).lower()})."
            )
    used: dict[str, int] = {}
    for note in notes:
        if note.key_judgement not in numbers or note.stance != stance:
            continue
        used[note.key_judgement] = used.get(note.key_judgement, 0) + 1
        if used[note.key_judgement] > NOTES_PER_JUDGEMENT:
            continue
        text = note.note or note.title
        lines.append(f"- {_md_escape(_first_sentence(text))} ({_md_escape(note.key_judgement)})")
    return "\n".join(lines)


def _children(review: Review, sources: ReportSources, scale: GradeScale) -> str:
    authority = _md_escape(review.authority.name)
    lines = [
        "# What we did",
        "",
        f"We are inspectors. We visited {authority} to find out how well the people who run "
        "services help children and young people. We talked to lots of children and young "
        "people, and to the adults who work with them.",
        "",
        "# What we found",
        "",
    ]
    for target in sources.targets:
        agreed = _agreed(sources, target)
        if target.is_area and agreed is not None:
            lines.append(
                f"- **{_md_escape(target.area_title)}**: services do this "
                f"{_plain_quality(agreed.value, scale)}."
            )
    lines += [
        "",
        "# What happens next",
        "",
        "The council and its partners will write a plan "
        "saying what they will do to make things better.",
    ]
    return "\n".join(lines)


def seed_for(session: Session, review: Review, spec: SectionSpec) -> str:
    """A starting point for ``spec``: Markdown for the author to edit."""
    scale = review.rubric.scale
    sources = load_sources(session, review, with_rationales=False)
    if spec.is_children_summary:
        return _children(review, sources, scale)
    if spec.area is None:
        return _front(review, spec, sources, scale)
    return _area(spec, sources, evidence_notes(session, review), scale)
