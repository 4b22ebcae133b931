"""Once grades are unblinded for the team (moderation on), the authority still never sees
them: not through the grading pages, the API, nor the draft report it checks for accuracy."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from inspect_app.domain.phases import Phase
from inspect_app.services import reviews as review_service
from tests.grading_helpers import GradingWorld, submit
from tests.report_factories import write_minimal_report

RATIONALE = "Ofsted rationale: six case files lacked a risk analysis."


@pytest.fixture(params=[Phase.MODERATION, Phase.FACTUAL_ACCURACY])
def later(request, make):
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.ofsted, "kj-2.3", 4, RATIONALE, "high")
    world.advance(Phase.MODERATION)
    if request.param is Phase.FACTUAL_ACCURACY:
        make.agree_all(world.review)
        review_service.advance_phase(world.session, world.review, Phase.DRAFTING, actor=world.lead)
        write_minimal_report(world.session, world.review)
        review_service.advance_phase(
            world.session, world.review, Phase.FACTUAL_ACCURACY, actor=world.lead
        )
    authority_user = make.authority_user(world.review.authority)
    world.session.commit()
    return world, authority_user


def test_the_team_sees_every_grade_but_the_authority_none(later, pages, client):
    world, authority_user = later
    base = f"/reviews/{world.review.id}"

    pages.sign_in(world.health)  # graded nothing in area 2, yet sees it from moderation on
    assert RATIONALE in pages.get(f"{base}/moderation/kj-2.3").get_text()

    pages.client.post("/sign-out")
    pages.sign_in(authority_user)
    for path in (
        "/grading",
        "/grading/kj-2.3",
        "/grading/kj-2.3/history",
        "/reconciliation",
        "/moderation",
        "/moderation/kj-2.3",
        "/calibration",
        "/judgements/kj-2.3/lineage",
    ):
        page = pages.get(base + path, status=404)
        assert RATIONALE not in page.get_text()
    api = client.get(f"/api/v1/reviews/{world.review.id}/reconciliation")
    assert api.status_code == 404 and RATIONALE not in api.get_data(as_text=True)
    if world.review.current_phase is Phase.FACTUAL_ACCURACY:
        draft = pages.get(f"{base}/report")  # the authority checks the draft …
        assert "Agreed at the moderation meeting." in draft.get_text()
        assert RATIONALE not in draft.get_text()  # … without the team's grades
        for fmt in ("json", "xlsx", "md", "html"):
            response = client.get(f"{base}/report/download/{fmt}")
            assert response.status_code == 200, fmt
            assert "six case files lacked" not in _text_of(fmt, response.data), fmt
        # The same download for the team does carry the rationale (so the check above bites).
        pages.client.post("/sign-out")
        pages.sign_in(world.lead)
        team_json = client.get(f"{base}/report/download/json").get_data(as_text=True)
        assert "six case files lacked" in team_json


def _text_of(fmt: str, data: bytes) -> str:
    if fmt != "xlsx":
        return data.decode("utf-8")
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
