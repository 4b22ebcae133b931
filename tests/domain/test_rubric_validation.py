"""Tests for parsing and validating rubric YAML files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from inspect_app.domain.rubric import AreaKind, BestEnd
from inspect_app.domain.rubric_validation import (
    RubricProblem,
    RubricValidationError,
    content_hash,
    load_rubric_file,
    parse_rubric_text,
    validate_paths,
)

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"
FILE = "rubrics/test.yaml"
EN_DASH = "\N{EN DASH}"  # GradeScale.describe() joins the ends with an en dash

# 12 lines; the first area starts on line 13.
HEADER = """\
key: test-rubric
version: "1.0"
title: Test rubric
source: Invented for these tests.
grade_scale:
  best: highest
  grades:
    - {value: 1, label: Inadequate, descriptor: Below minimum requirements.}
    - {value: 2, label: Adequate, descriptor: At minimum requirements.}
    - {value: 3, label: Good, descriptor: Above minimum requirements.}
    - {value: 4, label: Outstanding, descriptor: Well above minimum requirements.}
areas:
"""


def area(number: int, *judgements: str, code: str | None = None, extra: str = "") -> str:
    """YAML for one area (indented under ``areas:``) with key judgements numbered as given."""
    lines = [
        f"  - number: {number}",
        f"    code: {code or f'area-{number}'}",
        f"    title: Area {number}",
        "    kind: outcome",
        *extra.splitlines(),
        "    key_judgements:" if judgements else "    key_judgements: []",
    ]
    for judgement in judgements:
        lines += [f'      - number: "{judgement}"', f"        text: Judgement {judgement}."]
    return "\n".join(lines) + "\n"


def rubric_text(*areas: str, replace: dict[str, str] | None = None) -> str:
    """A small valid rubric (one area, one key judgement unless ``areas`` given).

    ``replace`` maps a fragment of the text to its replacement, to break one thing.
    """
    text = HEADER + "".join(areas or (area(1, "1.1"),))
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``fragment``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return hits[occurrence - 1]


def problems_of(text: str) -> list[tuple[str, str, int | None, str]]:
    with pytest.raises(RubricValidationError) as caught:
        parse_rubric_text(text, FILE)
    return [(p.file, p.path, p.line, p.message) for p in caught.value.problems]


def only_problem(text: str) -> tuple[str, int | None, str]:
    """(path, line, message) of the single problem reported for ``text``."""
    problems = problems_of(text)
    assert len(problems) == 1, problems
    file, path, line, message = problems[0]
    assert file == FILE
    return path, line, message


# --------------------------------------------------------------------------- shipped rubrics


@pytest.mark.parametrize("name", ["jar-2005", "jar-2007"])
def test_shipped_rubric_is_valid(name: str) -> None:
    spec = load_rubric_file(RUBRICS / f"{name}.yaml")

    assert spec.key == name
    assert spec.version == "1.0"
    assert spec.grade_scale.values == (1, 2, 3, 4)
    assert spec.grade_scale.best is BestEnd.HIGHEST
    assert spec.grade_scale.label_for(4) == "Outstanding"
    assert spec.grade_scale.label_for(1) == "Inadequate"
    assert spec.area_grade_rule == "rounded_median"
    assert "unverified" in spec.source.lower()
    assert re.fullmatch(r"[0-9a-f]{64}", spec.content_hash)


@pytest.mark.parametrize("name", ["jar-2005", "jar-2007"])
def test_shipped_rubric_numbers_are_unique_and_nested(name: str) -> None:
    spec = load_rubric_file(RUBRICS / f"{name}.yaml")
    numbers = [kj.number for kj in spec.key_judgements()]

    assert len(numbers) == len(set(numbers))
    assert len({a.number for a in spec.areas}) == len(spec.areas)
    assert len({a.code for a in spec.areas}) == len(spec.areas)
    for a in spec.areas:
        assert a.descriptors.keys() == {1, 2, 3, 4}
        assert a.lead_inspectorates
        items = [int(kj.number.split(".")[1]) for kj in a.key_judgements]
        assert items == list(range(1, len(items) + 1))
        assert all(kj.number.startswith(f"{a.number}.") for kj in a.key_judgements)
        assert all(2 <= len(kj.evidence_prompts) <= 4 for kj in a.key_judgements)


def test_jar_2005_structure_and_wordings() -> None:
    spec = load_rubric_file(RUBRICS / "jar-2005.yaml")
    areas = {a.number: a for a in spec.areas}
    judgements = {kj.number: kj for kj in spec.key_judgements()}

    assert spec.title == "Joint Area Review framework (2005)"
    assert list(areas) == [1, 2, 3, 4, 5, 6, 7]
    assert [areas[n].kind for n in areas] == [AreaKind.OUTCOME] * 5 + [
        AreaKind.SERVICE,
        AreaKind.CAPACITY,
    ]
    assert areas[1].code == "being-healthy"
    assert areas[2].lead_inspectorates == ("csci", "ofsted", "hmic")
    assert [len(areas[n].key_judgements) for n in areas] == [6, 7, 7, 7, 7, 4, 1]
    assert judgements["2.3"].text == "The incidence of child abuse and neglect is minimised."
    assert judgements["4.7"].text == (
        "Children and young people with learning difficulties and/or disabilities "
        "are helped to make a positive contribution."
    )
    assert [kj.number for kj in areas[7].key_judgements] == ["7.1"]
    assert sum(1 for kj in judgements.values() if {1, 4} <= kj.descriptors.keys()) >= 20


def test_jar_2007_revised_model() -> None:
    spec = load_rubric_file(RUBRICS / "jar-2007.yaml")

    assert [(a.number, a.code) for a in spec.areas] == [
        (1, "safeguarding"),
        (2, "looked-after-children"),
        (3, "learning-difficulties-and-disabilities"),
        (4, "service-management"),
        (5, "capacity-to-improve"),
    ]
    assert [kj.number for kj in spec.areas[4].key_judgements] == ["5.1"]
    for kj in spec.key_judgements():
        assert "(From 2005 key judgement" in kj.text or "(From the Care Matters" in kj.text
    looked_after = " ".join(kj.text for kj in spec.areas[1].key_judgements)
    for item in ("1.5", "2.6", "3.6", "4.6", "5.6"):
        assert f"key judgement {item}" in looked_after or f"judgements {item}" in looked_after


def test_hash_is_stable_across_reformatting() -> None:
    text = (RUBRICS / "jar-2005.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    reformatted = "# Same content, different layout.\n" + yaml.safe_dump(
        document, sort_keys=True, default_flow_style=True, width=60, allow_unicode=False
    )

    original = parse_rubric_text(text, "a.yaml")
    assert parse_rubric_text(reformatted, "b.yaml").content_hash == original.content_hash

    changed = text.replace('version: "1.0"', 'version: "1.1"')
    assert parse_rubric_text(changed, "c.yaml").content_hash != original.content_hash


def test_content_hash_is_sha256_of_canonical_json() -> None:
    canonical = '{"a":[1,"é"],"b":{"4":"x"}}'
    expected = hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    assert content_hash({"b": {4: "x"}, "a": [1, "é"]}) == expected


def test_readme_minimal_example_is_valid() -> None:
    readme = (RUBRICS / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Annotated minimal example", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]

    spec = parse_rubric_text(example, "README.md")

    assert spec.areas[0].key_judgements[0].descriptors == {
        4: "Abuse and neglect are identified early.",
        1: "Referrals go unassessed.",
    }


# --------------------------------------------------------------------------- a valid document


def test_minimal_rubric_parses_into_spec() -> None:
    text = rubric_text(area(1, "1.1", "1.3", extra="    description: '  Padded.  '"))
    spec = parse_rubric_text(text, FILE)

    assert spec.key == "test-rubric"
    assert spec.description == ""
    assert spec.area_grade_rule is None
    assert spec.areas[0].description == "Padded."
    assert spec.areas[0].lead_inspectorates == ()
    assert [kj.number for kj in spec.key_judgements()] == ["1.1", "1.3"]
    assert spec.key_judgements()[0].evidence_prompts == ()


# --------------------------------------------------------------------------- one test per error


def test_bad_yaml_reports_its_line() -> None:
    text = rubric_text(replace={"title: Test rubric": "title: Test: rubric"})

    assert only_problem(text) == (
        "",
        3,
        "invalid YAML: mapping values are not allowed here",
    )


def test_bad_yaml_structure_reports_parser_context() -> None:
    text = rubric_text(replace={"  best: highest": "  best: highest\n bad: indentation"})

    assert only_problem(text) == (
        "",
        7,
        "invalid YAML: while parsing a block mapping: "
        "expected <block end>, but found '<block mapping start>'",
    )


def test_document_not_a_mapping() -> None:
    assert only_problem("- one\n- two\n") == (
        "",
        1,
        "the rubric document must be a mapping of fields, got a list",
    )


def test_empty_document() -> None:
    assert only_problem("# nothing here\n") == (
        "",
        None,
        "the rubric document must be a mapping of fields, got nothing (null)",
    )


def test_missing_required_field() -> None:
    text = rubric_text(replace={"title: Test rubric\n": ""})

    assert only_problem(text) == ("", 1, 'missing required field "title"')


def test_missing_required_field_in_area() -> None:
    text = rubric_text(replace={"    kind: outcome\n": ""})

    assert only_problem(text) == ("areas[0]", 13, 'missing required field "kind"')


def test_unknown_key_lists_allowed_keys() -> None:
    text = rubric_text(replace={"source:": "colour: red\nsource:"})

    assert only_problem(text) == (
        "colour",
        4,
        'unknown key "colour"; allowed keys: key, version, title, source, description, '
        "grade_scale, area_grade_rule, areas",
    )


def test_unknown_key_in_key_judgement() -> None:
    text = rubric_text(replace={"        text: Judgement 1.1.": "        txt: Judgement 1.1."})

    assert problems_of(text) == [
        (FILE, "areas[0].key_judgements[0]", 18, 'missing required field "text"'),
        (
            FILE,
            "areas[0].key_judgements[0].txt",
            19,
            'unknown key "txt"; allowed keys: number, text, evidence_prompts, descriptors',
        ),
    ]


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("title: Test rubric", "title: 3", "title", "expected a string, got an integer (3)"),
        ("title: Test rubric", "title: no", "title", "expected a string, got a boolean (false)"),
        (
            "  - number: 1",
            "  - number: one",
            "areas[0].number",
            'expected an integer, got a string ("one")',
        ),
        ("  - number: 1", "  - number: 0", "areas[0].number", "expected a positive integer, got 0"),
        (
            "{value: 1,",
            "{value: '1',",
            "grade_scale.grades[0].value",
            'expected an integer, got a string ("1")',
        ),
        (
            "        text: Judgement 1.1.",
            "        text: [a, b]",
            "areas[0].key_judgements[0].text",
            "expected a string, got a list",
        ),
    ],
)
def test_wrong_type(old: str, new: str, path: str, message: str) -> None:
    text = rubric_text(replace={old: new})

    assert only_problem(text) == (path, line_of(text, new.strip()), message)


def test_wrong_type_for_areas() -> None:
    text = HEADER.replace("areas:\n", "areas: none\n")

    assert only_problem(text) == ("areas", 12, 'expected a list, got a string ("none")')


def test_wrong_type_for_key_judgements() -> None:
    text = rubric_text(area(1), replace={"key_judgements: []": "key_judgements: {}"})

    assert only_problem(text) == (
        "areas[0].key_judgements",
        17,
        "expected a list, got a mapping",
    )


def test_wrong_type_for_inspectorates() -> None:
    text = rubric_text(area(1, "1.1", extra="    lead_inspectorates: ofsted"))

    assert only_problem(text) == (
        "areas[0].lead_inspectorates",
        17,
        'expected a list, got a string ("ofsted")',
    )


def test_area_must_be_a_mapping() -> None:
    text = rubric_text("  - Being healthy\n")

    assert only_problem(text) == (
        "areas[0]",
        13,
        'an area must be a mapping of fields, got a string ("Being healthy")',
    )


def test_empty_string() -> None:
    text = rubric_text(replace={"source: Invented for these tests.": 'source: "  "'})

    assert only_problem(text) == ("source", 4, "must not be empty")


def test_unquoted_version_is_rejected() -> None:
    text = rubric_text(replace={'version: "1.0"': "version: 1.10"})

    assert only_problem(text) == (
        "version",
        2,
        'expected a quoted string such as "1.0", got the number 1.1: '
        "quote it so YAML keeps it as text",
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "line", "shown"),
    [
        ("key: test-rubric", "key: Test_Rubric", "key", 1, '"Test_Rubric"'),
        ("    code: area-1", "    code: area--1", "areas[0].code", 14, '"area--1"'),
    ],
)
def test_bad_slug(old: str, new: str, path: str, line: int, shown: str) -> None:
    text = rubric_text(replace={old: new})

    assert only_problem(text) == (
        path,
        line,
        f"{shown} is not a valid slug: use lowercase letters and digits separated by "
        'single hyphens, e.g. "staying-safe"',
    )


def test_duplicate_area_number() -> None:
    text = rubric_text(area(1, "1.1"), area(1, "1.2", code="other"))

    assert only_problem(text) == (
        "areas[1].number",
        20,
        "duplicate area number 1 (first used at areas[0])",
    )


def test_duplicate_area_code() -> None:
    text = rubric_text(area(1, "1.1", code="same"), area(2, "2.1", code="same"))

    assert only_problem(text) == (
        "areas[1].code",
        21,
        'duplicate area code "same" (first used at areas[0])',
    )


def test_duplicate_key_judgement_number() -> None:
    text = rubric_text(area(1, "1.1"), area(2, "2.1", "2.2", "2.2"))

    assert only_problem(text) == (
        "areas[1].key_judgements[2].number",
        line_of(text, 'number: "2.2"', occurrence=2),
        'duplicate key judgement number "2.2" (first used at areas[1].key_judgements[1])',
    )


def test_duplicate_key_judgement_number_message_format() -> None:
    problem = RubricProblem(
        "rubrics/jar-2005.yaml",
        "areas[1].key_judgements[2].number",
        'duplicate key judgement number "2.3" (first used at areas[1].key_judgements[0])',
        48,
    )

    assert str(problem) == (
        "rubrics/jar-2005.yaml: areas[1].key_judgements[2].number (line 48): "
        'duplicate key judgement number "2.3" (first used at areas[1].key_judgements[0])'
    )


def test_key_judgement_not_under_its_area() -> None:
    text = rubric_text(area(2, "2.1", "3.2"))

    assert only_problem(text) == (
        "areas[0].key_judgements[1].number",
        20,
        'key judgement "3.2" is not under its area 2: its number must start with "2."',
    )


def test_key_judgement_number_format() -> None:
    text = rubric_text(area(1, "1.1", "1-2"))

    assert only_problem(text) == (
        "areas[0].key_judgements[1].number",
        20,
        'key judgement number must look like "2.3" (area number, dot, item number), got "1-2"',
    )


def test_key_judgement_number_must_be_quoted() -> None:
    text = rubric_text(replace={'number: "1.1"': "number: 1.1"})

    assert only_problem(text) == (
        "areas[0].key_judgements[0].number",
        18,
        'expected a quoted string such as "2.3", got the number 1.1: '
        "quote it so YAML keeps it as text",
    )


def test_key_judgements_out_of_order() -> None:
    text = rubric_text(area(1, "1.1", "1.3", "1.2", "1.4"))

    assert only_problem(text) == (
        "areas[0].key_judgements[2].number",
        22,
        'key judgement "1.2" is out of order: it comes after "1.3"; '
        "number items in increasing order",
    )


def test_area_without_key_judgements() -> None:
    text = rubric_text(area(1))

    assert only_problem(text) == (
        "areas[0].key_judgements",
        17,
        "each area needs at least one key judgement",
    )


def test_rubric_without_areas() -> None:
    assert only_problem(HEADER.replace("areas:\n", "areas: []\n")) == (
        "areas",
        12,
        "a rubric needs at least one area",
    )


def test_area_descriptor_outside_the_scale() -> None:
    extra = "    descriptors:\n      4: Excellent.\n      5: Beyond excellent."
    text = rubric_text(area(1, "1.1", extra=extra))

    assert only_problem(text) == (
        "areas[0].descriptors.5",
        19,
        f"grade 5 is not on the scale 1{EN_DASH}4",
    )


def test_key_judgement_descriptor_outside_the_scale() -> None:
    text = rubric_text(
        replace={"text: Judgement 1.1.": "text: Judgement 1.1.\n        descriptors: {0: Nothing.}"}
    )

    assert only_problem(text) == (
        "areas[0].key_judgements[0].descriptors.0",
        20,
        f"grade 0 is not on the scale 1{EN_DASH}4",
    )


def test_descriptor_grade_must_be_an_integer() -> None:
    extra = "    descriptors:\n      four: Excellent."
    text = rubric_text(area(1, "1.1", extra=extra))

    assert only_problem(text) == (
        "areas[0].descriptors.four",
        18,
        'grade values must be integers, got a string ("four")',
    )


def test_unknown_inspectorate() -> None:
    text = rubric_text(area(1, "1.1", extra="    lead_inspectorates: [ofsted, ofstead]"))

    assert only_problem(text) == (
        "areas[0].lead_inspectorates[1]",
        17,
        'unknown inspectorate "ofstead"; known codes: ali, audit_commission, csci, '
        "healthcare_commission, hmi_prisons, hmi_probation, hmic, ofsted",
    )


def test_inspectorate_listed_twice() -> None:
    text = rubric_text(area(1, "1.1", extra="    lead_inspectorates:\n      - csci\n      - csci"))

    assert only_problem(text) == (
        "areas[0].lead_inspectorates[1]",
        19,
        'inspectorate "csci" is listed twice',
    )


def test_unknown_area_grade_rule() -> None:
    text = rubric_text(replace={"areas:\n": "area_grade_rule: average\nareas:\n"})

    assert only_problem(text) == (
        "area_grade_rule",
        12,
        '"average" is not one of: lower_median, mode, rounded_median',
    )


def test_unknown_area_kind() -> None:
    text = rubric_text(replace={"kind: outcome": "kind: outcomes"})

    assert only_problem(text) == (
        "areas[0].kind",
        16,
        '"outcomes" is not one of: outcome, service, capacity',
    )


def test_unknown_best_end() -> None:
    text = rubric_text(replace={"best: highest": "best: top"})

    assert only_problem(text) == ("grade_scale.best", 6, '"top" is not one of: highest, lowest')


def test_empty_grade_scale() -> None:
    lines = HEADER.splitlines(keepends=True)
    text = "".join(lines[:6]) + "  grades: []\n" + "".join(lines[11:]) + area(1, "1.1")

    assert only_problem(text) == ("grade_scale.grades", 7, "the scale needs at least one grade")


def test_duplicate_grade_values() -> None:
    text = rubric_text(replace={"{value: 3,": "{value: 2,"})

    assert only_problem(text) == (
        "grade_scale.grades[2].value",
        10,
        "duplicate grade value 2 (first used at grade_scale.grades[1])",
    )


def test_duplicate_yaml_key() -> None:
    text = rubric_text(replace={"source:": "title: Again\nsource:"})

    assert only_problem(text) == ("title", 4, 'duplicate key "title" (first at line 3)')


def test_multiple_problems_are_reported_together_in_line_order() -> None:
    text = rubric_text(
        area(1, "1.1", code="Bad Code"),
        area(1, "2.1"),
        replace={'version: "1.0"': "version: 2", "best: highest": "best: up"},
    )

    with pytest.raises(RubricValidationError) as caught:
        parse_rubric_text(text, FILE)

    problems = caught.value.problems
    assert [(p.path, p.line) for p in problems] == [
        ("version", 2),
        ("grade_scale.best", 6),
        ("areas[0].code", 14),
        ("areas[1].number", 20),
        ("areas[1].key_judgements[0].number", 25),
    ]
    assert problems[3].message == "duplicate area number 1 (first used at areas[0])"
    assert problems[4].message == (
        'key judgement "2.1" is not under its area 1: its number must start with "1."'
    )
    assert str(caught.value).splitlines() == [str(p) for p in problems]
    assert str(caught.value).splitlines()[0].startswith(f"{FILE}: version (line 2): ")


# --------------------------------------------------------------------------- files and paths


def test_problem_str_without_path_or_line() -> None:
    assert str(RubricProblem("x.yaml", "", "cannot read file: No such file or directory")) == (
        "x.yaml: cannot read file: No such file or directory"
    )
    assert str(RubricProblem("x.yaml", "", "bad", 3)) == "x.yaml (line 3): bad"


def test_load_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"

    with pytest.raises(RubricValidationError) as caught:
        load_rubric_file(missing)

    assert caught.value.problems == [
        RubricProblem(str(missing), "", "cannot read file: No such file or directory")
    ]


def test_load_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(rubric_text(replace={"Test rubric": "Caf\xe9"}).encode("latin-1"))

    with pytest.raises(RubricValidationError) as caught:
        load_rubric_file(path)

    assert caught.value.problems == [
        RubricProblem(str(path), "", "file is not valid UTF-8 (byte 0xe9 at offset 42)", 3)
    ]


def test_validate_paths_with_a_directory(tmp_path: Path) -> None:
    (tmp_path / "b.yml").write_text(rubric_text(replace={"test-rubric": "b"}), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(rubric_text(replace={"test-rubric": "a"}), encoding="utf-8")
    (tmp_path / "c.yaml").write_text(rubric_text(area(1)), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a rubric", encoding="utf-8")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "d.yaml").write_text("- not even a mapping\n", encoding="utf-8")

    specs, problems = validate_paths([tmp_path])

    assert [spec.key for spec in specs] == ["a", "b"]
    assert problems == [
        RubricProblem(
            file=str(tmp_path / "c.yaml"),
            path="areas[0].key_judgements",
            message="each area needs at least one key judgement",
            line=17,
        )
    ]


def test_validate_paths_with_files_and_empty_directory(tmp_path: Path) -> None:
    rubric = tmp_path / "one.yaml"
    rubric.write_text(rubric_text(), encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()

    specs, problems = validate_paths([rubric, empty, rubric])

    assert [spec.key for spec in specs] == ["test-rubric"]
    assert problems == [RubricProblem(str(empty), "", "no rubric files (*.yaml, *.yml) here")]


def test_validate_paths_rejects_same_version_with_different_content(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(rubric_text(), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        rubric_text(replace={"Test rubric": "Changed"}), encoding="utf-8"
    )
    (tmp_path / "c.yaml").write_text("# a copy\n" + rubric_text(), encoding="utf-8")

    specs, problems = validate_paths([tmp_path])

    assert len(specs) == 2
    assert problems == [
        RubricProblem(
            str(tmp_path / "b.yaml"),
            "version",
            f'rubric "test-rubric" version "1.0" is also defined in {tmp_path / "a.yaml"} '
            "with different content; give one of them a new version",
        )
    ]


def test_validate_shipped_directory() -> None:
    specs, problems = validate_paths([RUBRICS])

    assert problems == []
    assert [spec.key for spec in specs] == ["jar-2005", "jar-2007"]


def test_recursive_alias_is_reported_without_looping() -> None:
    text = HEADER.replace("areas:\n", "areas: &loop [*loop]\n")

    assert only_problem(text) == (
        "areas[0]",
        12,
        "an area must be a mapping of fields, got a list",
    )
