"""Large uploads stay out of memory: the benchmark's files, and reading a big PDF's text.

The 200 MB upload benchmark found a worker growing by the whole size of a scanned PDF: pypdf,
given a path, reads the entire file into memory to extract its text for search. These tests
keep the fix (extraction reads from an open file) and check the benchmark's own files.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from bench.measure import csv_extract, scanned_pdf
from inspect_app.domain.evidence_files import MB, extract_text, inspect_upload


def write(path: Path, made) -> int:
    chunks, size = made
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return size


def test_the_benchmark_files_are_what_they_say(tmp_path: Path):
    pdf, csv = tmp_path / "scan.pdf", tmp_path / "extract.csv"
    assert write(pdf, scanned_pdf(3 * MB)) == pdf.stat().st_size
    assert write(csv, csv_extract(3 * MB)) == csv.stat().st_size == 3 * MB
    assert inspect_upload(pdf, "scan.pdf", 10 * MB).kind == "pdf"
    assert inspect_upload(csv, "extract.csv", 10 * MB).kind == "csv"
    assert extract_text(csv, "csv", max_chars=40).startswith("case_ref,service")


def test_extracting_a_large_pdfs_text_does_not_read_it_into_memory(tmp_path: Path):
    # One page, one 100 MB image: pypdf looks into a page's image only up to 75 MB, so what
    # remains is whether the whole file is read (it was: 100 MB and more).
    pdf = tmp_path / "scan.pdf"
    size = write(pdf, scanned_pdf(100 * MB))
    tracemalloc.start()
    try:
        extract_text(pdf, "pdf")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 100 * MB - 8192
    assert peak < 16 * MB, f"reading the text of a {size / MB:.0f} MB PDF took {peak / MB:.1f} MB"
