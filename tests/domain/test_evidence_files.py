from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from inspect_app.domain.evidence_files import (
    RefusedFile,
    SniffedFile,
    TooLarge,
    ZipLimits,
    extract_text,
    inspect_upload,
    sanitise_filename,
)
from tests.domain import evidence_samples as samples

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def write(tmp_path: Path):
    def _write(data: bytes) -> Path:
        path = tmp_path / "upload.bin"
        path.write_bytes(data)
        return path

    return _write


def refusal(path: Path, name: str, **kwargs) -> RefusedFile:
    with pytest.raises(RefusedFile) as caught:
        inspect_upload(path, name, **kwargs)
    assert f"'{sanitise_filename(name)}' was refused" in caught.value.reason
    return caught.value


# --- accepted types -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "kind", "media_type", "extension"),
    [
        (samples.pdf_bytes(), "report.pdf", "pdf", "application/pdf", ".pdf"),
        (samples.docx_bytes(), "minutes.docx", "docx", DOCX_TYPE, ".docx"),
        (samples.xlsx_bytes(), "data.xlsx", "xlsx", XLSX_TYPE, ".xlsx"),
        (b"a,b\n1,2\n", "data.csv", "csv", "text/csv", ".csv"),
        ("\ufeffname,école\n".encode(), "data.CSV", "csv", "text/csv", ".csv"),
        (b"# Notes\n", "notes.md", "markdown", "text/markdown", ".md"),
        (b"# Notes\n", "notes.markdown", "markdown", "text/markdown", ".md"),
        (b"plain words\n", "notes.txt", "text", "text/plain", ".txt"),
        (b"plain words\n", "notes", "text", "text/plain", ".txt"),
        (samples.PNG_BYTES, "chart.png", "png", "image/png", ".png"),
        (samples.JPEG_BYTES, "photo.jpeg", "jpeg", "image/jpeg", ".jpg"),
        (samples.JPEG_BYTES, "photo.JPG", "jpeg", "image/jpeg", ".jpg"),
    ],
)
def test_accepted_types_are_sniffed(write, data, name, kind, media_type, extension):
    assert inspect_upload(write(data), name) == SniffedFile(kind, media_type, extension)


@pytest.mark.parametrize(
    "name", ["evidence", "Minutes 12.03.2024", "draft v1.2", "../../etc/passwd"]
)
def test_a_name_without_an_extension_lets_the_content_decide(write, name):
    assert inspect_upload(write(samples.pdf_bytes()), name).kind == "pdf"


# --- refusals -------------------------------------------------------------------------


def test_unknown_binary_is_refused_naming_the_file(write):
    error = refusal(write(b"MZ\x90\x00\x03\x00\x00\x00binary"), "notes.exe")
    assert error.code == "type"
    assert error.reason == (
        "'notes.exe' was refused: it is not one of the accepted types "
        "(PDF, Word .docx, Excel .xlsx, CSV, text or Markdown, PNG, JPEG)"
    )


def test_empty_file_is_refused(write):
    assert refusal(write(b""), "empty.txt").code == "empty"


def test_oversize_file_is_refused_with_the_limit_in_mb(write):
    path = write(b"x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(TooLarge) as caught:
        inspect_upload(path, "big.txt", max_bytes=2 * 1024 * 1024)
    assert caught.value.reason == "'big.txt' was refused: it is larger than the 2 MB limit"
    assert caught.value.code == "too_large"


def test_default_limit_is_50_mb(write):
    path = write(b"x")
    with path.open("r+b") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)  # sparse: cheap to make
    assert "50 MB" in refusal(path, "big.txt").reason


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (samples.pdf_bytes(), "report.docx"),
        (samples.PNG_BYTES, "chart.pdf"),
        (samples.JPEG_BYTES, "photo.png"),
        (samples.docx_bytes(), "minutes.xlsx"),
        (samples.xlsx_bytes(), "data.docx"),
        (samples.pdf_bytes(), "report.exe"),
        (b"plain words\n", "notes.pdf"),
        (b"<script>alert(1)</script>", "page.html"),
    ],
)
def test_extension_contradicting_content_is_refused(write, data, name):
    error = refusal(write(data), name)
    assert error.code == "mismatch"
    assert "its name ends in ." in error.reason


def test_invalid_utf8_text_is_refused(write):
    error = refusal(write("café,1\n".encode("latin-1")), "data.csv")
    assert error.code == "encoding"
    assert "UTF-8" in error.reason


def test_text_with_nul_bytes_is_refused(write):
    assert refusal(write("hello".encode("utf-16")), "notes.txt").code in {"type", "encoding"}


def test_invalid_utf8_binary_without_text_extension_is_refused(write):
    assert refusal(write(b"\x00\x01\xfe\xff" * 10), "blob.dat").code == "type"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (
            samples.rewrite_zip(
                samples.docx_bytes(),
                add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
                edit={"[Content_Types].xml": (samples.WORD_MAIN, samples.WORD_MACRO_MAIN)},
            ),
            "renamed.docx",
        ),
        (
            samples.rewrite_zip(samples.docx_bytes(), add={"word/vbaProject.bin": b"x"}),
            "vba-only.docx",
        ),
        (
            samples.rewrite_zip(
                samples.docx_bytes(),
                edit={"[Content_Types].xml": (samples.WORD_MAIN, samples.WORD_MACRO_MAIN)},
            ),
            "content-type-only.docx",
        ),
        (
            samples.rewrite_zip(
                samples.xlsx_bytes(),
                add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
                edit={"[Content_Types].xml": (samples.EXCEL_MAIN, samples.EXCEL_MACRO_MAIN)},
            ),
            "renamed.xlsx",
        ),
        (
            samples.rewrite_zip(samples.xlsx_bytes(), add={"xl/vbaProject.bin": b"x"}),
            "book.xlsm",
        ),
    ],
)
def test_macro_enabled_office_files_are_refused(write, data, name):
    error = refusal(write(data), name)
    assert error.code == "macro"
    assert "macros" in error.reason


@pytest.mark.parametrize("part", ["[Content_Types].xml", "word/document.xml", "_rels/.rels"])
def test_xml_doctype_or_entity_in_office_file_is_refused(write, part):
    original = samples.docx_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        declaration, _, body = zf.read(part).decode().partition("\n")
    assert declaration.startswith("<?xml")
    data = samples.rewrite_zip(original, replace={part: (samples.XXE_PROLOGUE + body).encode()})
    assert refusal(write(data), "evil.docx").code == "xxe"


def test_xml_doctype_hidden_in_utf16_is_refused(write):
    xml = samples.XXE_PROLOGUE.replace("UTF-8", "UTF-16") + "<w:document/>"
    data = samples.rewrite_zip(
        samples.docx_bytes(), replace={"word/document.xml": xml.encode("utf-16")}
    )
    assert refusal(write(data), "evil.docx").code == "xxe"


def test_xml_in_an_exotic_encoding_is_refused(write):
    xml = '<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE foo+AD4-<w:document/>'
    data = samples.rewrite_zip(samples.docx_bytes(), replace={"word/document.xml": xml.encode()})
    assert refusal(write(data), "evil.docx").code == "xxe"


def test_xxe_in_xlsx_is_refused(write):
    data = samples.rewrite_zip(
        samples.xlsx_bytes(),
        edit={"xl/workbook.xml": ("<workbook", samples.XXE_PROLOGUE + "<workbook")},
    )
    assert refusal(write(data), "evil.xlsx").code == "xxe"


def test_zip_bomb_by_compression_ratio_is_refused(write):
    data = samples.rewrite_zip(
        samples.docx_bytes(), add={"word/media/zeros.bin": b"\x00" * (4 * 1024 * 1024)}
    )
    assert len(data) < 100_000
    error = refusal(write(data), "bomb.docx")
    assert error.code == "zip_bomb"


def test_zip_declaring_a_huge_uncompressed_size_is_refused(write):
    data = samples.patch_central_directory(
        samples.docx_bytes(), "word/styles.xml", file_size=300 * 1024 * 1024
    )
    assert refusal(write(data), "bomb.docx").code == "zip_bomb"


def test_zip_total_uncompressed_limit_is_a_parameter(write):
    path = write(samples.docx_bytes())
    with pytest.raises(RefusedFile) as caught:
        inspect_upload(path, "a.docx", zip_limits=ZipLimits(max_total_uncompressed=1000))
    assert caught.value.code == "zip_bomb"


def test_zip_with_too_many_entries_is_refused(write):
    data = samples.zip_of({f"f{i}.txt": b"" for i in range(10_001)}, compression=zipfile.ZIP_STORED)
    assert refusal(write(data), "many.docx").code == "zip_bomb"


def test_entry_inflating_past_its_declared_size_is_refused(write):
    data = samples.patch_central_directory(samples.docx_bytes(), "word/document.xml", file_size=10)
    assert refusal(write(data), "liar.docx").code == "corrupt"


@pytest.mark.parametrize(
    "entry", ["../evil.xml", "/etc/evil.xml", "word/../../evil.xml", "C:x.xml"]
)
def test_zip_entries_with_unsafe_paths_are_refused(write, entry):
    data = samples.rewrite_zip(samples.docx_bytes(), add={entry: b"<x/>"})
    assert refusal(write(data), "traversal.docx").code == "unsafe_path"


def test_encrypted_zip_is_refused(write):
    data = samples.patch_central_directory(samples.docx_bytes(), "word/document.xml", flag_bits=0x1)
    assert refusal(write(data), "locked.docx").code == "encrypted"


def test_truncated_zip_is_refused(write):
    data = samples.docx_bytes()
    assert refusal(write(data[: len(data) // 2]), "broken.docx").code == "corrupt"


def test_zip_with_damaged_compressed_data_is_refused(write):
    data = bytearray(samples.docx_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start, start + info.compress_size):
        data[i] ^= 0x5A
    assert refusal(write(bytes(data)), "broken.docx").code == "corrupt"


def test_other_zip_archives_are_not_accepted(write):
    data = samples.zip_of({"readme.txt": b"hello"})
    assert refusal(write(data), "archive.zip").code == "type"


# --- names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\Minutes.docx", "Minutes.docx"),
        (".htaccess", "htaccess"),
        ("...", "unnamed"),
        ("", "unnamed"),
        ("a/b/", "unnamed"),
        ("re\x00port\r\n.pdf", "report .pdf"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("  lots   of\tspace .pdf ", "lots of space .pdf"),
        ("Report <final>; v2 (copy).pdf", "Report _final__ v2 (copy).pdf"),
        ("École évaluation.docx", "École évaluation.docx"),
        ("trailing dots...", "trailing dots"),
    ],
)
def test_sanitise_filename(raw, safe):
    assert sanitise_filename(raw) == safe


def test_sanitise_filename_caps_length_keeping_extension():
    safe = sanitise_filename("x" * 300 + ".docx")
    assert len(safe) == 120
    assert safe.endswith("x.docx")
    assert len(sanitise_filename("y" * 300)) == 120


# --- text extraction ------------------------------------------------------------------


def test_extract_text_from_pdf(write):
    text = extract_text(write(samples.pdf_bytes("Hello (JAR) evidence")), "pdf")
    assert "Hello (JAR) evidence" in text


def test_extract_text_from_docx_paragraphs_and_table_cells(write):
    text = extract_text(write(samples.docx_bytes("Strategic partnership", "Looked after")), "docx")
    assert "Strategic partnership" in text
    assert "Looked after" in text
    assert "children" in text


def test_extract_text_from_text_strips_bom_and_caps_length(write):
    path = write("\ufeffhello world".encode())
    assert extract_text(path, "text") == "hello world"
    assert extract_text(path, "markdown", max_chars=5) == "hello"
    assert extract_text(path, "csv") == "hello world"


def test_extract_text_tolerates_broken_files(write):
    assert extract_text(write(b"%PDF-1.4\ngarbage"), "pdf") == ""
    assert extract_text(write(b"PK\x03\x04garbage"), "docx") == ""


def test_extract_text_of_other_kinds_is_empty(write):
    assert extract_text(write(samples.PNG_BYTES), "png") == ""
    assert extract_text(write(samples.xlsx_bytes()), "xlsx") == ""
