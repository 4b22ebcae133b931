"""Deciding whether an uploaded evidence file is safe to keep, and reading its text.

The type of an upload is decided by its content (magic bytes and, for Office files, the
archive's structure), never by its name. The declared name is used only to pick between
the text kinds (CSV, Markdown, plain text), to refuse a name that contradicts the content,
and to name the file in refusal messages. Nothing here imports Flask or the database.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MB

# Zip-bomb thresholds, read from the central directory before anything is decompressed.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_TOTAL_UNCOMPRESSED = 200 * MB
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_ENTRY_SIZE = 1 * MB
# [Content_Types].xml is parsed in memory, so it gets its own small ceiling.
CONTENT_TYPES_MAX_BYTES = 1 * MB

CHUNK_SIZE = 64 * 1024
SNIFF_BYTES = 8 * 1024

ACCEPTED_TYPES = "PDF, Word .docx, Excel .xlsx, CSV, text or Markdown, PNG, JPEG"

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "text": "text/plain",
    "markdown": "text/markdown",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
# Extensions a name may carry for each kind; the first is the canonical one.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "csv": (".csv",),
    "text": (".txt", ".text"),
    "markdown": (".md", ".markdown"),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg", ".jfif"),
}
_DESCRIPTIONS = {
    "pdf": "a PDF document",
    "docx": "a Word document",
    "xlsx": "an Excel workbook",
    "csv": "plain text",
    "text": "plain text",
    "markdown": "plain text",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
}
_TEXT_KINDS = ("csv", "markdown", "text")

_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# Encodings an Office XML part may declare. Others (UTF-7, EBCDIC...) could hide a
# DOCTYPE from the byte scan below, so they are refused.
_XML_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "ascii"}
_XML_DECL_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_DTD_PATTERN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = ZIP_MAX_ENTRIES
    max_total_uncompressed: int = ZIP_MAX_TOTAL_UNCOMPRESSED
    max_ratio: float = ZIP_MAX_RATIO
    ratio_min_entry_size: int = ZIP_RATIO_MIN_ENTRY_SIZE


DEFAULT_ZIP_LIMITS = ZipLimits()


class RefusedFile(Exception):
    """An upload we will not keep. ``reason`` is a sentence to show the user."""

    def __init__(self, reason: str, code: str = "refused") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TooLarge(RefusedFile):
    def __init__(self, max_bytes: int, name: str | None = None) -> None:
        subject = f"'{sanitise_filename(name)}' was refused: it" if name else "The file"
        super().__init__(
            f"{subject} is larger than the {_megabytes(max_bytes)} MB limit", "too_large"
        )
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class SniffedFile:
    kind: str
    media_type: str
    extension: str  # canonical, with the dot: ".pdf", ".jpg", ".md"


def sanitise_filename(name: str) -> str:
    """A safe display name. Metadata only: storage never uses it."""
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(" " if ch.isspace() else ch for ch in name)
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = "".join(ch if ch.isalnum() or ch in " .-_()" else "_" for ch in name)
    name = " ".join(name.split()).lstrip(". ").rstrip(". ")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= 16:
            name = stem[: 120 - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            name = name[:120].rstrip(". ")
    return name or "unnamed"


def declared_extension(name: str) -> str:
    """The lower-case extension of a declared name ('' if none).

    Only a short run of letters and digits containing a letter counts, so
    "Minutes 12.03.2024" or "draft v1.2" have no extension.
    """
    stem, dot, ext = sanitise_filename(name).rpartition(".")
    if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,10}", ext) and re.search("[A-Za-z]", ext):
        return "." + ext.lower()
    return ""


def inspect_upload(
    path: Path,
    declared_name: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    zip_limits: ZipLimits = DEFAULT_ZIP_LIMITS,
) -> SniffedFile:
    """Decide what an upload is, or raise :class:`RefusedFile` saying why we won't keep it."""
    display = sanitise_filename(declared_name)

    def refuse(why: str, code: str) -> RefusedFile:
        return RefusedFile(f"'{display}' was refused: {why}", code)

    size = path.stat().st_size
    if size == 0:
        raise refuse("the file is empty", "empty")
    if size > max_bytes:
        raise TooLarge(max_bytes, declared_name)

    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    ext = declared_extension(declared_name)
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head.startswith(b"PK\x03\x04"):
        try:
            kind = _office_kind(path, zip_limits)
        except _Refusal as exc:
            raise refuse(exc.args[0], exc.code) from None
    elif _is_utf8_text(path):
        kind = _text_kind(ext)
    elif b"\x00" not in head and (not ext or ext in _all_extensions(_TEXT_KINDS)):
        raise refuse(
            "it is not UTF-8 text. Save it with UTF-8 encoding (in Excel: 'CSV UTF-8') "
            "and upload it again",
            "encoding",
        )
    else:
        kind = None
    if kind is None:
        raise refuse(f"it is not one of the accepted types ({ACCEPTED_TYPES})", "type")

    is_text = kind in _TEXT_KINDS
    allowed = _all_extensions(_TEXT_KINDS) if is_text else EXTENSIONS[kind]
    if ext and ext not in allowed:
        suggestion = ".txt, .csv or .md" if is_text else " or ".join(EXTENSIONS[kind])
        raise refuse(
            f"its name ends in {ext} but its content is {_DESCRIPTIONS[kind]}. "
            f"Rename it to end in {suggestion}",
            "mismatch",
        )
    return SniffedFile(kind=kind, media_type=MEDIA_TYPES[kind], extension=EXTENSIONS[kind][0])


def extract_text(path: Path, kind: str, max_chars: int = 1_000_000) -> str:
    """Best-effort plain text of an accepted file, for search. Never raises for bad content."""
    if kind in _TEXT_KINDS:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            return fh.read(max_chars)
    extractor = {"pdf": _pdf_text, "docx": _docx_text}.get(kind)
    if extractor is None:
        return ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return extractor(path, max_chars)[:max_chars]
        except Exception:  # third-party parsers raise anything on bad input
            return ""


# --- sniffing and extraction helpers ------------------------------------------------


def _megabytes(n: int) -> str:
    return f"{n / MB:g}"


def _all_extensions(kinds: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(ext for kind in kinds for ext in EXTENSIONS[kind])


def _text_kind(ext: str) -> str:
    return next((kind for kind in _TEXT_KINDS if ext in EXTENSIONS[kind]), "text")


def _is_utf8_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK_SIZE):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _pdf_text(path: Path, max_chars: int) -> str:
    from pypdf import PdfReader

    # An open file, not the path: given a path, pypdf reads the whole file into memory (a
    # 200 MB scan grew a worker by 200 MB); given a file, it reads only what it parses.
    with path.open("rb") as fh:
        reader = PdfReader(fh)
        if reader.is_encrypted and not reader.decrypt(""):
            return ""
        parts: list[str] = []
        total = 0
        for page in reader.pages:
            try:
                text = page.extract_text() or ""
            except Exception:  # noqa: S112 - one bad page should not lose the rest
                continue
            parts.append(text)
            total += len(text) + 1
            if total >= max_chars:
                break
        return "\n".join(parts)


def _docx_text(path: Path, max_chars: int) -> str:
    import docx
    from docx.table import Table

    lines: list[str] = []
    total = 0

    def walk(container) -> Iterator[str]:  # Document or table cell
        for block in container.iter_inner_content():
            if isinstance(block, Table):
                seen: set[int] = set()
                for row in block.rows:
                    for cell in row.cells:
                        if id(cell._tc) not in seen:  # merged cells repeat
                            seen.add(id(cell._tc))
                            yield from walk(cell)
            else:
                yield block.text

    for line in walk(docx.Document(str(path))):
        lines.append(line)
        total += len(line) + 1
        if total >= max_chars:
            break
    return "\n".join(lines)


# --- Office archives -----------------------------------------------------------------


class _Refusal(Exception):
    def __init__(self, why: str, code: str) -> None:
        super().__init__(why)
        self.code = code


def check_office_archive(
    source: Path | BinaryIO, *, zip_limits: ZipLimits = DEFAULT_ZIP_LIMITS
) -> str | None:
    """'docx', 'xlsx' or None for a safe zip archive; raises :class:`RefusedFile` for an
    unsafe one (zip bomb, unsafe entry path, encryption, macros, XML document type
    declarations) or a damaged one (code ``corrupt``). The same checks as uploads get."""
    try:
        return _office_kind(source, zip_limits)
    except _Refusal as exc:
        raise RefusedFile(exc.args[0], exc.code) from None


def _office_kind(path: Path | BinaryIO, limits: ZipLimits) -> str | None:
    """'docx', 'xlsx' or None for a safe zip; raises _Refusal for an unsafe or broken one."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_entries(infos, limits)
            return _classify_office(zf, {info.filename: info for info in infos})
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        raise _corrupt() from exc


def _check_entries(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Central-directory checks: nothing is decompressed here."""
    bomb = _Refusal("it is a compressed archive that expands to an unsafe size", "zip_bomb")
    if len(infos) > limits.max_entries:
        raise bomb
    names = set()
    total = 0
    for info in infos:
        name = info.filename
        parts = re.split(r"[\\/]", name)
        if (
            name.startswith(("/", "\\"))
            or re.match(r"[A-Za-z]:", name)
            or ".." in parts
            or "\x00" in name
        ):
            raise _Refusal("it contains an entry with an unsafe path", "unsafe_path")
        if name in names:
            raise _corrupt()
        names.add(name)
        if info.flag_bits & 0x1:
            raise _Refusal("it is encrypted or password-protected", "encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt()
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > limits.max_total_uncompressed or (
            info.file_size > limits.ratio_min_entry_size and ratio > limits.max_ratio
        ):
            raise bomb


def _classify_office(zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> str | None:
    ct_info = entries.get("[Content_Types].xml")
    if ct_info is None:
        return None
    defaults, overrides = _content_types(zf, ct_info)
    for name, info in entries.items():
        content_type = _part_content_type(name, defaults, overrides)
        is_xml = name.lower().endswith((".xml", ".rels", ".vml")) or content_type.endswith("xml")
        if is_xml and info is not ct_info:  # [Content_Types].xml was scanned already
            _scan_xml_part(zf, info)
    all_types = [*defaults.values(), *overrides.values()]
    if any(n.rpartition("/")[2].lower() == "vbaproject.bin" for n in entries) or any(
        "macroenabled" in t.lower() or "vbaproject" in t.lower() for t in all_types
    ):
        raise _Refusal("it contains macros (macro-enabled Office files are not accepted)", "macro")
    if "word/document.xml" in entries and overrides.get("/word/document.xml") == _WORD_MAIN:
        return "docx"
    if "xl/workbook.xml" in entries and overrides.get("/xl/workbook.xml") == _EXCEL_MAIN:
        return "xlsx"
    return None


def _part_content_type(name: str, defaults: dict[str, str], overrides: dict[str, str]) -> str:
    override = overrides.get("/" + name.lower())
    if override is not None:
        return override
    _, dot, ext = name.rpartition(".")
    return defaults.get(ext.lower(), "") if dot else ""


def _content_types(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo
) -> tuple[dict[str, str], dict[str, str]]:
    if info.file_size > CONTENT_TYPES_MAX_BYTES:
        raise _corrupt()
    _scan_xml_part(zf, info)
    data = b"".join(_read_entry(zf, info))
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise _xxe() from None
    except ParseError:
        raise _corrupt() from None
    defaults = {
        el.get("Extension", "").lower(): el.get("ContentType", "")
        for el in root.iter(f"{_CT_NS}Default")
    }
    overrides = {
        el.get("PartName", "").lower(): el.get("ContentType", "")
        for el in root.iter(f"{_CT_NS}Override")
    }
    return defaults, overrides


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Stream an entry, refusing it if it inflates past its declared size."""
    seen = 0
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK_SIZE):
            seen += len(chunk)
            if seen > info.file_size:
                raise _corrupt()
            yield chunk


def _corrupt() -> _Refusal:
    return _Refusal("the file is damaged and cannot be opened", "corrupt")


def _xxe() -> _Refusal:
    return _Refusal("it contains XML document type declarations, which are not allowed", "xxe")


def _scan_xml_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a part declaring a DOCTYPE or ENTITY, whatever its (permitted) encoding."""
    with contextlib.closing(_read_entry(zf, info)) as chunks:
        first = next(chunks, b"")
        decoder = codecs.getincrementaldecoder(_xml_encoding(first))(errors="replace")
        text = decoder.decode(first)
        declared = _XML_DECL_ENCODING.match(text.lstrip("\ufeff"))
        if declared and declared.group(1).lower() not in _XML_ENCODINGS:
            raise _unsupported_encoding()
        while True:
            if _DTD_PATTERN.search(text):
                raise _xxe()
            chunk = next(chunks, None)
            if chunk is None:
                return
            text = text[-32:] + decoder.decode(chunk)


def _xml_encoding(head: bytes) -> str:
    """The byte encoding of an XML part, from its first bytes: UTF-8 or UTF-16 only."""
    if head.startswith(
        (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\x00\x00\x00<", b"<\x00\x00\x00")
    ):
        raise _unsupported_encoding()  # UTF-32
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return "utf-16-le"
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return "utf-16-be"
    if head and not head.startswith((b"<", codecs.BOM_UTF8)) and not head[:1].isspace():
        raise _unsupported_encoding()  # e.g. EBCDIC
    return "utf-8"


def _unsupported_encoding() -> _Refusal:
    return _Refusal("it contains XML in an unsupported text encoding", "xxe")
