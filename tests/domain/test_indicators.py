"""Tests for the indicator catalogue: the shipped file and validation messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspect_app.domain.indicators import (
    DEFAULT_CATALOGUE_PATH,
    OUTCOMES,
    UNITS,
    CatalogueValidationError,
    Indicator,
    load_catalogue,
    parse_catalogue_text,
)
from inspect_app.domain.rubric_validation import load_rubric_file

ROOT = Path(__file__).resolve().parents[2]
FILE = "rubrics/indicators/test.yaml"

# 5 lines; the first indicator starts on line 6.
HEADER = """\
version: "1.0"
title: Test catalogue
source: Invented for these tests.
description: Two indicators.
indicators:
"""

GOOD_INDICATOR = """\
  - code: LAC-GCSE-5AC
    title: Children in care achieving 5 or more GCSEs at grades A*–C
    outcome: looked-after-children
    key_judgements: ["3.6"]
    unit: percent
    higher_is_better: true
    description: Children in care in Year 11.
    source: SSDA903.
"""


def indicator(**fields: str) -> str:
    """YAML for one indicator: 8 lines (code first), plus any extra ``fields`` at the end."""
    values = {
        "code": "CP-REREG",
        "title": "Re-registrations on the child protection register",
        "outcome": "staying-safe",
        "key_judgements": '["2.3", "2.5"]',
        "unit": "percent",
        "higher_is_better": "false",
        "description": "Re-registrations as a share of registrations.",
        "source": "CPR3.",
    }
    values.update(fields)
    lines = []
    for i, (key, value) in enumerate(values.items()):
        if value == "<omit>":
            continue
        lines.append(f"{'  - ' if i == 0 else '    '}{key}: {value}")
    return "\n".join(lines) + "\n"


def problems_of(text: str, **kwargs) -> list[str]:
    with pytest.raises(CatalogueValidationError) as caught:
        parse_catalogue_text(text, FILE, **kwargs)
    return [str(problem) for problem in caught.value.problems]


# --------------------------------------------------------------------------- the shipped file


@pytest.fixture(scope="module")
def shipped():
    rubric = load_rubric_file(ROOT / "rubrics" / "jar-2005.yaml")
    return load_catalogue(rubric=rubric)


def test_default_path_is_outside_the_rubric_directory_scan() -> None:
    # Every *.yaml directly in rubrics/ is loaded as a rubric, so the catalogue sits below it.
    assert DEFAULT_CATALOGUE_PATH == ROOT / "rubrics" / "indicators" / "catalogue.yaml"
    assert DEFAULT_CATALOGUE_PATH.is_file()


def test_shipped_catalogue_is_valid_against_the_2005_rubric(shipped) -> None:
    assert 25 <= len(shipped) <= 35
    assert shipped.version == "1.0"
    assert len(shipped.content_hash) == 64


def test_shipped_catalogue_covers_every_outcome_and_children_in_care(shipped) -> None:
    for outcome in OUTCOMES:
        assert shipped.for_outcome(outcome), outcome
    required = {
        "LAC-PLACEMENTS-3PLUS",
        "LAC-STABILITY-2YRS",
        "LAC-GCSE-5AC",
        "EA-GCSE-5AC",
        "LAC-HEALTH-CHECK",
        "LAC-DENTAL-CHECK",
        "CL-EET-19",
        "LAC-PERM-EXCL",
        "LAC-CAUTIONED",
        "LAC-MISSED-25-DAYS",
        "HLT-INFANT-MORT",
        "HLT-TEEN-CONC",
        "CP-REREG",
        "SC-INITIAL-7DAYS",
        "EW-NEET-16-18",
        "EA-ATTEND-SEC",
        "PC-REOFFEND",
    }
    assert required <= set(shipped.codes)


def test_lookups(shipped) -> None:
    gcse = shipped["LAC-GCSE-5AC"]
    assert isinstance(gcse, Indicator)
    assert gcse.key_judgements == ("3.6",)
    assert gcse.higher_is_better is True
    assert gcse.outcome_title == "Looked after children"
    assert "LAC-GCSE-5AC" in shipped and "NOPE" not in shipped
    assert shipped.get("NOPE") is None
    with pytest.raises(KeyError):
        shipped["NOPE"]
    assert gcse in shipped.for_key_judgement("3.6")
    assert shipped["LAC-PLACEMENTS-3PLUS"].key_judgements == ("2.6", "1.5")


def test_to_frame(shipped) -> None:
    frame = shipped.to_frame()
    assert list(frame.index) == list(shipped.codes)
    assert frame.loc["CP-REREG", "higher_is_better"] == False  # noqa: E712 — numpy bool
    assert frame.loc["CP-REREG", "unit"] == "percent"
    assert frame["higher_is_better"].dtype == bool


def test_formatting(shipped) -> None:
    assert shipped["LAC-GCSE-5AC"].format(12.345) == "12.3%"
    assert shipped["LAC-GCSE-5AC"].format(None) == "no data"
    assert shipped["LAC-GCSE-5AC"].format(float("nan"), missing="–") == "–"
    assert shipped["LAC-PERM-EXCL"].format(0.8) == "0.80%"  # decimals: 2
    assert shipped["SAFE-ROAD-KSI"].format(2.64) == "2.6 per 10,000"
    assert shipped["PC-FIRST-ENTRANTS"].format(1934.4) == "1,934 per 100,000"
    assert shipped["EW-BB-DAYS"].format(23.4) == "23 days"
    assert UNITS["count"].format(1234) == "1,234"
    assert shipped["LAC-GCSE-5AC"].format_difference(4.06) == "+4.1 percentage points"
    assert shipped["SAFE-ROAD-KSI"].format_difference(-1.0) == "\N{MINUS SIGN}1.0 per 10,000"
    assert shipped["SAFE-ROAD-KSI"].format_difference(0.01) == "0.0 per 10,000"


# --------------------------------------------------------------------------- validation


def test_a_minimal_catalogue_parses() -> None:
    catalogue = parse_catalogue_text(HEADER + GOOD_INDICATOR + indicator(), FILE)
    assert catalogue.codes == ("LAC-GCSE-5AC", "CP-REREG")
    assert catalogue.description == "Two indicators."
    assert catalogue["CP-REREG"].decimals is None
    assert catalogue["CP-REREG"].places == 1


def test_duplicate_code_names_the_first_use_and_the_line() -> None:
    text = HEADER + GOOD_INDICATOR + indicator(code="LAC-GCSE-5AC", title="Another title")
    assert problems_of(text) == [
        f'{FILE}: indicators[1].code (line 14): duplicate indicator code "LAC-GCSE-5AC" '
        "(first used at indicators[0])"
    ]


def test_duplicate_title_is_reported() -> None:
    title = "Children in care achieving 5 or more GCSEs at grades A*–C"
    (problem,) = problems_of(HEADER + GOOD_INDICATOR + indicator(title=title))
    assert "indicators[1].title (line 15): duplicate indicator title" in problem


def test_unknown_outcome_and_unit_list_the_allowed_values() -> None:
    problems = problems_of(HEADER + indicator(outcome="being-happy", unit="per cent"))
    assert problems[0].startswith(f'{FILE}: indicators[0].outcome (line 8): "being-happy" is not')
    assert "looked-after-children" in problems[0]
    assert problems[1].startswith(f'{FILE}: indicators[0].unit (line 10): "per cent" is not')
    assert "rate per 10,000" in problems[1]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('["3.6", "3.6"]', 'key judgement "3.6" is listed twice'),
        ('["3.06"]', "key judgement number must look like"),
        ('["3"]', "key judgement number must look like"),
        ("[3.6]", 'expected a quoted string such as "2.3", got the number 3.6'),
        ("[]", "list at least one key judgement number"),
        ('"3.6"', "expected a list"),
    ],
)
def test_key_judgement_numbers_must_be_well_formed(value: str, message: str) -> None:
    (problem,) = problems_of(HEADER + indicator(key_judgements=value))
    assert "indicators[0].key_judgements" in problem
    assert message in problem


def test_key_judgements_checked_against_a_rubric() -> None:
    rubric = load_rubric_file(ROOT / "rubrics" / "jar-2005.yaml")
    (problem,) = problems_of(HEADER + indicator(key_judgements='["2.3", "2.9"]'), rubric=rubric)
    assert problem == (
        f'{FILE}: indicators[0].key_judgements[1] (line 9): key judgement "2.9" is not in '
        'rubric "jar-2005" version "1.0"'
    )


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("LAC-GCSE-5AC", True),
        ("CP2", True),
        ("lac-gcse", False),
        ("LAC--GCSE", False),
        ("-LAC", False),
        ("5AC", False),
        ("LAC GCSE", False),
        ("A" * 41, False),
    ],
)
def test_indicator_code_format(code: str, ok: bool) -> None:
    text = HEADER + indicator(code=f'"{code}"')
    if ok:
        assert parse_catalogue_text(text, FILE).codes == (code,)
    else:
        (problem,) = problems_of(text)
        assert "is not a valid indicator code" in problem


def test_higher_is_better_must_be_a_boolean() -> None:
    (problem,) = problems_of(HEADER + indicator(higher_is_better='"true"'))
    assert problem == (
        f"{FILE}: indicators[0].higher_is_better (line 11): expected true or false, "
        'got a string ("true")'
    )


def test_decimals_must_be_a_small_whole_number() -> None:
    (problem,) = problems_of(HEADER + indicator(decimals="7"))
    assert "indicators[0].decimals (line 14): expected a whole number from 0 to 4" in problem
    assert parse_catalogue_text(HEADER + indicator(decimals="2"), FILE)["CP-REREG"].places == 2


def test_missing_and_unknown_fields() -> None:
    problems = problems_of(HEADER + indicator(source="<omit>", colour="red"))
    assert f'{FILE}: indicators[0] (line 6): missing required field "source"' in problems
    assert any(
        p.startswith(f'{FILE}: indicators[0].colour (line 13): unknown key "colour"')
        for p in problems
    )


def test_empty_text_and_top_level_problems() -> None:
    text = 'version: 1.0\ntitle: ""\nsource: x\nindicators: []\n'
    assert problems_of(text) == [
        f'{FILE}: version (line 1): expected a quoted string such as "1.0", got the number 1.0: '
        "quote it so YAML keeps it as text",
        f"{FILE}: title (line 2): must not be empty",
        f"{FILE}: indicators (line 4): a catalogue needs at least one indicator",
    ]


def test_many_problems_are_reported_together_in_line_order() -> None:
    text = (
        HEADER
        + indicator(code="bad", unit="furlongs")
        + indicator(code="CP-X", title="Other", outcome="x")
    )
    problems = problems_of(text)
    assert len(problems) == 3
    assert [p.split("(line ")[1].split(")")[0] for p in problems] == ["6", "10", "16"]


def test_invalid_yaml_and_unreadable_files(tmp_path: Path) -> None:
    (problem,) = problems_of("indicators: [\n")
    assert problem.startswith(f"{FILE} (line 2): invalid YAML")
    missing = tmp_path / "missing.yaml"
    with pytest.raises(CatalogueValidationError, match="cannot read file"):
        load_catalogue(missing)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(CatalogueValidationError, match="not valid UTF-8"):
        load_catalogue(latin)


def test_content_hash_ignores_layout_but_not_values() -> None:
    one = parse_catalogue_text(HEADER + indicator(), FILE)
    two = parse_catalogue_text("# comment\n" + HEADER + indicator(), FILE)
    three = parse_catalogue_text(HEADER + indicator(source="Other."), FILE)
    assert one.content_hash == two.content_hash != three.content_hash
