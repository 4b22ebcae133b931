"""The report annex carries each judgement's whole lineage: every agreed value recorded and,
for the inspection team only, every grade each team member submitted with every revision."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.phases import Phase
from inspect_app.domain.report import Audience, ReportDocument, compute_hash
from inspect_app.exports import EXPORTERS
from inspect_app.models import PublishedReport
from inspect_app.models.types import utcnow
from inspect_app.services import publication
from inspect_app.services.report_builder import build_document
from inspect_app.services.reviews import advance_phase, load_review
from tests.exports.readers import read_json, read_json_lineage, read_xlsx_lineage
from tests.grading_helpers import GradingWorld, agree, submit
from tests.querycount import count_queries
from tests.report_factories import ReportWorld, write_minimal_report

SECRET = "Case file NMB-CF-017 shows the risk analysis was missing."  # noqa: S105 (a rationale)
OLD_SNAPSHOT = (
    Path(__file__).parents[1] / "exports" / "data" / "snapshot_before_lineage_history.json"
)


def _graded(make) -> GradingWorld:
    """2.3 graded by two inspectors, one of whom revised; agreed twice at moderation."""
    world = GradingWorld.build(make, Phase.FIELDWORK)
    first = submit(world, world.ofsted, "kj-2.3", 3, "Plans were sound.", "medium")
    submit(world, world.ofsted, "kj-2.3", 2, SECRET, "high", version=first.version)
    submit(world, world.csci, "kj-2.3", 2, "Thresholds understood.", "medium")
    world.advance(Phase.MODERATION)
    agreed = agree(world, "kj-2.3", 3, "The team's first view.")
    agree(world, "kj-2.3", 2, "Risk analysis is missing too often.", version=agreed.version)
    world.session.commit()
    return world


def _row(doc: ReportDocument, judgement: str = "2.3"):
    return next(r for r in doc.lineage if r.judgement == judgement)


def _doc(world, audience: Audience) -> ReportDocument:
    return build_document(
        world.session, load_review(world.session, world.review.id), audience=audience
    )


def _render(doc: ReportDocument, audience: Audience) -> dict[str, bytes]:
    return {fmt: EXPORTERS[fmt].render(doc, audience) for fmt in ("html", "md", "json", "xlsx")}


def test_the_teams_document_keeps_every_grade_revision_and_agreed_value(make):
    world = _graded(make)
    row = _row(_doc(world, Audience.INSPECTION_TEAM))
    histories = [
        (h.grader_name, h.inspectorate_label, [(r.version, r.grade) for r in h.revisions])
        for h in row.team_histories
    ]
    assert histories == [
        (world.ofsted.name, Inspectorate.OFSTED.label, [(1, 3), (2, 2)]),
        (world.csci.name, Inspectorate.CSCI.label, [(1, 2)]),
    ]
    ofsted = row.team_histories[0]
    assert [r.rationale for r in ofsted.revisions] == ["Plans were sound.", SECRET]
    assert all(r.recorded_by == world.ofsted.name for r in ofsted.revisions)
    assert ofsted.revisions[0].recorded_at <= ofsted.revisions[1].recorded_at
    versions = [(v.version, v.grade, v.label, v.agreed_by, v.reasons) for v in row.agreed_versions]
    assert versions == [
        (1, 3, "Good", world.lead.name, "The team's first view."),
        (2, 2, "Adequate", world.lead.name, "Risk analysis is missing too often."),
    ]
    assert row.agreed_versions[-1].agreed_at == row.agreed_at
    assert row.revisions_count == 1 and (row.agreed_grade, row.reasons) == (2, versions[1][4])
    # a judgement nobody graded has no history, and no agreed value yet
    assert _row(_doc(world, Audience.INSPECTION_TEAM), "1.1").team_histories == ()


def test_json_and_spreadsheet_give_the_same_lineage_as_the_document(make):
    world = _graded(make)
    team = Audience.INSPECTION_TEAM
    doc = _doc(world, team)
    out = _render(doc, team)
    steps = read_json_lineage(out["json"].decode())
    assert steps == read_xlsx_lineage(out["xlsx"])
    mine = [s[2:5] for s in steps if s[0] == "2.3"]
    assert mine == [
        (1, 3, world.lead.name),
        (2, 2, world.lead.name),
        (1, 3, world.ofsted.name),
        (2, 2, world.ofsted.name),
        (1, 2, world.csci.name),
    ]
    judgement = next(j for j in json.loads(out["json"])["judgements"] if j["judgement"] == "2.3")
    rationales = [r["rationale"] for h in judgement["team_grade_history"] for r in h["revisions"]]
    assert rationales == ["Plans were sound.", SECRET, "Thresholds understood."]
    for fmt in ("html", "md"):  # in words: the revision, but never the rationale
        text = out[fmt].decode()
        assert f"{world.ofsted.name} ({Inspectorate.OFSTED.label}) 3 on " in text, fmt
        assert ", revised to 2 on " in text, fmt
        assert "The team's first view." in text.replace("&#39;", "'").replace("\\'", "'"), fmt


def test_the_authority_and_public_see_agreed_values_but_never_individual_grades(make):
    world = _graded(make)
    public = _doc(world, Audience.PUBLIC)
    row = _row(public)
    assert [v.grade for v in row.agreed_versions] == [3, 2]
    assert all(r.team_histories == () and r.team_grades == () for r in public.lineage)
    out = _render(public, Audience.PUBLIC)
    for fmt, data in out.items():
        assert SECRET.encode() not in data, fmt
        assert b"Plans were sound" not in data, fmt
        assert world.ofsted.name.encode() not in data, fmt
    judgements = json.loads(out["json"])["judgements"]
    assert all(j["team_grade_history"] == [] for j in judgements)
    assert {s[1] for s in read_xlsx_lineage(out["xlsx"])} == {"agreed"}
    # a team document exported for the public still leaves the team's grades out
    team_doc = _doc(world, Audience.INSPECTION_TEAM)
    for fmt in ("json", "xlsx"):
        data = EXPORTERS[fmt].render(team_doc, Audience.PUBLIC)
        assert SECRET.encode() not in data and world.ofsted.name.encode() not in data, fmt


def test_the_annex_is_read_with_the_same_number_of_queries_however_many_revisions(make):
    def count(world: GradingWorld) -> int:
        review = load_review(world.session, world.review.id)
        with count_queries() as queries:
            doc = build_document(world.session, review, audience=Audience.INSPECTION_TEAM)
        return len(queries), doc

    few = GradingWorld.build(make, Phase.FIELDWORK)
    submit(few, few.ofsted, "kj-2.3", 3, "Once.", "medium")
    few.advance(Phase.MODERATION)
    agree(few, "kj-2.3", 3, "")
    few.session.commit()

    many = GradingWorld.build(make, Phase.FIELDWORK)
    slugs = ["kj-2.1", "kj-2.2", "kj-2.3", "area-2"]
    for user in (many.ofsted, many.csci, many.lead, many.generalist):
        for slug in slugs:
            grade = submit(many, user, slug, 2, "First.", "low")
            for value in (3, 4):
                grade = submit(many, user, slug, value, "Again.", "low", version=grade.version)
    many.advance(Phase.MODERATION)
    for slug in slugs[:3]:
        agreed = agree(many, slug, 2, "First.")
        agree(many, slug, 4, "Second.", version=agreed.version)
    many.session.commit()

    few_count, _ = count(few)
    many_count, doc = count(many)
    revisions = sum(len(h.revisions) for r in doc.lineage for h in r.team_histories)
    assert revisions == 4 * 4 * 3
    assert sum(len(r.agreed_versions) for r in doc.lineage) == 6
    assert many_count == few_count <= 15


def _publish(world: GradingWorld, review):
    """From moderation: every other judgement agreed, a minimal draft, then published."""
    world.make.agree_all(review)
    advance_phase(world.session, review, Phase.DRAFTING, actor=world.lead)
    write_minimal_report(world.session, review)
    advance_phase(world.session, review, Phase.FACTUAL_ACCURACY, actor=world.lead)
    published = publication.publish(
        world.session, review, actor=world.lead, access=world.access(world.lead), make_public=False
    )
    world.session.commit()
    return published


def test_a_new_publication_keeps_every_agreed_value_and_its_fingerprint(make):
    world = _graded(make)
    review = load_review(world.session, world.review.id)
    published = _publish(world, review)
    doc = publication.published_document(published)  # verifies the stored hash
    assert [v.grade for v in _row(doc).agreed_versions] == [3, 2]
    assert all(r.agreed_versions for r in doc.lineage)  # every judgement was agreed
    assert all(r.team_histories == () for r in doc.lineage)  # published for the public
    stored = published.document["document"]["lineage"]
    assert [
        v["grade"] for v in next(r for r in stored if r["judgement"] == "2.3")["agreed_versions"]
    ] == [3, 2]
    for user in (world.lead, make.authority_user(review.authority)):
        view = publication.document_for(world.session, review, world.access(user))
        out = _render(view.doc, view.audience)
        assert read_json(out["json"].decode()).content_hash == published.content_hash
        steps = read_json_lineage(out["json"].decode())
        assert steps == read_xlsx_lineage(out["xlsx"])
        assert [s[3] for s in steps if s[0] == "2.3"] == [3, 2]
        assert SECRET.encode() not in out["json"]


@pytest.fixture
def old_snapshot() -> dict:
    return json.loads(OLD_SNAPSHOT.read_text(encoding="utf-8"))


def test_a_report_published_before_the_richer_lineage_still_reads_and_exports(make, old_snapshot):
    """Stored content and hash untouched; read back, checked against the hash, exported."""
    world = ReportWorld.build(make, Phase.FACTUAL_ACCURACY)
    review = load_review(world.session, world.review.id)
    old = PublishedReport(
        review_id=review.id,
        version_number=1,
        document=old_snapshot["snapshot"],
        content_hash=old_snapshot["content_hash"],
        reasons="",
        published_on=date(2026, 4, 28),
        published_by=world.lead,
        published_at=utcnow(),
    )
    world.session.add(old)
    world.session.flush()
    advance_phase(world.session, review, Phase.PUBLISHED, actor=world.lead)  # keeps version 1
    world.session.commit()
    assert publication.latest_published(world.session, review.id).id == old.id
    world.session.refresh(old)
    assert old.document == old_snapshot["snapshot"]  # nothing rewritten
    for user in (world.lead, world.authority_user):
        view = publication.document_for(world.session, review, world.access(user))
        assert view.published.id == old.id
        assert compute_hash(view.doc) == old_snapshot["content_hash"]
        assert all(r.agreed_versions == () and r.team_histories == () for r in view.doc.lineage)
        out = {fmt: exporter.render(view.doc, view.audience) for fmt, exporter in EXPORTERS.items()}
        assert read_json(out["json"].decode()).content_hash == old_snapshot["content_hash"]
        assert read_json_lineage(out["json"].decode()) == read_xlsx_lineage(out["xlsx"]) == []
        rows = list(load_workbook(io.BytesIO(out["xlsx"]))["Grade lineage"].iter_rows())
        assert len(rows) == len(view.doc.lineage) + 1
        assert old_snapshot["content_hash"].encode() in out["html"]
