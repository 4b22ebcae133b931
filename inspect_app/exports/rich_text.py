"""Report text as blocks and runs, for the exports that are not HTML.

Markdown written by report authors becomes HTML only through
:func:`inspect_app.domain.report.render_markdown`, which sanitises it. This module parses
that sanitised HTML (never the author's raw text) into a small tree of blocks — paragraphs,
headings, lists, quotes and tables — made of text runs that are bold, italic, code or a
link. The Word export builds paragraphs and runs from the tree, and the Markdown export
writes it back out as Markdown, so neither can carry anything the sanitiser removed: raw
HTML, scripts, images or links to anything but http, https and mailto addresses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from inspect_app.domain.report import is_safe_link, render_markdown

__all__ = [
    "Block",
    "Heading",
    "ListBlock",
    "ListItem",
    "Paragraph",
    "Quote",
    "Run",
    "Table",
    "blocks_from_html",
    "blocks_from_markdown",
    "blocks_to_markdown",
    "escape_markdown_cell",
    "escape_markdown_text",
    "plain_text",
    "safe_markdown",
]


@dataclass(frozen=True)
class Run:
    """Text with one formatting. ``"\\n"`` on its own is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None

    @property
    def is_break(self) -> bool:
        return self.text == "\n"


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Heading:
    level: int  # the HTML level: 3 to 6 in report text
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class ListItem:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Run, ...], ...]
    rows: tuple[tuple[tuple[Run, ...], ...], ...]


Block = Paragraph | Heading | ListBlock | Quote | Table


# ---- parsing sanitised HTML


@dataclass
class _Container:
    tag: str  # "root", "li", "blockquote", "ul", "ol", "table"
    blocks: list[Block] = field(default_factory=list)
    items: list[ListItem] = field(default_factory=list)
    header: list[tuple[Run, ...]] = field(default_factory=list)
    rows: list[tuple[tuple[Run, ...], ...]] = field(default_factory=list)
    in_head: bool = False
    row: list[tuple[Run, ...]] | None = None


_WHITESPACE = re.compile(r"[ \t\r\n\f]+")


def _tidy(runs: list[Run]) -> tuple[Run, ...]:
    """Collapse whitespace as a browser would, trim the ends, merge like runs."""
    collapsed: list[Run] = []
    for run in runs:
        if run.is_break:
            collapsed.append(run)
            continue
        text = _WHITESPACE.sub(" ", run.text)
        if collapsed and not collapsed[-1].is_break and collapsed[-1].text.endswith(" "):
            text = text.lstrip(" ")
        if text:
            collapsed.append(Run(text, run.bold, run.italic, run.code, run.href))
    # no spaces at the ends of the paragraph or either side of a line break
    for i, run in enumerate(collapsed):
        if run.is_break:
            continue
        text = run.text
        if i == 0 or collapsed[i - 1].is_break:
            text = text.lstrip(" ")
        if i == len(collapsed) - 1 or collapsed[i + 1].is_break:
            text = text.rstrip(" ")
        collapsed[i] = Run(text, run.bold, run.italic, run.code, run.href)
    merged: list[Run] = []
    for run in collapsed:
        if not run.text:
            continue
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and not run.is_break
            and not previous.is_break
            and (previous.bold, previous.italic, previous.code, previous.href)
            == (run.bold, run.italic, run.code, run.href)
        ):
            merged[-1] = Run(previous.text + run.text, run.bold, run.italic, run.code, run.href)
        else:
            merged.append(run)
    while merged and merged[-1].is_break:
        merged.pop()
    while merged and merged[0].is_break:
        merged.pop(0)
    return tuple(merged)


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Container] = [_Container("root")]
        self.inline: list[Run] | None = None
        self.inline_level: int | None = None  # None: a paragraph
        self.cell: list[Run] | None = None
        self.bold = 0
        self.italic = 0
        self.code = 0
        self.links: list[str | None] = []

    # -- helpers

    @property
    def top(self) -> _Container:
        return self.stack[-1]

    def _run(self, text: str) -> Run:
        href = self.links[-1] if self.links else None
        return Run(text, self.bold > 0, self.italic > 0, self.code > 0, href)

    def _add_block(self, block: Block) -> None:
        container = self.top
        if container.tag in ("ul", "ol"):
            container.items.append(ListItem((block,)))
        elif container.tag == "table":
            return  # text loose in a table: nothing sensible to do with it
        else:
            container.blocks.append(block)

    def _flush(self) -> None:
        if self.inline is None:
            return
        runs = _tidy(self.inline)
        level = self.inline_level
        self.inline = None
        self.inline_level = None
        if not runs:
            return
        self._add_block(Paragraph(runs) if level is None else Heading(level, runs))

    def _start_inline(self, level: int | None) -> None:
        self._flush()
        self.inline = []
        self.inline_level = level

    def _pop(self, tag: str) -> _Container | None:
        self._flush()
        if self.top.tag != tag:
            return None
        return self.stack.pop()

    # -- HTMLParser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._start_inline(None)
        elif re.fullmatch(r"h[1-6]", tag):
            self._start_inline(int(tag[1]))
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href if is_safe_link(href) else None)
        elif tag == "br":
            self.handle_data("\n", line_break=True)
        elif tag in ("ul", "ol", "li", "blockquote", "table"):
            self._flush()
            self.stack.append(_Container(tag))
        elif tag == "thead" and self.top.tag == "table":
            self.top.in_head = True
        elif tag == "tbody" and self.top.tag == "table":
            self.top.in_head = False
        elif tag == "tr" and self.top.tag == "table":
            self.top.row = []
        elif tag in ("th", "td"):
            self.cell = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" or re.fullmatch(r"h[1-6]", tag):
            self._flush()
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "code":
            self.code = max(0, self.code - 1)
        elif tag == "a":
            if self.links:
                self.links.pop()
        elif tag in ("ul", "ol"):
            container = self._pop(tag)
            if container is not None:
                self._add_block(ListBlock(tag == "ol", tuple(container.items)))
        elif tag == "li":
            container = self._pop("li")
            if container is not None and self.top.tag in ("ul", "ol"):
                self.top.items.append(ListItem(tuple(container.blocks)))
        elif tag == "blockquote":
            container = self._pop("blockquote")
            if container is not None:
                self._add_block(Quote(tuple(container.blocks)))
        elif tag in ("th", "td"):
            if self.cell is not None and self.top.tag == "table" and self.top.row is not None:
                self.top.row.append(_tidy(self.cell))
            self.cell = None
        elif tag == "tr" and self.top.tag == "table" and self.top.row is not None:
            if self.top.in_head:
                self.top.header.extend(self.top.row)
            else:
                self.top.rows.append(tuple(self.top.row))
            self.top.row = None
        elif tag == "table":
            container = self._pop("table")
            if container is not None:
                self._add_block(Table(tuple(container.header), tuple(container.rows)))

    def handle_data(self, data: str, *, line_break: bool = False) -> None:
        run = Run("\n") if line_break else self._run(data)
        if self.cell is not None:
            self.cell.append(run)
            return
        if self.inline is None:
            if not line_break and not data.strip():
                return  # whitespace between blocks
            self.inline = []
            self.inline_level = None
        self.inline.append(run)

    def result(self) -> tuple[Block, ...]:
        self._flush()
        while len(self.stack) > 1:  # unclosed containers (not produced by the sanitiser)
            self.handle_endtag(self.top.tag)
        return tuple(self.stack[0].blocks)


def blocks_from_html(html: str) -> tuple[Block, ...]:
    """Parse HTML produced by :func:`render_markdown` into blocks."""
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    return parser.result()


def blocks_from_markdown(md: str, *, top_heading: int = 3) -> tuple[Block, ...]:
    return blocks_from_html(render_markdown(md, top_heading=top_heading))


# ---- plain text


def _runs_text(runs: tuple[Run, ...]) -> str:
    return "".join(r.text for r in runs)


def _plain_lines(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            lines.append(_runs_text(block.runs))
        elif isinstance(block, ListBlock):
            for item in block.items:
                lines.extend(_plain_lines(item.blocks))
        elif isinstance(block, Quote):
            lines.extend(_plain_lines(block.blocks))
        else:
            for row in (block.header, *block.rows):
                if row:
                    lines.append(" | ".join(_runs_text(cell) for cell in row))
    return lines


def plain_text(md: str) -> str:
    """The text a reader sees, without formatting: one line per paragraph, heading or item."""
    return "\n".join(_plain_lines(blocks_from_markdown(md)))


# ---- back to Markdown

_ESCAPE_INLINE = re.compile(r"([\\`*_\[\]])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# what starts a heading, quote, list or rule at the beginning of a line
_LINE_START = re.compile(r"^(\s*)([#>]|[+\-](?=[\s+\-]|$)|\d+(?=[.)](?:\s|$)))")


def _escape_inline(text: str) -> str:
    text = _ENTITY_LIKE.sub("&amp;", text)
    text = text.replace("<", "&lt;")
    return _ESCAPE_INLINE.sub(r"\\\1", text)


def _escape_line_start(line: str) -> str:
    """Escape what would start a heading, quote, list or heading underline."""
    match = _LINE_START.match(line)
    if match:
        indent, marker = match.group(1), match.group(2)
        rest = line[match.end() :]
        if marker[0].isdigit():
            return f"{indent}{marker}\\{rest}"  # "3\\." : escape the punctuation
        return f"{indent}\\{marker}{rest}"
    stripped = line.lstrip()
    if stripped.startswith("="):
        return line[: len(line) - len(stripped)] + "&#61;" + stripped[1:]
    return line


def escape_markdown_text(text: str) -> str:
    """Text that a Markdown renderer shows as typed: no formatting, links or HTML.

    ``<`` becomes ``&lt;`` so raw HTML cannot start, Markdown's own characters get a
    backslash, and anything that would start a heading, quote or list at the beginning of a
    line is escaped too.
    """
    return "\n".join(_escape_line_start(line) for line in _escape_inline(text).split("\n"))


def _wrap(text: str, marker: str) -> str:
    """``**text**`` with any spaces at the ends kept outside the markers."""
    core = text.strip(" ")
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip(" "))]
    trail = text[len(text.rstrip(" ")) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _link_target(href: str) -> str:
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        href = href.replace(char, code)
    return href


def _inline_markdown(runs: tuple[Run, ...], *, in_table: bool = False) -> str:
    parts: list[str] = []
    i = 0
    while i < len(runs):
        run = runs[i]
        if run.is_break:
            parts.append(" " if in_table else "  \n")
            i += 1
            continue
        if run.href is not None:
            group = [run]
            while i + 1 < len(runs) and runs[i + 1].href == run.href:
                i += 1
                group.append(runs[i])
            inner = _inline_markdown(tuple(Run(r.text, r.bold, r.italic, r.code) for r in group))
            if is_safe_link(run.href):
                parts.append(f"[{inner}]({_link_target(run.href)})")
            else:
                parts.append(inner)
            i += 1
            continue
        if run.code and "`" not in run.text and "<" not in run.text:
            text = f"`{run.text}`"
        else:
            text = _escape_inline(run.text)
            if in_table:
                text = text.replace("|", "\\|")
        if run.bold and run.italic:
            text = _wrap(text, "***")
        elif run.bold:
            text = _wrap(text, "**")
        elif run.italic:
            text = _wrap(text, "*")
        parts.append(text)
        i += 1
    text = "".join(parts)
    if in_table:
        return text
    return "\n".join(_escape_line_start(line) for line in text.split("\n"))


def _block_lines(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return _inline_markdown(block.runs).split("\n")
    if isinstance(block, Heading):
        text = _inline_markdown(block.runs, in_table=True)
        return ["#" * block.level + " " + text]
    if isinstance(block, Quote):
        inner = _blocks_lines(block.blocks)
        return [("> " + line).rstrip() if line else ">" for line in inner]
    if isinstance(block, ListBlock):
        # loose (blank lines between items) when an item has more than one paragraph
        loose = any(
            sum(not isinstance(b, ListBlock) for b in item.blocks) > 1 for item in block.items
        )
        lines: list[str] = []
        for number, item in enumerate(block.items, start=1):
            marker = f"{number}. " if block.ordered else "- "
            inner: list[str] = []
            for block_in_item in item.blocks:
                if inner and (loose or not isinstance(block_in_item, ListBlock)):
                    inner.append("")  # a nested list in a tight item follows directly
                inner.extend(_block_lines(block_in_item))
            inner = inner or [""]
            if loose and lines:
                lines.append("")
            lines.append(marker + inner[0])
            lines.extend(("    " + line) if line else "" for line in inner[1:])
        return lines
    columns = max([len(block.header), *(len(row) for row in block.rows)], default=0)

    def row_line(cells: tuple[tuple[Run, ...], ...]) -> str:
        texts = [_inline_markdown(cell, in_table=True) for cell in cells]
        texts += [""] * (columns - len(texts))
        return "| " + " | ".join(texts) + " |"

    header = block.header or tuple(() for _ in range(columns))
    return [
        row_line(header),
        "| " + " | ".join(["---"] * columns) + " |",
        *(row_line(row) for row in block.rows),
    ]


def _blocks_lines(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        lines.extend(_block_lines(block))
    return lines


def blocks_to_markdown(blocks: tuple[Block, ...]) -> str:
    """Markdown for blocks, blocks separated by a blank line."""
    return "\n".join(_blocks_lines(blocks))


def escape_markdown_cell(text: str) -> str:
    """Plain text for a cell of a Markdown table."""
    return escape_markdown_text(text).replace("|", "\\|").replace("\n", " ")


def safe_markdown(md: str, *, top_heading: int = 3) -> str:
    """Markdown that says what the sanitised HTML says, and nothing more.

    The author's Markdown is rendered and sanitised, then written back out from the
    sanitised HTML: formatting, lists, quotes, tables and safe links survive; raw HTML,
    images and unsafe links do not. Headings keep their place in the report (``###`` for an
    ``<h3>``).
    """
    return blocks_to_markdown(blocks_from_markdown(md, top_heading=top_heading))
