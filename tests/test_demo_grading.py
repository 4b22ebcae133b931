"""The demo's grading: Northmere graded with disagreements, Harlow Moss part-way through
moderation (issue 5's demo)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.config import PROJECT_ROOT
from inspect_app.demo import load_demo
from inspect_app.domain.agreement import FLAG_INSPECTORATES_DIFFER, FLAG_SPREAD
from inspect_app.domain.phases import Phase, PhaseTransitionError, check_transition
from inspect_app.models import AgreedGrade, Authority, Review
from inspect_app.services import moderation, reconciliation
from inspect_app.services.reviews import access_for, load_review, review_facts


def _review(session, authority_code: str) -> Review:
    review_id = session.scalar(
        select(Review.id).join(Review.authority).where(Authority.code == authority_code)
    )
    return load_review(session, review_id)


def test_the_demo_grades_northmere_with_disagreements_and_harlow_moss_is_in_moderation(session):
    load_demo(session, PROJECT_ROOT / "rubrics")
    session.commit()

    # Northmere: fieldwork, graded by several inspectorates, some judgements flagged.
    northmere = _review(session, "NMB")
    assert northmere.current_phase is Phase.FIELDWORK
    matrix = reconciliation.build(session, northmere)
    assert len({g.inspectorate for g in matrix.graders}) >= 5
    assert matrix.self_grades_available  # the authority's self-evaluation is in
    assert sum(1 for r in matrix.rows if r.self_grade is not None) >= 10
    flagged = matrix.flagged
    assert 2 <= len(flagged) < len(matrix.rows) // 2  # partly disagreeing, not chaos
    flags = {flag for row in flagged for flag in row.summary.flags}
    assert flags == {FLAG_SPREAD, FLAG_INSPECTORATES_DIFFER}
    assert [r.target.slug for r in matrix.rows[: len(flagged)]] == [
        r.target.slug for r in flagged
    ]  # listed first
    assert matrix.overall.alpha is not None and matrix.overall.pairs >= 10
    assert 0 < matrix.overall.exact_agreement < 1
    assert matrix.agreed_count == 0

    # The lead sees the flags; an inspector who graded nothing there stays blind.
    lead = northmere.lead_inspector.user
    as_lead = reconciliation.build(
        session, northmere, viewer=lead, access=access_for(lead, northmere)
    )
    assert as_lead.blind and as_lead.flagged

    # Harlow Moss: in moderation, agreed grades partly recorded, so it cannot move on yet.
    harlow = _review(session, "HLM")
    assert harlow.current_phase is Phase.MODERATION
    items = moderation.moderation_items(session, harlow)
    agreed = [i for i in items if i.agreed is not None]
    missing = [i for i in items if i.agreed is None]
    assert agreed and missing
    assert all(i.team_grades for i in items)  # the team graded every judgement
    overrides = session.scalars(
        select(AgreedGrade).where(AgreedGrade.review_id == harlow.id, AgreedGrade.is_override)
    ).all()
    assert len(overrides) == 1 and overrides[0].reasons
    assert all(
        i.agreed.reasons for i in agreed if i.median is not None and i.agreed.value != i.median
    )
    with pytest.raises(PhaseTransitionError, match="Moderation is not complete"):
        check_transition(Phase.MODERATION, Phase.DRAFTING, review_facts(harlow))
    assert reconciliation.build(session, harlow).self_grades_available
