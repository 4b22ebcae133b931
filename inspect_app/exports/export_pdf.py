"""The report as PDF: WeasyPrint renders the same HTML document as the HTML export.

The stylesheet's ``@page`` rules give the running header (the authority and "Joint area
review"), "Page X of Y" footers and, on drafts, a "DRAFT" mark; the contents list gets its
page numbers from ``target-counter``. The PDF is tagged (PDF/UA-1) for screen readers,
with the document's title and language. WeasyPrint never fetches anything while rendering:
the report has no external resources, and any URL it meets is refused.
"""

from __future__ import annotations

import warnings

from weasyprint import HTML

from inspect_app.domain.report import ReportDocument
from inspect_app.exports.export_html import children_summary_to_html, to_html
from inspect_app.garbage_collection import paused_garbage_collection

try:  # WeasyPrint 68 and later
    from weasyprint.urls import URLFetcher
except ImportError:  # pragma: no cover - older WeasyPrint takes a plain function
    URLFetcher = None

__all__ = ["children_summary_to_pdf", "html_to_pdf", "to_pdf"]

PDF_VARIANT = "pdf/ua-1"


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"The report loads no external resources: refused {url[:80]}")


def _no_fetching() -> object:
    if URLFetcher is not None:
        return URLFetcher(allowed_protocols=(), allow_redirects=False)
    return _refuse  # pragma: no cover


def html_to_pdf(html: str) -> bytes:
    """Render one of our own standalone HTML documents as a tagged PDF."""
    with warnings.catch_warnings():
        # Some WeasyPrint dependencies (fontTools, pyphen) emit DeprecationWarnings while
        # rendering; they say nothing about the report, so keep them out of callers' way.
        warnings.simplefilter("ignore", DeprecationWarning)
        document = HTML(string=html, base_url=None, url_fetcher=_no_fetching())
        return document.write_pdf(pdf_variant=PDF_VARIANT)


@paused_garbage_collection()
def to_pdf(doc: ReportDocument) -> bytes:
    """The whole report as PDF."""
    return html_to_pdf(to_html(doc, for_pdf=True))


@paused_garbage_collection()
def children_summary_to_pdf(doc: ReportDocument) -> bytes:
    """The summary for children and young people as PDF."""
    return html_to_pdf(children_summary_to_html(doc, for_pdf=True))
