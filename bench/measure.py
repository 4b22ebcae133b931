"""The measurements of ``python -m bench``, each on its own.

In the benchmark process (the application in-process, on the same database):
SQL statements per page for the small and the large review, report export times and the
self-evaluation import. Through gunicorn: page latency and throughput beside the bare
endpoint, and a large upload with the worker's peak memory.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from bench.client import Client, csrf_token, time_page
from bench.generate import BenchWorld
from bench.server import BARE_PATH, Server
from inspect_app.extensions import db

# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class Page:
    name: str
    path_for: Callable[[int], str]  # review id -> path
    who: str = "lead"  # "lead" or "admin"
    per_review: bool = True  # False: the page does not belong to one review


PAGES = (
    Page("review overview", lambda r: f"/reviews/{r}"),
    Page("evidence list", lambda r: f"/reviews/{r}/evidence"),
    Page("reconciliation", lambda r: f"/reviews/{r}/reconciliation"),
    Page("national view", lambda r: "/national", who="admin", per_review=False),
)


def has_route(app: Flask, path: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except Exception:  # NotFound, or a redirect to another URL
        return False
    return True


def available_pages(app: Flask) -> tuple[list[Page], list[str]]:
    """The pages to measure, and notes on those skipped (a route not built yet)."""
    pages, notes = [], []
    for page in PAGES:
        if has_route(app, page.path_for(1)):
            pages.append(page)
        else:
            notes.append(f"{page.name} skipped: {page.path_for(1)} does not exist in this build")
    return pages, notes


# --------------------------------------------------------------------------- SQL statements


@contextmanager
def count_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@dataclass(frozen=True)
class QueryCount:
    """Statements for a page rendered (nothing kept: the page cache misses) and served
    kept (the next request), on the small and on the large review."""

    page: str
    small: int
    large: int
    status_small: int
    status_large: int
    kept_small: int = 0
    kept_large: int = 0

    @property
    def bounded(self) -> bool:
        return self.small == self.large and self.kept_small == self.kept_large

    @property
    def worst(self) -> int:
        return max(self.small, self.large, self.kept_small, self.kept_large)


def _forget_kept_pages(app: Flask) -> None:
    from inspect_app.services import page_cache

    with app.app_context():
        page_cache.clear(db.session)
        db.session.commit()


def query_counts(app: Flask, world: BenchWorld, pages: list[Page]) -> list[QueryCount]:
    """SQL statements per page, small review against large, signed in as on the server."""
    clients = {"lead": _signed_in(app, world.lead_email, world.password)}
    clients["admin"] = _signed_in(app, world.admin_email, world.password)
    counts = []
    for page in pages:
        client = clients[page.who]
        found: dict[str, tuple[int, int, int]] = {}
        for size, review_id in (("small", world.small_review_id), ("large", world.large_review_id)):
            path = page.path_for(review_id)
            client.get(path)  # warm the process (templates compiled, rubric loaded)
            _forget_kept_pages(app)  # then measure the page rendered, as after a change
            with app.app_context(), count_statements() as statements:
                status = client.get(path).status_code
            with app.app_context(), count_statements() as kept:
                client.get(path)
            found[size] = (len(statements), status, len(kept))
        (small, small_status, kept_small) = found["small"]
        (large, large_status, kept_large) = found["large"]
        counts.append(
            QueryCount(page.name, small, large, small_status, large_status, kept_small, kept_large)
        )
    return counts


def _signed_in(app: Flask, email: str, password: str):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": password})
    if response.status_code not in (302, 303):
        raise RuntimeError(f"signing in as {email} failed in-process: {response.status_code}")
    return client


# --------------------------------------------------------------------------- exports


@dataclass(frozen=True)
class ExportRun:
    document_seconds: float  # building the report document from the database
    render_seconds: dict[str, float]  # format -> rendering alone

    def total(self, fmt: str) -> float:
        """What somebody exporting waits for: the document, then the file."""
        return round(self.document_seconds + self.render_seconds[fmt], 3)


@dataclass(frozen=True)
class ExportTimes:
    runs: tuple[ExportRun, ...]  # the first in a process that has not yet rendered a PDF
    bytes: dict[str, int]

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.runs[0].render_seconds)

    @property
    def document_seconds(self) -> float:
        return round(statistics.median(run.document_seconds for run in self.runs), 3)

    def render_seconds(self, fmt: str) -> float:
        return round(statistics.median(run.render_seconds[fmt] for run in self.runs), 3)

    def total(self, fmt: str) -> float:
        """The median of the runs' totals (not the sum of the medians)."""
        return round(statistics.median(run.total(fmt) for run in self.runs), 3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "repeats": len(self.runs),
            "document_seconds": self.document_seconds,
            "render_seconds": {fmt: self.render_seconds(fmt) for fmt in self.formats},
            "total_seconds": {fmt: self.total(fmt) for fmt in self.formats},
            "first_total_seconds": {fmt: self.runs[0].total(fmt) for fmt in self.formats},
            "runs": [asdict(run) for run in self.runs],
            "bytes": self.bytes,
        }


def export_times(
    app: Flask, review_id: int, *, repeats: int = 1, formats=("pdf", "docx", "xlsx")
) -> ExportTimes:
    """Export the review ``repeats`` times in each format, each time from a fresh session,
    as each download is."""
    from inspect_app.domain.report import Audience
    from inspect_app.exports import (
        EXPORTERS,
        export_pdf,  # noqa: F401 — a running worker has it loaded
    )
    from inspect_app.services import publication
    from inspect_app.services.reviews import load_review

    runs, sizes = [], {}
    with app.app_context():
        for _ in range(repeats):
            review = load_review(db.session, review_id)
            started = time.perf_counter()
            view = publication.document_for_export(
                db.session, review, audience=Audience.INSPECTION_TEAM
            )
            document = time.perf_counter() - started
            if view is None:
                raise RuntimeError("the large review has no report to export")
            render = {}
            for fmt in formats:
                started = time.perf_counter()
                data = EXPORTERS[fmt].render(view.doc, view.audience)
                render[fmt] = round(time.perf_counter() - started, 3)
                sizes[fmt] = len(data)
            runs.append(ExportRun(round(document, 3), render))
            db.session.remove()
    return ExportTimes(tuple(runs), sizes)


# --------------------------------------------------------------------------- self-evaluation


@dataclass(frozen=True)
class ImportTime:
    seconds: float
    workbook_bytes: int
    entries: int
    version: int


def self_evaluation_import(app: Flask, review_id: int) -> ImportTime:
    """Import a completed workbook as ``flask selfeval import`` does: check it, store it."""
    from inspect_app.demo_evidence import filled_self_evaluation
    from inspect_app.domain.evidence_files import DEFAULT_MAX_BYTES
    from inspect_app.domain.evidence_store import EvidenceStore
    from inspect_app.services.reviews import load_review
    from inspect_app.services.self_evaluation import COMMAND_LINE, submit_return

    with app.app_context():
        review = load_review(db.session, review_id)
        answers = {}
        for area in review.rubric.areas:
            answers[str(area.number)] = (3, f"Our view of {area.title.lower()}.", "CYPP 2006")
            for kj in area.key_judgements:
                answers[kj.number] = (3, f"Self-assessment of {kj.number}.", "APA 2006")
        workbook = filled_self_evaluation(review, answers)
        store = EvidenceStore(Path(app.config["EVIDENCE_DIR"]))
        started = time.perf_counter()
        returned = submit_return(
            db.session,
            store,
            review,
            workbook,
            filename="self-evaluation (bench).xlsx",
            actor=None,
            via=COMMAND_LINE,
            max_bytes=DEFAULT_MAX_BYTES,
        )
        db.session.commit()
        seconds = time.perf_counter() - started
        result = ImportTime(
            round(seconds, 3), len(workbook), len(returned.entries), returned.version
        )
        db.session.remove()
    return result


# --------------------------------------------------------------------------- through gunicorn


@dataclass(frozen=True)
class PageTiming:
    name: str
    path: str
    median_ms: float
    p90_ms: float
    throughput_rps: float
    ratio_to_bare: float | None
    requests: int
    errors: int
    concurrency: int


def page_timings(
    server: Server,
    world: BenchWorld,
    pages: list[Page],
    *,
    latency_requests: int,
    seconds: float,
    concurrency: int,
) -> list[PageTiming]:
    """The bare endpoint first, then each page of the large review, on the same server."""
    clients = {"lead": Client(server.host, server.port), "admin": Client(server.host, server.port)}
    clients["lead"].sign_in(world.lead_email, world.password)
    clients["admin"].sign_in(world.admin_email, world.password)
    kw = {"latency_requests": latency_requests, "seconds": seconds, "concurrency": concurrency}
    bare = time_page(Client(server.host, server.port), BARE_PATH, **kw)
    rows = [
        PageTiming(
            "bare Flask endpoint",
            BARE_PATH,
            bare.median_ms,
            bare.p90_ms,
            bare.throughput_rps,
            1.0,
            bare.requests,
            bare.errors,
            concurrency,
        )
    ]
    for page in pages:
        timing = time_page(clients[page.who], page.path_for(world.large_review_id), **kw)
        ratio = timing.throughput_rps / bare.throughput_rps if bare.throughput_rps else None
        rows.append(
            PageTiming(
                page.name,
                timing.path,
                timing.median_ms,
                timing.p90_ms,
                timing.throughput_rps,
                ratio,
                timing.requests,
                timing.errors,
                concurrency,
            )
        )
    return rows


def _proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident memory) of a process, in bytes."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) * 1024
    return values


def _reset_peak(pid: int) -> bool:
    """Set a process's peak resident memory back to its current size (Linux 4.0+)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class UploadResult:
    file_bytes: int
    file_kind: str
    seconds: float
    status: int
    stored: bool
    worker_rss_before_mb: float
    worker_peak_mb: float
    rss_growth_mb: float
    peak_measured_by: str  # "VmHWM" (kernel peak) or "sampling"


def csv_extract(size: int, chunk: int = 1024 * 1024) -> tuple[Iterator[bytes], int]:
    """A CSV extract of exactly ``size`` bytes, made as it is sent."""

    def chunks() -> Iterator[bytes]:
        head = b"case_ref,service,contact_on,outcome\r\n"
        row = b"NMB-CF-00017,Children's social care,2026-11-03,Seen alone; plan reviewed\r\n"
        block = row * (chunk // len(row) + 1)
        yield head
        sent = len(head)
        while sent < size:
            piece = block[: min(chunk, size - sent)]
            sent += len(piece)
            yield piece

    return chunks(), size


def scanned_pdf(size: int, chunk: int = 1024 * 1024) -> tuple[Iterator[bytes], int]:
    """A one-page PDF of about ``size`` bytes, as a scanned document is: the page is one large
    greyscale image. Made as it is sent; returns the chunks and the exact size."""
    width = 4096
    height = max(1, (size - 1024) // width)
    pixels = width * height
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
    ]
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    prefix = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(prefix))
        prefix += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets.append(len(prefix))
    prefix += b"4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        len(content),
        content,
    )
    offsets.append(len(prefix))
    prefix += (
        b"5 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d "
        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n"
        % (width, height, pixels)
    )
    after_stream = b"\nendstream\nendobj\n"
    xref_at = len(prefix) + pixels + len(after_stream)
    suffix = after_stream + b"xref\n0 6\n0000000000 65535 f \n"
    suffix += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    suffix += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at

    def chunks() -> Iterator[bytes]:
        yield bytes(prefix)
        block = bytes(range(256)) * (chunk // 256)
        sent = 0
        while sent < pixels:
            piece = block[: min(len(block), pixels - sent)]
            sent += len(piece)
            yield piece
        yield suffix

    return chunks(), len(prefix) + pixels + len(suffix)


UPLOAD_FILES = {
    "csv": (csv_extract, "case-contacts-extract.csv", "text/csv", "data", "Case contact extract"),
    "pdf": (scanned_pdf, "scanned-case-audit.pdf", "application/pdf", "document", "Scanned audit"),
}


def upload(
    server: Server,
    world: BenchWorld,
    *,
    megabytes: int,
    kind: str = "csv",
    review_id: int | None = None,
) -> UploadResult:
    """POST one file of about ``megabytes`` MB (a CSV extract or a scanned PDF) to the evidence
    upload form through gunicorn, and measure the workers' peak resident memory against their
    size before it."""
    make, filename, content_type, evidence_kind, title = UPLOAD_FILES[kind]
    review_id = review_id or world.large_review_id
    client = Client(server.host, server.port)
    client.sign_in(world.lead_email, world.password)
    form_path = f"/reviews/{review_id}/evidence/new"
    token = csrf_token(client.get(form_path).text)
    pids = server.worker_pids()
    by_kernel = all(_reset_peak(pid) for pid in pids)
    before = {pid: _proc_status(pid)["VmRSS"] for pid in pids}
    chunks, size = make(megabytes * 1024 * 1024)
    fields = [
        ("csrf_token", token),
        ("title", f"{title} ({megabytes} MB)"),
        ("kind", evidence_kind),
        ("source", "Children's social care"),
        ("gathered_on", "3"),
        ("gathered_on", "11"),
        ("gathered_on", "2026"),
        ("inspectorate", "ofsted"),
        ("neighbourhood", ""),
        ("notes", "A large file, to check that uploads stream to disk."),
    ]
    started = time.perf_counter()
    response = client.upload_stream(
        form_path,
        fields,
        file_field="files",
        filename=filename,
        content_type=content_type,
        chunks=chunks,
        size=size,
    )
    seconds = time.perf_counter() - started
    after = {pid: _proc_status(pid) for pid in pids if Path(f"/proc/{pid}").exists()}
    growth = {pid: after[pid]["VmHWM"] - before[pid] for pid in after}
    worst = max(growth, key=growth.get)
    mb = 1024 * 1024
    return UploadResult(
        file_bytes=size,
        file_kind=kind,
        seconds=round(seconds, 2),
        status=response.status,
        stored=response.status == 303 and "/evidence/" in response.headers.get("Location", ""),
        worker_rss_before_mb=round(before[worst] / mb, 1),
        worker_peak_mb=round(after[worst]["VmHWM"] / mb, 1),
        rss_growth_mb=round(growth[worst] / mb, 1),
        peak_measured_by="VmHWM" if by_kernel else "VmHWM (not reset)",
    )


def as_dict(value: Any) -> Any:
    if isinstance(value, list):
        return [as_dict(v) for v in value]
    return asdict(value)
