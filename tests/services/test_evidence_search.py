"""Full-text search: the same API and results on SQLite (FTS5) and PostgreSQL (tsvector).

Every test here runs on whichever database the suite uses; CI runs the suite on both
(INSPECT_TEST_DATABASE_URL), so both code paths are exercised by the same tests.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.services import evidence as svc
from inspect_app.services import evidence_search
from inspect_app.services.evidence import EvidenceFilters
from tests.evidence_helpers import add, docx_bytes, pdf_bytes


@pytest.fixture
def review(make):
    return make.review()


@pytest.fixture
def inspector(review):
    return review.lead_inspector.user


def found(session, review, query, *, include_restricted=True, **filters) -> list[str]:
    page = svc.evidence_page(
        session,
        review,
        EvidenceFilters(query=query, **filters),
        include_restricted=include_restricted,
    )
    return [item.title for item in page.items]


@pytest.fixture
def library(session, review, inspector):
    kjs = {kj.number: kj for kj in svc.key_judgements_for(session, review.rubric_id)}
    add(
        session,
        review,
        inspector,
        title="Safeguarding board annual report",
        notes="Chaired independently.",
    )
    add(
        session,
        review,
        inspector,
        {"minutes.pdf": pdf_bytes("Fostering panel minutes")},
        title="Panel minutes (PDF)",
    )
    add(
        session,
        review,
        inspector,
        {"plan.docx": docx_bytes("Commissioning of mental health services", "Waiting lists")},
        title="Commissioning plan",
    )
    add(
        session,
        review,
        inspector,
        {"visit.txt": "Observed a lively stay and play session at the children’s centre.".encode()},
        title="Visit note",
    )
    case = add(
        session,
        review,
        inspector,
        title="Case file NMB-CF-017",
        kind=EvidenceKind.CASE_FILE,
        notes="Core assessment completed late.",
    )
    linked = add(
        session,
        review,
        inspector,
        title="Interview with head teachers",
        kind=EvidenceKind.INTERVIEW,
        notes="Attendance project",
    )
    svc.link_to_judgement(
        session,
        linked,
        kjs["1.4"],
        stance=Stance.CONTRADICTS,
        note="Referrals to CAMHS disappear",
        actor=inspector,
    )
    gone = add(session, review, inspector, title="Deleted safeguarding duplicate", notes="x")
    svc.delete_evidence(session, gone, reason="duplicate", actor=inspector)
    return case


def test_searches_titles_notes_link_notes_and_file_text(session, review, library):
    assert found(session, review, "annual report") == ["Safeguarding board annual report"]
    assert found(session, review, "independently") == ["Safeguarding board annual report"]
    assert found(session, review, "fostering") == ["Panel minutes (PDF)"]  # PDF text
    assert found(session, review, "waiting lists") == ["Commissioning plan"]  # DOCX table
    assert found(session, review, "stay and play") == ["Visit note"]  # TXT file
    assert found(session, review, "CAMHS") == ["Interview with head teachers"]  # link note
    assert found(session, review, "minutes.pdf") == ["Panel minutes (PDF)"]  # file name


def test_every_word_must_match_and_words_are_stemmed(session, review, library):
    assert found(session, review, "panel fostering") == ["Panel minutes (PDF)"]
    assert found(session, review, "panel safeguarding") == []
    assert found(session, review, "assessments") == ["Case file NMB-CF-017"]
    assert found(session, review, "COMMISSIONED") == ["Commissioning plan"]


def test_search_respects_restriction_deletion_and_filters(session, make, review, library):
    assert found(session, review, "assessment", include_restricted=False) == []
    assert found(session, review, "safeguarding") == ["Safeguarding board annual report"]
    assert found(session, review, "safeguarding", kind=EvidenceKind.INTERVIEW) == []
    other = make.review()
    add(session, other, other.lead_inspector.user, title="Safeguarding elsewhere", notes="y")
    assert found(session, review, "safeguarding") == ["Safeguarding board annual report"]
    assert found(session, other, "safeguarding") == ["Safeguarding elsewhere"]


@pytest.mark.parametrize(
    "query",
    ['"', "*", "(", "AND OR NOT", "NEAR(a b)", "title:x", "a' OR '1'='1", "-x", "^", "ñandú"],
)
def test_awkward_queries_never_fail(session, review, library, query):
    found(session, review, query)  # no exception; whatever matches


def test_a_query_without_words_lists_everything(session, review, library):
    assert evidence_search.matching_items(session, ' "*" ') is None
    assert len(found(session, review, ' "*" ')) == 6


def test_best_matches_come_first(session, review, inspector):
    add(session, review, inspector, title="Notes", notes="mentions camhs once")
    add(
        session,
        review,
        inspector,
        title="CAMHS waiting times",
        notes="camhs camhs camhs waiting camhs",
    )
    assert found(session, review, "camhs")[0] == "CAMHS waiting times"


def test_changes_reach_the_index(session, review, inspector):
    item = add(session, review, inspector, title="Strategy", notes="original wording")
    assert found(session, review, "original") == ["Strategy"]
    from inspect_app.services.evidence import EvidenceDetails

    svc.update_evidence(
        session,
        item,
        EvidenceDetails(
            title="Strategy",
            kind=EvidenceKind.DOCUMENT,
            source="Council",
            gathered_on=item.gathered_on,
            inspectorate=None,
            notes="revised wording",
        ),
        actor=inspector,
    )
    assert found(session, review, "original") == []
    assert found(session, review, "revised") == ["Strategy"]


def test_the_index_is_the_one_for_this_database(session):
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        names = (
            session.execute(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'evidence_search%'")
            )
            .scalars()
            .all()
        )
        assert "evidence_search_fts" in names
    else:
        column = session.execute(
            text(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'evidence_search' AND column_name = 'document'"
            )
        ).scalar()
        assert column == "tsvector"
        index = session.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_evidence_search_document'")
        ).scalar()
        assert "gin" in index.lower()
