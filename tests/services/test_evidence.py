"""Storing evidence: sniffing, hashing, dedupe, refusals, links, deletion and the audit log."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import select

from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent, EvidenceBlob, EvidenceFile, EvidenceItem
from inspect_app.services import evidence as svc
from inspect_app.services.evidence import EvidenceError, Upload, UploadRefused
from tests.domain.evidence_samples import JPEG_BYTES, PNG_BYTES
from tests.evidence_helpers import (
    MB,
    REFUSED_UPLOADS,
    add,
    docx_bytes,
    evidence_dir,
    pdf_bytes,
    snapshot,
    stored_files,
    xlsx_bytes,
)
from tests.factories import evidence_store


@pytest.fixture
def review(make):
    return make.review_in(Phase.FIELDWORK)


@pytest.fixture
def inspector(review):
    return review.lead_inspector.user


def blob_path(sha: str):
    return evidence_dir() / "sha256" / sha[:2] / sha[2:4] / sha


def test_every_accepted_type_is_sniffed_from_its_content(session, review, inspector):
    files = {
        "report": pdf_bytes("Referral data"),  # no extension: the content decides
        "minutes.docx": docx_bytes(),
        "indicators.xlsx": xlsx_bytes(),
        "indicators.csv": b"indicator,value\nnot_in_education,7.8\n",
        "notes.txt": "Visit to Eastgate Children’s Centre".encode(),
        "summary.md": b"# Summary\n",
        "photo.png": PNG_BYTES,
        "photo.jpg": JPEG_BYTES,
    }
    item = add(session, review, inspector, files)
    kinds = {f.original_name: (f.blob.kind, f.media_type) for f in item.files}
    assert kinds == {
        "report": ("pdf", "application/pdf"),
        "minutes.docx": (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "indicators.xlsx": (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "indicators.csv": ("csv", "text/csv"),
        "notes.txt": ("text", "text/plain"),
        "summary.md": ("markdown", "text/markdown"),
        "photo.png": ("png", "image/png"),
        "photo.jpg": ("jpeg", "image/jpeg"),
    }
    report = next(f for f in item.files if f.original_name == "report")
    assert report.download_name == "report.pdf"


def test_files_are_stored_by_their_sha256_and_never_by_name(session, review, inspector):
    data = pdf_bytes("Strategy")
    item = add(session, review, inspector, {"../../etc/passwd.pdf": data})
    sha = hashlib.sha256(data).hexdigest()
    (file,) = item.files
    assert file.blob_sha256 == sha and file.size == len(data)
    assert file.original_name == "passwd.pdf"
    assert blob_path(sha).read_bytes() == data
    for path in stored_files():  # the review's self-evaluation workbook is stored too
        digest = path.name
        assert path == blob_path(digest) and len(digest) == 64 and "passwd" not in str(path)


def test_the_same_content_is_stored_once(session, make, review, inspector):
    data = pdf_bytes("The same plan")
    add(session, review, inspector, {"plan.pdf": data, "copy of plan.pdf": data})
    other_review = make.review_in(Phase.FIELDWORK)
    add(session, other_review, other_review.lead_inspector.user, {"plan (2).pdf": data})
    sha = hashlib.sha256(data).hexdigest()
    assert len(session.scalars(select(EvidenceBlob).where(EvidenceBlob.sha256 == sha)).all()) == 1
    assert (
        len(session.scalars(select(EvidenceFile).where(EvidenceFile.blob_sha256 == sha)).all()) == 3
    )
    assert [p for p in stored_files() if p.name == sha] == [blob_path(sha)]


@pytest.mark.parametrize("case", sorted(REFUSED_UPLOADS))
def test_refused_files_leave_nothing_behind(session, review, case):
    data, name, reason = REFUSED_UPLOADS[case]
    before = snapshot(session)
    with pytest.raises(UploadRefused) as refused:
        svc.stage_files(
            session, evidence_store(), [Upload(io.BytesIO(data), name)], max_bytes=50 * MB
        )
    (refusal,) = refused.value.refusals
    assert reason in refusal.reason and refusal.filename == name
    assert snapshot(session) == before


def test_an_oversize_file_is_refused_with_the_limit(session, review):
    before = snapshot(session)
    with pytest.raises(UploadRefused) as refused:
        svc.stage_files(
            session,
            evidence_store(),
            [Upload(io.BytesIO(b"a" * (MB + 1)), "big.txt")],
            max_bytes=MB,
        )
    assert "'big.txt' was refused: it is larger than the 1 MB limit" in (
        refused.value.refusals[0].reason
    )
    assert snapshot(session) == before


def test_a_path_traversal_name_is_only_sanitised_metadata(session, review, inspector):
    item = add(session, review, inspector, {"..\\..\\windows\\system32\\x.txt": b"text"})
    assert item.files[0].original_name == "x.txt"
    assert all(evidence_dir() in p.parents for p in stored_files())


def test_one_refused_file_means_none_is_kept(session, review):
    good = pdf_bytes("A good file")
    before = snapshot(session)
    with pytest.raises(UploadRefused) as refused:
        svc.stage_files(
            session,
            evidence_store(),
            [
                Upload(io.BytesIO(good), "good.pdf"),
                Upload(io.BytesIO(REFUSED_UPLOADS["macro-enabled Word"][0]), "bad.docx"),
                Upload(io.BytesIO(b""), "empty.csv"),
            ],
            max_bytes=50 * MB,
        )
    assert [r.filename for r in refused.value.refusals] == ["bad.docx", "empty.csv"]
    assert snapshot(session) == before


def test_a_refused_upload_keeps_content_that_is_already_in_use(session, review, inspector):
    data = pdf_bytes("In use")
    add(session, review, inspector, {"in-use.pdf": data})
    files = stored_files()
    with pytest.raises(UploadRefused):
        svc.stage_files(
            session,
            evidence_store(),
            [Upload(io.BytesIO(data), "again.pdf"), Upload(io.BytesIO(b""), "e.txt")],
            max_bytes=50 * MB,
        )
    assert stored_files() == files


def test_a_text_note_is_evidence_but_an_empty_one_is_not(session, review, inspector):
    item = add(
        session,
        review,
        inspector,
        kind=EvidenceKind.OBSERVATION,
        notes="Strategy meeting observed: well chaired.",
    )
    assert item.files == [] and item.notes.startswith("Strategy")
    with pytest.raises(EvidenceError, match="Write a note or choose at least one file"):
        add(session, review, inspector, notes="   ")


def test_details_are_checked(session, review, inspector):
    with pytest.raises(EvidenceError, match="Enter a title"):
        add(session, review, inspector, title="  ", notes="x")
    with pytest.raises(EvidenceError, match="Self-evaluation evidence"):
        add(session, review, inspector, kind=EvidenceKind.SELF_EVALUATION, notes="x")
    from datetime import date, timedelta

    with pytest.raises(EvidenceError, match="cannot be in the future"):
        add(session, review, inspector, notes="x", gathered_on=date.today() + timedelta(days=2))


def test_case_files_are_always_restricted(session, review, inspector):
    item = add(
        session,
        review,
        inspector,
        title="Case file NMB-CF-017",
        kind=EvidenceKind.CASE_FILE,
        notes="Assessment late.",
        restricted=False,
    )
    assert item.is_restricted


def test_adding_evidence_is_audited(session, review, inspector):
    item = add(session, review, inspector, {"plan.pdf": pdf_bytes()})
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.added")).one()
    assert (event.actor_id, event.review_id, event.subject_id) == (
        inspector.id,
        review.id,
        str(item.id),
    )
    assert event.after["files"] == [item.files[0].blob_sha256]


def test_linking_to_key_judgements(session, make, review, inspector):
    item = add(session, review, inspector, notes="LSCB minutes")
    kjs = {kj.number: kj for kj in svc.key_judgements_for(session, review.rubric_id)}
    svc.link_to_judgement(
        session,
        item,
        kjs["2.3"],
        stance=Stance.SUPPORTS,
        note="Fewer re-registrations",
        actor=inspector,
    )
    svc.link_to_judgement(
        session, item, kjs["2.5"], stance=Stance.CONTRADICTS, note="", actor=inspector
    )
    assert [(lk.key_judgement.number, lk.stance) for lk in item.sorted_links] == [
        ("2.3", "supports"),
        ("2.5", "contradicts"),
    ]
    # Linking again changes the link rather than adding another.
    svc.link_to_judgement(
        session, item, kjs["2.3"], stance=Stance.CONTRADICTS, note="Re-read: no", actor=inspector
    )
    assert [(lk.key_judgement.number, lk.stance, lk.note) for lk in item.sorted_links] == [
        ("2.3", "contradicts", "Re-read: no"),
        ("2.5", "contradicts", ""),
    ]
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("evidence.link%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["evidence.linked", "evidence.linked", "evidence.link_changed"]
    svc.remove_link(session, item.links[0], actor=inspector)
    assert len(item.links) == 1

    other_rubric = make.review_in(Phase.FIELDWORK, rubric_key="jar-2007")
    foreign = svc.key_judgements_for(session, other_rubric.rubric_id)[0]
    with pytest.raises(EvidenceError, match="not part of this review's rubric"):
        svc.link_to_judgement(
            session, item, foreign, stance=Stance.SUPPORTS, note="", actor=inspector
        )


def test_deleting_is_a_soft_delete_with_a_reason_and_the_file_stays(
    session, make, review, inspector
):
    data = pdf_bytes("Shared")
    item = add(session, review, inspector, {"shared.pdf": data})
    other_review = make.review_in(Phase.FIELDWORK)
    other = add(session, other_review, other_review.lead_inspector.user, {"shared.pdf": data})
    with pytest.raises(EvidenceError, match="Enter the reason"):
        svc.delete_evidence(session, item, reason=" ", actor=inspector)
    svc.delete_evidence(session, item, reason="Uploaded to the wrong review", actor=inspector)
    assert item.is_deleted and item.deletion_reason == "Uploaded to the wrong review"
    assert session.get(EvidenceItem, item.id) is not None
    assert evidence_store().exists(other.files[0].blob_sha256)
    assert evidence_store().exists(item.files[0].blob_sha256)
    with pytest.raises(EvidenceError, match="has been deleted"):
        svc.delete_evidence(session, item, reason="again", actor=inspector)
    with pytest.raises(EvidenceError, match="has been deleted"):
        svc.link_to_judgement(
            session,
            item,
            svc.key_judgements_for(session, review.rubric_id)[0],
            stance=Stance.SUPPORTS,
            note="",
            actor=inspector,
        )
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.deleted")).one()
    assert event.after == {"reason": "Uploaded to the wrong review"}


def test_only_restricted_evidence_is_audited_when_viewed(session, review, inspector):
    open_item = add(session, review, inspector, notes="Open")
    closed = add(session, review, inspector, notes="Closed", kind=EvidenceKind.CASE_FILE)
    svc.record_restricted_access(session, open_item, actor=inspector)
    svc.record_restricted_access(session, closed, actor=inspector, what="downloaded")
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("evidence.restricted%"))
    ).all()
    assert actions == ["evidence.restricted_downloaded"]


def test_the_evidence_page_filters(session, make):
    review = make.review()  # no self-evaluation return yet
    inspector = review.lead_inspector.user
    kjs = {kj.number: kj for kj in svc.key_judgements_for(session, review.rubric_id)}
    doc = add(session, review, inspector, notes="A", title="Plan")
    case = add(
        session, review, inspector, notes="B", title="Case file", kind=EvidenceKind.CASE_FILE
    )
    views = add(
        session, review, inspector, notes="C", title="TellUs", kind=EvidenceKind.CHILDRENS_VIEWS
    )
    from inspect_app.domain.inspectorates import Inspectorate

    data = add(
        session,
        review,
        inspector,
        notes="D",
        title="Indicators",
        kind=EvidenceKind.DATA,
        inspectorate=Inspectorate.AUDIT_COMMISSION,
    )
    deleted = add(session, review, inspector, notes="E", title="Gone")
    svc.delete_evidence(session, deleted, reason="duplicate", actor=inspector)
    svc.link_to_judgement(
        session, doc, kjs["6.1"], stance=Stance.SUPPORTS, note="", actor=inspector
    )
    other_review = make.review_in(Phase.FIELDWORK)
    add(session, other_review, other_review.lead_inspector.user, notes="F")

    def titles(include_restricted=True, **filters):
        page = svc.evidence_page(
            session, review, svc.EvidenceFilters(**filters), include_restricted=include_restricted
        )
        return sorted(i.title for i in page.items)

    assert titles() == sorted(["Plan", "Case file", "TellUs", "Indicators"])
    assert titles(include_restricted=False) == sorted(["Plan", "TellUs", "Indicators"])
    assert titles(kind=EvidenceKind.CHILDRENS_VIEWS) == ["TellUs"]
    assert titles(inspectorate=Inspectorate.AUDIT_COMMISSION) == ["Indicators"]
    from inspect_app.domain.evidence import Sensitivity

    assert titles(sensitivity=Sensitivity.RESTRICTED) == ["Case file"]
    assert titles(include_restricted=False, sensitivity=Sensitivity.RESTRICTED) == []
    assert titles(sensitivity=Sensitivity.UNRESTRICTED) == sorted(["Plan", "TellUs", "Indicators"])
    assert titles(key_judgement_id=kjs["6.1"].id) == ["Plan"]
    assert {case.id, views.id, data.id} <= {
        i.id
        for i in svc.evidence_page(
            session, review, svc.EvidenceFilters(), include_restricted=True
        ).items
    }


def test_the_evidence_page_is_paginated(session, make):
    review = make.review()
    inspector = review.lead_inspector.user
    for n in range(7):
        add(session, review, inspector, notes=f"Note {n}", title=f"Item {n}")
    first = svc.evidence_page(
        session, review, svc.EvidenceFilters(), page=1, include_restricted=True, per_page=3
    )
    last = svc.evidence_page(
        session, review, svc.EvidenceFilters(), page=99, include_restricted=True, per_page=3
    )
    assert (first.total, first.pages, len(first.items)) == (7, 3, 3)
    assert (last.page, len(last.items), last.first_number, last.last_number) == (3, 1, 7, 7)
    seen = {
        i.id
        for p in (1, 2, 3)
        for i in svc.evidence_page(
            session, review, svc.EvidenceFilters(), page=p, include_restricted=True, per_page=3
        ).items
    }
    assert len(seen) == 7
