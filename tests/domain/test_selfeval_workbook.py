"""The self-evaluation workbook: built from a rubric, filled with openpyxl, parsed back."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from inspect_app.domain.rubric import (
    AreaKind,
    BestEnd,
    GradePoint,
    GradeScale,
    JudgementAreaSpec,
    KeyJudgementSpec,
    RubricSpec,
)
from inspect_app.domain.selfeval_workbook import (
    EVIDENCE_MAX_CHARS,
    FIRST_ROW,
    HEADER_ROW,
    META_SHEET,
    NARRATIVE_MAX_CHARS,
    EntryChange,
    SelfEvaluationEntry,
    SelfEvaluationErrors,
    SelfEvaluationReturn,
    WorkbookProblem,
    build_workbook,
    diff_returns,
    layout_checksum,
    parse_workbook,
    sheet_title,
    structure_checksum,
    workbook_layout,
)

AUTHORITY = "Northmere Borough Council"
REFERENCE = "JAR-2006-NMB-01"

SCALE = GradeScale(
    points=(
        GradePoint(1, "inadequate", "does not deliver minimum requirements"),
        GradePoint(2, "adequate", "only at minimum requirements"),
        GradePoint(3, "good", "consistently above minimum requirements"),
        GradePoint(4, "outstanding", "well above minimum requirements"),
    ),
    best=BestEnd.HIGHEST,
)

AREAS: dict[int, tuple[str, AreaKind, tuple[str, ...]]] = {
    1: (
        "Being healthy",
        AreaKind.OUTCOME,
        (
            "Parents and carers receive support to keep children healthy.",
            "Children and young people are supported to be healthy.",
        ),
    ),
    2: (
        "Stay safe",
        AreaKind.OUTCOME,
        (
            "Children and young people are provided with a safe environment.",
            "The incidence of child abuse and neglect is minimised.",
            "Children are safe from bullying and discrimination.",
        ),
    ),
    3: (
        "Service management",
        AreaKind.SERVICE,
        ("Ambition and prioritisation are sound.",),
    ),
}


def make_rubric(
    *,
    key: str = "jar-2005",
    version: str = "1.0",
    areas: Mapping[int, tuple[str, AreaKind, tuple[str, ...]]] = AREAS,
) -> RubricSpec:
    return RubricSpec(
        key=key,
        version=version,
        title="Joint Area Review (test)",
        source="Written for the tests",
        grade_scale=SCALE,
        areas=tuple(
            JudgementAreaSpec(
                number=number,
                code=f"area-{number}",
                title=title,
                kind=kind,
                description=f"What inspectors weigh for {title.lower()}.",
                key_judgements=tuple(
                    KeyJudgementSpec(f"{number}.{i}", text)
                    for i, text in enumerate(statements, start=1)
                ),
            )
            for number, (title, kind, statements) in areas.items()
        ),
        content_hash="0" * 64,
    )


RUBRIC = make_rubric()


@pytest.fixture(scope="module")
def blank() -> bytes:
    return build_workbook(RUBRIC, authority_name=AUTHORITY, review_reference=REFERENCE)


# --------------------------------------------------------------------------- helpers


def open_book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_of(ws: Worksheet, judgement: str) -> int:
    for r in range(FIRST_ROW, ws.max_row + 1):
        if ws[f"A{r}"].value == judgement:
            return r
    raise KeyError(judgement)


Answer = tuple[object, object, object]  # grade, narrative, evidence


def fill(data: bytes, answers: Mapping[tuple[str, str], Answer]) -> bytes:
    """Type answers into the workbook: (sheet, judgement) -> (grade, narrative, evidence)."""
    wb = open_book(data)
    for (sheet, judgement), values in answers.items():
        ws = wb[sheet]
        r = row_of(ws, judgement)
        for col, value in zip("CDE", values, strict=True):
            if value is not None:
                ws[f"{col}{r}"] = value
    return save(wb)


def edit(data: bytes, change: Callable[[Workbook], object]) -> bytes:
    wb = open_book(data)
    change(wb)
    return save(wb)


GRADED = {("Stay safe", "2.1"): (3, "Strong multi-agency working.", "Doc 12")}


def problems_of(data: bytes, rubric: RubricSpec = RUBRIC, **kwargs: str) -> list[str]:
    with pytest.raises(SelfEvaluationErrors) as caught:
        parse_workbook(data, rubric, **kwargs)
    return [str(p) for p in caught.value.problems]


# --------------------------------------------------------------------------- building


def test_sheets_are_instructions_then_areas_then_hidden_meta(blank: bytes) -> None:
    wb = open_book(blank)
    assert wb.sheetnames == [
        "Instructions",
        "Being healthy",
        "Stay safe",
        "Service management",
        META_SHEET,
    ]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert all(wb[t].sheet_state == "visible" for t in wb.sheetnames[:-1])


def test_meta_records_rubric_and_structure(blank: bytes) -> None:
    meta = {a: b for a, b in open_book(blank)[META_SHEET].iter_rows(values_only=True)}
    assert meta == {
        "format_version": "1",
        "rubric_key": "jar-2005",
        "rubric_version": "1.0",
        "rubric_content_hash": "0" * 64,
        "structure_checksum": layout_checksum(workbook_layout(RUBRIC)),
        "authority_name": AUTHORITY,
        "review_reference": REFERENCE,
    }


def test_area_sheet_rows(blank: bytes) -> None:
    ws = open_book(blank)["Stay safe"]
    assert [c.value for c in ws[HEADER_ROW]] == [
        "Key judgement",
        "Statement",
        "Grade (1\N{EN DASH}4)",
        "Narrative: your evaluation",
        "Evidence references",
    ]
    rows = [(ws[f"A{r}"].value, ws[f"B{r}"].value, ws[f"C{r}"].value) for r in range(FIRST_ROW, 9)]
    assert rows == [
        ("2.1", "Children and young people are provided with a safe environment.", None),
        ("2.2", "The incidence of child abuse and neglect is minimised.", None),
        ("2.3", "Children are safe from bullying and discrimination.", None),
        ("2", "Overall: Stay safe", None),
    ]
    assert ws.max_row == 8
    assert ws.freeze_panes == f"A{FIRST_ROW}"
    assert ws["A4"].font.bold
    assert ws["B6"].alignment.wrap_text and ws["D6"].alignment.wrap_text
    assert ws.column_dimensions["B"].width >= 40 and ws.column_dimensions["D"].width >= 60


def test_grade_cells_have_a_dropdown_of_the_scale(blank: bytes) -> None:
    ws = open_book(blank)["Stay safe"]
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"1,2,3,4"'
    assert str(validation.sqref) == "C5:C8"
    assert validation.showErrorMessage and validation.errorStyle == "stop"
    assert validation.error and validation.errorTitle
    assert validation.showInputMessage and "4 outstanding" in validation.prompt
    assert len(validation.prompt) <= 255


def test_sheets_are_protected_and_only_answer_cells_unlocked(blank: bytes) -> None:
    wb = open_book(blank)
    assert wb.security.lockStructure
    assert all(wb[t].protection.sheet for t in wb.sheetnames)
    ws = wb["Stay safe"]
    for r in range(FIRST_ROW, 9):
        assert all(ws[f"{c}{r}"].protection.locked for c in "AB")
        assert not any(ws[f"{c}{r}"].protection.locked for c in "CDE")
    assert ws["C4"].protection.locked and ws["C9"].protection.locked


def test_instructions_explain_scale_limits_and_protection(blank: bytes) -> None:
    ws = open_book(blank)["Instructions"]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    for expected in (
        AUTHORITY,
        REFERENCE,
        "Joint Area Review (test) (jar-2005, version 1.0)",
        "4 — outstanding: well above minimum requirements",
        "1 — inadequate: does not deliver minimum requirements",
        "4 is the best grade and 1 the weakest",
        "opposite direction to some school inspection scales",
        "A narrative is required",
        "at most 4,000 characters",
        "at most 1,000 characters",
        "structure is protected and must not be changed",
    ):
        assert expected in text
    assert ws["A1"].font.bold and ws.column_dimensions["A"].width >= 80


def test_text_beginning_with_equals_is_written_as_text() -> None:
    data = build_workbook(RUBRIC, authority_name="=HYPERLINK(1)", review_reference=REFERENCE)
    meta = open_book(data)[META_SHEET]
    assert meta["B6"].value == "=HYPERLINK(1)" and meta["B6"].data_type == "s"
    parse_workbook(fill(data, GRADED), RUBRIC)


def test_sheet_titles_are_safe_for_excel_and_unique() -> None:
    areas = {
        1: ("Learning difficulties and/or disabilities: [provision]?", AreaKind.OUTCOME, ("A",)),
        2: ("Learning difficulties and/or disabilities: [provision]*", AreaKind.OUTCOME, ("B",)),
        3: ("Instructions", AreaKind.CAPACITY, ("C",)),
        4: ("???", AreaKind.CAPACITY, ("D",)),
    }
    titles = [s.title for s in workbook_layout(make_rubric(areas=areas))]
    assert titles == [
        "Learning difficulties andor dis",
        "Learning difficulties andor (2)",
        "Instructions (2)",
        "Area 4",
    ]
    assert all(len(t) <= 31 for t in titles)
    assert sheet_title("a" * 40, taken=["a" * 31]) == "a" * 27 + " (2)"


def test_structure_checksum_is_sha256_of_ordered_rows() -> None:
    rows = [("Stay safe", 5, "2.1", "Statement")]
    assert len(structure_checksum(rows)) == 64
    assert structure_checksum(rows) != structure_checksum([("Stay safe", 6, "2.1", "Statement")])


# --------------------------------------------------------------------------- round trip


def test_round_trip_returns_exactly_what_was_entered(blank: bytes) -> None:
    narrative = "  Good joint work.\nThe LSCB audits case files termly — see annex.  "
    data = fill(
        blank,
        {
            ("Being healthy", "1.1"): (4, narrative, "  HB/01; HB/02  "),
            ("Being healthy", "1"): ("3", "Health partners are engaged.", None),
            ("Stay safe", "2.2"): (2.0, "Referrals rose; re-referral rate high.", "Case 0417"),
            ("Stay safe", "2.3"): (None, "Anti-bullying work not yet evaluated.", None),
            ("Stay safe", "2"): (" 1 ", "Thresholds are inconsistent.", "Audit 7"),
            ("Service management", "3.1"): (3, "x" * NARRATIVE_MAX_CHARS, "y" * 1000),
        },
    )
    result = parse_workbook(data, RUBRIC)
    assert result.rubric_key == "jar-2005" and result.rubric_version == "1.0"

    def blank_entry(judgement: str, is_area: bool = False) -> SelfEvaluationEntry:
        return SelfEvaluationEntry(judgement, is_area, None, "", "")

    assert result.entries == (
        SelfEvaluationEntry("1.1", False, 4, narrative.strip(), "HB/01; HB/02"),
        blank_entry("1.2"),
        SelfEvaluationEntry("1", True, 3, "Health partners are engaged.", ""),
        blank_entry("2.1"),
        SelfEvaluationEntry("2.2", False, 2, "Referrals rose; re-referral rate high.", "Case 0417"),
        SelfEvaluationEntry("2.3", False, None, "Anti-bullying work not yet evaluated.", ""),
        SelfEvaluationEntry("2", True, 1, "Thresholds are inconsistent.", "Audit 7"),
        SelfEvaluationEntry("3.1", False, 3, "x" * NARRATIVE_MAX_CHARS, "y" * EVIDENCE_MAX_CHARS),
        blank_entry("3", is_area=True),
    )
    assert result.entry("2").grade == 1


def test_parse_accepts_a_file_object(blank: bytes) -> None:
    result = parse_workbook(io.BytesIO(fill(blank, GRADED)), RUBRIC)
    assert result.entry("2.1").grade == 3


def test_review_reference_checked_when_given(blank: bytes) -> None:
    data = fill(blank, GRADED)
    assert parse_workbook(data, RUBRIC, review_reference=REFERENCE).entry("2.1").grade == 3
    assert problems_of(data, review_reference="JAR-2007-CAS-02") == [
        "workbook.xlsx: This workbook was made for review JAR-2006-NMB-01, not "
        "JAR-2007-CAS-02 — download the workbook for this review"
    ]


# --------------------------------------------------------------------------- file-level errors


@pytest.mark.parametrize(
    "data",
    [
        b"Key judgement,Grade\n2.1,3\n",
        b"",
        b"PK\x03\x04 truncated zip",
    ],
)
def test_not_an_xlsx(data: bytes) -> None:
    assert problems_of(data) == ["workbook.xlsx: not an Excel .xlsx workbook"]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert problems_of(buffer.getvalue(), filename="return.docx") == [
        "return.docx: not an Excel .xlsx workbook"
    ]


def add_to_zip(data: bytes, name: str, content: bytes, replace: str = "") -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "[Content_Types].xml" and replace:
                body = body.replace(b"spreadsheetml.sheet.main+xml", replace.encode())
            target.writestr(info, body)
        if name:
            target.writestr(name, content)
    return buffer.getvalue()


MACRO_MESSAGE = (
    "workbook.xlsx: macro-enabled workbooks (.xlsm) are not accepted — "
    "save it as an Excel Workbook (.xlsx)"
)


def test_macro_enabled_workbook_is_refused(blank: bytes) -> None:
    data = add_to_zip(fill(blank, GRADED), "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    assert problems_of(data) == [MACRO_MESSAGE]


def test_macro_enabled_content_type_is_refused(blank: bytes) -> None:
    data = add_to_zip(fill(blank, GRADED), "", b"", replace="sheet.macroEnabled.main+xml")
    assert problems_of(data) == [MACRO_MESSAGE]


def test_missing_meta_sheet(blank: bytes) -> None:
    data = edit(fill(blank, GRADED), lambda wb: wb.remove(wb[META_SHEET]))
    assert problems_of(data) == [
        "workbook.xlsx: this is not a JAR Workbench self-evaluation workbook, or it has been "
        "damaged (its hidden _meta sheet is missing) — download a new workbook"
    ]


def test_workbook_for_another_rubric_version(blank: bytes) -> None:
    data = fill(blank, GRADED)
    assert problems_of(data, make_rubric(key="jar-2007")) == [
        "workbook.xlsx: This workbook was made for rubric jar-2005 version 1.0; this review "
        "uses jar-2007 version 1.0 — download a new workbook"
    ]
    assert problems_of(data, make_rubric(version="1.1")) == [
        "workbook.xlsx: This workbook was made for rubric jar-2005 version 1.0; this review "
        "uses jar-2005 version 1.1 — download a new workbook"
    ]


def test_rubric_statements_changed_under_the_same_version(blank: bytes) -> None:
    areas = dict(AREAS)
    areas[3] = ("Service management", AreaKind.SERVICE, ("Ambition is sound.",))
    assert problems_of(fill(blank, GRADED), make_rubric(areas=areas)) == [
        "workbook.xlsx: this workbook's structure does not match rubric jar-2005 version 1.0 "
        "(structure checksum mismatch) — download a new workbook"
    ]


def test_tampered_meta_checksum(blank: bytes) -> None:
    def tamper(wb: Workbook) -> None:
        wb[META_SHEET]["B5"] = "f" * 64

    assert "(structure checksum mismatch)" in problems_of(edit(fill(blank, GRADED), tamper))[0]


def test_formula_refused_with_its_cell(blank: bytes) -> None:
    def add_formulas(wb: Workbook) -> None:
        wb["Stay safe"]["C6"] = "=1+2"
        wb["Stay safe"]["D6"] = "=B6"
        text = wb["Being healthy"]["E5"]
        text.value, text.data_type = "=SUM(A1)", "s"  # text that would become a formula

    assert problems_of(edit(fill(blank, GRADED), add_formulas)) == [
        'Being healthy!E5: formulas are not allowed — this cell begins with "="; '
        "type the value instead",
        "Stay safe!C6: formulas are not allowed — type the value instead",
        "Stay safe!D6: formulas are not allowed — type the value instead",
    ]


# --------------------------------------------------------------------------- structure


def test_renamed_sheet(blank: bytes) -> None:
    def rename(wb: Workbook) -> None:
        wb["Stay safe"].title = "Staying safe"

    assert problems_of(edit(fill(blank, GRADED), rename)) == [
        'workbook.xlsx: sheet "Staying safe" is not part of this workbook — '
        "sheets must not be added or renamed",
        'workbook.xlsx: sheet "Stay safe" is missing — sheets must not be renamed or deleted',
        "workbook.xlsx: no grades have been given — grade at least one key judgement or area",
    ]


def test_removed_sheet(blank: bytes) -> None:
    data = edit(fill(blank, GRADED), lambda wb: wb.remove(wb["Being healthy"]))
    assert problems_of(data) == [
        'workbook.xlsx: sheet "Being healthy" is missing — sheets must not be renamed or deleted'
    ]


def test_reordered_sheets(blank: bytes) -> None:
    data = edit(fill(blank, GRADED), lambda wb: wb.move_sheet("Service management", offset=-2))
    assert problems_of(data) == [
        'workbook.xlsx: the sheets have been reordered — expected "Being healthy", '
        '"Stay safe", "Service management" but found "Service management", '
        '"Being healthy", "Stay safe"'
    ]


def test_removed_row(blank: bytes) -> None:
    data = edit(fill(blank, GRADED), lambda wb: wb["Stay safe"].delete_rows(6))
    assert problems_of(data) == [
        "Stay safe!A6: key judgement 2.2 is missing — rows must not be deleted"
    ]


def test_removed_overall_row(blank: bytes) -> None:
    data = edit(fill(blank, GRADED), lambda wb: wb["Being healthy"].delete_rows(7))
    assert problems_of(data) == [
        "Being healthy!A7: the overall row for area 1 is missing — rows must not be deleted"
    ]


def swap_rows(ws: Worksheet, a: int, b: int) -> None:
    for col in "ABCDE":
        ws[f"{col}{a}"].value, ws[f"{col}{b}"].value = ws[f"{col}{b}"].value, ws[f"{col}{a}"].value


def test_reordered_rows(blank: bytes) -> None:
    data = edit(fill(blank, GRADED), lambda wb: swap_rows(wb["Stay safe"], 6, 7))
    assert problems_of(data) == [
        "Stay safe!A6: expected key judgement 2.2 here but found 2.3 — rows must not be reordered",
        "Stay safe!A7: expected key judgement 2.3 here but found 2.2 — rows must not be reordered",
    ]


def test_inserted_blank_row(blank: bytes) -> None:
    data = edit(fill(blank, GRADED), lambda wb: wb["Service management"].insert_rows(5))
    assert problems_of(data) == [
        "Service management!A6: key judgement 3.1 should be on row 5 — "
        "rows must not be inserted or moved",
        "Service management!A7: the overall row for area 3 should be on row 6 — "
        "rows must not be inserted or moved",
    ]


def test_added_rows(blank: bytes) -> None:
    def add(wb: Workbook) -> None:
        ws = wb["Stay safe"]
        ws["A9"], ws["B9"], ws["C9"], ws["D9"] = "2.4", "Our own extra judgement", 4, "Great."
        ws["D11"] = "A note under the table."
        ws["A12"], ws["B12"] = "2.1", "Children and young people are provided with a safe..."

    assert problems_of(edit(fill(blank, GRADED), add)) == [
        "Stay safe!A11: this row is not part of the workbook — rows must not be added",
        'Stay safe!A9: row "2.4" is not in the rubric — rows must not be added',
        "Stay safe!A12: key judgement 2.1 appears more than once — "
        "rows must not be copied or added",
        "Stay safe!B12: the statement for key judgement 2.1 has been changed — "
        "statements must not be edited",
    ]


def test_edited_statement(blank: bytes) -> None:
    def reword(wb: Workbook) -> None:
        wb["Stay safe"]["B6"] = "Child abuse is not our concern."

    assert problems_of(edit(fill(blank, GRADED), reword)) == [
        "Stay safe!B6: the statement for key judgement 2.2 has been changed — "
        "statements must not be edited"
    ]


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize(
    ("grade", "shown"),
    [(5, "5"), (0, "0"), ("good", "good"), ("3.5", "3.5"), (3.5, "3.5"), ("4 - best", "4 - best")],
)
def test_grade_not_on_the_scale(blank: bytes, grade: object, shown: str) -> None:
    data = fill(blank, GRADED | {("Stay safe", "2.3"): (grade, "Our evaluation.", None)})
    assert problems_of(data) == [f'Stay safe!C7: grade "{shown}" is not on the scale 1\N{EN DASH}4']


@pytest.mark.parametrize("grade", [3, 3.0, "3", " 3 ", "3.0"])
def test_whole_number_grades_accepted(blank: bytes, grade: object) -> None:
    data = fill(blank, {("Stay safe", "2.3"): (grade, "Our evaluation.", None)})
    assert parse_workbook(data, RUBRIC).entry("2.3").grade == 3


def test_boolean_grade_refused(blank: bytes) -> None:
    data = fill(blank, GRADED | {("Stay safe", "2.3"): (True, "Our evaluation.", None)})
    assert problems_of(data) == ['Stay safe!C7: grade "True" is not on the scale 1\N{EN DASH}4']


def test_grade_without_narrative(blank: bytes) -> None:
    data = fill(blank, GRADED | {("Stay safe", "2.3"): (2, "   ", "Doc 4")})
    assert problems_of(data) == ["Stay safe!D7: narrative is required when a grade is given"]


def test_narrative_too_long(blank: bytes) -> None:
    data = fill(blank, GRADED | {("Stay safe", "2.3"): (2, "n" * 4001, None)})
    assert problems_of(data) == [
        "Stay safe!D7: narrative is 4,001 characters long; the limit is 4,000"
    ]


def test_evidence_too_long(blank: bytes) -> None:
    data = fill(blank, GRADED | {("Stay safe", "2.3"): (2, "Fine.", "e" * 1001)})
    assert problems_of(data) == [
        "Stay safe!E7: evidence references are 1,001 characters long; the limit is 1,000"
    ]


def test_blank_rows_allowed_but_one_grade_required(blank: bytes) -> None:
    assert problems_of(blank) == [
        "workbook.xlsx: no grades have been given — grade at least one key judgement or area"
    ]
    narrative_only = fill(blank, {("Stay safe", "2.2"): (None, "Work in progress.", None)})
    assert len(problems_of(narrative_only)) == 1
    result = parse_workbook(fill(blank, {("Stay safe", "2"): (2, "Overall view.", None)}), RUBRIC)
    assert [e.grade for e in result.entries] == [None] * 6 + [2, None, None]


def test_several_errors_are_reported_together(blank: bytes) -> None:
    def break_things(wb: Workbook) -> None:
        wb["Being healthy"]["C5"] = 5
        wb["Being healthy"]["D5"] = "Fine."
        wb["Being healthy"]["C6"] = "good"
        wb["Stay safe"]["C5"] = 3
        wb["Stay safe"]["D6"] = "=A1"
        wb["Stay safe"]["E5"] = "e" * 1200
        wb["Service management"].delete_rows(5)

    assert problems_of(edit(blank, break_things), filename="northmere.xlsx") == [
        "Stay safe!D6: formulas are not allowed — type the value instead",
        'Being healthy!C5: grade "5" is not on the scale 1\N{EN DASH}4',
        'Being healthy!C6: grade "good" is not on the scale 1\N{EN DASH}4',
        "Being healthy!D6: narrative is required when a grade is given",
        "Stay safe!D5: narrative is required when a grade is given",
        "Stay safe!E5: evidence references are 1,200 characters long; the limit is 1,000",
        "Service management!A5: key judgement 3.1 is missing — rows must not be deleted",
    ]


def test_errors_carry_sheet_and_cell(blank: bytes) -> None:
    data = fill(blank, {("Stay safe", "2.3"): (5, "x", None)})
    with pytest.raises(SelfEvaluationErrors) as caught:
        parse_workbook(data, RUBRIC)
    first = caught.value.problems[0]
    assert (first.sheet, first.cell) == ("Stay safe", "C7")
    assert str(caught.value).startswith('Stay safe!C7: grade "5"')


def test_problem_text() -> None:
    assert str(WorkbookProblem("Stay safe", "C7", "bad")) == "Stay safe!C7: bad"
    assert str(WorkbookProblem("Stay safe", None, "bad")) == "Stay safe: bad"
    assert str(WorkbookProblem(None, None, "bad", "a.xlsx")) == "a.xlsx: bad"
    assert str(WorkbookProblem(None, None, "bad")) == "bad"


# --------------------------------------------------------------------------- diff


def test_diff_returns() -> None:
    old = SelfEvaluationReturn(
        "jar-2005",
        "1.0",
        (
            SelfEvaluationEntry("2.1", False, 2, "Adequate.", "Doc 1"),
            SelfEvaluationEntry("2.2", False, 3, "Good.", ""),
            SelfEvaluationEntry("2", True, None, "", ""),
            SelfEvaluationEntry("9.9", False, 1, "Dropped.", ""),
        ),
    )
    new = SelfEvaluationReturn(
        "jar-2005",
        "1.0",
        (
            SelfEvaluationEntry("2.1", False, 3, "Now good.", "Doc 1"),
            SelfEvaluationEntry("2.2", False, 3, "Good.", "Doc 2"),
            SelfEvaluationEntry("2", True, 3, "Good overall.", ""),
        ),
    )
    assert diff_returns(old, new) == [
        EntryChange("2.1", "grade", 2, 3),
        EntryChange("2.1", "narrative", "Adequate.", "Now good."),
        EntryChange("2.2", "evidence_references", "", "Doc 2"),
        EntryChange("2", "grade", None, 3),
        EntryChange("2", "narrative", "", "Good overall."),
        EntryChange("9.9", "grade", 1, None),
        EntryChange("9.9", "narrative", "Dropped.", ""),
    ]
    assert diff_returns(new, new) == []


def test_content_far_outside_the_layout_is_refused(blank: bytes) -> None:
    def scribble(wb: Workbook) -> None:
        wb["Stay safe"]["A5000"] = "x"

    assert problems_of(edit(fill(blank, GRADED), scribble)) == [
        "Stay safe!A1:E5000: there is content outside the workbook's layout — "
        "rows and columns must not be added"
    ]


def test_excel_extensions_openpyxl_cannot_read_do_not_stop_parsing(blank: bytes) -> None:
    """Excel saves x14 data validations that openpyxl warns about and drops."""
    extension = (
        b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b'<x14:dataValidations count="0"/></ext></extLst></worksheet>'
    )
    source = zipfile.ZipFile(io.BytesIO(fill(blank, GRADED)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                body = body.replace(b"</worksheet>", extension)
            target.writestr(info, body)
    with pytest.warns(UserWarning, match="extension is not supported"):
        load_workbook(io.BytesIO(buffer.getvalue()))
    assert parse_workbook(buffer.getvalue(), RUBRIC).entry("2.1").grade == 3
