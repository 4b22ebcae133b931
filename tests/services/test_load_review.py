"""load_review loads what the review pages read, in four statements, whatever the team."""

from __future__ import annotations

from inspect_app.domain.phases import Phase
from inspect_app.services import reviews as svc
from tests.querycount import count_queries


def everything_the_pages_read(review) -> list:
    read = [review.authority.name, review.rubric.label]
    read += [area.title for area in review.rubric.areas]
    for member in review.team:
        user = member.user
        read += [user.name, user.inspectorate_label, user.authority]
        read += [assignment.area.title for assignment in member.assignments]
    return read


def test_load_review_takes_four_statements_and_the_pages_read_nothing_more(make, session):
    review = make.review_in(Phase.FIELDWORK)
    lead = review.lead_inspector.user
    for _ in range(4):
        member = make.member(review)
        svc.assign_areas(session, member, review.rubric.areas[2:5], actor=lead)
    session.commit()
    expected_areas = {m.id: sorted(a.area.title for a in m.assignments) for m in review.team}
    session.expunge_all()  # nothing left in the session from building the review

    with count_queries() as statements:
        loaded = svc.load_review(session, review.id)
    assert len(statements) == 4, statements

    with count_queries() as statements:
        read = everything_the_pages_read(loaded)
    assert statements == []
    assert len(loaded.team) == 7 and loaded.rubric.areas
    assert loaded.authority.name in read
    assert {m.id: sorted(a.area.title for a in m.assignments) for m in loaded.team} == (
        expected_areas
    )
    assert any(expected_areas.values())


def test_load_review_of_a_review_that_does_not_exist(session):
    assert svc.load_review(session, 999_999) is None
