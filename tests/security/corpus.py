"""Hostile files, made in code: what every upload and import must refuse or neutralise.

Each entry is a file (bytes and the name it is sent under) and what must happen to it:

- ``Refused(words)``: refused, with a message containing ``words`` (it names the problem),
  and nothing written;
- ``Neutralised()``: the content is acceptable and only the *name* is hostile; it may be
  kept, but under a sanitised name (no path, no control or bidirectional characters).

Two corpora share the tricks: one for evidence uploads (where a PDF is a good file) and one
for the self-evaluation workbook (where the authority's filled workbook is).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from tests.domain.evidence_samples import (
    EXCEL_MACRO_MAIN,
    EXCEL_MAIN,
    WORD_MAIN,
    XXE_PROLOGUE,
    docx_bytes,
    patch_central_directory,
    pdf_bytes,
    rewrite_zip,
    zip_of,
)
from tests.evidence_helpers import docm_bytes, xlsm_bytes, xxe_docx_bytes, zip_bomb

MB = 1024 * 1024
OVERSIZE_LIMIT_MB = 2  # the tests set INSPECT_MAX_UPLOAD_MB to this

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(range(256)) * 8
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


@dataclass(frozen=True)
class Refused:
    words: str


@dataclass(frozen=True)
class Neutralised:
    pass


@dataclass(frozen=True)
class Hostile:
    id: str
    data: bytes
    filename: str
    expect: Refused | Neutralised


# ---------------------------------------------------------------------------- builders


def many_entries(count: int = 10_001) -> bytes:
    """A .docx-shaped archive of a few hundred kilobytes with more entries than allowed."""
    entries = {
        "[Content_Types].xml": _content_types(WORD_MAIN, "/word/document.xml"),
        "word/document.xml": b"<w/>",
    }
    entries.update({f"word/media/e{i}.bin": b"" for i in range(count)})
    return zip_of(entries, compression=zipfile.ZIP_STORED)


def forged_size_bomb(base: bytes, entry: str) -> bytes:
    """An archive whose central directory claims one entry inflates to almost 4 GB."""
    return patch_central_directory(base, entry, file_size=0xFFFF_FFF0)


def zip_slip(base: bytes) -> bytes:
    return rewrite_zip(base, add={"../../../../tmp/evil.sh": b"#!/bin/sh\necho owned\n"})


def encrypted(base: bytes, entry: str) -> bytes:
    return patch_central_directory(base, entry, flag_bits=0x1)


def vba_only(base: bytes, folder: str) -> bytes:
    """A macro project slipped into an ordinary .docx/.xlsx (content types unchanged)."""
    return rewrite_zip(base, add={f"{folder}/vbaProject.bin": b'Attribute VB_Name = "x"'})


def xxe_in_content_types(base: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        _, _, body = zf.read("[Content_Types].xml").decode().partition("\n")
    return rewrite_zip(base, replace={"[Content_Types].xml": (XXE_PROLOGUE + body).encode()})


def xxe_in_sheet(workbook: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook)) as zf:
        sheet = next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
        text = zf.read(sheet).decode()
    _, _, body = text.partition("?>")
    return rewrite_zip(workbook, replace={sheet: (XXE_PROLOGUE + body.lstrip()).encode()})


def padded_bomb(base: bytes) -> bytes:
    """A real archive with a 10 MB part of zeros compressed to a few kilobytes."""
    return rewrite_zip(base, add={"xl/media/padding.bin": b"\0" * (10 * MB)})


def macro_workbook(workbook: bytes) -> bytes:
    return rewrite_zip(
        workbook,
        edit={"[Content_Types].xml": (EXCEL_MAIN, EXCEL_MACRO_MAIN)},
        add={"xl/vbaProject.bin": b"Attribute VB_Name"},
    )


def oversize(base: bytes) -> bytes:
    """A valid-looking file just over the test limit (padding after the end of the file)."""
    return base + b"\n%" + b"x" * (OVERSIZE_LIMIT_MB * MB + 1024)


def _content_types(main: str, part: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
        f'.org/package/2006/content-types"><Override PartName="{part}" ContentType="{main}"/>'
        "</Types>"
    ).encode()


# ---------------------------------------------------------------------------- names

# Names that must never reach the file system or a page as given; the content is good.
HOSTILE_NAMES = {
    "path traversal (Unix)": "../../etc/passwd",
    "path traversal to a good name": "../../../../tmp/minutes{ext}",
    "absolute path": "/etc/cron.d/minutes{ext}",
    "fullwidth dots and slashes": "\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fminutes\uff0e{bare}",
    "only dots": "....",
    "very long name": "a" * 300 + "{ext}",
    "control characters": "min\x07ut\x1bes{ext}",
}
# Names that disguise a different extension: refused because the content does not match.
DISGUISED_NAMES = {
    "path traversal (Windows)": ("..\\..\\win.ini", ".ini"),
    "right-to-left override": ("invoice\u202efdp.exe", ".exe"),
    "NUL byte before a second extension": ("minutes{ext}\x00.exe", ".exe"),
    "macro-enabled extension": ("plan.docm", ".docm"),
}


def _names(good: bytes, ext: str) -> list[Hostile]:
    entries = [
        Hostile(f"name: {what}", good, name.format(ext=ext, bare=ext[1:]), Neutralised())
        for what, name in HOSTILE_NAMES.items()
    ]
    entries += [
        Hostile(
            f"name: {what}",
            good,
            name.format(ext=ext),
            Refused(f"its name ends in {shown}"),
        )
        for what, (name, shown) in DISGUISED_NAMES.items()
    ]
    return entries


# ---------------------------------------------------------------------------- corpora


def evidence_corpus() -> list[Hostile]:
    """For evidence uploads: a PDF is a good file."""
    docx = docx_bytes()
    return [
        *_names(pdf_bytes("Minutes"), ".pdf"),
        Hostile("EXE named .pdf", EXE, "minutes.pdf", Refused("not one of the accepted types")),
        Hostile(
            "HTML named .pdf", HTML, "minutes.pdf", Refused("its name ends in .pdf but its content")
        ),
        Hostile(
            "SVG named .png", SVG, "chart.png", Refused("its name ends in .png but its content")
        ),
        Hostile(
            "PDF named .png", pdf_bytes(), "chart.png", Refused("its name ends in .png but its")
        ),
        Hostile("Word document named .pdf", docx, "minutes.pdf", Refused("its name ends in .pdf")),
        Hostile("EXE with no extension", EXE, "setup", Refused("not one of the accepted types")),
        Hostile(
            "text that is not UTF-8",
            "Café déjà vu".encode("cp1252") + b"\x81\x8d",
            "notes.txt",
            Refused("not UTF-8 text"),
        ),
        Hostile("zip bomb (10 MB of zeros)", zip_bomb(), "plan.docx", Refused("unsafe size")),
        Hostile(
            "zip bomb (forged size)",
            forged_size_bomb(docx, "word/document.xml"),
            "plan.docx",
            Refused("unsafe size"),
        ),
        Hostile("zip with 10,001 entries", many_entries(), "plan.docx", Refused("unsafe size")),
        Hostile("zip slip entry", zip_slip(docx), "plan.docx", Refused("unsafe path")),
        Hostile(
            "encrypted archive",
            encrypted(docx, "word/document.xml"),
            "plan.docx",
            Refused("encrypted"),
        ),
        Hostile("macro-enabled Word (.docm)", docm_bytes(), "plan.docx", Refused("macros")),
        Hostile("macro-enabled Excel (.xlsm)", xlsm_bytes(), "data.xlsx", Refused("macros")),
        Hostile(
            "vbaProject.bin in a .docx", vba_only(docx, "word"), "plan.docx", Refused("macros")
        ),
        Hostile(
            "XXE in the document",
            xxe_docx_bytes(),
            "plan.docx",
            Refused("document type declarations"),
        ),
        Hostile(
            "XXE in [Content_Types].xml",
            xxe_in_content_types(docx),
            "plan.docx",
            Refused("document type declarations"),
        ),
        Hostile(
            "oversize",
            oversize(pdf_bytes()),
            "big.pdf",
            Refused(f"larger than the {OVERSIZE_LIMIT_MB} MB limit"),
        ),
        Hostile("empty file", b"", "empty.pdf", Refused("the file is empty")),
    ]


def workbook_corpus(workbook: bytes) -> list[Hostile]:
    """For the self-evaluation: ``workbook`` is the authority's good, filled-in return."""
    not_a_workbook = Refused("not an Excel .xlsx workbook")
    return [
        *_names(workbook, ".xlsx"),
        Hostile("EXE named .xlsx", EXE, "return.xlsx", not_a_workbook),
        Hostile("HTML named .xlsx", HTML, "return.xlsx", not_a_workbook),
        Hostile("PDF named .xlsx", pdf_bytes(), "return.xlsx", not_a_workbook),
        Hostile("Word document named .xlsx", docx_bytes(), "return.xlsx", not_a_workbook),
        Hostile(
            "zip bomb (10 MB of zeros)",
            padded_bomb(workbook),
            "return.xlsx",
            Refused("unsafe size"),
        ),
        Hostile(
            "zip bomb (forged size)",
            forged_size_bomb(workbook, "xl/workbook.xml"),
            "return.xlsx",
            Refused("unsafe size"),
        ),
        Hostile(
            "zip with 10,001 entries",
            rewrite_zip(workbook, add={f"xl/media/e{i}.bin": b"" for i in range(10_001)}),
            "return.xlsx",
            Refused("unsafe size"),
        ),
        Hostile("zip slip entry", zip_slip(workbook), "return.xlsx", Refused("unsafe path")),
        Hostile(
            "encrypted archive",
            encrypted(workbook, "xl/workbook.xml"),
            "return.xlsx",
            Refused("encrypted"),
        ),
        Hostile(
            "macro-enabled workbook (.xlsm)",
            macro_workbook(workbook),
            "return.xlsx",
            Refused("macro-enabled workbooks"),
        ),
        Hostile(
            "vbaProject.bin in a .xlsx",
            vba_only(workbook, "xl"),
            "return.xlsx",
            Refused("macro-enabled workbooks"),
        ),
        Hostile(
            "XXE in a worksheet",
            xxe_in_sheet(workbook),
            "return.xlsx",
            Refused("document type declarations"),
        ),
        Hostile(
            "XXE in [Content_Types].xml",
            xxe_in_content_types(workbook),
            "return.xlsx",
            Refused("document type declarations"),
        ),
        Hostile(
            "oversize",
            rewrite_zip(workbook, add={"xl/media/noise.bin": _noise(OVERSIZE_LIMIT_MB * MB)}),
            "return.xlsx",
            Refused(f"larger than the {OVERSIZE_LIMIT_MB} MB limit"),
        ),
        Hostile("empty file", b"", "return.xlsx", not_a_workbook),
    ]


def _noise(n: int) -> bytes:
    """Incompressible bytes, so an archive holding them is really ``n`` bytes long."""
    import hashlib

    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:n])


def indicator_corpus(good_csv: bytes, good_xlsx: bytes) -> list[Hostile]:
    """For the indicator data import: ``good_csv``/``good_xlsx`` are valid files of figures.

    The content decides how a file is read (never its name), and the name is only shown in
    messages and kept, sanitised, in the import record: every hostile name is harmless."""
    names = {**HOSTILE_NAMES, **{what: name for what, (name, _) in DISGUISED_NAMES.items()}}
    unsafe_size = Refused("unsafe size")
    return [
        *(
            Hostile(f"name: {what}", good_csv, name.format(ext=".csv", bare="csv"), Neutralised())
            for what, name in names.items()
        ),
        Hostile("EXE named .csv", EXE, "figures.csv", Refused("not UTF-8 text")),
        Hostile("HTML named .csv", HTML, "figures.csv", Refused('missing column "authority_code"')),
        Hostile(
            "PDF named .xlsx", pdf_bytes(), "figures.xlsx", Refused("is not an Excel workbook")
        ),
        Hostile(
            "Word document named .xlsx",
            docx_bytes(),
            "figures.xlsx",
            Refused("not an Excel .xlsx workbook"),
        ),
        Hostile(
            "text with NUL bytes",
            good_csv.replace(b"\n", b"\x00\n", 1),
            "figures.csv",
            Refused("NUL bytes"),
        ),
        Hostile(
            "formula in a cell (CSV injection)",
            b"authority_code,indicator_code,period,value\n=cmd|' /C calc'!A0,X,2006-07,1\n",
            "figures.csv",
            Refused("unknown authority"),
        ),
        Hostile("zip bomb (10 MB of zeros)", padded_bomb(good_xlsx), "figures.xlsx", unsafe_size),
        Hostile(
            "zip bomb (forged size)",
            forged_size_bomb(good_xlsx, "xl/workbook.xml"),
            "figures.xlsx",
            unsafe_size,
        ),
        Hostile(
            "zip with 10,001 entries",
            rewrite_zip(good_xlsx, add={f"xl/media/e{i}.bin": b"" for i in range(10_001)}),
            "figures.xlsx",
            unsafe_size,
        ),
        Hostile("zip slip entry", zip_slip(good_xlsx), "figures.xlsx", Refused("unsafe path")),
        Hostile(
            "encrypted archive",
            encrypted(good_xlsx, "xl/workbook.xml"),
            "figures.xlsx",
            Refused("encrypted"),
        ),
        Hostile(
            "macro-enabled workbook (.xlsm)",
            macro_workbook(good_xlsx),
            "figures.xlsx",
            Refused("macro-enabled workbooks"),
        ),
        Hostile(
            "vbaProject.bin in a .xlsx",
            vba_only(good_xlsx, "xl"),
            "figures.xlsx",
            Refused("macro-enabled workbooks"),
        ),
        Hostile(
            "XXE in a worksheet",
            xxe_in_sheet(good_xlsx),
            "figures.xlsx",
            Refused("document type declarations"),
        ),
        Hostile(
            "XXE in [Content_Types].xml",
            xxe_in_content_types(good_xlsx),
            "figures.xlsx",
            Refused("document type declarations"),
        ),
        Hostile(
            "oversize",
            good_csv + b"\n" * (OVERSIZE_LIMIT_MB * MB + 1024),
            "figures.csv",
            Refused(f"is larger than {OVERSIZE_LIMIT_MB} MB"),
        ),
        Hostile("empty file", b"", "figures.csv", Refused("the file is empty")),
    ]
