"""Report exports: one module per format, and a registry to pick one by name.

Every export takes a :class:`~inspect_app.domain.report.ReportDocument` and shows its
content fingerprint. The registry gives each format's media type, file extension and a
``render(doc, audience) -> bytes``, so a route or CLI command needs only::

    exporter = EXPORTERS[fmt]
    data = exporter.render(doc, Audience.PUBLIC)
    send_file(io.BytesIO(data), mimetype=exporter.media_type,
              download_name=exporter.filename(doc), as_attachment=True)

``CHILDREN_SUMMARY_EXPORTERS`` does the same for the summary for children and young
people (HTML, PDF, Word and Markdown). Only the spreadsheet and JSON carry the evidence
index, and they list restricted evidence only when ``audience`` is the inspection team.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from inspect_app.domain.report import Audience, ReportDocument
from inspect_app.exports.export_docx import children_summary_to_docx, to_docx
from inspect_app.exports.export_html import children_summary_to_html, to_html
from inspect_app.exports.export_json import to_json
from inspect_app.exports.export_markdown import children_summary_to_markdown, to_markdown
from inspect_app.exports.export_xlsx import to_xlsx

__all__ = [
    "CHILDREN_SUMMARY_EXPORTERS",
    "EXPORTERS",
    "Exporter",
    "export",
]

Render = Callable[[ReportDocument, Audience], bytes]


@dataclass(frozen=True)
class Exporter:
    key: str  # "pdf"
    label: str  # "PDF"
    media_type: str
    extension: str  # without the dot
    render: Render
    children_summary: bool = False

    def filename(self, doc: ReportDocument) -> str:
        """E.g. ``jar-2026-014-joint-area-review-v1.pdf``; drafts end ``-draft``."""
        slug = re.sub(r"[^a-z0-9]+", "-", doc.review_reference.lower()).strip("-") or "review"
        what = (
            "summary-for-children-and-young-people"
            if self.children_summary
            else "joint-area-review"
        )
        status = "-draft" if doc.is_draft else ""
        return f"{slug}-{what}-v{doc.version_number}{status}.{self.extension}"


def _utf8(render: Callable[[ReportDocument], str]) -> Render:
    return lambda doc, audience: render(doc).encode("utf-8")


def _report_pdf(doc: ReportDocument, audience: Audience) -> bytes:
    from inspect_app.exports.export_pdf import to_pdf  # WeasyPrint is slow to import

    return to_pdf(doc)


def _summary_pdf(doc: ReportDocument, audience: Audience) -> bytes:
    from inspect_app.exports.export_pdf import children_summary_to_pdf

    return children_summary_to_pdf(doc)


HTML_TYPE = "text/html; charset=utf-8"
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN_TYPE = "text/markdown; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_TYPE = "application/json"

EXPORTERS: dict[str, Exporter] = {
    "html": Exporter("html", "Web page (HTML)", HTML_TYPE, "html", _utf8(to_html)),
    "pdf": Exporter("pdf", "PDF", PDF_TYPE, "pdf", _report_pdf),
    "docx": Exporter("docx", "Word document", DOCX_TYPE, "docx", lambda d, a: to_docx(d)),
    "md": Exporter("md", "Markdown", MARKDOWN_TYPE, "md", _utf8(to_markdown)),
    "xlsx": Exporter(
        "xlsx", "Spreadsheet (Excel)", XLSX_TYPE, "xlsx", lambda d, a: to_xlsx(d, audience=a)
    ),
    "json": Exporter(
        "json",
        "Data (JSON)",
        JSON_TYPE,
        "json",
        lambda d, a: to_json(d, audience=a).encode("utf-8"),
    ),
}

CHILDREN_SUMMARY_EXPORTERS: dict[str, Exporter] = {
    "html": Exporter(
        "html", "Web page (HTML)", HTML_TYPE, "html", _utf8(children_summary_to_html), True
    ),
    "pdf": Exporter("pdf", "PDF", PDF_TYPE, "pdf", _summary_pdf, True),
    "docx": Exporter(
        "docx", "Word document", DOCX_TYPE, "docx", lambda d, a: children_summary_to_docx(d), True
    ),
    "md": Exporter(
        "md", "Markdown", MARKDOWN_TYPE, "md", _utf8(children_summary_to_markdown), True
    ),
}


def export(
    doc: ReportDocument,
    fmt: str,
    *,
    audience: Audience = Audience.PUBLIC,
    children_summary: bool = False,
) -> bytes:
    """Render ``doc`` in format ``fmt`` (a key of the registry). KeyError for others."""
    registry = CHILDREN_SUMMARY_EXPORTERS if children_summary else EXPORTERS
    return registry[fmt].render(doc, Audience(audience))
