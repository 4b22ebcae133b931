"""Server-side SVG trend charts for benchmarked indicators, and their data tables.

:func:`trend_chart_svg` draws one :class:`~inspect_app.domain.benchmarking.IndicatorBenchmark`
as a line chart — the authority, the mean of its statistical neighbours and the
national average over the periods — as a self-contained SVG string:

* accessible: ``role="img"`` labelled by a ``<title>`` and a ``<desc>`` that
  summarises the latest figures in words; axis labels; a legend;
* not colour-only: the three series differ in colour (Okabe–Ito colour-blind safe
  palette, each at least 3:1 against white), dash pattern *and* marker shape;
* safe to embed inline: every piece of text is escaped; no scripts, no external
  fonts or images, and no ``style`` attributes (the Content Security Policy
  blocks them) — only presentation attributes;
* printable: WeasyPrint renders it inline in PDF exports.

Pages must show :func:`chart_data_table` beside every chart (a GOV.UK table with
the caption and rows given), so nobody depends on the picture.

No Flask or database imports.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape

from inspect_app.domain.benchmarking import IndicatorBenchmark

WIDTH, HEIGHT = 640, 356
_LEFT, _RIGHT, _TOP = 78, 24, 20
_PLOT_HEIGHT = 200
_FONT = "Arial, Helvetica, sans-serif"
_TEXT = "#0b0c0c"
_GRID = "#b1b4b6"


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    dash: str | None  # stroke-dasharray, None for solid
    marker: str  # "circle", "square" or "diamond"
    width: float


AUTHORITY_STYLE = SeriesStyle("#0072B2", None, "circle", 3.0)  # blue, solid
NEIGHBOURS_STYLE = SeriesStyle("#D55E00", "9 5", "square", 2.5)  # vermillion, dashed
NATIONAL_STYLE = SeriesStyle("#000000", "2 4", "diamond", 2.5)  # black, dotted

NEIGHBOURS_LABEL = "Statistical neighbours (mean)"
NATIONAL_LABEL = "National average"


@dataclass(frozen=True)
class ChartTableRow:
    period: str
    authority: str
    neighbours: str
    national: str


@dataclass(frozen=True)
class ChartTable:
    """The data behind a chart, formatted for an accessible table."""

    caption: str
    headers: tuple[str, str, str, str]
    rows: tuple[ChartTableRow, ...]


def chart_data_table(
    benchmark: IndicatorBenchmark, *, authority_label: str | None = None
) -> ChartTable:
    """One row per period: the authority's value, the neighbour mean, the national average."""
    indicator = benchmark.indicator
    label = authority_label or benchmark.authority_code
    periods = benchmark.periods
    return ChartTable(
        caption=(
            f"{indicator.title}: {label} against statistical neighbours and the national "
            f"average, {_span(periods)}"
        ),
        headers=(_period_heading(periods), label, NEIGHBOURS_LABEL, NATIONAL_LABEL),
        rows=tuple(
            ChartTableRow(
                period=period,
                authority=indicator.format(benchmark.authority_values[period]),
                neighbours=indicator.format(benchmark.neighbour_mean[period]),
                national=indicator.format(benchmark.national_average[period]),
            )
            for period in periods
        ),
    )


def chart_description(benchmark: IndicatorBenchmark, *, authority_label: str | None = None) -> str:
    """The chart's text alternative: what it shows and what the latest figures say."""
    indicator = benchmark.indicator
    label = authority_label or benchmark.authority_code
    period = benchmark.latest_period
    better = "Higher" if indicator.higher_is_better else "Lower"
    parts = [
        f"Line chart: {indicator.title} ({indicator.unit_spec.axis_label.lower()}), "
        f"{_span(benchmark.periods)}, for {label}, the mean of its statistical neighbours "
        f"and the national average. {better} values are better.",
        f"In {period}: {label} {indicator.format(benchmark.latest_value)}; "
        f"statistical neighbours {indicator.format(benchmark.latest_neighbour_mean)}; "
        f"national average {indicator.format(benchmark.latest_national_average)}.",
    ]
    if benchmark.direction is not None:
        comparison = {
            "better": "better than",
            "worse": "worse than",
            "similar": "similar to",
        }[benchmark.direction.value]
        marked = "markedly " if benchmark.flagged else ""
        parts.append(f"{label} is {marked}{comparison} its statistical neighbours.")
    if benchmark.trend is not None:
        parts.append(f"Trend since {benchmark.earliest_period}: {benchmark.trend.value}.")
    return " ".join(parts)


def trend_chart_svg(
    benchmark: IndicatorBenchmark,
    *,
    authority_label: str | None = None,
    id_prefix: str | None = None,
) -> str:
    """The chart as an SVG document fragment (an ``<svg>`` element) to embed inline.

    ``authority_label`` names the authority in the legend and text (default: its
    code). ``id_prefix`` makes the ids of ``<title>`` and ``<desc>`` unique on a
    page (default: ``chart-`` and the indicator code in lower case).
    """
    indicator = benchmark.indicator
    label = authority_label or benchmark.authority_code
    prefix = id_prefix or "chart-" + re.sub(r"[^a-z0-9]+", "-", indicator.code.lower())
    periods = benchmark.periods
    series = [
        (label, AUTHORITY_STYLE, benchmark.authority_values),
        (_neighbours_label(benchmark), NEIGHBOURS_STYLE, benchmark.neighbour_mean),
        (NATIONAL_LABEL, NATIONAL_STYLE, benchmark.national_average),
    ]
    values = [v for _, _, data in series for v in data.values() if v is not None]
    ticks = nice_ticks(min(values), max(values), floor_at_zero=indicator.unit_spec.minimum == 0)
    plot_width = WIDTH - _LEFT - _RIGHT
    bottom = _TOP + _PLOT_HEIGHT

    def x_at(index: int) -> float:
        if len(periods) == 1:
            return _LEFT + plot_width / 2
        inset = 24
        return _LEFT + inset + index * (plot_width - 2 * inset) / (len(periods) - 1)

    def y_at(value: float) -> float:
        low, high = ticks[0], ticks[-1]
        return bottom - (value - low) / (high - low) * _PLOT_HEIGHT

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-labelledby="{_e(prefix)}-title {_e(prefix)}-desc" '
        f'font-family="{_FONT}" font-size="14" fill="{_TEXT}">',
        f'<title id="{_e(prefix)}-title">{_e(indicator.title)}</title>',
        f'<desc id="{_e(prefix)}-desc">'
        f"{_e(chart_description(benchmark, authority_label=label))}</desc>",
    ]
    # Grid lines and y-axis tick labels.
    places = _tick_places(ticks)
    out.append('<g aria-hidden="true">')
    for tick in ticks:
        y = y_at(tick)
        out.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{_LEFT - 8}" y="{y + 5:.1f}" text-anchor="end">'
            f"{_e(f'{tick:,.{places}f}')}</text>"
        )
    # Axes.
    out.append(
        f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{bottom}" stroke="{_TEXT}" '
        'stroke-width="1.5"/>'
    )
    out.append(
        f'<line x1="{_LEFT}" y1="{bottom}" x2="{WIDTH - _RIGHT}" y2="{bottom}" '
        f'stroke="{_TEXT}" stroke-width="1.5"/>'
    )
    for index, period in enumerate(periods):
        x = x_at(index)
        out.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 6}" '
            f'stroke="{_TEXT}" stroke-width="1.5"/>'
        )
        out.append(f'<text x="{x:.1f}" y="{bottom + 22}" text-anchor="middle">{_e(period)}</text>')
    # Axis titles.
    better = "higher is better" if indicator.higher_is_better else "lower is better"
    y_title = f"{indicator.unit_spec.axis_label} ({better})"
    middle = _TOP + _PLOT_HEIGHT / 2
    out.append(
        f'<text x="18" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 18 {middle:.1f})">{_e(y_title)}</text>'
    )
    out.append(
        f'<text x="{_LEFT + plot_width / 2:.1f}" y="{bottom + 44}" text-anchor="middle">'
        f"{_e(_period_heading(periods))}</text>"
    )
    # Series: neighbours and national first, so the authority's line is drawn on top.
    for _, style, data in reversed(series):
        points = [
            (x_at(i), y_at(data[p])) if data[p] is not None else None for i, p in enumerate(periods)
        ]
        out.extend(_series_svg(points, style))
    # Legend.
    legend_top = bottom + 66
    for row, (name, style, _) in enumerate(series):
        y = legend_top + row * 22
        out.append(f'<line x1="{_LEFT}" y1="{y}" x2="{_LEFT + 40}" y2="{y}" {_stroke(style)}/>')
        out.append(_marker(_LEFT + 20, y, style))
        out.append(f'<text x="{_LEFT + 50}" y="{y + 5}">{_e(name)}</text>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def nice_ticks(
    low: float, high: float, *, count: int = 5, floor_at_zero: bool = False
) -> list[float]:
    """Round tick values covering ``low``–``high`` with about ``count`` ticks.

    With ``floor_at_zero``, the axis starts at 0 when the data start within 30 %
    of the top value from it (so small values are not exaggerated).
    """
    if floor_at_zero and low >= 0 and low <= 0.3 * high:
        low = 0.0
    if math.isclose(low, high):
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
        if floor_at_zero and low < 0:
            low = 0.0
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    n = round((end - start) / step)
    return [round(start + i * step, 10) for i in range(n + 1)]


# --------------------------------------------------------------------------- helpers


def _e(text: str) -> str:
    return escape(text, quote=True)


def _span(periods: tuple[str, ...]) -> str:
    if not periods:
        return ""
    if len(periods) == 1:
        return periods[0]
    return f"{periods[0]} to {periods[-1]}"


def _period_heading(periods: tuple[str, ...]) -> str:
    return "Financial or academic year" if any("-" in p for p in periods) else "Calendar year"


def _neighbours_label(benchmark: IndicatorBenchmark) -> str:
    counts = [n for n in benchmark.neighbour_count.values() if n]
    if not counts:
        return NEIGHBOURS_LABEL
    low, high = min(counts), max(counts)
    of = f"{high}" if low == high else f"{low} to {high}"
    return f"Statistical neighbours (mean of {of})"


def _tick_places(ticks: list[float]) -> int:
    if len(ticks) < 2:
        return 0
    step = abs(ticks[1] - ticks[0])
    for places in range(0, 6):
        if math.isclose(round(step, places), step, abs_tol=1e-9):
            return places
    return 6


def _stroke(style: SeriesStyle) -> str:
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    return (
        f'stroke="{style.colour}" stroke-width="{style.width}" fill="none" '
        f'stroke-linecap="round"{dash}'
    )


def _marker(x: float, y: float, style: SeriesStyle) -> str:
    fill = f'fill="{style.colour}" stroke="#ffffff" stroke-width="1"'
    if style.marker == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" {fill}/>'
    if style.marker == "square":
        return f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" {fill}/>'
    points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
    return f'<polygon points="{points}" {fill}/>'


def _series_svg(points: list[tuple[float, float] | None], style: SeriesStyle) -> list[str]:
    """Lines joining consecutive points (broken where a value is missing), then markers."""
    out: list[str] = []
    run: list[tuple[float, float]] = []
    for point in [*points, None]:
        if point is not None:
            run.append(point)
            continue
        if len(run) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            out.append(f'<polyline points="{coords}" {_stroke(style)}/>')
        run = []
    out.extend(_marker(x, y, style) for point in points if point is not None for x, y in [point])
    return out
