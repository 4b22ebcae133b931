"""Evidence pages: upload, link, delete, download, coverage, tracked cases, and who sees what."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent, EvidenceItem, EvidenceLink, TrackedCase
from inspect_app.services import case_tracking
from inspect_app.services import evidence as svc
from inspect_app.services.case_tracking import CaseDetails
from tests.evidence_helpers import (
    REFUSED_UPLOADS,
    add,
    docx_bytes,
    pdf_bytes,
    post_files,
    snapshot,
)
from tests.querycount import count_queries


@pytest.fixture
def review(make):
    return make.review_in(Phase.FIELDWORK)


@pytest.fixture
def lead(review):
    return review.lead_inspector.user


@pytest.fixture
def world(make, session, review, lead):
    """An open item, a restricted case file with a file, a tracked case; and the people."""
    kjs = {kj.number: kj for kj in svc.key_judgements_for(session, review.rubric_id)}
    plan = add(session, review, lead, {"plan.pdf": pdf_bytes("Plan")}, title="Plan")
    svc.link_to_judgement(
        session, plan, kjs["6.1"], stance=Stance.SUPPORTS, note="Ambitious", actor=lead
    )
    case_file = add(
        session,
        review,
        lead,
        {"notes.txt": b"Core assessment late."},
        title="Case file NMB-CF-017",
        kind=EvidenceKind.CASE_FILE,
    )
    tracked = case_tracking.start_tracking(
        session, review, CaseDetails("NMB-CT-04", ("School",)), actor=lead
    )
    other_review = make.review_in(Phase.FIELDWORK)
    elsewhere = add(
        session,
        other_review,
        other_review.lead_inspector.user,
        title="Elsewhere",
        notes="Another review's evidence",
    )
    people = {
        "lead": lead,
        "author": next(m.user for m in review.team if m.role == ReviewRole.REPORT_AUTHOR),
        "admin": make.administrator(),
        "authority": make.authority_user(review.authority),
        "other authority": make.authority_user(other_review.authority),
        "outsider": make.inspector(),
    }
    session.commit()
    return {
        "plan": plan,
        "case_file": case_file,
        "tracked": tracked,
        "elsewhere": elsewhere,
        "other_review": other_review,
        "kjs": kjs,
        **people,
    }


def url(review, path=""):
    return f"/reviews/{review.id}/evidence{path}"


# --------------------------------------------------------------------------- who sees what


def test_the_authority_sees_no_evidence_at_all(pages, review, world):
    pages.sign_in(world["authority"])
    plan, case_file, tracked = world["plan"], world["case_file"], world["tracked"]
    for path in (
        "",
        "/coverage",
        f"/{plan.id}",
        f"/{case_file.id}",
        "/new",
        f"/{plan.id}/files/{plan.files[0].id}",
        f"/{case_file.id}/files/{case_file.files[0].id}",
    ):
        pages.get(url(review, path), status=404)
    pages.get(f"/reviews/{review.id}/tracked-cases", status=404)
    pages.get(f"/reviews/{review.id}/tracked-cases/{tracked.id}", status=404)
    overview = pages.get(f"/reviews/{review.id}")
    nav = [a.get_text() for a in overview.select("nav[aria-label='Review sections'] a")]
    assert "Self-evaluation" in nav
    assert not {"Evidence", "Coverage", "Tracked cases"} & set(nav)


def test_nobody_sees_another_reviews_evidence_through_this_review(pages, review, world):
    elsewhere = world["elsewhere"]
    pages.sign_in(world["lead"])
    pages.get(url(review, f"/{elsewhere.id}"), status=404)
    response = pages.client.post(
        url(review, f"/{elsewhere.id}/links"),
        data={"key_judgement": world["kjs"]["1.1"].id, "stance": "supports"},
    )
    assert response.status_code == 404
    pages.get(url(world["other_review"]), status=404)  # not on that team
    for who in ("other authority", "outsider"):
        pages.client.post("/sign-out")
        pages.sign_in(world[who])
        pages.get(url(review), status=404)
        pages.get(url(world["other_review"], f"/{elsewhere.id}"), status=404)


def test_restricted_evidence_is_for_the_teams_inspectors_only(pages, session, review, world):
    case_file = world["case_file"]
    pages.sign_in(world["admin"])
    listing = pages.get(url(review))
    assert "Plan" in listing.get_text() and "NMB-CF-017" not in listing.get_text()
    assert "NMB-CT-04" not in listing.get_text()
    pages.get(url(review, f"/{case_file.id}"), status=404)
    pages.get(url(review, f"/{case_file.id}/files/{case_file.files[0].id}"), status=404)
    pages.get(f"/reviews/{review.id}/tracked-cases", status=403)
    pages.get(url(review, "?sensitivity=restricted"), status=200)  # not an offered choice
    pages.client.post("/sign-out")

    pages.sign_in(world["author"])  # a report author is an inspector on the team
    page = pages.get(url(review, f"/{case_file.id}"))
    assert page.select_one("[data-testid=restricted-warning]")


def test_every_view_and_download_of_restricted_evidence_is_audited(pages, session, review, world):
    case_file, plan, tracked = world["case_file"], world["plan"], world["tracked"]
    pages.sign_in(world["lead"])
    pages.get(url(review, f"/{case_file.id}"))
    with pages.client.get(url(review, f"/{case_file.id}/files/{case_file.files[0].id}")) as got:
        assert got.status_code == 200
    pages.get(f"/reviews/{review.id}/tracked-cases/{tracked.id}")
    pages.get(url(review, f"/{plan.id}"))
    with pages.client.get(url(review, f"/{plan.id}/files/{plan.files[0].id}")) as got:
        assert got.status_code == 200
    events = session.execute(
        select(AuditEvent.action, AuditEvent.subject_id, AuditEvent.actor_id)
        .where(AuditEvent.action.like("evidence.restricted_%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        ("evidence.restricted_viewed", str(case_file.id), world["lead"].id),
        ("evidence.restricted_downloaded", str(case_file.id), world["lead"].id),
        ("evidence.restricted_viewed", str(tracked.evidence_item_id), world["lead"].id),
    ]


def test_only_the_teams_inspectors_add_evidence(pages, review, world):
    for who, status in (("admin", 403), ("author", 403), ("authority", 404)):
        pages.client.post("/sign-out")
        pages.sign_in(world[who])
        pages.get(url(review, "/new"), status=status)
        response = pages.client.post(url(review, "/new"), data={"title": "x"})
        assert response.status_code == status


# --------------------------------------------------------------------------- upload


def form(**overrides):
    data = {
        "title": "Children's Trust board minutes",
        "kind": "document",
        "source": "Northmere Children's Trust",
        "gathered_on": ["2", "10", "2026"],
        "inspectorate": "ofsted",
        "neighbourhood": "Eastgate",
        "notes": "Board reviews the scorecard quarterly.",
    }
    data.update(overrides)
    return data


def test_an_inspector_uploads_several_files_in_one_form(pages, session, review, world):
    pages.sign_in(world["lead"])
    page = pages.get(url(review, "/new"))
    assert page.select_one("form[enctype='multipart/form-data'] input#files[type=file][multiple]")
    response = post_files(
        pages.client,
        url(review, "/new"),
        form(
            files=[
                (io.BytesIO(pdf_bytes("Minutes")), "minutes.pdf"),
                (io.BytesIO(docx_bytes()), "actions.docx"),
            ]
        ),
    )
    assert response.status_code == 303
    item = session.scalars(
        select(EvidenceItem).where(EvidenceItem.title == "Children's Trust board minutes")
    ).one()
    assert response.headers["Location"].endswith(f"/evidence/{item.id}")
    assert sorted(f.original_name for f in item.files) == ["actions.docx", "minutes.pdf"]
    assert (item.neighbourhood, item.inspectorate, str(item.gathered_on)) == (
        "Eastgate",
        "ofsted",
        "2026-10-02",
    )
    page = pages.get(url(review, f"/{item.id}"))
    assert "has been added" in page.get_text()
    assert len(page.select("[data-testid=files] tbody tr")) == 2


def test_a_note_without_files_is_evidence(pages, session, review, world):
    pages.sign_in(world["lead"])
    pages.post(url(review, "/new"), form(kind="observation", title="Strategy meeting observed"))
    item = session.scalars(
        select(EvidenceItem).where(EvidenceItem.title == "Strategy meeting observed")
    ).one()
    assert item.files == [] and item.kind == "observation"


def test_refused_files_are_each_listed_and_none_is_stored(pages, session, review, world):
    pages.sign_in(world["lead"])
    before = snapshot(session)
    uploads = [(io.BytesIO(pdf_bytes("Fine")), "fine.pdf")] + [
        (io.BytesIO(data), name) for data, name, _ in REFUSED_UPLOADS.values()
    ]
    response = post_files(pages.client, url(review, "/new"), form(files=uploads))
    assert response.status_code == 400
    page = pages.check(response.get_data(as_text=True))
    summary = pages.text(page, ".govuk-error-summary")
    for _, _, reason in REFUSED_UPLOADS.values():
        assert reason in summary
    assert len(page.select("[data-testid=refusals] li")) == len(REFUSED_UPLOADS)
    assert f"{len(REFUSED_UPLOADS)} files were refused, so no files were saved" in summary
    assert "'fine.pdf'" not in summary
    session.expire_all()
    assert snapshot(session) == before


def test_form_errors_and_files_are_reported_together(pages, session, review, world):
    pages.sign_in(world["lead"])
    before = snapshot(session)
    response = post_files(
        pages.client,
        url(review, "/new"),
        form(
            title="",
            gathered_on=["31", "2", "2026"],
            files=[(io.BytesIO(b""), "empty.txt"), (io.BytesIO(pdf_bytes()), "ok.pdf")],
        ),
    )
    assert response.status_code == 400
    page = pages.check(response.get_data(as_text=True))
    summary = pages.text(page, ".govuk-error-summary")
    assert "Enter a title" in summary and "must be a real date" in summary
    assert "'empty.txt' was refused: the file is empty" in summary
    assert page.title.text.startswith("Error: ")
    session.expire_all()
    assert snapshot(session) == before


def test_an_oversize_file_and_an_oversize_request_are_refused(app, pages, session, review, world):
    app.config["MAX_UPLOAD_MB"] = 1
    pages.sign_in(world["lead"])
    before = snapshot(session)
    response = post_files(
        pages.client,
        url(review, "/new"),
        form(files=[(io.BytesIO(b"a" * (1024 * 1024 + 10)), "big.txt")]),
    )
    assert response.status_code == 400
    assert "larger than the 1 MB limit" in response.get_data(as_text=True)
    response = post_files(
        pages.client,
        url(review, "/new"),
        form(files=[(io.BytesIO(b"a" * (1024 * 1024)), f"f{n}.txt") for n in range(22)]),
    )
    assert response.status_code == 413
    assert "Upload fewer files at a time" in response.get_data(as_text=True)
    session.expire_all()
    assert snapshot(session) == before


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=-3",
        "?page=99999",
        "?kind=nonsense",
        "?judgement=99.9",
        "?inspectorate=%00",
        "?sensitivity=x",
        "?q=" + "x" * 500,
        '?q="*(NEAR',
        "?q=%F0%9F%98%80",
    ],
)
def test_bad_list_parameters_never_fail(pages, review, world, query):
    pages.sign_in(world["lead"])
    pages.get(url(review, query), status=200)


def test_garbage_posts_never_fail(pages, review, world):
    pages.sign_in(world["lead"])
    plan = world["plan"]
    for path, data in (
        ("/new", {"kind": "self_evaluation", "title": "x"}),
        ("/new", {"kind": "zzz", "gathered_on": "x"}),
        (f"/{plan.id}/links", {"key_judgement": "abc", "stance": "maybe"}),
        (f"/{plan.id}/links", {"key_judgement": "999999", "stance": "supports"}),
        (f"/{plan.id}/delete", {"reason": ""}),
        (f"/{plan.id}/edit", {"title": ""}),
    ):
        response = pages.client.post(url(review, path), data=data)
        assert response.status_code in (200, 400), (path, response.status_code)


# --------------------------------------------------------------------------- item pages


def test_linking_an_item_to_a_key_judgement(pages, session, review, world):
    plan, kjs = world["plan"], world["kjs"]
    pages.sign_in(world["lead"])
    pages.post(
        url(review, f"/{plan.id}/links"),
        {"key_judgement": kjs["6.2"].id, "stance": "contradicts", "note": "No resources"},
    )
    page = pages.get(url(review, f"/{plan.id}"))
    rows = [" ".join(r.get_text(" ").split()) for r in page.select("[data-testid=links] tbody tr")]
    assert rows[0].startswith("6.1") and "Supports" in rows[0]
    assert rows[1].startswith("6.2") and "Contradicts" in rows[1] and "No resources" in rows[1]
    page = pages.post(
        url(review, f"/{plan.id}/links"), {"key_judgement": 0, "stance": "supports"}, status=400
    )
    assert "Select a key judgement" in pages.text(page, ".govuk-error-summary")
    link = session.scalars(
        select(EvidenceLink).where(EvidenceLink.key_judgement_id == kjs["6.2"].id)
    ).one()
    pages.post(url(review, f"/{plan.id}/links/{link.id}/remove"), {})
    session.expire_all()
    assert [lk.key_judgement.number for lk in session.get(EvidenceItem, plan.id).links] == ["6.1"]


def test_changing_and_deleting_an_item(pages, session, review, world):
    plan = world["plan"]
    pages.sign_in(world["lead"])
    page = pages.get(url(review, f"/{plan.id}/edit"))
    assert page.select_one("input#title")["value"] == "Plan"
    pages.post(url(review, f"/{plan.id}/edit"), form(title="Plan (final)"))
    page = pages.post(url(review, f"/{plan.id}/delete"), {"reason": ""}, status=200)
    assert "Enter the reason" in pages.text(page, ".govuk-error-summary")
    pages.post(url(review, f"/{plan.id}/delete"), {"reason": "Superseded by the 2007 plan"})
    session.expire_all()
    item = session.get(EvidenceItem, plan.id)
    assert item.title == "Plan (final)" and item.is_deleted
    assert "Plan (final)" not in pages.text(pages.get(url(review)), "[data-testid=evidence]")
    page = pages.get(url(review, f"/{plan.id}"))
    assert "Superseded by the 2007 plan" in pages.text(page, "[data-testid=deleted]")
    pages.get(url(review, f"/{plan.id}/files/{plan.files[0].id}"), status=404)
    pages.get(url(review, f"/{plan.id}/delete"), status=409)


def test_downloads_are_attachments_with_safe_names_and_types(pages, review, world, session):
    plan = world["plan"]
    pages.sign_in(world["lead"])
    with pages.client.get(url(review, f"/{plan.id}/files/{plan.files[0].id}")) as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == "attachment; filename=plan.pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == pdf_bytes("Plan")
    odd = add(
        session, review, world["lead"], {'../"evil"\r\nname.html.txt': b"<script>"}, title="Odd"
    )
    session.commit()
    with pages.client.get(url(review, f"/{odd.id}/files/{odd.files[0].id}")) as response:
        disposition = response.headers["Content-Disposition"]
        assert response.mimetype == "text/plain"
    assert disposition.startswith("attachment;") and "\r" not in disposition
    assert ".." not in disposition and '"evil"' not in disposition
    other = world["plan"].files[0].id
    pages.get(url(review, f"/{world['case_file'].id}/files/{other}"), status=404)


def test_the_list_filters_and_searches(pages, review, world):
    pages.sign_in(world["lead"])
    page = pages.get(url(review, "?judgement=6.1"))
    assert [
        a.get_text() for a in page.select("[data-testid=evidence] tbody tr td:first-child a")
    ] == ["Plan"]
    page = pages.get(url(review, "?kind=case_file&sensitivity=restricted"))
    titles = {a.get_text() for a in page.select("[data-testid=evidence] tbody td:first-child a")}
    assert titles == {"Case file NMB-CF-017", "Tracked case NMB-CT-04"}
    page = pages.get(url(review, "?q=core+assessment"))
    assert "1 item matches “core assessment”" in pages.text(page, "caption")
    page = pages.get(url(review, "?q=nothing+like+this"))
    assert "No evidence matches" in page.get_text()


def seed(session, review, lead, count: int) -> None:
    kjs = svc.key_judgements_for(session, review.rubric_id)
    for n in range(count):
        files = {f"doc{n}.txt": f"Document {n}".encode()} if n % 3 == 0 else None
        item = add(
            session,
            review,
            lead,
            files,
            title=f"Item {n}",
            notes=f"Note {n}",
            kind=EvidenceKind.CASE_FILE if n % 5 == 0 else EvidenceKind.DOCUMENT,
            inspectorate=Inspectorate.CSCI if n % 2 else Inspectorate.OFSTED,
        )
        for kj in kjs[n % 7 : n % 7 + 2]:
            svc.link_to_judgement(session, item, kj, stance=Stance.SUPPORTS, note="n", actor=lead)
        if n % 10 == 0:
            case = case_tracking.start_tracking(
                session, review, CaseDetails(f"NMB-CT-{n:02d}", ("School",)), actor=lead
            )
            case_tracking.add_finding(
                session, case, kjs[0], stance=Stance.CONTRADICTS, text="f", actor=lead
            )
    session.commit()


def test_list_and_coverage_pages_issue_the_same_queries_for_5_and_60_items(make, session, pages):
    small, large = make.review_in(Phase.FIELDWORK), make.review_in(Phase.FIELDWORK)
    lead = make.inspector()
    make.member(small, lead)
    make.member(large, lead)
    seed(session, small, lead, 5)
    seed(session, large, lead, 60)
    pages.sign_in(lead)

    def statements(review, path) -> int:
        with count_queries() as seen:
            pages.get(url(review, path))
        return len(seen)

    for path in ("", "?q=note", "?judgement=1.2", "/coverage"):
        assert statements(small, path) == statements(large, path), path
    assert statements(large, "?page=3") <= statements(large, "")
    for path in ("", "?q=note", "?judgement=1.2", "?kind=document&sensitivity=restricted"):
        assert statements(large, path) <= 15, path  # issue 8's target for every page


# --------------------------------------------------------------------------- coverage, cases


def test_the_coverage_map(pages, review, world):
    pages.sign_in(world["lead"])
    page = pages.get(url(review, "/coverage"))
    row = page.select_one("tr[data-judgement='6.1']")
    assert row.select_one("[data-count=supports]").get_text() == "1"
    assert "Single source" in row.select_one("[data-flag]").get_text()
    assert "No evidence" in page.select_one("tr[data-judgement='1.2'] [data-flag]").get_text()
    assert "3 – Good" in page.select_one("tr[data-judgement='1.1']").get_text()  # self-grade
    assert page.select_one("#childrens-views")


def test_tracking_a_case_through_the_pages(pages, session, review, world):
    pages.sign_in(world["lead"])
    page = pages.post(
        f"/reviews/{review.id}/tracked-cases/new",
        {"reference": "Jayden Smith", "services": "School"},
        status=200,
    )
    assert "Never use a child's name" in pages.text(page, ".govuk-error-summary")
    pages.post(
        f"/reviews/{review.id}/tracked-cases/new",
        {
            "reference": "nmb-ct-07",
            "services": "Connexions\nCollege\n",
            "age_group": "16 to 19",
            "summary": "Not in education after school.",
        },
    )
    case = session.scalars(select(TrackedCase).where(TrackedCase.reference == "NMB-CT-07")).one()
    base = f"/reviews/{review.id}/tracked-cases/{case.id}"
    pages.get(base)  # each success banner is shown once
    pages.post(
        f"{base}/contacts",
        {
            "contact-contact_on": ["3", "4", "2026"],
            "contact-service": "College",
            "contact-summary": "Enrols on a foundation course.",
        },
    )
    pages.get(base)  # shows the success banner
    pages.post(
        f"{base}/findings",
        {
            "finding-key_judgement": world["kjs"]["5.2"].id,
            "finding-stance": "supports",
            "finding-text": "Persistent support into training.",
        },
    )
    pages.get(base)
    page = pages.post(f"{base}/contacts", {"contact-service": "College"}, status=400)
    assert "Enter the date of the contact" in pages.text(page, ".govuk-error-summary")
    page = pages.get(base)
    assert "Enrols on a foundation course." in pages.text(page, "[data-testid=timeline]")
    assert "5.2" in pages.text(page, "[data-testid=findings]")
    listing = pages.get(f"/reviews/{review.id}/tracked-cases")
    assert re.search(
        r"2 tracked cases out of 3 case files",
        pages.text(listing, "[data-testid=tracked-cases] caption"),
    )
