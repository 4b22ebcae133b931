"""The cyclic collector is paused while a report is built or rendered, and put back after.

Measured on the benchmark's large review, full collections took a fifth to a quarter of a
PDF export; see :mod:`inspect_app.garbage_collection`."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from inspect_app.domain.report import Audience
from inspect_app.exports import export_docx, export_pdf, export_xlsx
from inspect_app.garbage_collection import paused_garbage_collection
from inspect_app.services import publication, report_builder
from tests.exports.samples import sample_document


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_a_pause_turns_the_collector_off_and_back_on() -> None:
    with paused_garbage_collection():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_on_when_the_paused_work_fails() -> None:
    @paused_garbage_collection()
    def failing() -> None:
        assert not gc.isenabled()
        raise ValueError("the export failed")

    with pytest.raises(ValueError, match="the export failed"):
        failing()
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outermost() -> None:
    with paused_garbage_collection():
        with paused_garbage_collection():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    with paused_garbage_collection():
        pass
    assert not gc.isenabled()


def _recording(monkeypatch, module, name: str, seen: list[bool]) -> None:
    real = getattr(module, name)

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)


@pytest.mark.parametrize(
    ("module", "inner", "export"),
    [
        (export_pdf, "html_to_pdf", lambda doc: export_pdf.to_pdf(doc)),
        (export_pdf, "html_to_pdf", lambda doc: export_pdf.children_summary_to_pdf(doc)),
        (export_docx, "with_hash", lambda doc: export_docx.to_docx(doc)),
        (export_docx, "with_hash", lambda doc: export_docx.children_summary_to_docx(doc)),
        (
            export_xlsx,
            "with_hash",
            lambda doc: export_xlsx.to_xlsx(doc, audience=Audience.INSPECTION_TEAM),
        ),
    ],
    ids=["pdf", "summary-pdf", "docx", "summary-docx", "xlsx"],
)
def test_each_large_export_renders_with_the_collector_paused(
    monkeypatch, module, inner: str, export
) -> None:
    seen: list[bool] = []
    _recording(monkeypatch, module, inner, seen)
    assert export(sample_document())
    assert seen and not any(seen)
    assert gc.isenabled()


def test_the_report_document_is_built_with_the_collector_paused(monkeypatch) -> None:
    seen: list[bool] = []

    def stop(*args, **kwargs):
        seen.append(gc.isenabled())
        raise LookupError("enough: the document is being built")

    monkeypatch.setattr(report_builder, "load_sources", stop)
    review = SimpleNamespace(id=1, rubric=SimpleNamespace(scale=None))
    with pytest.raises(LookupError):
        report_builder.build_document(None, review)
    assert seen == [False]
    assert gc.isenabled()


def test_a_published_report_is_read_back_with_the_collector_paused(monkeypatch) -> None:
    doc = sample_document()
    seen: list[bool] = []

    def from_snapshot(document, content_hash):
        seen.append(gc.isenabled())
        return doc

    monkeypatch.setattr(publication, "from_snapshot", from_snapshot)
    monkeypatch.setattr(publication, "verify_hash", lambda doc: True)
    published = SimpleNamespace(id=1, document={}, content_hash="0" * 64)
    assert publication.published_document(published) is doc
    assert seen == [False]
    assert gc.isenabled()
