"""A published report kept as data: a :class:`ReportDocument` to JSON values and back.

At publication the whole document is stored (:func:`to_snapshot`), with its content hash;
every later export is rendered from the stored document (:func:`from_snapshot`), never from
the live tables. The snapshot keeps the restricted rows of the evidence index, so the
inspection team's exports of a published report still list them; the content hash, as
always, leaves them out. Round-tripping gives an equal document with the same hash.
Snapshots stored before the annex carried every agreed version and team history still read
back, with those empty and their original hash. Pure Python.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from inspect_app.domain.report import (
    AgreedVersion,
    AreaSection,
    EvidenceIndexRow,
    GradeRow,
    LineageRow,
    Recommendation,
    ReportDocument,
    TeamGrade,
    TeamGradeHistory,
    TeamGradeRevision,
)

__all__ = ["SNAPSHOT_SCHEMA", "SnapshotError", "from_snapshot", "to_snapshot"]

SNAPSHOT_SCHEMA = "jar-workbench/report-snapshot/1"


class SnapshotError(ValueError):
    """A stored snapshot cannot be read back as a report."""


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def to_snapshot(doc: ReportDocument) -> dict[str, Any]:
    """The document as JSON values (``content_hash`` left out: it is stored beside it)."""
    data = _plain(doc)
    data.pop("content_hash", None)
    return {"schema": SNAPSHOT_SCHEMA, "document": data}


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _lineage_row(row: dict[str, Any]) -> LineageRow:
    """One annex row. Snapshots stored before the lineage kept every agreed version and
    each team member's history have neither key: they read back empty, as published."""
    return LineageRow(
        **{
            **row,
            "agreed_at": _datetime(row["agreed_at"]),
            "team_grades": tuple(TeamGrade(**t) for t in row["team_grades"]),
            "agreed_versions": tuple(
                AgreedVersion(**{**v, "agreed_at": _datetime(v["agreed_at"])})
                for v in row.get("agreed_versions", ())
            ),
            "team_histories": tuple(
                TeamGradeHistory(
                    **{
                        **h,
                        "revisions": tuple(
                            TeamGradeRevision(**{**r, "recorded_at": _datetime(r["recorded_at"])})
                            for r in h["revisions"]
                        ),
                    }
                )
                for h in row.get("team_histories", ())
            ),
        }
    )


def from_snapshot(snapshot: dict[str, Any], *, content_hash: str = "") -> ReportDocument:
    """The document stored by :func:`to_snapshot`."""
    if not isinstance(snapshot, dict) or snapshot.get("schema") != SNAPSHOT_SCHEMA:
        raise SnapshotError("Not a report snapshot this version of the service can read.")
    d = dict(snapshot["document"])
    try:
        return ReportDocument(
            review_reference=d["review_reference"],
            authority_name=d["authority_name"],
            authority_region=d["authority_region"],
            rubric_key=d["rubric_key"],
            rubric_version=d["rubric_version"],
            rubric_title=d["rubric_title"],
            status=d["status"],
            version_number=d["version_number"],
            published_on=_date(d["published_on"]),
            issue_reasons=d["issue_reasons"],
            introduction_md=d["introduction_md"],
            context_md=d["context_md"],
            main_findings_md=d["main_findings_md"],
            grades=tuple(GradeRow(**g) for g in d["grades"]),
            area_sections=tuple(AreaSection(**s) for s in d["area_sections"]),
            recommendations=tuple(Recommendation(**r) for r in d["recommendations"]),
            lineage=tuple(_lineage_row(row) for row in d["lineage"]),
            evidence_index=tuple(
                EvidenceIndexRow(**{**e, "date": _date(e["date"])}) for e in d["evidence_index"]
            ),
            children_summary_md=d["children_summary_md"],
            content_hash=content_hash,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise SnapshotError(f"The stored report is incomplete: {error}") from error
