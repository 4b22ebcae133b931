"""The published report of a Joint Area Review, as plain immutable values.

A :class:`ReportDocument` holds everything a report export shows, in the order of the
published report (see ``domain/JAR.md``, "The published report"):

introduction and context → main findings → grades table → recommendations in three bands
→ a section per outcome with major strengths and important weaknesses → service management
→ capacity to improve → annex: how the grades were agreed (lineage and evidence counts).
The summary for children and young people is exported separately.

Service management and capacity to improve are judgement areas of the rubric like the
outcomes, so they are :class:`AreaSection` values too, told apart by their ``kind``
(:class:`~inspect_app.domain.rubric.AreaKind`). :attr:`ReportDocument.outcome_sections`,
:attr:`~ReportDocument.service_sections` and :attr:`~ReportDocument.capacity_sections` give
them in report order.

Free text written by report authors is Markdown. :func:`render_markdown` turns it into
sanitised HTML (the only way Markdown becomes HTML anywhere in the exports).

:func:`compute_hash` fingerprints the content (SHA-256 over a canonical JSON form), so a
reader can tell two copies of a report apart and an export can be matched to the version
recorded at publication. Restricted evidence (see :class:`EvidenceIndexRow`) is never part
of the fingerprint: the fingerprint is the same for the public export and the inspection
team's export of the same report. Every export computes the fingerprint of the content it
shows, so a stale ``content_hash`` on a document can never be printed; :func:`with_hash`
and :func:`verify_hash` are for storing it (at publication) and checking it later.

Nothing here imports Flask or the database.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import UTC, date, datetime, tzinfo
from enum import Enum, StrEnum
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from inspect_app.domain.rubric import AreaKind

__all__ = [
    "ALLOWED_LINK_SCHEMES",
    "HASH_SCHEMA",
    "AgreedVersion",
    "AreaSection",
    "Audience",
    "Band",
    "EvidenceIndexRow",
    "GradeRow",
    "LineageRow",
    "Recommendation",
    "ReportDocument",
    "ReportStatus",
    "TeamGrade",
    "TeamGradeHistory",
    "TeamGradeRevision",
    "compute_hash",
    "format_date",
    "grade_text",
    "is_safe_link",
    "render_markdown",
    "verify_hash",
    "with_hash",
]


class ReportStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return "Draft" if self is ReportStatus.DRAFT else "Published"


class Band(StrEnum):
    """When a recommendation should be acted on. Declared in report order."""

    IMMEDIATE = "immediate"
    SIX_MONTHS = "six_months"
    LONGER_TERM = "longer_term"

    @property
    def label(self) -> str:
        return BAND_LABELS[self]

    @property
    def order(self) -> int:
        return list(Band).index(self)


BAND_LABELS: dict[Band, str] = {
    Band.IMMEDIATE: "For immediate action",
    Band.SIX_MONTHS: "Within six months",
    Band.LONGER_TERM: "In the longer term",
}


class Audience(StrEnum):
    """Who an export is for. Only the inspection team sees restricted evidence."""

    PUBLIC = "public"  # the authority, its partners and the public
    INSPECTION_TEAM = "inspection_team"


# ---- the document


@dataclass(frozen=True)
class GradeRow:
    """One line of the grades table: a judgement area and its agreed grade."""

    area_number: int
    area_title: str
    kind: AreaKind
    grade: int | None  # None: no agreed grade yet (drafts only)
    label: str  # the grade's label on the rubric's scale, e.g. "Good"
    is_override: bool = False  # the lead inspector departed from the derived grade

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", AreaKind(self.kind))


@dataclass(frozen=True)
class AreaSection:
    """The report's section on one judgement area."""

    area_number: int
    area_title: str
    strengths_md: str  # "Major strengths"
    weaknesses_md: str  # "Important weaknesses"
    narrative_md: str
    kind: AreaKind  # outcome, service (management) or capacity (to improve)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", AreaKind(self.kind))


@dataclass(frozen=True)
class Recommendation:
    number: int  # the recommendation's reference, unique in the report
    text_md: str
    area_number: int | None  # the judgement area it follows from, if any
    area_title: str
    band: Band
    responsible_body: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "band", Band(self.band))


@dataclass(frozen=True)
class TeamGrade:
    """One team member's grade for a judgement, as it stood when the grade was agreed."""

    grader_name: str
    inspectorate_label: str
    grade: int | None
    rationale_excerpt: str = ""


@dataclass(frozen=True)
class TeamGradeRevision:
    """One value a team member submitted for a judgement (the first, or a revision)."""

    version: int  # 1 for the first value submitted, 2 for its first revision, …
    grade: int
    recorded_at: datetime | None
    recorded_by: str = ""  # who saved it (the grader, in practice)
    rationale: str = ""  # the full rationale: the inspection team's document only


@dataclass(frozen=True)
class TeamGradeHistory:
    """Every value one team member submitted for a judgement, oldest first."""

    grader_name: str
    inspectorate_label: str
    revisions: tuple[TeamGradeRevision, ...] = ()


@dataclass(frozen=True)
class AgreedVersion:
    """One agreed value recorded for a judgement at moderation (the first, or a change)."""

    version: int  # 1, 2, …: the last one is the agreed grade
    grade: int
    label: str
    agreed_by: str
    agreed_at: datetime | None
    reasons: str = ""  # plain text
    is_override: bool = False  # departed from the grade derived by the rubric's rule
    derived_grade: int | None = None  # areas: what the rule suggested then


# Fields added to the document after reports were first published. The content hash leaves
# each of them out while it holds its default, so a snapshot stored before they existed
# reads back with the very fingerprint it was published with (see ``_canonical``).
_LATER = {"hash": "omit_when_default"}


@dataclass(frozen=True)
class LineageRow:
    """How one agreed grade was reached: for the annex.

    ``agreed_versions`` holds every agreed value recorded (the audience of every report
    sees them); ``team_histories`` every grade each team member submitted, with its
    revisions (the inspection team's document only: never the authority's or the public's).
    ``team_grades`` is the team's grades as they stood at the latest agreement. Reports
    published before the histories were kept in the report have both empty.
    """

    judgement: str  # "2.3" for a key judgement, "Area 2" for an area
    title: str
    agreed_grade: int | None
    agreed_label: str
    agreed_by: str
    agreed_at: datetime | None
    reasons: str = ""  # plain text
    team_grades: tuple[TeamGrade, ...] = ()
    revisions_count: int = 0
    evidence_supports: int = 0
    evidence_contradicts: int = 0
    agreed_versions: tuple[AgreedVersion, ...] = field(default=(), metadata=_LATER)
    team_histories: tuple[TeamGradeHistory, ...] = field(default=(), metadata=_LATER)


@dataclass(frozen=True)
class EvidenceIndexRow:
    title: str
    kind: str  # a label such as "Case file" or "Policy document"
    inspectorate: str
    date: date | None
    restricted: bool
    judgements: str  # e.g. "2.3, 2.5"


@dataclass(frozen=True)
class ReportDocument:
    review_reference: str
    authority_name: str
    authority_region: str
    rubric_key: str
    rubric_version: str
    rubric_title: str
    status: ReportStatus
    version_number: int  # re-issue number: 1 is the first publication
    published_on: date | None
    issue_reasons: str = ""  # why this version was re-issued (plain text)
    introduction_md: str = ""
    context_md: str = ""
    main_findings_md: str = ""
    grades: tuple[GradeRow, ...] = ()
    area_sections: tuple[AreaSection, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    lineage: tuple[LineageRow, ...] = ()
    evidence_index: tuple[EvidenceIndexRow, ...] = ()
    children_summary_md: str = ""
    content_hash: str = ""  # set by with_hash(); never part of the hash itself

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", ReportStatus(self.status))
        if self.version_number < 1:
            raise ValueError("version_number starts at 1 (the first publication).")
        if self.status is ReportStatus.PUBLISHED and self.published_on is None:
            raise ValueError("A published report needs its publication date.")
        numbers = [r.number for r in self.recommendations]
        if len(set(numbers)) != len(numbers):
            raise ValueError("Recommendation numbers must be unique.")

    # -- titles

    @property
    def title(self) -> str:
        return f"Joint area review: {self.authority_name}"

    @property
    def children_summary_title(self) -> str:
        return f"What we found in {self.authority_name}: a summary for children and young people"

    @property
    def is_draft(self) -> bool:
        return self.status is ReportStatus.DRAFT

    @property
    def status_text(self) -> str:
        """E.g. "Draft – not for publication" or "Published 3 April 2026 (version 2)"."""
        if self.is_draft:
            return "Draft – not for publication"
        text = f"Published {format_date(self.published_on)}"
        if self.version_number > 1:
            text += f" (re-issue {self.version_number})"
        return text

    # -- sections in report order

    def _sections(self, kind: AreaKind) -> tuple[AreaSection, ...]:
        return tuple(
            sorted((s for s in self.area_sections if s.kind is kind), key=lambda s: s.area_number)
        )

    @property
    def outcome_sections(self) -> tuple[AreaSection, ...]:
        return self._sections(AreaKind.OUTCOME)

    @property
    def service_sections(self) -> tuple[AreaSection, ...]:
        return self._sections(AreaKind.SERVICE)

    @property
    def capacity_sections(self) -> tuple[AreaSection, ...]:
        return self._sections(AreaKind.CAPACITY)

    @property
    def sections_in_order(self) -> tuple[AreaSection, ...]:
        return self.outcome_sections + self.service_sections + self.capacity_sections

    @property
    def grades_in_order(self) -> tuple[GradeRow, ...]:
        return tuple(sorted(self.grades, key=lambda g: g.area_number))

    def grade_for(self, area_number: int) -> GradeRow | None:
        return next((g for g in self.grades if g.area_number == area_number), None)

    @property
    def recommendations_in_order(self) -> tuple[Recommendation, ...]:
        return tuple(sorted(self.recommendations, key=lambda r: (r.band.order, r.number)))

    def recommendations_by_band(self) -> list[tuple[Band, tuple[Recommendation, ...]]]:
        """Every band in report order (empty bands included), each with its recommendations."""
        return [
            (band, tuple(r for r in self.recommendations_in_order if r.band is band))
            for band in Band
        ]

    def evidence_index_for(self, audience: Audience) -> tuple[EvidenceIndexRow, ...]:
        """The evidence index an audience may see: restricted items only for the team."""
        if Audience(audience) is Audience.INSPECTION_TEAM:
            return self.evidence_index
        return tuple(row for row in self.evidence_index if not row.restricted)


# ---- content hash

HASH_SCHEMA = "jar-workbench/report/1"


_PLAIN = frozenset({str, int, float, bool, type(None)})  # exact types: a StrEnum is not plain
_NO_DEFAULT = object()
# dataclass type -> (name, default to omit or _NO_DEFAULT) of each hashed field; None for
# types that are not dataclasses. Computed once per type: the evidence index has thousands
# of rows, and ``fields()`` for each of them was most of the time taken by the hash.
_FIELDS: dict[type, tuple[tuple[str, Any], ...] | None] = {}


def _hash_fields(cls: type) -> tuple[tuple[str, Any], ...] | None:
    try:
        return _FIELDS[cls]
    except KeyError:
        pass
    found = None
    if is_dataclass(cls):
        found = tuple(
            (
                f.name,
                f.default
                if f.metadata.get("hash") == "omit_when_default" and f.default is not MISSING
                else _NO_DEFAULT,
            )
            for f in fields(cls)
            if f.name != "content_hash"
        )
    _FIELDS[cls] = found
    return found


def _canonical(value: Any) -> Any:
    cls = type(value)
    if cls in _PLAIN:
        return value
    hashed = _hash_fields(cls)
    if hashed is not None:
        out = {}
        for name, omit in hashed:
            item = getattr(value, name)
            if omit is _NO_DEFAULT or item != omit:
                out[name] = _canonical(item)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return value


def canonical_json(doc: ReportDocument) -> str:
    """The canonical JSON form the content hash is computed over.

    Every field except ``content_hash``, keys sorted, no insignificant whitespace, UTF-8.
    Aware datetimes are expressed in UTC. Restricted evidence rows are left out, so the
    hash does not depend on who the export is for. Fields added to the document later
    (the lineage's agreed versions and team histories) are left out while empty, so the
    reports published before they existed keep their fingerprints.
    """
    public = replace(doc, evidence_index=doc.evidence_index_for(Audience.PUBLIC))
    payload = {"schema": HASH_SCHEMA, "document": _canonical(public)}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(doc: ReportDocument) -> str:
    """SHA-256 (hex) of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def with_hash(doc: ReportDocument) -> ReportDocument:
    """The document with ``content_hash`` set to its current :func:`compute_hash`."""
    return replace(doc, content_hash=compute_hash(doc))


def verify_hash(doc: ReportDocument) -> bool:
    """True when the stored ``content_hash`` matches the content."""
    return bool(doc.content_hash) and doc.content_hash == compute_hash(doc)


# ---- Markdown

ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "mailto"})

_ALLOWED_TAGS = frozenset(
    {
        "p",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "a",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "br",
        "code",
    }
)
# Removed together with everything inside them (other tags lose the tag, keep the text).
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
)


def is_safe_link(href: str) -> bool:
    """True for absolute http, https and mailto addresses: the only links reports carry."""
    href = href.strip()
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    if parts.scheme.lower() not in ALLOWED_LINK_SCHEMES:
        return False
    if parts.scheme.lower() == "mailto":
        return bool(parts.path)
    return bool(parts.netloc)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if is_safe_link(value) else None
    return value


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(_ALLOWED_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={"a": {"href"}},
        tag_attribute_values={"th": {"scope": {"col", "row"}}},
        attribute_filter=_attribute_filter,
        url_schemes=set(ALLOWED_LINK_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class _ReportTree(Treeprocessor):
    """Fit authors' headings under the report's own, and mark table header cells.

    Headings are moved so the highest one written becomes ``top`` (an author's ``#`` under a
    report section becomes ``<h3>``), and never skip a level on the way down, so the
    exported document keeps its headings in order whatever the author typed.
    """

    def __init__(self, md: markdown.Markdown, top: int) -> None:
        super().__init__(md)
        self.top = top

    def run(self, root: ET.Element) -> None:
        headings = [el for el in root.iter() if re.fullmatch(r"h[1-6]", el.tag)]
        if headings:
            highest = min(int(el.tag[1]) for el in headings)
            previous = self.top - 1
            for el in headings:
                wanted = self.top + int(el.tag[1]) - highest
                level = min(wanted, previous + 1, 6)
                el.tag = f"h{level}"
                previous = level
        for thead in root.iter("thead"):
            for th in thead.iter("th"):
                th.set("scope", "col")  # (alignment styles go: the sanitiser allows no style)


class _ReportExtension(Extension):
    def __init__(self, top: int) -> None:
        super().__init__()
        self.top = top

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ReportTree(md, self.top), "jar_report", 1)


# nh3 serialises attributes in a fixed form, so these match its output exactly.
_LINK_WITHOUT_ADDRESS = re.compile(r'<a rel="noopener noreferrer">(.*?)</a>', re.DOTALL)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")


def render_markdown(md: str, *, top_heading: int = 3) -> Markup:
    """Sanitised HTML for an author's Markdown.

    Markdown with the ``tables`` and ``sane_lists`` extensions, then cleaned with nh3 so only
    paragraphs, headings (``top_heading`` to h6), lists, strong, em, code, line breaks,
    block quotes, tables and links to http, https and mailto addresses remain (links get
    ``rel="noopener noreferrer"``). Raw HTML typed into the Markdown is removed: scripts,
    styles and frames with their content, other tags leaving their text.
    """
    if not 3 <= top_heading <= 6:
        raise ValueError("Headings in report text start at h3 or below.")
    if not md or not md.strip():
        return Markup("")
    converter = markdown.Markdown(
        extensions=["tables", "sane_lists", _ReportExtension(top_heading)],
        output_format="html",
    )
    html = _sanitise(converter.convert(md))
    html = _LINK_WITHOUT_ADDRESS.sub(r"\1", html)  # a link whose address was refused
    html = _EMPTY_PARAGRAPH.sub("", html)
    return Markup(html.strip())  # noqa: S704 (sanitised just above)


# ---- small presentation helpers shared by the exports


try:
    UK_TIME: tzinfo = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # pragma: no cover - a system without a time zone database
    UK_TIME = UTC


def format_date(value: date | datetime | None) -> str:
    """GOV.UK style: "3 April 2026"; "" for no date. Aware datetimes are shown in UK time."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UK_TIME)
    return f"{value.day} {value:%B %Y}"


def grade_text(grade: int | None, label: str) -> str:
    """E.g. "3 – Good"; "Not graded" when there is no agreed grade."""
    if grade is None:
        return "Not graded"
    return f"{grade} – {label}" if label else str(grade)
