"""Line-by-line differences between two versions of a piece of text. Pure Python."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Change", "DiffLine", "line_diff", "summarise"]


class Change(StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class DiffLine:
    change: Change
    text: str

    @property
    def sign(self) -> str:
        return {Change.SAME: " ", Change.ADDED: "+", Change.REMOVED: "−"}[self.change]


def _lines(text: str) -> list[str]:
    return (text or "").replace("\r\n", "\n").split("\n")


def line_diff(old: str, new: str) -> list[DiffLine]:
    """Every line of ``old`` and ``new`` in order, marked same, removed or added."""
    a, b = _lines(old), _lines(new)
    out: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [DiffLine(Change.SAME, line) for line in a[i1:i2]]
            continue
        out += [DiffLine(Change.REMOVED, line) for line in a[i1:i2]]
        out += [DiffLine(Change.ADDED, line) for line in b[j1:j2]]
    return out


def summarise(diff: list[DiffLine]) -> str:
    """E.g. "2 lines added, 1 line removed"; "No changes"."""
    added = sum(1 for d in diff if d.change is Change.ADDED)
    removed = sum(1 for d in diff if d.change is Change.REMOVED)
    if not added and not removed:
        return "No changes"
    parts = []
    for n, what in ((added, "added"), (removed, "removed")):
        if n:
            parts.append(f"{n} line{'s' if n != 1 else ''} {what}")
    return ", ".join(parts)
