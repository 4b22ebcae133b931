"""A published report stored as JSON and read back: the same document, the same hash."""

from __future__ import annotations

import json

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
