"""The performance data pack of a review: its performance page as a document to keep.

One :class:`PerformancePack` — every indicator of the common dataset for the authority,
grouped by outcome, with the national average, the neighbours' mean, trend and direction —
is written three ways:

* :func:`to_html` — a standalone, print-ready HTML document: per outcome the benchmark
  summary table, then per indicator its trend chart (the server-drawn SVG of
  :mod:`inspect_app.domain.charts`) with the table of the figures behind it. The report's
  stylesheet and the pack's own are embedded, or linked (``stylesheet_hrefs``) for a page
  served under a Content Security Policy that refuses inline styles.
* :func:`to_pdf` — the same HTML through WeasyPrint (running header, "Page X of Y" footers).
* :func:`to_xlsx` — the figures: an "About" sheet, one sheet of benchmarks (the latest
  period) and one of the values by period. Numbers are numbers; text is always written as
  text, never as a formula.

The team's working — which indicators are markedly worse than the neighbours, and the
hypotheses drawn from them — is in a pack only when it is built with ``hypotheses`` (not
None); the caller decides who may see it (``inspect_app/domain/performance_access.py``) and
strips the flags from the benchmarks otherwise.

No Flask or database imports.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from inspect_app.domain.benchmarking import IndicatorBenchmark
from inspect_app.domain.charts import (
    NATIONAL_LABEL,
    NEIGHBOURS_LABEL,
    ChartTable,
    chart_data_table,
    trend_chart_svg,
)
from inspect_app.domain.indicators import Indicator
from inspect_app.domain.national_tables import FORMULA_STARTS
from inspect_app.exports.export_html import TEMPLATES, report_css
from inspect_app.exports.export_pdf import html_to_pdf

__all__ = [
    "PackIndicator",
    "PackOutcome",
    "PerformancePack",
    "against_neighbours_text",
    "pack_css",
    "to_html",
    "to_pdf",
    "to_xlsx",
    "trend_text",
]

BENCHMARK_SHEET = "Benchmarks"
VALUES_SHEET = "Values by period"


@dataclass(frozen=True)
class PackIndicator:
    """One catalogue indicator: its benchmark, or None when the authority has no figure."""

    indicator: Indicator
    benchmark: IndicatorBenchmark | None


@dataclass(frozen=True)
class PackOutcome:
    code: str
    title: str
    rows: tuple[PackIndicator, ...]


@dataclass(frozen=True)
class PerformancePack:
    review_reference: str
    authority_name: str
    authority_code: str
    region: str
    neighbour_names: tuple[str, ...]
    outcomes: tuple[PackOutcome, ...]
    produced_on: date
    hypotheses: tuple[IndicatorBenchmark, ...] | None = None  # None: not for this reader

    @property
    def title(self) -> str:
        return f"Performance data pack: {self.authority_name}"

    @property
    def for_team(self) -> bool:
        return self.hypotheses is not None

    @property
    def benchmarks(self) -> tuple[IndicatorBenchmark, ...]:
        return tuple(r.benchmark for o in self.outcomes for r in o.rows if r.benchmark)

    @property
    def has_data(self) -> bool:
        return bool(self.benchmarks)

    @property
    def file_stem(self) -> str:
        return f"performance-data-{re.sub(r'[^A-Za-z0-9-]+', '-', self.review_reference)}"


def trend_text(bench: IndicatorBenchmark) -> str:
    """As the page says it: ``Improving``, ``Declining``, ``Stable`` or ``One period only``."""
    return bench.trend.value.capitalize() if bench.trend else "One period only"


def against_neighbours_text(bench: IndicatorBenchmark) -> str:
    """As the page's tag says it; ``Markedly worse`` only where the benchmark is flagged."""
    if bench.flagged:
        return "Markedly worse"
    if bench.direction is None:
        return "No neighbour data"
    return bench.direction.value.capitalize()


# --------------------------------------------------------------------------- HTML and PDF


@dataclass(frozen=True)
class _Panel:
    svg: Markup
    table: ChartTable


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def pack_css() -> str:
    """The pack's own stylesheet, used after the report's (``report_css``)."""
    return (TEMPLATES / "performance_pack.css").read_text(encoding="utf-8")


def _panels(pack: PerformancePack) -> dict[str, _Panel]:
    label = pack.authority_name
    return {
        b.indicator.code: _Panel(
            Markup(trend_chart_svg(b, authority_label=label)),  # noqa: S704 — escaped by charts
            chart_data_table(b, authority_label=label),
        )
        for b in pack.benchmarks
    }


def to_html(pack: PerformancePack, *, stylesheet_hrefs: Sequence[str] = ()) -> str:
    """The pack as a standalone HTML document (stylesheets embedded unless linked)."""
    return (
        _environment()
        .get_template("performance_pack.html")
        .render(
            pack=pack,
            panels=_panels(pack),
            css=Markup(report_css() + "\n" + pack_css()),  # noqa: S704 — our own stylesheets
            stylesheet_hrefs=tuple(stylesheet_hrefs),
            trend_text=trend_text,
            against_neighbours_text=against_neighbours_text,
            neighbours_label=NEIGHBOURS_LABEL,
            national_label=NATIONAL_LABEL,
        )
    )


def to_pdf(pack: PerformancePack) -> bytes:
    """The pack as a tagged PDF, made from the HTML with the stylesheets embedded."""
    return html_to_pdf(to_html(pack))


# --------------------------------------------------------------------------- XLSX


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _put(cell: Cell, value: str | float | int | None, number_format: str | None = None) -> None:
    if isinstance(value, str):
        cell.value = _clean(value)
        cell.data_type = "s"  # never a formula
        if value[:1] in FORMULA_STARTS:
            cell.quotePrefix = True
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return
    cell.value = value
    if number_format and isinstance(value, float):
        cell.number_format = number_format
    cell.alignment = Alignment(vertical="top")


def _number_format(indicator: Indicator) -> str:
    return "#,##0" + ("." + "0" * indicator.places if indicator.places else "")


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    """``rows`` hold (value, number format or None) pairs."""
    sheet = book.create_sheet(title)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(1, column)
        _put(cell, header)
        cell.font = Font(bold=True)
        width = max([len(header)] + [len(str(r[column - 1][0] or "")) for r in rows])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 8) + 2, 60)
    for number, row in enumerate(rows, start=2):
        for column, (value, number_format) in enumerate(row, start=1):
            _put(sheet.cell(number, column), value, number_format)
    sheet.freeze_panes = "A2"


def benchmark_headers(pack: PerformancePack) -> list[str]:
    headers = [
        "Outcome",
        "Indicator code",
        "Indicator",
        "Unit",
        "Higher is better",
        "Latest period",
        pack.authority_name,
        "Statistical neighbours (mean)",
        "National average",
        "Trend",
        "Against neighbours",
    ]
    if pack.for_team:
        headers += ["Markedly worse than neighbours", "Hypothesis"]
    return headers


def values_headers(pack: PerformancePack) -> list[str]:
    return [
        "Outcome",
        "Indicator code",
        "Indicator",
        "Unit",
        "Period",
        pack.authority_name,
        "Statistical neighbours (mean)",
        "Neighbours with a figure",
        "National average",
    ]


def to_xlsx(pack: PerformancePack) -> bytes:
    """The figures as a workbook: About, Benchmarks and Values by period."""
    book = Workbook()
    about = book.active
    about.title = "About"
    facts = [
        ("Performance data pack", pack.authority_name),
        ("Review reference", pack.review_reference),
        ("Local authority area", f"{pack.authority_name} ({pack.authority_code}), {pack.region}"),
        ("Statistical neighbours", ", ".join(pack.neighbour_names) or "None recorded"),
        ("Produced", pack.produced_on.isoformat()),
        (
            "Contents",
            "The latest figure for each indicator against the mean of the statistical "
            "neighbours and the national average; every period's figures."
            + (
                " Includes the team's flags (markedly worse than the neighbours) and hypotheses."
                if pack.for_team
                else ""
            ),
        ),
    ]
    for row, (label, value) in enumerate(facts, start=1):
        _put(about.cell(row, 1), label)
        _put(about.cell(row, 2), value)
        about.cell(row, 1).font = Font(bold=True)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 80

    benchmarks, values = [], []
    for outcome in pack.outcomes:
        for entry in outcome.rows:
            spec, bench = entry.indicator, entry.benchmark
            fmt = _number_format(spec)
            lead = [
                (outcome.title, None),
                (spec.code, None),
                (spec.title, None),
                (spec.unit_spec.axis_label, None),
                ("Yes" if spec.higher_is_better else "No", None),
            ]
            if bench is None:
                row = [*lead, (None, None), (None, None), (None, None), (None, None)]
                row += [(f"No data for {pack.authority_name}", None), (None, None)]
                if pack.for_team:
                    row += [(None, None), (None, None)]
                benchmarks.append(row)
                continue
            row = [
                *lead,
                (bench.latest_period, None),
                (bench.latest_value, fmt),
                (bench.latest_neighbour_mean, fmt),
                (bench.latest_national_average, fmt),
                (trend_text(bench), None),
                (against_neighbours_text(bench), None),
            ]
            if pack.for_team:
                row += [("Yes" if bench.flagged else "No", None), (bench.hypothesis, None)]
            benchmarks.append(row)
            for period in bench.periods:
                values.append(
                    [
                        *lead[:4],
                        (period, None),
                        (bench.authority_values[period], fmt),
                        (bench.neighbour_mean[period], fmt),
                        (bench.neighbour_count.get(period, 0), None),
                        (bench.national_average[period], fmt),
                    ]
                )
    _sheet(book, BENCHMARK_SHEET, benchmark_headers(pack), benchmarks)
    _sheet(book, VALUES_SHEET, values_headers(pack), values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
