"""A server-side SVG bar chart of grade distributions: one stacked bar per judgement area.

Each bar shows the share of reviews that gave each grade (best grade on the left), with
the count written in every segment wide enough to hold it and a legend above. Like
:mod:`inspect_app.domain.charts` it is safe to embed inline: text is escaped, there are
no scripts and no ``style`` attributes (the Content Security Policy forbids them), only
presentation attributes. The grades differ by colour *and* by the count and legend text,
and pages show the same figures as a table beside the chart.

No Flask or database imports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
_LABEL_WIDTH = 230
_BAR_LEFT = _LABEL_WIDTH + 10
_BAR_WIDTH = WIDTH - _BAR_LEFT - 16
_TOP = 44
_ROW = 30
_BAR_HEIGHT = 20
_FONT = "Arial, Helvetica, sans-serif"
_TEXT = "#0b0c0c"
_MIN_LABELLED = 22  # narrowest segment (px) that gets its count written in it

# Grade -> (fill, text colour); GOV.UK palette, each fill at least 4.5:1 against its text.
GRADE_COLOURS: dict[int, tuple[str, str]] = {
    4: ("#00703c", "#ffffff"),  # green
    3: ("#1d70b8", "#ffffff"),  # blue
    2: ("#ffdd00", "#0b0c0c"),  # yellow
    1: ("#d4351c", "#ffffff"),  # red
}
_OTHER = ("#505a5f", "#ffffff")


@dataclass(frozen=True)
class Bar:
    label: str  # the judgement area
    counts: Mapping[int, int]  # grade -> number of reviews


def _e(text: str) -> str:
    return escape(text, quote=True)


_LEGEND_GAP = 14
_LEGEND_ROW = 22  # height of a row of the legend


def _legend_step(legend: str) -> int:
    """Width of a legend entry (key, text at about 8px a character) and the gap after it."""
    return 19 + 8 * len(legend) + _LEGEND_GAP


def _legend_layout(legends: Sequence[str]) -> list[tuple[int, int]]:
    """(x, row) of each legend entry: in one row above the bars, moved left as far as it
    must be to fit; wrapped onto more rows when even the full width is too narrow."""
    width = sum(_legend_step(legend) for legend in legends) - _LEGEND_GAP
    x, row = max(0, min(_BAR_LEFT, WIDTH - width - 4)), 0
    placed = []
    for legend in legends:
        if x > 0 and x + _legend_step(legend) - _LEGEND_GAP > WIDTH - 4:
            x, row = 0, row + 1
        placed.append((x, row))
        x += _legend_step(legend)
    return placed


def _short(text: str, width: int = 34) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def grade_distribution_svg(
    bars: Sequence[Bar],
    *,
    grade_labels: Mapping[int, str],
    title: str,
    chart_id: str = "grade-chart",
) -> str:
    """The chart as an SVG string; ``grade_labels`` gives the order of the segments (best
    first) and the legend's wording. Empty string when there is nothing to draw."""
    drawn = [bar for bar in bars if sum(bar.counts.values())]
    if not drawn:
        return ""
    grades = list(grade_labels)
    legends = [f"{grade} {grade_labels[grade]}" for grade in grades]
    placed = _legend_layout(legends)
    top = _TOP + _LEGEND_ROW * max(row for _, row in placed)
    height = top + _ROW * len(drawn) + 10
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    described = "; ".join(
        f"{bar.label}: "
        + ", ".join(f"{bar.counts.get(g, 0)} {grade_labels[g].lower()}" for g in grades)
        for bar in drawn
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="{_FONT}" font-size="14">',
        f'<title id="{title_id}">{_e(title)}</title>',
        f'<desc id="{desc_id}">Number of reviews giving each grade. {_e(described)}.</desc>',
    ]
    for grade, legend, (x, row) in zip(grades, legends, placed, strict=True):
        fill, _ = GRADE_COLOURS.get(grade, _OTHER)
        y = row * _LEGEND_ROW
        parts.append(
            f'<rect x="{x}" y="{8 + y}" width="14" height="14" fill="{fill}" '
            f'stroke="{_TEXT}" stroke-width="1"/>'
        )
        parts.append(f'<text x="{x + 19}" y="{20 + y}" fill="{_TEXT}">{_e(legend)}</text>')
    for i, bar in enumerate(drawn):
        y = top + i * _ROW
        total = sum(bar.counts.values())
        parts.append(
            f'<text x="{_LABEL_WIDTH}" y="{y + 15}" text-anchor="end" fill="{_TEXT}">'
            f"{_e(_short(bar.label))}</text>"
        )
        left = float(_BAR_LEFT)
        for grade in grades:
            n = bar.counts.get(grade, 0)
            if not n:
                continue
            width = _BAR_WIDTH * n / total
            fill, ink = GRADE_COLOURS.get(grade, _OTHER)
            parts.append(
                f'<rect x="{left:.1f}" y="{y}" width="{width:.1f}" height="{_BAR_HEIGHT}" '
                f'fill="{fill}" stroke="#ffffff" stroke-width="1"/>'
            )
            if width >= _MIN_LABELLED:
                parts.append(
                    f'<text x="{left + width / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                    f'fill="{ink}">{n}</text>'
                )
            left += width
    parts.append("</svg>")
    return "".join(parts)
