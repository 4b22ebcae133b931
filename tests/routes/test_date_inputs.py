"""GOV.UK date inputs given fewer or more than their three boxes: an error, never a 500."""

from __future__ import annotations

import pytest

from inspect_app.domain.phases import Phase
from inspect_app.models import Review

DATE_FIELDS = (
    "set_up_on",
    "analysis_week_on",
    "fieldwork_week_one_on",
    "fieldwork_week_two_on",
    "publication_due_on",
)
GOOD = (["7", "9", "2026"], ["5", "10", "2026"], ["2", "11", "2026"], ["16", "11", "2026"])


@pytest.mark.parametrize(
    "publication",
    [
        "25 1 2027",  # one value, not three boxes
        ["25", "1"],
        ["25", "1", "2027", "4"],
        ["", "1", "2027"],  # the day box left empty: an error, not "no date"
    ],
)
def test_the_dates_page_explains_a_date_without_its_three_boxes(pages, make, session, publication):
    review = make.review_in(Phase.SELF_ASSESSMENT)
    make.session.commit()
    pages.sign_in(review.lead_inspector.user)
    data = {"version": str(review.version), **dict(zip(DATE_FIELDS, GOOD, strict=False))}
    data["publication_due_on"] = publication
    page = pages.post(f"/reviews/{review.id}/dates", data, status=200)
    assert "Publication due must be a real date" in pages.text(page, ".govuk-error-summary")
    # the three boxes are drawn again, empty, for the user to fill in
    assert len(page.select("input[name=publication_due_on]")) == 3
    session.expire_all()
    assert session.get(Review, review.id).publication_due_on.isoformat() == "2027-01-18"


def test_setting_up_a_review_explains_a_date_without_its_three_boxes(pages, make, session):
    admin = make.administrator()
    authority, lead, rubric = make.authority(), make.inspector(), make.rubric()
    make.session.commit()
    pages.sign_in(admin)
    data = {
        "authority_id": authority.id,
        "rubric_id": rubric.id,
        "lead_id": lead.id,
        **dict(zip(DATE_FIELDS, GOOD, strict=False)),
        "publication_due_on": "5",
    }
    page = pages.post("/admin/reviews/new", data, status=200)
    assert "Publication due must be a real date" in pages.text(page, ".govuk-error-summary")
    assert session.query(Review).count() == 0
