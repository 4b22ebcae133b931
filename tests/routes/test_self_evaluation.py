"""Self-evaluation pages and commands: download, upload, errors by cell, versions, the phase."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.models import SelfEvaluation
from tests.evidence_helpers import post_files, snapshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def review(make):
    review = make.review_in(Phase.SELF_ASSESSMENT)
    make.session.commit()
    return review


@pytest.fixture
def authority_user(make, review):
    user = make.authority_user(review.authority)
    make.session.commit()
    return user


def url(review, path=""):
    return f"/reviews/{review.id}/self-evaluation{path}"


def upload(pages, review, data: bytes, name: str = "return.xlsx"):
    return post_files(pages.client, url(review), {"workbook": (io.BytesIO(data), name)})


def test_the_authority_downloads_the_workbook(pages, review, authority_user):
    pages.sign_in(authority_user)
    page = pages.get(url(review))
    assert page.select_one("[data-testid=download-workbook]")
    assert page.select_one("[data-testid=upload-form][enctype='multipart/form-data']")
    response = pages.client.get(url(review, "/workbook"))
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="self-evaluation-{review.reference}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "Instructions" and book["_meta"].sheet_state == "veryHidden"


def test_a_valid_upload_becomes_a_version_the_team_sees(
    make, pages, session, review, authority_user
):
    answers = {
        "2.3": (3, "Re-registrations fell to 9%.", "CP statistics"),
        "2": (2, "Assessment timeliness varies.", ""),
    }
    pages.sign_in(authority_user)
    response = upload(pages, review, make.filled_workbook(review, answers))
    assert response.status_code == 303
    page = pages.get(url(review))
    assert "Version 1 of your self-evaluation has been received." in page.get_text()
    assert len(page.select("[data-testid=versions] tbody tr")) == 1

    pages.client.post("/sign-out")
    pages.sign_in(review.lead_inspector.user)
    page = pages.get(url(review))
    row = page.select_one("[data-testid=se-area-2] [data-judgement='2.3']")
    assert "3 – Good" in row.select_one("[data-field=grade]").get_text()
    assert row.select_one("[data-field=narrative]").get_text() == "Re-registrations fell to 9%."
    assert "CP statistics" in row.select_one("[data-field=evidence]").get_text()
    overall = page.select_one("[data-testid=se-area-2] [data-judgement='2']")
    assert "2 – Adequate" in overall.get_text()
    version = pages.get(url(review, "/versions/1"))
    assert "Re-registrations fell to 9%." in version.get_text()
    with pages.client.get(url(review, "/versions/1/file")) as response:
        assert response.status_code == 200 and response.mimetype == XLSX
        assert response.headers["Content-Disposition"] == "attachment; filename=return.xlsx"
    # The file is kept as evidence of kind self-evaluation.
    listing = pages.get(f"/reviews/{review.id}/evidence?kind=self_evaluation")
    assert "Self-evaluation return, version 1" in listing.get_text()


def test_versions_are_kept_and_compared(make, pages, review, authority_user):
    pages.sign_in(authority_user)
    upload(pages, review, make.filled_workbook(review, {"1.4": (3, "Waits are falling.", "")}))
    upload(pages, review, make.filled_workbook(review, {"1.4": (2, "Waits are too long.", "")}))
    pages.client.post("/sign-out")
    pages.sign_in(review.lead_inspector.user)
    page = pages.get(url(review))
    assert [a.get_text() for a in page.select("[data-testid=versions] tbody td:first-child a")] == [
        "Version 2",
        "Version 1",
    ]
    compare = pages.get(url(review, "/compare"))
    changes = {
        (tr["data-judgement"], tr["data-field"]): tr
        for tr in compare.select("[data-testid=changes] tbody tr")
    }
    assert set(changes) == {("1.4", "grade"), ("1.4", "narrative")}
    assert "3 – Good" in changes["1.4", "grade"].get_text()
    assert "2 – Adequate" in changes["1.4", "grade"].get_text()
    same = pages.get(url(review, "/compare?from=2&to=2"))
    assert same.select_one("[data-testid=no-changes]")
    pages.get(url(review, "/compare?from=7&to=2"), status=404)
    pages.get(url(review, "/versions/9"), status=404)


def test_an_error_workbook_lists_every_problem_by_cell_and_stores_nothing(
    make, pages, session, review, authority_user
):
    data = make.filled_workbook(
        review,
        {
            "2.3": (5, "Outside the scale.", ""),  # Staying safe!C7
            "2.4": (3, None, ""),  # no narrative: Staying safe!D8
            "1.1": ("=1+1", "Formula.", ""),  # Being healthy!C5
        },
    )
    pages.sign_in(authority_user)
    session.commit()
    before = snapshot(session)
    response = upload(pages, review, data)
    assert response.status_code == 400
    page = pages.check(response.get_data(as_text=True))
    assert page.title.text.startswith("Error: ")
    problems = [
        li.get_text(" ", strip=True) for li in page.select("[data-testid=workbook-problems] li")
    ]
    assert 'Staying safe!C7: grade "5" is not on the scale 1–4' in problems
    assert "Staying safe!D8: narrative is required when a grade is given" in problems
    assert any(p.startswith("Being healthy!C5: formulas are not allowed") for p in problems)
    assert "Nothing was saved" in pages.text(page, "[data-testid=workbook-problems]")
    session.expire_all()
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("data", "name", "wanted"),
    [
        (b"%PDF-1.4 not a workbook", "return.pdf", "not an Excel .xlsx workbook"),
        (b"", "empty.xlsx", "not an Excel .xlsx workbook"),
    ],
)
def test_not_a_workbook_at_all(pages, session, review, authority_user, data, name, wanted):
    pages.sign_in(authority_user)
    before = snapshot(session)
    response = upload(pages, review, data, name)
    assert response.status_code == 400 and wanted in response.get_data(as_text=True)
    session.expire_all()
    assert snapshot(session) == before


def test_no_file_chosen(pages, review, authority_user):
    pages.sign_in(authority_user)
    response = pages.client.post(url(review), data={})
    assert response.status_code == 400
    assert "Choose your completed workbook" in response.get_data(as_text=True)


@pytest.mark.parametrize("phase", [Phase.SET_UP, Phase.ANALYSIS, Phase.PUBLISHED])
def test_outside_self_assessment_the_page_says_why_and_uploads_are_refused(
    make, pages, session, phase
):
    review = make.review_in(phase) if phase is not Phase.PUBLISHED else _published(make)
    user = make.authority_user(review.authority)
    data = make.filled_workbook(review)
    session.commit()
    pages.sign_in(user)
    page = pages.get(url(review))
    assert page.select_one("[data-testid=upload-form]") is None
    reason = pages.text(page, "[data-testid=upload-closed]")
    assert (
        "once the review reaches the self-assessment phase" in reason
        if phase is Phase.SET_UP
        else "self-assessment phase has ended" in reason
    )
    before = snapshot(session)
    response = upload(pages, review, data)
    assert response.status_code == 403
    assert "self-assessment" in response.get_data(as_text=True)
    session.expire_all()
    assert snapshot(session) == before


def _published(make):
    review = make.review_in(Phase.MODERATION)
    review.phase = Phase.PUBLISHED.value  # the later phases are not this test's business
    make.session.flush()
    return review


def test_only_this_authority_and_the_team_see_the_self_evaluation(
    make, pages, review, authority_user
):
    make.self_evaluation(review, actor=authority_user)
    other_authority_user = make.authority_user(make.authority())
    outsider = make.inspector()
    admin = make.administrator()
    make.session.commit()
    for user, status in ((other_authority_user, 404), (outsider, 404), (admin, 403)):
        pages.client.post("/sign-out")
        pages.sign_in(user)
        for path in ("", "/workbook", "/versions/1", "/versions/1/file"):
            pages.get(url(review, path), status=status)
        assert pages.client.post(url(review), data={}).status_code == status
    pages.client.post("/sign-out")
    pages.sign_in(review.lead_inspector.user)  # the team reads, the authority writes
    page = pages.get(url(review))
    assert page.select_one("[data-testid=upload-form]") is None
    assert pages.client.post(url(review), data={}).status_code == 403


def test_the_team_is_told_when_no_return_has_arrived(pages, review):
    pages.sign_in(review.lead_inspector.user)
    page = pages.get(url(review))
    assert "has not returned its self-evaluation yet" in pages.text(page, "[data-testid=no-return]")
    pages.get(url(review, "/compare"), status=404)
    overview = pages.get(f"/reviews/{review.id}")
    assert "not yet returned its self-evaluation" in pages.text(overview, "[data-testid=unmet]")


# --------------------------------------------------------------------------- commands


def test_the_template_and_import_commands(make, runner, session, review, tmp_path):
    path = tmp_path / "return.xlsx"
    result = runner.invoke(args=["selfeval", "template", review.reference, "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert f"for {review.reference} (jar-2005 version 1.0)" in result.output
    book = load_workbook(path)
    book["Staying safe"]["C7"] = 3
    book["Staying safe"]["D7"] = "Fewer children are re-registered."
    book.save(path)
    result = runner.invoke(args=["selfeval", "import", str(review.id), str(path)])
    assert result.exit_code == 0, result.output
    assert "as version 1" in result.output and "1 judgements graded" in result.output
    session.expire_all()
    returned = session.scalars(select(SelfEvaluation)).one()
    assert returned.submitted_via == "command line" and returned.submitted_by is None
    assert returned.entry_for("2.3").narrative == "Fewer children are re-registered."


def test_import_lists_every_problem_and_stores_nothing(make, runner, session, review, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(make.filled_workbook(review, {"2.3": (9, "Nine.", ""), "2.4": (3, None, "")}))
    session.commit()
    before = snapshot(session)
    result = runner.invoke(args=["selfeval", "import", review.reference, str(path)])
    assert result.exit_code == 1
    assert 'Staying safe!C7: grade "9" is not on the scale 1–4' in result.output
    assert "Staying safe!D8: narrative is required" in result.output
    assert "Nothing was stored." in result.output
    session.expire_all()
    assert snapshot(session) == before


def test_import_refuses_a_file_larger_than_an_upload_before_reading_it(
    make, runner, app, session, review, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    path = tmp_path / "return.xlsx"
    path.write_bytes(make.filled_workbook(review) + b"\0" * (1024 * 1024))
    session.commit()
    before = snapshot(session)
    result = runner.invoke(args=["selfeval", "import", review.reference, str(path)])
    assert result.exit_code == 1
    assert "return.xlsx is larger than the 1 MB limit; nothing was imported." in result.output
    session.expire_all()
    assert snapshot(session) == before


def test_import_checks_the_review_the_phase_and_who_sent_it(make, runner, session, tmp_path):
    analysis = make.review_in(Phase.ANALYSIS)
    path = tmp_path / "late.xlsx"
    path.write_bytes(make.filled_workbook(analysis))
    stranger = make.authority_user(make.authority())
    session.commit()
    result = runner.invoke(args=["selfeval", "import", analysis.reference, str(path)])
    assert result.exit_code == 1 and "self-assessment phase" in result.output
    result = runner.invoke(args=["selfeval", "import", "JAR-1999-999", str(path)])
    assert result.exit_code == 1 and "No review" in result.output
    result = runner.invoke(
        args=["selfeval", "import", analysis.reference, str(path), "--by", stranger.email]
    )
    assert result.exit_code == 1 and "is not a user of" in result.output
