"""The national view's tables as XLSX and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from inspect_app.domain.distribution_chart import Bar, grade_distribution_svg
from inspect_app.domain.national_tables import Table, format_value, to_csv, to_xlsx

TABLE = Table(
    "grades",
    "Grades",
    ("Area", "Reviews", "Mean", "Due"),
    (('=HYPERLINK("x")', 3, 3.333, date(2027, 1, 18)), ("Staying safe", 2, None, None)),
    (False, True, True, False),
)


def test_xlsx_has_an_about_sheet_then_a_sheet_per_table_and_no_formulas():
    book = load_workbook(io.BytesIO(to_xlsx([TABLE], about=[("Region", "Any")])))
    assert book.sheetnames == ["About", "Grades"]
    assert [c.value for c in book["About"][1]] == ["Region", "Any"]
    sheet = book["Grades"]
    assert [c.value for c in sheet[1]] == ["Area", "Reviews", "Mean", "Due"]
    first = sheet[2]
    assert first[0].value == '=HYPERLINK("x")' and first[0].data_type == "s"
    assert first[1].value == 3 and first[2].value == pytest.approx(3.333)
    assert first[3].value.date() == date(2027, 1, 18)


def test_csv_writes_dates_iso_and_defuses_formulas():
    rows = list(csv.reader(io.StringIO(to_csv(TABLE))))
    assert rows[0] == ["Area", "Reviews", "Mean", "Due"]
    assert rows[1] == ['\'=HYPERLINK("x")', "3", "3.33", "2027-01-18"]
    assert rows[2] == ["Staying safe", "2", "", ""]


def test_format_value():
    assert format_value(date(2026, 9, 7)) == "7 September 2026"
    assert format_value(2.0) == "2.00"
    assert format_value(None) == ""


def test_rows_must_fit_the_headers():
    with pytest.raises(ValueError, match="row 1 has 1 values for 2 columns"):
        Table("t", "T", ("a", "b"), (("x",),))


def test_chart_escapes_text_and_skips_empty_bars():
    svg = grade_distribution_svg(
        [Bar("<Safe> & sound", {4: 1, 3: 0, 2: 2, 1: 0}), Bar("Nothing", {})],
        grade_labels={4: "Outstanding", 3: "Good", 2: "Adequate", 1: "Inadequate"},
        title="Grades",
    )
    assert "&lt;Safe&gt; &amp; sound" in svg and "<Safe>" not in svg
    assert "Nothing" not in svg
    assert svg.count("<rect") == 4 + 2  # the legend's four keys and two segments
    assert "style=" not in svg
