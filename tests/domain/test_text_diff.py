"""Line differences between two versions of a report section."""

from __future__ import annotations

from inspect_app.domain.text_diff import Change, line_diff, summarise


def test_changed_lines_are_removed_then_added_in_place():
    diff = line_diff("One\nTwo\nThree", "One\nTwo and a half\nThree\nFour")
    assert [(d.change, d.text) for d in diff] == [
        (Change.SAME, "One"),
        (Change.REMOVED, "Two"),
        (Change.ADDED, "Two and a half"),
        (Change.SAME, "Three"),
        (Change.ADDED, "Four"),
    ]
    assert summarise(diff) == "2 lines added, 1 line removed"


def test_no_changes_and_windows_line_endings():
    assert summarise(line_diff("a\r\nb", "a\nb")) == "No changes"
    assert [d.change for d in line_diff("", "new")] == [Change.REMOVED, Change.ADDED]
