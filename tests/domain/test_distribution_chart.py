"""The national view's grade distribution chart keeps its legend inside the picture."""

from __future__ import annotations

import re

import pytest

from inspect_app.domain.distribution_chart import WIDTH, Bar, grade_distribution_svg

JAR_LABELS = {4: "Outstanding", 3: "Good", 2: "Adequate", 1: "Inadequate"}
LONG_LABELS = {
    4: "Outstanding: well above minimum requirements",
    3: "Good: consistently above minimum requirements",
    2: "Adequate",
    1: "Inadequate",
}


def chart(labels: dict[int, str]) -> str:
    bars = [Bar("Staying safe", {g: 1 for g in labels}), Bar("Being healthy", {2: 1})]
    return grade_distribution_svg(bars, grade_labels=labels, title="Grades")


def legend_entries(svg: str) -> list[tuple[float, float, str]]:
    """(x, y, text) of the legend's entries: the text beside each colour key."""
    keys = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="14" height="14"', svg)
    texts = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" fill="#0b0c0c">(\d [^<]*)<', svg)
    assert len(keys) == len(texts)
    return [(float(x), float(y), text) for x, y, text in texts]


@pytest.mark.parametrize("labels", [JAR_LABELS, LONG_LABELS, {1: "A", 2: "B"}])
def test_every_legend_entry_fits_inside_the_chart_in_reading_order(labels):
    svg = chart(labels)
    entries = legend_entries(svg)
    assert [text for *_, text in entries] == [f"{g} {label}" for g, label in labels.items()]
    for x, _, text in entries:
        assert x >= 0 and x + 8 * len(text) <= WIDTH, text  # at most 8px a character
    assert [(y, x) for x, y, _ in entries] == sorted((y, x) for x, y, _ in entries)
    bar_tops = [
        float(y)
        for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="20"', svg)
    ]
    assert min(bar_tops) > max(y for _, y, _ in entries)  # the bars start below the legend
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))
    assert max(bar_tops) + 20 <= height


def test_long_labels_wrap_onto_more_rows_and_short_ones_sit_above_the_bars():
    assert len({y for _, y, _ in legend_entries(chart(LONG_LABELS))}) > 1
    short = chart(JAR_LABELS)
    assert len({y for _, y, _ in legend_entries(short)}) == 1
    first_key = float(re.search(r'<rect x="([\d.]+)" y="8"', short).group(1))
    assert first_key > 0  # moved only as far left as it must be
