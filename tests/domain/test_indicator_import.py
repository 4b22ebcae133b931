"""Tests for checking uploaded indicator files (CSV and XLSX)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from inspect_app.domain.indicator_import import (
    ImportProblem,
    parse_period,
    period_start_year,
    validate_indicator_file,
)
from inspect_app.domain.indicators import load_catalogue

AUTHORITIES = {"NMB", "CSB", "FVD"}
HEADER = "authority_code,indicator_code,period,value"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def check(text: str | bytes, catalogue, filename: str = "values.csv", **kwargs):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return validate_indicator_file(data, filename, AUTHORITIES, catalogue, **kwargs)


def problems(result) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in result.problems]


def xlsx(rows: list[list[object]], *, start_row: int = 1) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=start_row + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- valid files


def test_a_valid_csv_gives_typed_rows(catalogue) -> None:
    result = check(
        f"{HEADER}\nNMB,LAC-GCSE-5AC,2006-07,11.5\ncsb, lac-gcse-5ac ,2006/07, 12 \n"
        "FVD,HLT-INFANT-MORT,2006,4.9\n",
        catalogue,
    )
    assert result.ok and result.problems == []
    assert result.row_count == 3
    rows = result.rows
    assert list(rows.columns) == ["row", "authority_code", "indicator_code", "period", "value"]
    assert rows["row"].tolist() == [2, 3, 4]
    assert rows["authority_code"].tolist() == ["NMB", "CSB", "FVD"]  # canonical codes
    assert rows["indicator_code"].tolist() == ["LAC-GCSE-5AC", "LAC-GCSE-5AC", "HLT-INFANT-MORT"]
    assert rows["period"].tolist() == ["2006-07", "2006-07", "2006"]
    assert rows["value"].tolist() == [11.5, 12.0, 4.9]
    assert rows["value"].dtype == "float64"


def test_byte_order_mark_headers_in_any_case_and_extra_columns(catalogue) -> None:
    text = (
        "\ufeffAuthority Code,Indicator-Code,PERIOD,Value,Notes\nNMB,CP-REREG,2005-06,13.2,fine\n"
    )
    result = check(text, catalogue)
    assert result.ok
    assert result.rows["value"].tolist() == [13.2]


def test_blank_rows_are_skipped_and_rows_keep_spreadsheet_numbers(catalogue) -> None:
    result = check(f"{HEADER}\n\nNMB,CP-REREG,2005-06,x\n,,,\nNMB,CP-REREG,2006-07,1\n", catalogue)
    assert problems(result) == [
        (
            3,
            "value",
            'value "x" is not a number — type digits only, without commas, % signs or notes',
        )
    ]
    assert result.rows["row"].tolist() == [5]
    assert not result.ok


def test_a_valid_xlsx_is_read_by_content_not_name(catalogue) -> None:
    data = xlsx(
        [
            ["authority_code", "indicator_code", "period", "value"],
            ["NMB", "LAC-GCSE-5AC", "2006-07", 11.5],
            ["CSB", "HLT-INFANT-MORT", 2006, 5],
        ]
    )
    result = check(data, catalogue, filename="values.csv")
    assert result.ok, result.problems
    assert result.rows["period"].tolist() == ["2006-07", "2006"]
    assert result.rows["value"].tolist() == [11.5, 5.0]


def test_xlsx_rows_are_numbered_as_in_the_sheet(catalogue) -> None:
    data = xlsx(
        [
            ["authority_code", "indicator_code", "period", "value"],
            ["NMB", "LAC-GCSE-5AC", "2006-07", "lots"],
        ],
        start_row=3,
    )
    assert problems(check(data, catalogue)) == [
        (
            4,
            "value",
            'value "lots" is not a number — type digits only, without commas, % signs or notes',
        )
    ]


# --------------------------------------------------------------------------- each problem


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("XYZ,CP-REREG,2006-07,1", "authority_code", 'unknown authority "XYZ"'),
        (",CP-REREG,2006-07,1", "authority_code", "authority code is missing"),
        ("NMB,CP-NOPE,2006-07,1", "indicator_code", 'unknown indicator "CP-NOPE"'),
        ("NMB,,2006-07,1", "indicator_code", "indicator code is missing"),
        ("NMB,CP-REREG,2006-2007,1", "period", 'period "2006-2007" is not in a recognised'),
        ("NMB,CP-REREG,06-07,1", "period", 'period "06-07" is not in a recognised format'),
        ("NMB,CP-REREG,2006-08,1", "period", 'the year starting 2006 is written "2006-07"'),
        ("NMB,CP-REREG,1899,1", "period", 'period "1899" is outside the years 1950–2099'),
        ("NMB,CP-REREG,,1", "period", "period is missing"),
        ("NMB,CP-REREG,2006-07,", "value", "value is missing"),
        ("NMB,CP-REREG,2006-07,12%", "value", 'value "12%" is not a number'),
        ('NMB,CP-REREG,2006-07,"1,234"', "value", 'value "1,234" is not a number'),
        ("NMB,CP-REREG,2006-07,inf", "value", 'value "inf" is not a finite number'),
        ("NMB,CP-REREG,2006-07,nan", "value", 'value "nan" is not a number'),
        ("NMB,CP-REREG,2006-07,100.5", "value", "value 100.5 is outside 0–100: CP-REREG is a"),
        ("NMB,CP-REREG,2006-07,-0.1", "value", "value -0.1 is outside 0–100"),
        (
            "NMB,SAFE-ROAD-KSI,2006-07,-2",
            "value",
            "value -2 is negative: SAFE-ROAD-KSI is measured as a rate per 10,000",
        ),
    ],
)
def test_each_row_problem_has_its_row_and_column(catalogue, line, column, message) -> None:
    result = check(f"{HEADER}\nNMB,CP-REREG,2004-05,10\n{line}\n", catalogue)
    ((row, found_column, found_message),) = problems(result)
    assert (row, found_column) == (3, column)
    assert message in found_message
    assert result.rows["row"].tolist() == [2]  # the good row is still checked and kept
    assert not result.ok


def test_period_boundaries(catalogue) -> None:
    result = check(f"{HEADER}\nNMB,CP-REREG,1999-00,1\nNMB,CP-REREG,2099-00,1\n", catalogue)
    assert result.ok
    assert result.rows["period"].tolist() == ["1999-00", "2099-00"]


def test_duplicate_rows_name_both_rows(catalogue) -> None:
    text = (
        f"{HEADER}\nNMB,CP-REREG,2006-07,10\nCSB,CP-REREG,2006-07,11\n"
        "nmb,cp-rereg,2006/07,12\nNMB,CP-REREG,2006-07,13\n"
    )
    result = check(text, catalogue)
    assert problems(result) == [
        (
            4,
            None,
            "duplicate row: rows 2 and 4 both give NMB, CP-REREG, 2006-07 — keep one value per "
            "authority, indicator and period",
        ),
        (
            5,
            None,
            "duplicate row: rows 2 and 5 both give NMB, CP-REREG, 2006-07 — keep one value per "
            "authority, indicator and period",
        ),
    ]


def test_one_kind_of_period_per_indicator(catalogue) -> None:
    text = f"{HEADER}\nNMB,CP-REREG,2005-06,10\nCSB,CP-REREG,2006,11\nCSB,HLT-INFANT-MORT,2006,5\n"
    assert problems(check(text, catalogue)) == [
        (
            3,
            "period",
            'period "2006" is a calendar year but row 2 gives CP-REREG for financial or '
            "academic years — use one kind of period per indicator",
        )
    ]


def test_missing_columns_stop_the_check(catalogue) -> None:
    result = check("authority_code,period,amount\nNMB,2006-07,1\n", catalogue)
    assert result.rows is None
    required = "authority_code, indicator_code, period, value"
    assert problems(result) == [
        (
            1,
            "indicator_code",
            f'missing column "indicator_code" — the header row must name the columns {required}',
        ),
        (1, "value", f'missing column "value" — the header row must name the columns {required}'),
    ]


def test_a_repeated_column_stops_the_check(catalogue) -> None:
    result = check(f"{HEADER},Value\nNMB,CP-REREG,2006-07,1,2\n", catalogue)
    assert result.rows is None
    assert problems(result) == [
        (1, "value", 'column "value" appears twice (columns D and E) — keep one')
    ]


def test_semicolon_separated_files_get_a_hint(catalogue) -> None:
    result = check(
        "authority_code;indicator_code;period;value\nNMB;CP-REREG;2006-07;1\n", catalogue
    )
    assert result.rows is None
    assert problems(result)[-1] == (
        1,
        None,
        "the columns seem to be separated by something other than commas — save the file as "
        "CSV (comma delimited)",
    )


@pytest.mark.parametrize("data", [b"", b"   \n\n", "\ufeff".encode()])
def test_empty_files(catalogue, data: bytes) -> None:
    result = check(data, catalogue)
    assert result.rows is None
    assert problems(result) == [(None, None, "the file is empty")]


def test_header_only(catalogue) -> None:
    result = check(f"{HEADER}\n\n", catalogue)
    assert result.rows is None
    assert problems(result) == [(None, None, "the file has a header row but no rows of values")]


def test_values_beyond_the_headed_columns(catalogue) -> None:
    result = check(f"{HEADER}\nNMB,CP-REREG,2006-07,1,,oops\nNMB,CP-REREG,2005-06,1,,\n", catalogue)
    assert problems(result) == [
        (
            2,
            None,
            "there is a value in column F, which has no heading — remove it or give the column "
            "a heading",
        )
    ]
    assert result.rows["row"].tolist() == [3]


def test_not_utf8(catalogue) -> None:
    result = check(
        f"{HEADER}\nNMB,CP-REREG,2006-07,1\n".encode() + b"NMB,caf\xe9,2006,1\n", catalogue
    )
    assert result.rows is None
    assert problems(result) == [
        (
            3,
            None,
            'the file is not UTF-8 text (byte 0xe9 on line 3) — save it as "CSV UTF-8"',
        )
    ]


def test_other_unreadable_files(catalogue) -> None:
    assert problems(check(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, catalogue))[0][
        2
    ].startswith("old-style Excel .xls files are not accepted")
    assert problems(check(HEADER, catalogue, filename="values.xlsx")) == [
        (None, None, "values.xlsx is named as an Excel file but is not an Excel workbook")
    ]
    assert problems(check(b"PK\x03\x04 not really a zip", catalogue)) == [
        (None, None, "the file is not an Excel .xlsx workbook")
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert problems(check(buffer.getvalue(), catalogue)) == [
        (None, None, "the file is a ZIP archive, not an Excel .xlsx workbook")
    ]
    assert problems(check(f"{HEADER}\nNMB,\0,2006,1\n", catalogue)) == [
        (None, None, "the file is not a CSV text file (it contains NUL bytes)")
    ]


def test_macro_enabled_workbooks_are_refused(catalogue) -> None:
    data = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx([["authority_code"]]))) as source,
        zipfile.ZipFile(data, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\0")
    assert problems(check(data.getvalue(), catalogue)) == [
        (
            None,
            None,
            "macro-enabled workbooks are not accepted — save it as an Excel Workbook (.xlsx)",
        )
    ]


def test_formulas_in_xlsx_are_refused_cell_by_cell(catalogue) -> None:
    data = xlsx(
        [
            ["authority_code", "indicator_code", "period", "value"],
            ["NMB", "CP-REREG", "2006-07", "=10+2"],
            ["NMB", "CP-REREG", "2005-06", 10],
            ['=UPPER("csb")', "CP-REREG", "2005-06", 10],
        ]
    )
    result = check(data, catalogue)
    assert problems(result) == [
        (2, "value", "formulas are not allowed — type the value instead"),
        (4, "authority_code", "formulas are not allowed — type the value instead"),
    ]
    assert result.rows["row"].tolist() == [3]


def test_dates_in_the_period_column_are_explained(catalogue) -> None:
    data = xlsx(
        [
            ["authority_code", "indicator_code", "period", "value"],
            ["NMB", "CP-REREG", date(2006, 7, 1), 10],
        ]
    )
    ((row, column, message),) = problems(check(data, catalogue))
    assert (row, column) == (2, "period")
    assert message.startswith("the cell holds a date (2006-07-01), not a period")


# --------------------------------------------------------------------------- optional columns


def test_optional_columns_must_agree_with_the_catalogue(catalogue) -> None:
    header = f"{HEADER},indicator_title,outcome,unit,higher_is_better"
    title = "Re-registrations on the child protection register"
    text = (
        f"{header}\n"
        f"NMB,CP-REREG,2004-05,10,{title.upper()},Staying safe,PERCENT,false\n"
        f"NMB,CP-REREG,2005-06,10,  {title}  ,staying-safe,percent,no\n"
        "NMB,CP-REREG,2006-07,10,,,,\n"
        'NMB,CP-REREG,2007-08,10,Re-registrations,being-healthy,"rate per 1,000",TRUE\n'
        "CSB,CP-REREG,2007-08,10,,,,maybe\n"
    )
    result = check(text, catalogue)
    assert problems(result) == [
        (
            5,
            "indicator_title",
            'indicator title "Re-registrations" does not match the catalogue title of CP-REREG: '
            f'"{title}"',
        ),
        (
            5,
            "outcome",
            'outcome "being-healthy" does not match the catalogue: CP-REREG is under '
            '"staying-safe" (Staying safe)',
        ),
        (
            5,
            "unit",
            'unit "rate per 1,000" does not match the catalogue: CP-REREG is measured as "percent"',
        ),
        (
            5,
            "higher_is_better",
            'higher_is_better "TRUE" does not match the catalogue: for CP-REREG lower values are '
            "better",
        ),
        (6, "higher_is_better", 'higher_is_better "maybe" is not TRUE or FALSE'),
    ]


def test_unit_and_direction_disagreements(catalogue) -> None:
    text = (
        f"{HEADER},unit,higher_is_better\n"
        "NMB,CP-REREG,2004-05,10,count,TRUE\n"
        "NMB,LAC-GCSE-5AC,2004-05,10,percent,1\n"
    )
    assert problems(check(text, catalogue)) == [
        (2, "unit", 'unit "count" does not match the catalogue: CP-REREG is measured as "percent"'),
        (
            2,
            "higher_is_better",
            'higher_is_better "TRUE" does not match the catalogue: for CP-REREG lower values are '
            "better",
        ),
    ]


# --------------------------------------------------------------------------- together


def test_many_problems_are_listed_together_in_row_and_column_order(catalogue) -> None:
    text = (
        f"{HEADER}\n"
        "XYZ,CP-NOPE,2006-08,abc\n"
        "NMB,CP-REREG,2006-07,10\n"
        "NMB,LAC-GCSE-5AC,2006,150\n"
        "NMB,CP-REREG,2006-07,11\n"
    )
    result = check(text, catalogue)
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "authority_code"),
        (2, "indicator_code"),
        (2, "period"),
        (2, "value"),
        (4, "value"),
        (5, None),
    ]
    assert result.rows["row"].tolist() == [3]
    assert str(result.problems[0]) == (
        'Row 2, authority_code: unknown authority "XYZ" — not an authority known to the workbench'
    )
    assert str(ImportProblem(None, None, "the file is empty")) == "the file is empty"
    assert str(result.problems[-1]).startswith("Row 5: duplicate row: rows 3 and 5")


def test_progress_is_reported_chunk_by_chunk(catalogue) -> None:
    lines = [HEADER]
    for i in range(12_000):
        code = ("NMB", "CSB", "FVD")[i % 3]
        year = 1950 + i // 3 // 30
        indicator = catalogue.codes[(i // 3) % 30]
        lines.append(f"{code},{indicator},{year}-{(year + 1) % 100:02d},{i % 90}")
    calls: list[tuple[int, int]] = []
    result = check("\n".join(lines), catalogue, on_progress=lambda d, t: calls.append((d, t)))
    assert calls == [(5_000, 12_000), (10_000, 12_000), (12_000, 12_000)]
    assert result.ok, result.problems[:3]
    assert result.row_count == 12_000


def test_problems_found_in_later_chunks_are_kept(catalogue) -> None:
    text = f"{HEADER}\nNMB,CP-REREG,2004-05,1\nNMB,CP-REREG,2005-06,1\nNMB,CP-REREG,2004-05,x\n"
    calls: list[tuple[int, int]] = []
    result = check(text, catalogue, on_progress=lambda d, t: calls.append((d, t)), chunk_rows=1)
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert [(p.row, p.column) for p in result.problems] == [(4, "value"), (4, None)]


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("2006-07", "2006-07"), (" 2006/07 ", "2006-07"), ("1999-00", "1999-00"), ("2006", "2006")],
)
def test_parse_period(text: str, canonical: str) -> None:
    assert parse_period(text) == canonical
    assert period_start_year(canonical) == int(canonical[:4])


@pytest.mark.parametrize("text", ["2006-08", "2006-2007", "06", "2006-7", "1066", "2006 07", ""])
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        parse_period(text)
