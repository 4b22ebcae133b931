"""Tests for the server-side SVG trend charts and their data tables."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from inspect_app.domain.benchmarking import Direction, IndicatorBenchmark, Trend
from inspect_app.domain.charts import (
    chart_data_table,
    chart_description,
    nice_ticks,
    trend_chart_svg,
)
from inspect_app.domain.indicators import Indicator

SVG = "{http://www.w3.org/2000/svg}"

PLACEMENTS = Indicator(
    code="LAC-PLACEMENTS-3PLUS",
    title="Children in care with three or more placements in the year",
    outcome="looked-after-children",
    key_judgements=("2.6", "1.5"),
    unit="percent",
    higher_is_better=False,
    description="Short-term placement stability.",
    source="SSDA903.",
)


def make_benchmark(**changes) -> IndicatorBenchmark:
    periods = ("2004-05", "2005-06", "2006-07")
    values = IndicatorBenchmark(
        indicator=PLACEMENTS,
        authority_code="NMB",
        periods=periods,
        authority_values={"2004-05": 12.0, "2005-06": 13.5, "2006-07": 14.2},
        national_average={"2004-05": 12.4, "2005-06": 12.1, "2006-07": 11.8},
        neighbour_mean={"2004-05": 10.9, "2005-06": None, "2006-07": 10.1},
        neighbour_count={"2004-05": 10, "2005-06": 0, "2006-07": 9},
        latest_period="2006-07",
        earliest_period="2004-05",
        trend=Trend.DECLINING,
        direction=Direction.WORSE,
        gap_to_neighbours=4.1,
        relative_gap=4.1 / 10.1,
        neighbour_sd=1.2,
        flagged=True,
        hypothesis="…",
    )
    return dataclasses.replace(values, **changes)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 — our own output, parsed to check it is well formed


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_svg_is_well_formed_and_labelled() -> None:
    root = parse(trend_chart_svg(make_benchmark(), authority_label="Northmere Borough Council"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 640 356"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert title.text == PLACEMENTS.title
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.get("id") == "chart-lac-placements-3plus-title"
    assert desc.text == (
        "Line chart: Children in care with three or more placements in the year (per cent), "
        "2004-05 to 2006-07, for Northmere Borough Council, the mean of its statistical "
        "neighbours and the national average. Lower values are better. In 2006-07: Northmere "
        "Borough Council 14.2%; statistical neighbours 10.1%; national average 11.8%. "
        "Northmere Borough Council is markedly worse than its statistical neighbours. "
        "Trend since 2004-05: declining."
    )


def test_axes_ticks_and_legend_are_labelled() -> None:
    labels = texts(parse(trend_chart_svg(make_benchmark(), authority_label="Northmere")))
    assert "Per cent (lower is better)" in labels
    assert "Financial or academic year" in labels
    assert {"2004-05", "2005-06", "2006-07"} <= set(labels)
    assert "Northmere" in labels
    assert "Statistical neighbours (mean of 9 to 10)" in labels
    assert "National average" in labels
    assert {"10", "12", "14", "16"} <= set(labels)  # y ticks


def test_series_differ_in_colour_dash_and_marker() -> None:
    root = parse(trend_chart_svg(make_benchmark()))
    lines = root.findall(f".//{SVG}polyline")
    # authority 1 line; neighbours broken by the missing middle value (no line of 2+
    # points remains); national 1 line
    assert len(lines) == 2
    colours = {line.get("stroke") for line in lines}
    assert len(colours) == 2
    dashes = {line.get("stroke-dasharray") for line in lines}
    assert len(dashes) == 2
    # markers: circles for the authority, squares for neighbours, diamonds for national
    assert len(root.findall(f".//{SVG}circle")) == 3 + 1  # three points + legend
    assert len(root.findall(f".//{SVG}rect")) == 2 + 1
    assert len(root.findall(f".//{SVG}polygon")) == 3 + 1


def test_text_is_escaped_and_nothing_executable_is_emitted() -> None:
    nasty = dataclasses.replace(PLACEMENTS, title="Moves <b>\"&\"</b> 'quoted'")
    svg = trend_chart_svg(
        make_benchmark(indicator=nasty),
        authority_label="<script>alert(1)</script> & Co",
        id_prefix='x" onload="alert(1)',
    )
    root = parse(svg)
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in svg
    assert root.find(f"{SVG}title").text == "Moves <b>\"&\"</b> 'quoted'"
    assert "<script>alert(1)</script> & Co" in texts(root)
    assert root.find(f"{SVG}title").get("id") == 'x" onload="alert(1)-title'
    assert root.get("onload") is None
    for element in root.iter():
        assert element.get("style") is None  # blocked by the Content Security Policy
        assert not any(name.startswith("on") for name in element.attrib)
        assert element.tag.removeprefix(SVG) not in {"script", "image", "foreignObject", "a"}
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_a_single_period_and_a_flat_series_still_draw() -> None:
    one = make_benchmark(
        periods=("2006",),
        authority_values={"2006": 5.0},
        national_average={"2006": 5.0},
        neighbour_mean={"2006": 5.0},
        neighbour_count={"2006": 3},
        latest_period="2006",
        earliest_period="2006",
        trend=None,
        direction=Direction.SIMILAR,
        flagged=False,
    )
    root = parse(trend_chart_svg(one, id_prefix="solo"))
    assert "Calendar year" in texts(root)
    assert root.find(f"{SVG}title").get("id") == "solo-title"
    assert root.findall(f".//{SVG}polyline") == []
    desc = root.find(f"{SVG}desc").text
    assert "NMB is similar to its statistical neighbours." in desc
    assert "Trend" not in desc


def test_description_without_neighbours() -> None:
    text = chart_description(
        make_benchmark(
            neighbour_mean=dict.fromkeys(("2004-05", "2005-06", "2006-07")),
            direction=None,
            flagged=False,
        )
    )
    assert "statistical neighbours no data" in text
    assert "is worse" not in text and "similar to" not in text


def test_data_table_rows_match_the_chart() -> None:
    table = chart_data_table(make_benchmark(), authority_label="Northmere")
    assert table.caption == (
        "Children in care with three or more placements in the year: Northmere against "
        "statistical neighbours and the national average, 2004-05 to 2006-07"
    )
    assert table.headers == (
        "Financial or academic year",
        "Northmere",
        "Statistical neighbours (mean)",
        "National average",
    )
    assert [dataclasses.astuple(row) for row in table.rows] == [
        ("2004-05", "12.0%", "10.9%", "12.4%"),
        ("2005-06", "13.5%", "no data", "12.1%"),
        ("2006-07", "14.2%", "10.1%", "11.8%"),
    ]


@pytest.mark.parametrize(
    ("low", "high", "zero", "expected"),
    [
        (10.1, 14.2, False, [10, 12, 14, 16]),
        (10.1, 14.2, True, [10, 12, 14, 16]),  # 10.1 is far from 0: no zero baseline
        (2.0, 14.2, True, [0, 5, 10, 15]),
        (0.109, 0.14, True, [0.1, 0.11, 0.12, 0.13, 0.14]),
        (5.0, 5.0, True, [4.5, 4.75, 5.0, 5.25, 5.5]),
        (0.0, 0.0, True, [0, 0.25, 0.5, 0.75, 1.0]),
        (1200, 2600, False, [1000, 1500, 2000, 2500, 3000]),
    ],
)
def test_nice_ticks(low: float, high: float, zero: bool, expected: list[float]) -> None:
    assert nice_ticks(low, high, floor_at_zero=zero) == pytest.approx(expected)
