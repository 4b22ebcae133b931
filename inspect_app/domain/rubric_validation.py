"""Parse and validate rubric library files (YAML) into :class:`RubricSpec` values.

A rubric file is checked completely before anything is built: every problem is
collected as a :class:`RubricProblem` (file, path inside the document, line,
message) and :func:`parse_rubric_text` raises one :class:`RubricValidationError`
listing them all, so an author can fix a file in one pass.

The format is documented in ``rubrics/README.md``. Two decisions worth knowing:

* Fields that look like numbers but are identifiers — ``version`` and key
  judgement ``number`` — must be quoted strings (``version: "1.0"``,
  ``number: "2.3"``). Unquoted, YAML reads ``1.10`` as the number 1.1 and the
  original text is lost, so a number there is reported as an error.
* Text fields are stored with surrounding whitespace stripped (folded ``>``
  blocks end with a newline); an empty or blank string is an error.

No Flask or database imports: this is used by the CLI, the loader and the tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from inspect_app.domain.inspectorates import INSPECTORATE_CODES
from inspect_app.domain.rubric import (
    AREA_GRADE_RULES,
    AreaKind,
    BestEnd,
    GradePoint,
    GradeScale,
    JudgementAreaSpec,
    KeyJudgementSpec,
    RubricSpec,
)

RUBRIC_SUFFIXES = (".yaml", ".yml")

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_KEY_JUDGEMENT_NUMBER = re.compile(r"[1-9][0-9]*\.[1-9][0-9]*")


# --------------------------------------------------------------------------- public values


@dataclass(frozen=True)
class RubricProblem:
    """One thing wrong with a rubric file.

    ``path`` locates the value inside the document, e.g.
    ``areas[1].key_judgements[2].number`` ("" for the document itself);
    ``line`` is 1-based, or None when no line applies (e.g. unreadable file).
    """

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.path:
            where += f": {self.path}"
        if self.line is not None:
            where += f" (line {self.line})"
        return f"{where}: {self.message}"


class RubricValidationError(Exception):
    """Raised when a rubric file has problems; ``problems`` lists every one found."""

    def __init__(self, problems: Iterable[RubricProblem]) -> None:
        self.problems: list[RubricProblem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def content_hash(document: Any) -> str:
    """SHA-256 hex digest of the canonical JSON form of a parsed YAML document.

    Canonical JSON: keys sorted, no insignificant whitespace, non-ASCII kept,
    mapping keys as strings and dates in ISO form. Two files that differ only in
    comments, quoting style, key order or layout have the same hash.
    """
    canonical = json.dumps(
        _canonical(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_rubric_text(text: str, filename: str) -> RubricSpec:
    """Parse and validate one rubric YAML document.

    ``filename`` is only used to label problems. Raises
    :class:`RubricValidationError` listing all problems, ordered by line.
    """
    collector = _Collector(filename)
    document = _load_yaml(text, collector)
    if document is _INVALID:
        raise RubricValidationError(collector.problems)
    fields = _rubric(collector, document, "")
    if fields is not _INVALID:
        _check_rubric(collector, fields)
    if collector.problems:
        raise RubricValidationError(sorted(collector.problems, key=lambda p: p.line or 0))
    return _build_rubric(fields, content_hash(document))


def load_rubric_file(path: str | os.PathLike[str]) -> RubricSpec:
    """Read a rubric file as UTF-8 and validate it (see :func:`parse_rubric_text`).

    A file that cannot be read or is not valid UTF-8 is reported as a problem.
    """
    filename = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        problem = RubricProblem(filename, "", f"cannot read file: {reason}")
        raise RubricValidationError([problem]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        raise RubricValidationError([RubricProblem(filename, "", message, line)]) from None
    return parse_rubric_text(text, filename)


def validate_paths(paths: Iterable[Path]) -> tuple[list[RubricSpec], list[RubricProblem]]:
    """Validate rubric files and directories.

    A directory stands for every ``*.yaml`` / ``*.yml`` file directly inside it
    (sorted by name, not recursive). Returns the valid rubrics and all problems.
    Two files defining the same key and version with different content are a
    problem too: the second one is not returned.
    """
    specs: list[RubricSpec] = []
    problems: list[RubricProblem] = []
    defined: dict[tuple[str, str], tuple[str, str]] = {}
    for file in _rubric_files(paths, problems):
        filename = os.fspath(file)
        try:
            spec = load_rubric_file(file)
        except RubricValidationError as exc:
            problems.extend(exc.problems)
            continue
        identity = (spec.key, spec.version)
        if identity in defined and defined[identity][1] != spec.content_hash:
            other = defined[identity][0]
            problems.append(
                RubricProblem(
                    filename,
                    "version",
                    f'rubric "{spec.key}" version "{spec.version}" is also defined in {other} '
                    "with different content; give one of them a new version",
                )
            )
            continue
        defined.setdefault(identity, (filename, spec.content_hash))
        specs.append(spec)
    return specs, problems


def _rubric_files(paths: Iterable[Path], problems: list[RubricProblem]) -> Iterator[Path]:
    seen: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(
                (p for p in path.iterdir() if p.is_file() and p.suffix in RUBRIC_SUFFIXES),
                key=lambda p: p.name,
            )
            if not files:
                problems.append(
                    RubricProblem(os.fspath(path), "", "no rubric files (*.yaml, *.yml) here")
                )
        else:
            files = [path]
        for file in files:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield file


# --------------------------------------------------------------------------- YAML and lines


class _Invalid:
    """Marks a value that failed validation (its problem is already recorded)."""

    def __repr__(self) -> str:
        return "<invalid>"


_INVALID: Any = _Invalid()


class _Collector:
    """Collects problems for one file and knows the line of every path."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines: dict[str, int] = {}
        self.problems: list[RubricProblem] = []
        self.descriptor_maps: list[tuple[str, dict[int, str]]] = []

    def add(self, path: str, message: str, line: int | None = None) -> None:
        if line is None:
            line = self.line_for(path)
        self.problems.append(RubricProblem(self.filename, path, message, line))

    def line_for(self, path: str) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        while path not in self.lines:
            if not path:
                return None
            path = _parent(path)
        return self.lines[path]


def _load_yaml(text: str, collector: _Collector) -> Any:
    """Compose (for line numbers) and construct (for values) one YAML document.

    Returns _INVALID, with the problem recorded, when the text is not YAML.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _record_lines(node, "", collector)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        reason = ": ".join(part for part in (exc.context, exc.problem) if part)
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        collector.add("", f"invalid YAML: {reason}", line)
    except yaml.YAMLError as exc:  # e.g. ReaderError: a character YAML does not allow
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if position is not None else None
        collector.add("", f"invalid YAML: {exc}", line)
    finally:
        loader.dispose()
    return _INVALID


def _record_lines(
    node: yaml.Node, path: str, collector: _Collector, seen: set[int] | None = None
) -> None:
    """Record the 1-based line of every path; report duplicate mapping keys.

    A node reached again through an alias is not walked twice: that keeps
    recursive or exponentially aliased documents cheap (their paths fall back to
    the line of the alias).
    """
    seen = set() if seen is None else seen
    collector.lines.setdefault(path, _line(node))
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, _index(path, index), collector, seen)
    elif isinstance(node, yaml.MappingNode):
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            key, key_path, line = key_node.value, _join(path, key_node.value), _line(key_node)
            if key in first_lines:
                message = f'duplicate key "{key}" (first at line {first_lines[key]})'
                collector.add(key_path, message, line)
                continue
            first_lines[key] = collector.lines[key_path] = line
            _record_lines(value_node, key_path, collector, seen)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _index(path: str, index: int) -> str:
    return f"{path}[{index}]"


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path[: path.rindex(".")] if "." in path else ""


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- value parsers
#
# A parser takes (collector, value, path), records any problem, and returns the
# checked value or _INVALID. Objects are read through tables of _Field specs.

Parser = Callable[[_Collector, Any, str], Any]


def _describe(value: Any) -> str:
    """E.g. 'an integer (3)', 'a list' — for "expected X, got Y" messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({_show(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    return type(value).__name__


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value[:57]}..."' if len(value) > 60 else f'"{value}"'
    return str(value)


def _text(collector: _Collector, value: Any, path: str) -> Any:
    if not isinstance(value, str):
        collector.add(path, f"expected a string, got {_describe(value)}")
        return _INVALID
    if not value.strip():
        collector.add(path, "must not be empty")
        return _INVALID
    return value.strip()


def _integer(collector: _Collector, value: Any, path: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        collector.add(path, f"expected an integer, got {_describe(value)}")
        return _INVALID
    return value


def _positive_integer(collector: _Collector, value: Any, path: str) -> Any:
    value = _integer(collector, value, path)
    if value is not _INVALID and value < 1:
        collector.add(path, f"expected a positive integer, got {value}")
        return _INVALID
    return value


def _slug(collector: _Collector, value: Any, path: str) -> Any:
    if _text(collector, value, path) is _INVALID:
        return _INVALID
    if not _SLUG.fullmatch(value):
        collector.add(
            path,
            f"{_show(value)} is not a valid slug: use lowercase letters and digits "
            'separated by single hyphens, e.g. "staying-safe"',
        )
        return _INVALID
    return value


def _quoted_string(example: str) -> Parser:
    """A string that YAML would read as a number unless it is quoted."""

    def parse(collector: _Collector, value: Any, path: str) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            collector.add(
                path,
                f'expected a quoted string such as "{example}", got the number {value}: '
                "quote it so YAML keeps it as text",
            )
            return _INVALID
        return _text(collector, value, path)

    return parse


def _key_judgement_number(collector: _Collector, value: Any, path: str) -> Any:
    number = _quoted_string("2.3")(collector, value, path)
    if number is not _INVALID and not _KEY_JUDGEMENT_NUMBER.fullmatch(number):
        collector.add(
            path,
            f'key judgement number must look like "2.3" (area number, dot, item number), '
            f"got {_show(number)}",
        )
        return _INVALID
    return number


def _one_of(options: Iterable[str]) -> Parser:
    allowed = tuple(str(option) for option in options)

    def parse(collector: _Collector, value: Any, path: str) -> Any:
        text = _text(collector, value, path)
        if text is not _INVALID and value not in allowed:
            collector.add(path, f"{_show(value)} is not one of: {', '.join(allowed)}")
            return _INVALID
        return text

    return parse


def _list_of(item: Parser, *, empty_message: str | None = None) -> Parser:
    """A list whose items are checked by ``item``; ``empty_message`` forbids []."""

    def parse(collector: _Collector, value: Any, path: str) -> Any:
        if not isinstance(value, list):
            collector.add(path, f"expected a list, got {_describe(value)}")
            return _INVALID
        if not value and empty_message:
            collector.add(path, empty_message)
            return _INVALID
        return [item(collector, entry, _index(path, i)) for i, entry in enumerate(value)]

    return parse


def _inspectorates(collector: _Collector, value: Any, path: str) -> Any:
    codes = _list_of(_text)(collector, value, path)
    if codes is _INVALID:
        return _INVALID
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code is _INVALID:
            continue
        if code not in INSPECTORATE_CODES:
            known = ", ".join(sorted(INSPECTORATE_CODES))
            collector.add(
                _index(path, i), f"unknown inspectorate {_show(code)}; known codes: {known}"
            )
        elif code in seen:
            collector.add(_index(path, i), f"inspectorate {_show(code)} is listed twice")
        seen.add(code)
    return codes


def _descriptors(collector: _Collector, value: Any, path: str) -> Any:
    """A mapping from grade value to text; checked against the scale later."""
    if not isinstance(value, dict):
        collector.add(path, f"expected a mapping from grade value to text, got {_describe(value)}")
        return _INVALID
    descriptors: dict[int, str] = {}
    for grade, text in value.items():
        entry_path = _join(path, str(grade))
        if isinstance(grade, bool) or not isinstance(grade, int):
            collector.add(entry_path, f"grade values must be integers, got {_describe(grade)}")
            continue
        checked = _text(collector, text, entry_path)
        if checked is not _INVALID:
            descriptors[grade] = checked
    collector.descriptor_maps.append((path, descriptors))
    return descriptors


# --------------------------------------------------------------------------- objects


@dataclass(frozen=True)
class _Field:
    parse: Parser
    required: bool = True
    default: Any = None


def _optional(parse: Parser, default: Any) -> _Field:
    return _Field(parse, required=False, default=default)


def _read_fields(
    collector: _Collector, value: Any, path: str, fields: dict[str, _Field], what: str
) -> Any:
    """Check a mapping against a field table; return {field: checked value} or _INVALID."""
    if not isinstance(value, dict):
        collector.add(path, f"{what} must be a mapping of fields, got {_describe(value)}")
        return _INVALID
    allowed = ", ".join(fields)
    for key in value:
        if key not in fields:
            collector.add(_join(path, str(key)), f'unknown key "{key}"; allowed keys: {allowed}')
    checked: dict[str, Any] = {}
    for name, spec in fields.items():
        if name in value:
            checked[name] = spec.parse(collector, value[name], _join(path, name))
        elif spec.required:
            collector.add(path, f'missing required field "{name}"')
            checked[name] = _INVALID
        else:
            checked[name] = spec.default
    return checked


def _object(fields: dict[str, _Field], what: str) -> Parser:
    def parse(collector: _Collector, value: Any, path: str) -> Any:
        return _read_fields(collector, value, path, fields, what)

    return parse


_GRADE_FIELDS = {
    "value": _Field(_integer),
    "label": _Field(_text),
    "descriptor": _Field(_text),
}

_GRADE_SCALE_FIELDS = {
    "best": _Field(_one_of(BestEnd)),
    "grades": _Field(
        _list_of(
            _object(_GRADE_FIELDS, "a grade"), empty_message="the scale needs at least one grade"
        )
    ),
}

_KEY_JUDGEMENT_FIELDS = {
    "number": _Field(_key_judgement_number),
    "text": _Field(_text),
    "evidence_prompts": _optional(_list_of(_text), ()),
    "descriptors": _optional(_descriptors, {}),
}


def _area(collector: _Collector, value: Any, path: str) -> Any:
    fields = _read_fields(collector, value, path, _AREA_FIELDS, "an area")
    if fields is not _INVALID:
        _check_numbered_under_area(collector, fields, path)
    return fields


_AREA_FIELDS = {
    "number": _Field(_positive_integer),
    "code": _Field(_slug),
    "title": _Field(_text),
    "kind": _Field(_one_of(AreaKind)),
    "description": _optional(_text, ""),
    "lead_inspectorates": _optional(_inspectorates, ()),
    "descriptors": _optional(_descriptors, {}),
    "key_judgements": _Field(
        _list_of(
            _object(_KEY_JUDGEMENT_FIELDS, "a key judgement"),
            empty_message="each area needs at least one key judgement",
        )
    ),
}

_RUBRIC_FIELDS = {
    "key": _Field(_slug),
    "version": _Field(_quoted_string("1.0")),
    "title": _Field(_text),
    "source": _Field(_text),
    "description": _optional(_text, ""),
    "grade_scale": _Field(_object(_GRADE_SCALE_FIELDS, "the grade scale")),
    "area_grade_rule": _optional(_one_of(sorted(AREA_GRADE_RULES)), None),
    "areas": _Field(_list_of(_area, empty_message="a rubric needs at least one area")),
}


def _rubric(collector: _Collector, document: Any, path: str) -> Any:
    return _read_fields(collector, document, path, _RUBRIC_FIELDS, "the rubric document")


# --------------------------------------------------------------------------- cross-checks


def _valid_items(items: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(item path, fields) for each item of a checked list that is itself valid."""
    if items is _INVALID:
        return
    for i, item in enumerate(items):
        if item is not _INVALID:
            yield _index(path, i), item


def _check_unique(
    collector: _Collector, items: Iterable[tuple[str, dict[str, Any]]], field: str, what: str
) -> None:
    """Report each repeat of ``field`` among items, naming the item that used it first."""
    first: dict[Any, str] = {}
    for item_path, item in items:
        value = item[field]
        if value is _INVALID:
            continue
        if value in first:
            collector.add(
                _join(item_path, field),
                f"duplicate {what} {_show(value)} (first used at {first[value]})",
            )
        else:
            first[value] = item_path


def _check_numbered_under_area(collector: _Collector, area: dict[str, Any], path: str) -> None:
    """Key judgements are numbered "A.N" under their area A, in increasing order of N."""
    area_number = area["number"]
    if area_number is _INVALID:
        return
    highest: tuple[int, str] | None = None
    for item_path, judgement in _valid_items(area["key_judgements"], _join(path, "key_judgements")):
        number = judgement["number"]
        if number is _INVALID:
            continue
        number_path = _join(item_path, "number")
        prefix, item = (int(part) for part in number.split("."))
        if prefix != area_number:
            collector.add(
                number_path,
                f'key judgement "{number}" is not under its area {area_number}: '
                f'its number must start with "{area_number}."',
            )
        elif highest is not None and item < highest[0]:
            collector.add(
                number_path,
                f'key judgement "{number}" is out of order: it comes after "{highest[1]}"; '
                "number items in increasing order",
            )
        elif highest is None or item > highest[0]:
            highest = (item, number)


def _check_rubric(collector: _Collector, rubric: dict[str, Any]) -> None:
    """Checks that span the document: uniqueness and descriptors against the scale."""
    scale = rubric["grade_scale"]
    if scale is not _INVALID:
        _check_unique(
            collector, _valid_items(scale["grades"], "grade_scale.grades"), "value", "grade value"
        )
    areas = list(_valid_items(rubric["areas"], "areas"))
    _check_unique(collector, areas, "number", "area number")
    _check_unique(collector, areas, "code", "area code")
    judgements = [
        judgement
        for area_path, area in areas
        for judgement in _valid_items(area["key_judgements"], _join(area_path, "key_judgements"))
    ]
    _check_unique(collector, judgements, "number", "key judgement number")
    _check_descriptors_on_scale(collector, scale)


def _check_descriptors_on_scale(collector: _Collector, scale: Any) -> None:
    if scale is _INVALID or scale["grades"] is _INVALID:
        return
    values = [
        grade["value"]
        for _, grade in _valid_items(scale["grades"], "")
        if grade["value"] is not _INVALID
    ]
    if not values:
        return
    span = f"{min(values)}\N{EN DASH}{max(values)}"  # as GradeScale.describe()
    for path, descriptors in collector.descriptor_maps:
        for grade in descriptors:
            if grade not in values:
                collector.add(_join(path, str(grade)), f"grade {grade} is not on the scale {span}")


# --------------------------------------------------------------------------- building


def _build_rubric(fields: dict[str, Any], digest: str) -> RubricSpec:
    """Build the spec from fields that have all passed validation."""
    scale = fields["grade_scale"]
    return RubricSpec(
        key=fields["key"],
        version=fields["version"],
        title=fields["title"],
        source=fields["source"],
        description=fields["description"],
        grade_scale=GradeScale(
            points=tuple(GradePoint(**grade) for grade in scale["grades"]),
            best=BestEnd(scale["best"]),
        ),
        area_grade_rule=fields["area_grade_rule"],
        areas=tuple(_build_area(area) for area in fields["areas"]),
        content_hash=digest,
    )


def _build_area(fields: dict[str, Any]) -> JudgementAreaSpec:
    return JudgementAreaSpec(
        number=fields["number"],
        code=fields["code"],
        title=fields["title"],
        kind=AreaKind(fields["kind"]),
        description=fields["description"],
        lead_inspectorates=tuple(fields["lead_inspectorates"]),
        descriptors=dict(fields["descriptors"]),
        key_judgements=tuple(
            KeyJudgementSpec(
                number=judgement["number"],
                text=judgement["text"],
                evidence_prompts=tuple(judgement["evidence_prompts"]),
                descriptors=dict(judgement["descriptors"]),
            )
            for judgement in fields["key_judgements"]
        ),
    )
