"""Hostile files against every upload and import, and hostile text against every page and
export.

Files (``tests/security/corpus.py``): each refused with a message naming the problem and
nothing written (row counts of every table and the files of the evidence store unchanged),
or, where only the name is hostile, kept under a sanitised name inside the store.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from inspect_app.demo_performance import catalogue_paths
from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.models import EvidenceFile, IndicatorImport, Review, SelfEvaluation, User
from inspect_app.services import indicator_data
from tests.evidence_helpers import post_files
from tests.factories import Factory
from tests.security import snapshots
from tests.security import xss as xss_checks
from tests.security.corpus import (
    OVERSIZE_LIMIT_MB,
    Hostile,
    Refused,
    evidence_corpus,
    indicator_corpus,
    workbook_corpus,
)
from tests.security.world import module_app, sign_in
from tests.security.xss_world import SLUG, XssWorld, mark


@dataclass
class UploadWorld:
    app: Flask
    make: Factory
    fieldwork: Review
    self_assessment: Review
    inspector: User
    authority_user: User
    administrator: User
    tmp: Path

    def client(self, user: User) -> FlaskClient:
        client = self.app.test_client()
        sign_in(client, user)
        return client


@pytest.fixture(scope="module")
def hostile_app(databases, tmp_path_factory):
    """One app and database for the module, with a small upload limit for the oversize files."""
    with module_app(databases, tmp_path_factory, MAX_UPLOAD_MB=OVERSIZE_LIMIT_MB) as app:
        yield app


@pytest.fixture(scope="module")
def uploads(hostile_app, tmp_path_factory, rubric_specs):
    make = Factory(db.session, rubric_specs)
    fieldwork = make.review_in(Phase.FIELDWORK)
    self_assessment = make.review_in(Phase.SELF_ASSESSMENT)
    world = UploadWorld(
        hostile_app,
        make,
        fieldwork,
        self_assessment,
        fieldwork.lead_inspector.user,
        make.authority_user(self_assessment.authority),
        make.administrator(),
        tmp_path_factory.mktemp("hostile-files"),
    )
    catalogue, rubric = catalogue_paths(hostile_app.config["RUBRICS_DIR"])
    indicator_data.ensure_catalogue(db.session, catalogue, rubric_path=rubric)
    db.session.commit()
    return world


def page_text(response) -> str:
    return " ".join(
        BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text().split()
    )


def evidence_form(entry: Hostile) -> dict:
    return {
        "title": f"Upload test: {entry.id}",
        "kind": "document",
        "source": "Northmere Children's Trust",
        "gathered_on": ["2", "10", "2026"],
        "inspectorate": "ofsted",
        "notes": "",
        "files": [(io.BytesIO(entry.data), entry.filename)],
    }


def check_refused(entry: Hostile, status: int, said: str, before, after) -> list[str]:
    """``status``: the HTTP status, or a command's exit code (1 when it refuses)."""
    assert isinstance(entry.expect, Refused)
    problems = []
    if status not in (1, 400, 413):
        problems.append(f"status {status}, not a refusal")
    if entry.expect.words not in said:
        problems.append(f"the message does not say {entry.expect.words!r}: {said[-400:]!r}")
    problems += before.changes(after)
    return problems


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{what}: {'; '.join(p)}" for what, p in problems.items() if p)


# ---------------------------------------------------------------------------- evidence


def test_evidence_upload_refuses_or_neutralises_every_hostile_file(uploads):
    client = uploads.client(uploads.inspector)
    path = f"/reviews/{uploads.fieldwork.id}/evidence/new"
    problems: dict[str, list[str]] = {}
    for entry in evidence_corpus():
        before = snapshots.take()
        response = post_files(client, path, evidence_form(entry))
        after = snapshots.take()
        if isinstance(entry.expect, Refused):
            problems[entry.id] = check_refused(
                entry, response.status_code, page_text(response), before, after
            )
        else:
            problems[entry.id] = _check_kept_evidence(client, uploads, entry, response)
    problems["store"] = snapshots.store_is_content_addressed()
    assert not any(problems.values()), report(problems)


def _check_kept_evidence(client, uploads, entry: Hostile, response) -> list[str]:
    if response.status_code != 303:
        return [f"a good file under a hostile name was not kept: {response.status_code}"]
    file = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id.desc())).first()
    problems = [
        f"stored name {file.original_name!r} {p}"
        for p in snapshots.unsafe_name_problems(file.original_name)
    ]
    download = client.get(
        f"/reviews/{uploads.fieldwork.id}/evidence/{file.evidence_item_id}/files/{file.id}"
    )
    download.close()
    disposition = download.headers.get("Content-Disposition", "")
    if download.status_code != 200 or "attachment" not in disposition:
        problems.append(f"download: {download.status_code} {disposition!r}")
    if "/" in disposition or "\\" in disposition or "\u202e" in disposition:
        problems.append(f"download name not sanitised: {disposition!r}")
    page = client.get(f"/reviews/{uploads.fieldwork.id}/evidence/{file.evidence_item_id}")
    if file.original_name not in page_text(page):
        problems.append("the page does not show the sanitised name")
    return problems


# ---------------------------------------------------------------------------- self-evaluation


def _workbook_corpus(uploads) -> list[Hostile]:
    return workbook_corpus(uploads.make.filled_workbook(uploads.self_assessment))


def test_self_evaluation_upload_refuses_or_neutralises_every_hostile_file(uploads):
    client = uploads.client(uploads.authority_user)
    path = f"/reviews/{uploads.self_assessment.id}/self-evaluation"
    problems: dict[str, list[str]] = {}
    for entry in _workbook_corpus(uploads):
        before = snapshots.take()
        response = post_files(client, path, {"workbook": (io.BytesIO(entry.data), entry.filename)})
        after = snapshots.take()
        if isinstance(entry.expect, Refused):
            problems[entry.id] = check_refused(
                entry, response.status_code, page_text(response), before, after
            )
        elif response.status_code != 303:
            problems[entry.id] = [f"a good workbook was not accepted: {response.status_code}"]
        else:
            problems[entry.id] = _check_kept_return(entry)
    problems["store"] = snapshots.store_is_content_addressed()
    assert not any(problems.values()), report(problems)


def _check_kept_return(entry: Hostile) -> list[str]:
    db.session.expire_all()
    returned = db.session.scalars(select(SelfEvaluation).order_by(SelfEvaluation.id.desc())).first()
    names = [returned.filename, *(f.original_name for f in returned.evidence_item.files)]
    return [f"name {n!r} {p}" for n in names for p in snapshots.unsafe_name_problems(n)]


def _cli_safe(entry: Hostile) -> bool:
    """Names a file system can hold (the command reads a file by its path)."""
    return (
        "/" not in entry.filename
        and "\x00" not in entry.filename
        and len(entry.filename.encode()) < 200
    )


def test_selfeval_import_command_refuses_every_hostile_file(uploads):
    runner = uploads.app.test_cli_runner()
    reference = uploads.self_assessment.reference
    problems: dict[str, list[str]] = {}
    for n, entry in enumerate(e for e in _workbook_corpus(uploads) if _cli_safe(e)):
        folder = uploads.tmp / f"cli-{n}"
        folder.mkdir()
        path = folder / entry.filename
        path.write_bytes(entry.data)
        before = snapshots.take()
        result = runner.invoke(args=["selfeval", "import", reference, str(path)])
        after = snapshots.take()
        if isinstance(entry.expect, Refused):
            problems[entry.id] = check_refused(
                entry,
                1 if result.exit_code == 1 else result.exit_code,
                result.output,
                before,
                after,
            )
            if (
                result.exit_code == 1
                and "Nothing was stored" not in result.output
                and ("limit" not in result.output)
            ):
                problems[entry.id].append("the command does not say nothing was stored")
        elif result.exit_code != 0:
            problems[entry.id] = [f"a good workbook was refused: {result.output}"]
        else:
            problems[entry.id] = _check_kept_return(entry)
    assert not any(problems.values()), report(problems)


# ---------------------------------------------------------------------------- indicator data


def _indicator_corpus(uploads) -> list[Hostile]:
    code = uploads.fieldwork.authority.code
    row = [code, "LAC-GCSE-5AC", "2006-07", 12.5]
    header = ["authority_code", "indicator_code", "period", "value"]
    good_csv = (",".join(header) + "\n" + ",".join(map(str, row)) + "\n").encode()
    book = openpyxl.Workbook()
    book.active.append(header)
    book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return indicator_corpus(good_csv, out.getvalue())


def _check_kept_import() -> list[str]:
    db.session.expire_all()
    record = db.session.scalars(select(IndicatorImport).order_by(IndicatorImport.id.desc())).first()
    return [
        f"name {record.filename!r} {p}" for p in snapshots.unsafe_name_problems(record.filename)
    ]


def test_indicator_import_page_refuses_every_hostile_file(uploads):
    client = uploads.client(uploads.administrator)
    problems: dict[str, list[str]] = {}
    for entry in _indicator_corpus(uploads):
        before = snapshots.take()
        response = post_files(
            client, "/admin/indicators/import", {"file": (io.BytesIO(entry.data), entry.filename)}
        )
        after = snapshots.take()
        if isinstance(entry.expect, Refused):
            problems[entry.id] = check_refused(
                entry, response.status_code, page_text(response), before, after
            )
        elif response.status_code != 303:
            problems[entry.id] = [f"a good file was not imported: {response.status_code}"]
        else:
            problems[entry.id] = _check_kept_import()
    assert not any(problems.values()), report(problems)


def test_data_import_command_refuses_every_hostile_file(uploads):
    runner = uploads.app.test_cli_runner()
    problems: dict[str, list[str]] = {}
    # The command is for operators on the server and has no size limit of its own.
    entries = [e for e in _indicator_corpus(uploads) if _cli_safe(e) and e.id != "oversize"]
    for n, entry in enumerate(entries):
        folder = uploads.tmp / f"data-{n}"
        folder.mkdir()
        path = folder / entry.filename
        path.write_bytes(entry.data)
        before = snapshots.take()
        result = runner.invoke(args=["data", "import", str(path)])
        after = snapshots.take()
        if isinstance(entry.expect, Refused):
            problems[entry.id] = check_refused(
                entry, result.exit_code, result.output, before, after
            )
            if "nothing was imported" not in result.output:
                problems[entry.id].append("the command does not say nothing was imported")
        elif result.exit_code != 0:
            problems[entry.id] = [f"a good file was refused: {result.output}"]
        else:
            problems[entry.id] = _check_kept_import()
    assert not any(problems.values()), report(problems)


# ---------------------------------------------------------------------------- hostile text


@pytest.fixture(scope="module")
def xss(hostile_app, rubric_specs):
    world = XssWorld.build(db.session, Factory(db.session, rubric_specs))
    clients = {"lead": hostile_app.test_client(), "authority": hostile_app.test_client()}
    sign_in(clients["lead"], world.lead)
    sign_in(clients["authority"], world.authority_user)
    clients["anonymous"] = hostile_app.test_client()
    return world, clients


REPORT_TEXT = (
    "introduction",
    "context",
    "main-findings",
    "area-narrative",
    "area-strengths",
    "area-weaknesses",
    "recommendation",
    "responsible",
)
GRADES = ("rationale-3", "rationale-2")


def _pages(world: XssWorld) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """name -> (who, path, the fields it must show)."""
    r = f"/reviews/{world.review.id}"
    ids = world.ids
    return {
        "evidence list": ("lead", f"{r}/evidence", ("evidence-title",)),
        "evidence item": (
            "lead",
            f"{r}/evidence/{ids['item_id']}",
            ("evidence-title", "evidence-notes", "evidence-source", "link-note"),
        ),
        "evidence search": ("lead", f"{r}/evidence?q=XSSMARK", ("evidence-title",)),
        "tracked case": (
            "lead",
            f"{r}/tracked-cases/{ids['case_id']}",
            ("case-summary", "contact-summary", "finding"),
        ),
        # Declaration details are stored but shown on no page: only checked for markup here.
        "team": ("lead", f"/reviews/{ids['setup_review_id']}/team", ()),
        "overview": ("lead", f"/reviews/{ids['setup_review_id']}", ()),
        "grade": ("lead", f"{r}/grading/{SLUG}", ()),
        "grade history": ("lead", f"{r}/grading/{SLUG}/history", GRADES),
        "lineage": ("lead", f"{r}/judgements/{SLUG}/lineage", ("agreed-reasons", *GRADES)),
        "moderation": ("lead", f"{r}/moderation", ()),
        "reconciliation": ("lead", f"{r}/reconciliation", ()),
        "report (team)": ("lead", f"{r}/report", REPORT_TEXT),
        "report (authority)": ("authority", f"{r}/report", REPORT_TEXT),
        "accuracy check": ("authority", f"{r}/report/accuracy", ("passage", "comment", "reply")),
        "accuracy comment": (
            "lead",
            f"{r}/report/accuracy/{ids['comment_id']}",
            ("passage", "comment", "reply"),
        ),
        "action plan": ("authority", f"{r}/action-plan", ("action", "owner", "progress")),
        "action plan (team)": ("lead", f"{r}/action-plan", ("action", "owner", "progress")),
        "edit action": ("authority", f"{r}/action-plan/actions/{ids['action_id']}", ()),
        "public report": ("anonymous", f"/published/{ids['public_slug']}", REPORT_TEXT),
        "public summary for children": (
            "anonymous",
            f"/published/{ids['public_slug']}/children",
            ("children-summary",),
        ),
    }


def test_no_payload_survives_as_markup_on_any_page(xss):
    world, clients = xss
    problems: dict[str, list[str]] = {}
    for name, (who, path, fields) in _pages(world).items():
        response = clients[who].get(path)
        html = response.get_data(as_text=True)
        found = [f"status {response.status_code}"] if response.status_code != 200 else []
        found += xss_checks.html_problems(html)
        shown = xss_checks.visible_text(html)
        found += [f"does not show {mark(f)}" for f in fields if mark(f) not in shown]
        problems[name] = found
    assert not any(problems.values()), report(problems)


EXPORTS = {
    # name -> (who, query, fields)
    "report (team)": ("lead", "", (*REPORT_TEXT, "agreed-reasons")),
    "report (public)": ("authority", "", (*REPORT_TEXT, "agreed-reasons")),
    "summary for children": ("authority", "?summary=children", ("children-summary",)),
}


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_no_payload_survives_in_an_export(xss, fmt):
    world, clients = xss
    problems: dict[str, list[str]] = {}
    for name, (who, query, fields) in EXPORTS.items():
        response = clients[who].get(f"/reviews/{world.review.id}/report/download/{fmt}{query}")
        data = response.get_data()
        found = [f"status {response.status_code}"] if response.status_code != 200 else []
        if fmt == "html":
            html = data.decode()
            found += xss_checks.html_problems(html)
            text = xss_checks.visible_text(html)
        elif fmt == "pdf":
            found += xss_checks.pdf_problems(data)
            text = xss_checks.pdf_text(data)
        else:
            found += xss_checks.docx_problems(data)
            text = xss_checks.docx_text(data)
        found += [f"does not show {mark(f)}" for f in fields if mark(f) not in text]
        problems[name] = found
    assert not any(problems.values()), report(problems)
