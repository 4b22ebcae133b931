"""The report as one standalone, print-ready, accessible HTML document.

Rendered with a Jinja environment of its own (not Flask's), autoescaping everything; the
authors' Markdown goes through :func:`~inspect_app.domain.report.render_markdown`, which
sanitises it. The stylesheet is embedded, so the file stands alone; pass
``stylesheet_href`` to link to it instead (for a page served under a Content Security
Policy that refuses inline styles — serve :func:`report_css` at that address). The PDF is
made from this same HTML.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from inspect_app.domain.report import (
    ReportDocument,
    format_date,
    grade_text,
    render_markdown,
    with_hash,
)
from inspect_app.exports import lineage_text

__all__ = ["children_summary_to_html", "contents", "report_css", "to_html"]

TEMPLATES = Path(__file__).parent / "templates"

OVERRIDE_NOTE = (
    "The lead inspector departed from the grade suggested by the framework’s rule; "
    "the annex gives the reasons."
)


def grade_tag(grade: int | None, label: str) -> Markup:
    """The grade as text (``3 – Good``), with a colour that only repeats what it says."""
    css_class = f"grade-{grade}" if grade is not None else "grade-none"
    return Markup('<span class="grade {}">{}</span>').format(css_class, grade_text(grade, label))


def _paragraphs(text: str) -> list[Markup]:
    """Plain text split into paragraphs at blank lines; single line breaks kept."""
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    return [Markup("<br>\n").join(escape(line) for line in c.split("\n")) for c in chunks if c]


def _markdown(text: str, top_heading: int = 3) -> Markup:
    return render_markdown(text, top_heading=top_heading)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = _markdown
    env.filters["date"] = format_date
    env.filters["paragraphs"] = _paragraphs
    env.globals["grade_tag"] = grade_tag
    env.globals["override_note"] = OVERRIDE_NOTE
    env.globals["none_recorded"] = Markup('<p class="none">None recorded.</p>')
    env.globals["lineage"] = lineage_text
    return env


@cache
def report_css() -> str:
    """The report's stylesheet (screen and print)."""
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


@cache
def pdf_css() -> str:
    """Rules added after :func:`report_css` in the HTML the PDF is made from: the same
    look, with layouts WeasyPrint computes quickly (see the file's comments)."""
    return (TEMPLATES / "report_pdf.css").read_text(encoding="utf-8")


def contents(doc: ReportDocument) -> list[tuple[str, str]]:
    """The report's sections in order, as (anchor, heading): the contents list."""
    entries = [
        ("introduction", "Introduction"),
        ("context", "Context"),
        ("main-findings", "Main findings"),
        ("grades", "Grades"),
        ("recommendations", "Recommendations"),
    ]
    entries += [(f"area-{s.area_number}", s.area_title) for s in doc.sections_in_order]
    entries += [
        ("annex-grades", "Annex: how the grades were agreed"),
        ("about", "About this document"),
    ]
    return entries


def _render(
    template: str, doc: ReportDocument, stylesheet_href: str | None, *, for_pdf: bool = False
) -> str:
    doc = with_hash(doc)
    css = report_css() + ("\n" + pdf_css() if for_pdf else "")
    return (
        _environment()
        .get_template(template)
        .render(
            doc=doc,
            content_hash=doc.content_hash,
            contents=contents(doc),
            css=Markup(css),  # noqa: S704 (our own stylesheets, not user input)
            stylesheet_href=stylesheet_href,
            for_pdf=for_pdf,
        )
    )


def to_html(
    doc: ReportDocument, *, stylesheet_href: str | None = None, for_pdf: bool = False
) -> str:
    """The whole report as a standalone HTML document (``for_pdf``: the one the PDF is
    made from, with :func:`pdf_css` embedded after the report's stylesheet)."""
    return _render("report.html", doc, stylesheet_href, for_pdf=for_pdf)


def children_summary_to_html(
    doc: ReportDocument, *, stylesheet_href: str | None = None, for_pdf: bool = False
) -> str:
    """The summary for children and young people as a standalone HTML document."""
    return _render("children_summary.html", doc, stylesheet_href, for_pdf=for_pdf)
