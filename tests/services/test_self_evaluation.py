"""The authority's self-evaluation: round trip, every refusal with its cell, versions, phase."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspect_app.domain.evidence import EvidenceKind
from inspect_app.domain.phases import Phase, PhaseTransitionError
from inspect_app.domain.selfeval_workbook import SelfEvaluationErrors
from inspect_app.models import AuditEvent, EvidenceItem, SelfEvaluation
from inspect_app.services import reviews as review_service
from inspect_app.services import self_evaluation as svc
from tests.evidence_helpers import MB, snapshot, xlsx_bytes
from tests.factories import evidence_store


@pytest.fixture
def review(make):
    return make.review_in(Phase.SELF_ASSESSMENT)


@pytest.fixture
def authority_user(make, review):
    return make.authority_user(review.authority)


def submit(session, review, data, actor, filename="return.xlsx", max_bytes=50 * MB):
    return svc.submit_return(
        session, evidence_store(), review, data, filename=filename, actor=actor, max_bytes=max_bytes
    )


def edit(data: bytes, change) -> bytes:
    book = load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ANSWERS = {
    "1.1": (4, "Every family with a new baby is visited within 14 days.", "Audit 2006"),
    "2.3": (3, "Re-registrations fell to 9%.\nCAF training reached 620 staff.", "CP statistics"),
    "2.5": (2, "Assessment quality is inconsistent in the east team.", ""),
    "2": (3, "Safeguarding is secure.", "LSCB annual report"),
    "7.1": (None, "We are improving.", "APA letter"),  # a narrative without a grade is kept
}


def test_round_trip_gives_exactly_the_values_entered(make, session, review, authority_user):
    returned = submit(session, review, make.filled_workbook(review, ANSWERS), authority_user)
    entries = {e.judgement: e for e in returned.entries}
    assert len(entries) == sum(len(a.key_judgements) + 1 for a in review.rubric.areas)
    for judgement, (grade, narrative, evidence) in ANSWERS.items():
        entry = entries[judgement]
        assert (entry.grade, entry.narrative, entry.evidence_references) == (
            grade,
            narrative,
            evidence,
        )
    untouched = entries["1.2"]
    assert (untouched.grade, untouched.narrative, untouched.evidence_references) == (None, "", "")
    assert entries["2"].is_area and entries["2"].area_id is not None
    assert entries["2.3"].key_judgement_id is not None and not entries["2.3"].is_area
    assert [e.position for e in returned.entries] == list(range(1, len(entries) + 1))
    assert returned.version == 1 and returned.submitted_by is authority_user


def test_the_file_is_kept_as_self_evaluation_evidence(make, session, review, authority_user):
    data = make.filled_workbook(review, ANSWERS)
    returned = submit(session, review, data, authority_user, filename="Northmere SE.xlsx")
    item = returned.evidence_item
    assert item.kind == EvidenceKind.SELF_EVALUATION and not item.is_restricted
    assert item.source == review.authority.name and item.inspectorate is None
    (file,) = item.files
    assert file.original_name == "Northmere SE.xlsx" and file.blob.kind == "xlsx"
    with evidence_store().open(file.blob_sha256) as stored:
        assert stored.read() == data
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "self_evaluation.submitted")
    ).one()
    assert event.actor_id == authority_user.id and event.after["version"] == 1


def test_each_upload_is_a_new_version_and_earlier_ones_are_kept(
    make, session, review, authority_user
):
    first = submit(session, review, make.filled_workbook(review, ANSWERS), authority_user)
    changed = {**ANSWERS, "2.5": (1, "Worse than we thought.", "Practice audit")}
    second = submit(session, review, make.filled_workbook(review, changed), authority_user)
    assert (first.version, second.version) == (1, 2)
    assert [v.version for v in svc.returns_for(session, review)] == [2, 1]
    assert svc.load_version(session, review, 1).entry_for("2.5").grade == 2
    changes = svc.changes_between(first, second)
    assert [(c.judgement, c.field, c.old, c.new) for c in changes] == [
        ("2.5", "grade", 2, 1),
        (
            "2.5",
            "narrative",
            "Assessment quality is inconsistent in the east team.",
            "Worse than we thought.",
        ),
        ("2.5", "evidence_references", "", "Practice audit"),
    ]
    assert svc.latest_self_grades(session, review)["2.5"] == 1


def sheet_of(book, area_number):
    return book.worksheets[area_number]  # Instructions first, then one sheet per area


ERRORS = {
    "grade outside the scale": (
        lambda b: sheet_of(b, 2).__setitem__("C7", 5),
        ['Staying safe!C7: grade "5" is not on the scale 1–4'],
    ),
    "missing required narrative": (
        lambda b: sheet_of(b, 2).__setitem__("C5", 3),
        ["Staying safe!D5: narrative is required when a grade is given"],
    ),
    "narrative over the limit": (
        lambda b: (
            sheet_of(b, 1).__setitem__("C5", 3),
            sheet_of(b, 1).__setitem__("D5", "x" * 4001),
        ),
        ["Being healthy!D5: narrative is 4,001 characters long; the limit is 4,000"],
    ),
    "evidence over the limit": (
        lambda b: (
            sheet_of(b, 1).__setitem__("C5", 3),
            sheet_of(b, 1).__setitem__("D5", "ok"),
            sheet_of(b, 1).__setitem__("E5", "e" * 1001),
        ),
        ["Being healthy!E5: evidence references are 1,001 characters long; the limit is 1,000"],
    ),
    "formula": (
        lambda b: (
            sheet_of(b, 1).__setitem__("C5", "=1+2"),
            sheet_of(b, 1).__setitem__("D5", "narrative"),
        ),
        ["Being healthy!C5: formulas are not allowed — type the value instead"],
    ),
    "row removed": (
        lambda b: sheet_of(b, 3).delete_rows(6),
        ["Enjoying and achieving!A6: key judgement 3.2 is missing — rows must not be deleted"],
    ),
    "rows reordered": (
        lambda b: _swap(sheet_of(b, 4), 5, 6),
        ["Making a positive contribution!A5: expected key judgement 4.1 here but found 4.2"],
    ),
    "sheet removed": (
        lambda b: b.remove(sheet_of(b, 5)),
        ['sheet "Achieving economic well-being" is missing'],
    ),
    "sheets reordered": (
        lambda b: b.move_sheet("Capacity to improve", offset=-1),
        ["the sheets have been reordered"],
    ),
    "wrong rubric version": (
        lambda b: b["_meta"].__setitem__("B3", "0.9"),
        [
            "This workbook was made for rubric jar-2005 version 0.9; this review uses jar-2005 "
            "version 1.0"
        ],
    ),
}


def _swap(ws, a: int, b: int) -> None:
    for col in "ABCDE":
        ws[f"{col}{a}"].value, ws[f"{col}{b}"].value = ws[f"{col}{b}"].value, ws[f"{col}{a}"].value


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_every_error_names_its_cell_and_nothing_is_written(
    make, session, review, authority_user, kind
):
    change, expected = ERRORS[kind]
    data = edit(make.filled_workbook(review, {"1.2": (3, "A graded row.", "")}), change)
    before = snapshot(session)
    with pytest.raises(SelfEvaluationErrors) as refused:
        submit(session, review, data, authority_user)
    messages = [str(p) for p in refused.value.problems]
    for wanted in expected:
        assert any(wanted in m for m in messages), messages
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("data", "name", "wanted"),
    [
        (b"not a workbook at all", "return.xlsx", "not an Excel .xlsx workbook"),
        (b"%PDF-1.4 pretend", "return.xlsx", "not an Excel .xlsx workbook"),
        (xlsx_bytes(), "other.xlsx", "not a JAR Workbench self-evaluation workbook"),
    ],
)
def test_files_that_are_not_our_workbook_are_refused(
    session, review, authority_user, data, name, wanted
):
    before = snapshot(session)
    with pytest.raises(SelfEvaluationErrors) as refused:
        submit(session, review, data, authority_user, filename=name)
    assert any(wanted in str(p) for p in refused.value.problems)
    assert snapshot(session) == before


def test_macro_enabled_workbooks_are_refused(make, session, review, authority_user):
    from tests.domain.evidence_samples import EXCEL_MACRO_MAIN, EXCEL_MAIN, rewrite_zip

    data = rewrite_zip(
        make.filled_workbook(review),
        edit={"[Content_Types].xml": (EXCEL_MAIN, EXCEL_MACRO_MAIN)},
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
    )
    before = snapshot(session)
    with pytest.raises(SelfEvaluationErrors) as refused:
        submit(session, review, data, authority_user, filename="return.xlsm")
    assert "macro-enabled workbooks (.xlsm) are not accepted" in str(refused.value)
    assert snapshot(session) == before


def test_a_workbook_for_another_review_is_refused(make, session, review, authority_user):
    other = make.review_in(Phase.SELF_ASSESSMENT)
    before = snapshot(session)
    with pytest.raises(SelfEvaluationErrors, match=f"made for review {other.reference}"):
        submit(session, review, make.filled_workbook(other), authority_user)
    assert snapshot(session) == before


def test_several_errors_are_listed_together(make, session, review, authority_user):
    def break_it(book):
        sheet_of(book, 2)["C7"] = 7
        sheet_of(book, 2)["C8"] = 3
        sheet_of(book, 1)["C6"] = "=A1"

    data = edit(make.filled_workbook(review, {"1.1": (3, "Fine.", "")}), break_it)
    with pytest.raises(SelfEvaluationErrors) as refused:
        submit(session, review, data, authority_user)
    cells = {(p.sheet, p.cell) for p in refused.value.problems}
    assert {("Staying safe", "C7"), ("Staying safe", "D8"), ("Being healthy", "C6")} <= cells


def test_an_oversize_workbook_is_refused(make, session, review, authority_user):
    data = make.filled_workbook(review)
    before = snapshot(session)
    with pytest.raises(SelfEvaluationErrors, match="is larger than the"):
        submit(session, review, data, authority_user, max_bytes=len(data) - 1)
    assert snapshot(session) == before


@pytest.mark.parametrize("phase", [Phase.SET_UP, Phase.ANALYSIS, Phase.FIELDWORK])
def test_returns_are_accepted_only_in_self_assessment(make, session, phase):
    review = make.review_in(phase)
    user = make.authority_user(review.authority)
    data = make.filled_workbook(review)
    before = snapshot(session)
    with pytest.raises(
        svc.SelfEvaluationClosed, match="only while the review is in the self-assessment phase"
    ):
        submit(session, review, data, user)
    assert snapshot(session) == before


def test_analysis_needs_the_authoritys_return(make, session, review, authority_user):
    lead = review.lead_inspector.user
    assert not review_service.review_facts(review).self_evaluation_received
    with pytest.raises(PhaseTransitionError, match="not yet returned its self-evaluation"):
        review_service.advance_phase(session, review, Phase.ANALYSIS, actor=lead)
    submit(session, review, make.filled_workbook(review), authority_user)
    assert review_service.review_facts(review).self_evaluation_received
    review_service.advance_phase(session, review, Phase.ANALYSIS, actor=lead)
    assert review.current_phase is Phase.ANALYSIS


def test_factories_return_a_self_evaluation_on_the_way_to_analysis(make, session):
    review = make.review_in(Phase.ANALYSIS)
    assert svc.has_return(session, review.id)
    assert session.scalars(
        select(SelfEvaluation).where(SelfEvaluation.review_id == review.id)
    ).one().graded_count == len(review.rubric.areas)
    assert session.scalars(
        select(EvidenceItem.kind).where(EvidenceItem.review_id == review.id)
    ).all() == ["self_evaluation"]


def test_the_blank_workbook_is_made_from_the_pinned_rubric(make, review):
    book = load_workbook(io.BytesIO(svc.blank_workbook(review)))
    meta = dict(book["_meta"].iter_rows(values_only=True))
    assert meta["rubric_key"] == review.rubric.key and meta["rubric_version"] == "1.0"
    assert meta["review_reference"] == review.reference
    assert book.sheetnames[1:-1] == [a.title for a in review.rubric.areas]


def test_a_return_that_loses_the_race_for_a_version_is_refused_and_nothing_is_kept(
    make, session, review, authority_user, monkeypatch
):
    """Two uploads at once: the second computed the same version number before the first was
    stored. It is refused with a message saying so, not a server error, and leaves no rows."""
    submit(session, review, make.filled_workbook(review, ANSWERS), authority_user)
    session.commit()
    before = snapshot(session)
    real_scalar = session.scalar
    stale_reads = iter([None])  # the racing upload read "no version yet"

    def scalar(statement, *args, **kwargs):
        if "max(" in str(statement).lower():
            return next(stale_reads, real_scalar(statement, *args, **kwargs))
        return real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(session, "scalar", scalar)
    with pytest.raises(SelfEvaluationErrors) as refused:
        submit(session, review, make.filled_workbook(review, ANSWERS), authority_user)
    assert "stored for this review at the same moment" in str(refused.value.problems[0])
    monkeypatch.undo()
    assert snapshot(session) == before
    assert [v.version for v in svc.returns_for(session, review)] == [1]
