"""The catalogue of report sections, in the order of the published report."""

from __future__ import annotations

from inspect_app.domain.report_sections import AreaRef, SectionPart, find_section, report_sections
from inspect_app.domain.rubric import AreaKind

AREAS = [
    AreaRef(7, "Capacity to improve", AreaKind.CAPACITY),
    AreaRef(2, "Staying safe", AreaKind.OUTCOME),
    AreaRef(6, "Service management", AreaKind.SERVICE),
    AreaRef(1, "Being healthy", AreaKind.OUTCOME),
]


def test_sections_follow_the_published_report():
    keys = [s.key for s in report_sections(AREAS)]
    assert keys == [
        "introduction",
        "context",
        "main-findings",
        "area-1-narrative",
        "area-1-strengths",
        "area-1-weaknesses",
        "area-2-narrative",
        "area-2-strengths",
        "area-2-weaknesses",
        "area-6-narrative",
        "area-6-strengths",
        "area-6-weaknesses",
        "area-7-narrative",
        "area-7-strengths",
        "area-7-weaknesses",
        "children-summary",
    ]


def test_titles_groups_and_lookup():
    specs = report_sections(AREAS)
    strengths = find_section(specs, "area-2-strengths")
    assert strengths.title == "Staying safe: major strengths"
    assert strengths.group == "Staying safe"
    assert strengths.part is SectionPart.STRENGTHS
    assert find_section(specs, "children-summary").is_children_summary
    assert find_section(specs, "area-9-narrative") is None
    assert find_section(specs, "../etc/passwd") is None
