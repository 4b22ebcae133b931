"""A published report stored as JSON and read back: the same document, the same hash."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from inspect_app.domain.report import compute_hash, verify_hash, with_hash
from inspect_app.domain.report_snapshot import SnapshotError, from_snapshot, to_snapshot
from tests.exports.samples import hostile_document, sample_document


@pytest.mark.parametrize("make", [sample_document, hostile_document])
def test_round_trip_through_json_gives_an_equal_document(make):
    doc = with_hash(make())
    stored = json.loads(json.dumps(to_snapshot(doc)))  # as the database stores it
    again = from_snapshot(stored, content_hash=doc.content_hash)
    assert again == doc
    assert compute_hash(again) == doc.content_hash
    assert verify_hash(again)


def test_the_snapshot_keeps_restricted_evidence_but_not_the_hash():
    doc = with_hash(sample_document())
    stored = to_snapshot(doc)
    assert "content_hash" not in stored["document"]
    assert any(row["restricted"] for row in stored["document"]["evidence_index"])


def test_a_changed_snapshot_no_longer_verifies():
    doc = with_hash(sample_document())
    stored = to_snapshot(doc)
    stored["document"]["grades"][0]["grade"] = 1
    assert not verify_hash(from_snapshot(stored, content_hash=doc.content_hash))


def test_unknown_or_broken_snapshots_are_refused():
    with pytest.raises(SnapshotError):
        from_snapshot({"schema": "something else", "document": {}})
    stored = to_snapshot(sample_document())
    del stored["document"]["grades"]
    with pytest.raises(SnapshotError):
        from_snapshot(stored)


# ---- snapshots stored before the annex kept every agreed version and team history

BEFORE = Path(__file__).parents[1] / "exports" / "data" / "snapshot_before_lineage_history.json"


def test_a_snapshot_stored_before_the_richer_lineage_reads_back_with_its_own_hash():
    stored = json.loads(BEFORE.read_text(encoding="utf-8"))
    rows = stored["snapshot"]["document"]["lineage"]
    assert rows and not any("agreed_versions" in r or "team_histories" in r for r in rows)
    doc = from_snapshot(stored["snapshot"], content_hash=stored["content_hash"])
    assert verify_hash(doc)  # the fingerprint it was published with, unchanged
    assert all(r.agreed_versions == () and r.team_histories == () for r in doc.lineage)
    assert [r.revisions_count for r in doc.lineage] == [r["revisions_count"] for r in rows]
    again = from_snapshot(json.loads(json.dumps(to_snapshot(doc))), content_hash=doc.content_hash)
    assert again == doc and verify_hash(again)


def test_the_fingerprint_covers_every_agreed_version_and_team_revision():
    doc = sample_document()
    row = next(r for r in doc.lineage if r.judgement == "2.3")
    history = row.team_histories[0]
    changes = [
        replace(row, agreed_versions=row.agreed_versions[1:]),
        replace(
            row,
            agreed_versions=(
                *row.agreed_versions[:-1],
                replace(row.agreed_versions[-1], reasons="Other."),
            ),
        ),
        replace(
            row,
            team_histories=(
                replace(history, revisions=history.revisions[:1]),
                *row.team_histories[1:],
            ),
        ),
        replace(row, team_histories=row.team_histories[1:]),
    ]
    hashes = {compute_hash(doc)}
    for changed in changes:
        lineage = tuple(changed if r is row else r for r in doc.lineage)
        hashes.add(compute_hash(replace(doc, lineage=lineage)))
    assert len(hashes) == len(changes) + 1


def test_a_stored_revision_reads_back_with_its_time_and_rationale():
    doc = with_hash(sample_document())
    stored = json.loads(json.dumps(to_snapshot(doc)))
    again = from_snapshot(stored, content_hash=doc.content_hash)
    row = next(r for r in again.lineage if r.judgement == "2.3")
    first = row.team_histories[0].revisions[0]
    assert (first.version, first.grade, first.recorded_by) == (1, 3, "Dev Ramsay")
    assert first.recorded_at is not None and first.recorded_at.tzinfo is not None
    assert "Castlebridge" in first.rationale
    assert [v.grade for v in row.agreed_versions] == [3, 1, 2]
