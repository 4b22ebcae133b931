"""The annex's lineage in words, the same in the HTML (and so PDF), Word and Markdown exports.

The current agreed grade is given by the annex's facts (grade, who agreed it, when, the
reasons), with :func:`override_text` when it overrode the framework's rule. Below them, one
line per earlier agreed value, oldest first::

    Version 1: 3 – Good, agreed by Anna Whitfield on 10 March 2026. Reasons: …

and, in the inspection team's copy only, one line with every grade each member submitted::

    Dev Ramsay (Commission for Social Care Inspection) 3 on 2 March 2026, revised to 2 on
    4 March 2026; Grace Okafor (Healthcare Commission) 3 on 5 March 2026

Plain text: each export escapes it in its own way. Rationales are never part of it (the
JSON export carries them, for the team). Pure Python.
"""

from __future__ import annotations

from inspect_app.domain.report import (
    AgreedVersion,
    LineageRow,
    TeamGradeHistory,
    format_date,
    grade_text,
)

__all__ = [
    "ANNEX_INTRO",
    "EARLIER_VERSIONS_HEADING",
    "OVERRIDE_LABEL",
    "TEAM_HISTORY_LABEL",
    "agreed_version_line",
    "earlier_version_lines",
    "override_text",
    "team_history_line",
    "team_history_text",
]

ANNEX_INTRO = (
    "For each judgement: the grade the team agreed, who recorded it and when, the reasons, "
    "every earlier agreed grade it replaced (who agreed it, when and why), how often the "
    "agreed grade was revised, and how many items of evidence were linked in support and in "
    "contradiction. The inspection team’s copy also gives every grade each team member "
    "submitted, with each revision, and their grades when the grade was agreed."
)
EARLIER_VERSIONS_HEADING = "Earlier agreed grades"
OVERRIDE_LABEL = "Override"
TEAM_HISTORY_LABEL = "Team’s grades, every revision"


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def override_text(row: LineageRow) -> str:
    """E.g. "Yes – the framework’s rule gave 3"; "" unless the current agreed grade is an
    override (or the report predates agreed versions in the annex)."""
    if not row.agreed_versions or not row.agreed_versions[-1].is_override:
        return ""
    derived = row.agreed_versions[-1].derived_grade
    return "Yes – the framework’s rule gave " + (
        str(derived) if derived is not None else "another grade"
    )


def agreed_version_line(version: AgreedVersion) -> str:
    """E.g. "Version 1: 3 – Good, agreed by … on 10 March 2026. Reasons: …"."""
    text = f"Version {version.version}: " + grade_text(version.grade, version.label)
    if version.agreed_by:
        text += f", agreed by {version.agreed_by}"
    if version.agreed_at is not None:
        text += f" on {format_date(version.agreed_at)}"
    if version.is_override:
        derived = f" ({version.derived_grade})" if version.derived_grade is not None else ""
        text += f"; overrode the grade derived by the framework’s rule{derived}"
    text += "."
    reasons = _one_line(version.reasons)
    if reasons:
        text += f" Reasons: {reasons}"
    return text


def earlier_version_lines(row: LineageRow) -> list[str]:
    """Every agreed value recorded before the current one, oldest first."""
    return [agreed_version_line(v) for v in row.agreed_versions[:-1]]


def team_history_line(history: TeamGradeHistory) -> str:
    """E.g. "Dev Ramsay (CSCI) 3 on 2 March 2026, revised to 2 on 4 March 2026"."""
    who = history.grader_name
    if history.inspectorate_label:
        who += f" ({history.inspectorate_label})"
    steps = []
    for i, revision in enumerate(history.revisions):
        step = ("revised to " if i else "") + str(revision.grade)
        if revision.recorded_at is not None:
            step += f" on {format_date(revision.recorded_at)}"
        if revision.recorded_by and revision.recorded_by != history.grader_name:
            step += f" (saved by {revision.recorded_by})"
        steps.append(step)
    return f"{who} " + (", ".join(steps) if steps else "no grade submitted")


def team_history_text(row: LineageRow) -> str:
    """Every team member who graded the judgement, in the order they first graded, with
    every grade they submitted; "" when the row carries no team histories."""
    return "; ".join(team_history_line(h) for h in row.team_histories)
