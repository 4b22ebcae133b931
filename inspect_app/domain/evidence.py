"""What a piece of evidence is, how it bears on a key judgement, and triangulation.

Pure Python: the evidence kinds and stances, the rules for pseudonymous case
references, turning what a user typed into search terms, and summarising the
evidence behind each key judgement for the coverage map.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class EvidenceKind(StrEnum):
    DOCUMENT = "document"
    CASE_FILE = "case_file"
    INTERVIEW = "interview"
    OBSERVATION = "observation"
    DATA = "data"
    CHILDRENS_VIEWS = "childrens_views"
    SELF_EVALUATION = "self_evaluation"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def hint(self) -> str:
        return KIND_HINTS[self]

    @property
    def always_restricted(self) -> bool:
        """Case files are about individual children: they are always restricted."""
        return self is EvidenceKind.CASE_FILE

    @property
    def added_by_inspectors(self) -> bool:
        """Self-evaluation evidence arrives only with the authority's return."""
        return self is not EvidenceKind.SELF_EVALUATION


KIND_LABELS: dict[EvidenceKind, str] = {
    EvidenceKind.DOCUMENT: "Document",
    EvidenceKind.CASE_FILE: "Case file",
    EvidenceKind.INTERVIEW: "Interview record",
    EvidenceKind.OBSERVATION: "Observation record",
    EvidenceKind.DATA: "Data",
    EvidenceKind.CHILDRENS_VIEWS: "Views of children and young people",
    EvidenceKind.SELF_EVALUATION: "Self-evaluation",
}

KIND_HINTS: dict[EvidenceKind, str] = {
    EvidenceKind.DOCUMENT: "Plans, strategies, minutes, reports and policies",
    EvidenceKind.CASE_FILE: "Notes from reading a child's case file. Always restricted",
    EvidenceKind.INTERVIEW: "Notes of an interview or focus group with staff or partners",
    EvidenceKind.OBSERVATION: "Notes of a meeting, visit or practice observed",
    EvidenceKind.DATA: "Performance data, indicators and benchmarks",
    EvidenceKind.CHILDRENS_VIEWS: "Surveys such as TellUs, and meetings with children "
    "and young people",
    EvidenceKind.SELF_EVALUATION: "The authority's self-evaluation return",
}


class Stance(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"

    @property
    def label(self) -> str:
        return "Supports" if self is Stance.SUPPORTS else "Contradicts"


class Sensitivity(StrEnum):
    """A filter on the evidence list."""

    RESTRICTED = "restricted"
    UNRESTRICTED = "unrestricted"

    @property
    def label(self) -> str:
        return "Restricted only" if self is Sensitivity.RESTRICTED else "Not restricted"


TITLE_MAX = 300
SOURCE_MAX = 200
NEIGHBOURHOOD_MAX = 120
NOTES_MAX = 20_000
LINK_NOTE_MAX = 1_000
DELETION_REASON_MAX = 1_000

# --------------------------------------------------------------------------- case references

CASE_REFERENCE_MAX = 30
_CASE_REFERENCE = re.compile(r"[A-Z0-9]+(?:[-/][A-Z0-9]+)*")

CASE_REFERENCE_RULE = (
    "Enter a pseudonymous case reference made of capital letters, numbers and hyphens, "
    "containing at least one number, like NMB-CT-04. Never use a child's name"
)


def normalise_case_reference(raw: str) -> str:
    """Upper-case and trim a case reference; raise ValueError if it is not pseudonymous.

    A reference must contain a number, so that a name ("SMITH-J") can never be one.
    """
    reference = unicodedata.normalize("NFKC", raw or "").strip().upper()
    if (
        not reference
        or len(reference) > CASE_REFERENCE_MAX
        or not _CASE_REFERENCE.fullmatch(reference)
        or not any(ch.isdigit() for ch in reference)
    ):
        raise ValueError(CASE_REFERENCE_RULE)
    return reference


# --------------------------------------------------------------------------- search terms

MAX_SEARCH_TERMS = 12
SEARCH_QUERY_MAX = 200
_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    """The words of a search, lower-cased, de-duplicated, at most :data:`MAX_SEARCH_TERMS`.

    Punctuation and search operators are dropped: every word must match.
    """
    terms: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFKC", query or "").casefold()):
        word = word.strip("_")
        if word and word not in terms:
            terms.append(word)
    return terms[:MAX_SEARCH_TERMS]


def fts5_match_expression(terms: Iterable[str]) -> str:
    """An SQLite FTS5 MATCH expression requiring every term (each quoted as a string)."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class EvidenceBearing:
    """One item's bearing on one key judgement: a link, or a tracked case finding."""

    judgement: str  # key judgement number
    item_id: int
    stance: Stance
    kind: EvidenceKind
    inspectorate: str | None  # None for evidence the authority supplied
    source: str


SINGLE_SOURCE = "single_source"
NO_EVIDENCE = "no_evidence"


@dataclass
class JudgementCoverage:
    judgement: str
    supporting: set[int] = field(default_factory=set)
    contradicting: set[int] = field(default_factory=set)
    childrens_views_supporting: set[int] = field(default_factory=set)
    childrens_views_contradicting: set[int] = field(default_factory=set)
    inspectorates: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @property
    def items(self) -> set[int]:
        return (
            self.supporting
            | self.contradicting
            | self.childrens_views_supporting
            | self.childrens_views_contradicting
        )

    @property
    def childrens_views(self) -> set[int]:
        return self.childrens_views_supporting | self.childrens_views_contradicting

    @property
    def has_no_evidence(self) -> bool:
        return not self.items

    @property
    def is_single_source(self) -> bool:
        """Evidence that all comes from one source cannot be triangulated."""
        return len(self.sources) == 1

    @property
    def flags(self) -> tuple[str, ...]:
        if self.has_no_evidence:
            return (NO_EVIDENCE,)
        return (SINGLE_SOURCE,) if self.is_single_source else ()


def _source_key(source: str) -> str:
    return " ".join(source.casefold().split())


def summarise_coverage(
    judgements: Iterable[str], bearings: Iterable[EvidenceBearing]
) -> dict[str, JudgementCoverage]:
    """Coverage of every judgement in ``judgements`` (in order), from ``bearings``.

    An item counts once per judgement and stance however many links or findings
    say so. Children's views are counted apart from the other evidence but count
    towards triangulation. Sources are compared ignoring case and spacing.
    """
    coverage = {number: JudgementCoverage(number) for number in judgements}
    for bearing in bearings:
        entry = coverage.get(bearing.judgement)
        if entry is None:
            continue
        views = bearing.kind is EvidenceKind.CHILDRENS_VIEWS
        if bearing.stance is Stance.SUPPORTS:
            target = entry.childrens_views_supporting if views else entry.supporting
        else:
            target = entry.childrens_views_contradicting if views else entry.contradicting
        target.add(bearing.item_id)
        if bearing.inspectorate:
            entry.inspectorates.add(bearing.inspectorate)
        if bearing.source.strip():
            entry.sources.add(_source_key(bearing.source))
    return coverage
