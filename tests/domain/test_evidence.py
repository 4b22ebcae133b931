"""Evidence kinds, case references, search terms, coverage and the new access rules."""

from __future__ import annotations

import pytest

from inspect_app.domain.evidence import (
    MAX_SEARCH_TERMS,
    NO_EVIDENCE,
    SINGLE_SOURCE,
    EvidenceBearing,
    EvidenceKind,
    Stance,
    fts5_match_expression,
    normalise_case_reference,
    search_terms,
    summarise_coverage,
)
from inspect_app.domain.permissions import Access, ReviewRole, UserKind
from inspect_app.domain.phases import Phase


def test_case_files_are_always_restricted_and_self_evaluations_come_from_returns():
    assert EvidenceKind.CASE_FILE.always_restricted
    assert not EvidenceKind.DOCUMENT.always_restricted
    assert not EvidenceKind.SELF_EVALUATION.added_by_inspectors
    assert all(k.added_by_inspectors for k in EvidenceKind if k is not EvidenceKind.SELF_EVALUATION)
    assert EvidenceKind.CHILDRENS_VIEWS.label == "Views of children and young people"


@pytest.mark.parametrize(
    ("raw", "reference"),
    [
        ("NMB-CT-04", "NMB-CT-04"),
        (" nmb-ct-04 ", "NMB-CT-04"),
        ("CF/2006/117", "CF/2006/117"),
        ("A1", "A1"),
    ],
)
def test_pseudonymous_case_references(raw, reference):
    assert normalise_case_reference(raw) == reference


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "JOHN-SMITH",
        "Jane Doe 4",
        "NMB--04",
        "-NMB-04",
        "NMB_CT_04",
        "X" * 29 + "12",
        "NMB CT 04",
        "<script>1",
    ],
)
def test_names_and_odd_references_are_refused(raw):
    with pytest.raises(ValueError, match="Never use a child's name"):
        normalise_case_reference(raw)


def test_search_terms_are_words_only():
    assert search_terms('  Safeguarding  "board" AND (CAMHS*) -waits  ') == [
        "safeguarding",
        "board",
        "and",
        "camhs",
        "waits",
    ]
    assert search_terms("Looked-after looked after") == ["looked", "after"]
    assert search_terms('"*():^') == []
    assert len(search_terms(" ".join(f"w{i}" for i in range(40)))) == MAX_SEARCH_TERMS


def test_fts5_expression_quotes_every_term():
    assert fts5_match_expression(["camhs", 'o"k']) == '"camhs" "o""k"'


def bearing(
    judgement,
    item,
    stance=Stance.SUPPORTS,
    kind=EvidenceKind.DOCUMENT,
    inspectorate="ofsted",
    source="Council",
):
    return EvidenceBearing(judgement, item, stance, kind, inspectorate, source)


def test_coverage_counts_items_once_and_flags_triangulation():
    coverage = summarise_coverage(
        ["1.1", "1.2", "2.3", "2.4"],
        [
            bearing("1.1", 1),
            bearing("1.1", 1),  # a link and a finding: one item
            bearing("1.1", 2, Stance.CONTRADICTS, inspectorate="csci", source="School"),
            bearing(
                "1.1", 3, kind=EvidenceKind.CHILDRENS_VIEWS, inspectorate="ofsted", source="TellUs"
            ),
            bearing("2.3", 4, source="LSCB"),
            bearing("2.3", 5, source=" lscb "),
            bearing("2.4", 6, inspectorate=None, source="Northmere"),
            bearing("9.9", 7),  # not in this rubric: ignored
        ],
    )
    one = coverage["1.1"]
    assert (one.supporting, one.contradicting, one.childrens_views) == ({1}, {2}, {3})
    assert one.inspectorates == {"ofsted", "csci"}
    assert len(one.sources) == 3 and one.flags == ()
    assert coverage["1.2"].flags == (NO_EVIDENCE,)
    assert coverage["2.3"].flags == (SINGLE_SOURCE,)  # the same source, spelt differently
    assert coverage["2.4"].inspectorates == set() and coverage["2.4"].flags == (SINGLE_SOURCE,)
    assert list(coverage) == ["1.1", "1.2", "2.3", "2.4"]


OWN = 1


def access(kind, role=None, authority=None, phase=Phase.SELF_ASSESSMENT) -> Access:
    return Access(
        user_kind=kind,
        user_authority_id=authority,
        review_authority_id=OWN,
        review_phase=phase,
        role=role,
    )


def test_evidence_and_tracked_cases_are_the_teams():
    inspector = access(UserKind.INSPECTOR, ReviewRole.INSPECTOR)
    admin = access(UserKind.ADMINISTRATOR)
    authority = access(UserKind.AUTHORITY, authority=OWN)
    assert inspector.can_see_evidence and inspector.can_see_tracked_cases
    assert admin.can_see_evidence and not admin.can_see_tracked_cases
    assert not admin.can_see_restricted_evidence
    assert not authority.can_see_evidence and not authority.can_see_tracked_cases
    assert not authority.can_see_restricted_evidence


@pytest.mark.parametrize("phase", list(Phase))
def test_only_the_authority_uploads_and_only_in_self_assessment(phase):
    authority = access(UserKind.AUTHORITY, authority=OWN, phase=phase)
    other = access(UserKind.AUTHORITY, authority=2, phase=phase)
    lead = access(UserKind.INSPECTOR, ReviewRole.LEAD_INSPECTOR, phase=phase)
    assert authority.can_upload_self_evaluation is (phase is Phase.SELF_ASSESSMENT)
    assert not other.can_upload_self_evaluation and not other.can_view_self_evaluation
    assert not lead.can_upload_self_evaluation and lead.can_view_self_evaluation
    assert authority.can_view_self_evaluation
    assert not access(UserKind.ADMINISTRATOR, phase=phase).can_upload_self_evaluation
    reason = authority.self_evaluation_closed_reason
    if phase is Phase.SELF_ASSESSMENT:
        assert reason is None
    elif phase is Phase.SET_UP:
        assert "once the review reaches the self-assessment phase" in reason
    else:
        assert "self-assessment phase has ended" in reason and phase.label.lower() in reason
    assert lead.self_evaluation_closed_reason is None
