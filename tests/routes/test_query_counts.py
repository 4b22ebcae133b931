"""Pages issue a bounded number of SQL statements, however large the review."""

from __future__ import annotations

from inspect_app.domain.phases import Phase
from inspect_app.services import reviews as svc
from tests.querycount import count_queries


def grow_team(make, review, extra: int) -> None:
    lead = review.lead_inspector.user
    for _ in range(extra):
        member = make.member(review)
        svc.declare_interests(
            make.session, member, has_conflict=False, details="", actor=member.user
        )
        svc.assign_areas(make.session, member, review.rubric.areas[:3], actor=lead)
    make.session.commit()


def statements_for(pages, url: str) -> int:
    with count_queries() as statements:
        pages.get(url)
    return len(statements)


def test_review_pages_do_not_grow_with_the_team(make, pages):
    small = make.review_in(Phase.FIELDWORK)
    large = make.review_in(Phase.FIELDWORK)
    grow_team(make, small, 1)
    grow_team(make, large, 15)
    admin = make.administrator()
    make.session.commit()
    pages.sign_in(admin)
    for path in ("", "/team"):
        assert statements_for(pages, f"/reviews/{small.id}{path}") == statements_for(
            pages, f"/reviews/{large.id}{path}"
        ), path


QUERY_TARGET = 15  # issue 8: at most 15 statements per page, whatever the review's size


def test_the_overview_is_within_the_query_target_for_everyone_who_sees_it(make, pages):
    review = make.review_in(Phase.FIELDWORK)
    grow_team(make, review, 10)
    lead = review.lead_inspector.user
    admin = make.administrator()
    make.session.commit()
    for who in (lead, admin):  # the lead sees every event; an administrator not restricted ones
        pages.sign_in(who)
        assert statements_for(pages, f"/reviews/{review.id}") <= QUERY_TARGET


def test_dashboard_does_not_grow_with_the_number_of_reviews(make, pages):
    admin = make.administrator()
    make.review()
    make.session.commit()
    pages.sign_in(admin)
    few = statements_for(pages, "/")
    for _ in range(8):
        make.review_in(Phase.ANALYSIS)
    make.session.commit()
    assert statements_for(pages, "/") == few
