"""Read the grades, recommendations and fingerprint back out of each export format.

Each reader knows only its file format and the report's published layout, not the document
it came from, so comparing what the six readers find shows the formats say the same thing.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import docx
import markdown
import pypdf
from bs4 import BeautifulSoup
from openpyxl import load_workbook

BAND_LABELS = ("For immediate action", "Within six months", "In the longer term")
HASH = re.compile(r"[0-9a-f]{64}")


@dataclass
class Extract:
    grades: list[tuple[int, int | None]]
    recommendations: list[tuple[int, str, str]]  # number, band label, plain text
    content_hash: str


def normalise(text: str) -> str:
    return " ".join(text.split())


def grade_value(text: str) -> int | None:
    text = normalise(text)
    if text == "Not graded":
        return None
    return int(text.split(" ")[0])


def _markdown_text(md: str) -> str:
    return BeautifulSoup(markdown.markdown(md), "html.parser").get_text()


# ---- HTML


def read_html(html: str) -> Extract:
    soup = BeautifulSoup(html, "html.parser")
    grades = [
        (int(tr.find("td").get_text()), grade_value(tr.select_one(".grade").get_text()))
        for tr in soup.select("#grades table tbody tr")
    ]
    recommendations = []
    for band in soup.select("#recommendations section.band"):
        label = normalise(band.find("h3").get_text())
        for li in band.select("li.recommendation"):
            number = int(li.select_one(".rec-number").get_text().strip().rstrip("."))
            recommendations.append(
                (number, label, normalise(li.select_one(".rec-text").get_text()))
            )
    return Extract(grades, recommendations, soup.select_one("code.hash").get_text().strip())


# ---- PDF


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def pdf_body_lines(pages: list[str]) -> list[str]:
    """Every page's lines without the running header and the page-number footer."""
    lines: list[str] = []
    for text in pages:
        page_lines = text.splitlines()
        footer = next(
            i for i, line in enumerate(page_lines) if re.fullmatch(r"Page \d+ of \d+", line)
        )
        lines += page_lines[: footer - 1]  # the header line comes just before the footer
    return [line.strip() for line in lines]


def _join(lines: list[str]) -> str:
    text = ""
    for line in lines:
        if text.endswith("-"):
            text += line  # a line broken after a hyphen
        else:
            text += (" " if text else "") + line
    return normalise(text)


def read_pdf(pages: list[str]) -> Extract:
    """Read the text of a PDF's pages (see :func:`pdf_pages`)."""
    lines = pdf_body_lines(pages)
    start = lines.index("Number Judgement area Grade Note")
    grades = []
    for line in lines[start + 1 :]:
        if line == "Recommendations":
            break
        match = re.match(r"^(\d+) .+? (?:(\d) – \S+|Not graded)", line)
        if match:
            grades.append((int(match[1]), int(match[2]) if match[2] else None))

    recommendations: list[tuple[int, str, str]] = []
    band = ""
    current: tuple[int, str, list[str]] | None = None

    def finish() -> None:
        if current is not None:
            recommendations.append((current[0], current[1], _join(current[2])))

    for line in lines[lines.index("Recommendations", start) + 1 :]:
        if line.startswith("Grade: "):  # the first outcome section has begun
            break
        if line in BAND_LABELS:
            finish()
            band, current = line, None
        elif match := re.match(r"^(\d+)\. (\S.*)$", line):
            finish()
            current = (int(match[1]), band, [match[2]])
        elif line.startswith(("Judgement area:", "Responsible:")):  # the details line
            finish()
            current = None
        elif current is not None:
            current[2].append(line)
    finish()

    joined = "".join("\n".join(lines).split())
    found = re.search(r"fingerprint\(SHA-256\):([0-9a-f]{64})", joined)
    return Extract(grades, recommendations, found[1] if found else "")


# ---- Word


def read_docx(data: bytes) -> Extract:
    document = docx.Document(io.BytesIO(data))
    grades_table = next(
        t
        for t in document.tables
        if [c.text for c in t.rows[0].cells] == ["Number", "Judgement area", "Grade", "Note"]
    )
    grades = [
        (int(row.cells[0].text), grade_value(row.cells[2].text)) for row in grades_table.rows[1:]
    ]
    recommendations: list[tuple[int, str, str]] = []
    in_section = False
    band = ""
    current: tuple[int, str, list[str]] | None = None

    def finish() -> None:
        if current is not None:
            recommendations.append((current[0], current[1], normalise(" ".join(current[2]))))

    for paragraph in document.paragraphs:
        style = paragraph.style.name
        if style == "Heading 1":
            finish()
            current = None
            in_section = paragraph.text == "Recommendations"
        elif not in_section:
            continue
        elif style == "Heading 2":
            finish()
            band, current = paragraph.text, None
        elif style == "Recommendation":
            finish()
            match = re.match(r"^(\d+)\.\t(.*)$", paragraph.text, re.DOTALL)
            assert match, paragraph.text
            current = (int(match[1]), band, [match[2]])
        elif style == "Recommendation details":
            finish()
            current = None
        elif current is not None:
            current[2].append(paragraph.text)
    finish()
    last = document.paragraphs[-1].text
    found = HASH.search(last)
    return Extract(grades, recommendations, found[0] if found else "")


# ---- Markdown


def read_markdown(md: str) -> Extract:
    lines = md.splitlines()
    grades = []
    start = lines.index("## Grades")
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if line.startswith("| ") and cells[0].isdigit():
            grades.append((int(cells[0]), grade_value(cells[2])))

    recommendations: list[tuple[int, str, str]] = []
    band = ""
    current: tuple[int, str, list[str]] | None = None

    def finish() -> None:
        if current is not None:
            text = _markdown_text("\n".join(current[2]))
            recommendations.append((current[0], current[1], normalise(text)))

    for line in lines[lines.index("## Recommendations") + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("### "):
            finish()
            band, current = line[4:], None
        elif match := re.match(r"^\*\*(\d+)\.\*\* (.*)$", line):
            finish()
            current = (int(match[1]), band, [match[2]])
        elif line.startswith("*Judgement area") or line.startswith("*Responsible"):
            finish()
            current = None
        elif current is not None:
            current[2].append(line)
    finish()
    found = re.search(r"Document fingerprint \(SHA-256\): `([0-9a-f]{64})`", md)
    return Extract(grades, recommendations, found[1] if found else "")


# ---- spreadsheet


def read_xlsx(data: bytes) -> Extract:
    wb = load_workbook(io.BytesIO(data))
    grades_rows = list(wb["Grades"].iter_rows(values_only=True))
    grade_header = list(grades_rows[0])
    number_col, grade_col = grade_header.index("Area number"), grade_header.index("Grade")
    grades = [(row[number_col], row[grade_col]) for row in grades_rows[1:]]
    rec_rows = list(wb["Recommendations"].iter_rows(values_only=True))
    header = list(rec_rows[0])
    n, b, t = header.index("Number"), header.index("Band"), header.index("Recommendation")
    recommendations = [(row[n], row[b], normalise(row[t])) for row in rec_rows[1:]]
    facts = dict(wb["Document"].iter_rows(min_row=2, values_only=True))
    return Extract(grades, recommendations, facts["Document fingerprint (SHA-256)"])


# ---- JSON


def read_json(text: str) -> Extract:
    data = json.loads(text)
    return Extract(
        [(g["area_number"], g["grade"]) for g in data["grades"]],
        [(r["number"], r["band_label"], normalise(r["text"])) for r in data["recommendations"]],
        data["content_hash"],
    )


# ---- the lineage (JSON and spreadsheet)

# One step of a judgement's lineage: (judgement, "agreed" or "team", version, grade, who,
# inspectorate, when (UTC, to the second), override, derived grade, reasons). Team members'
# steps have no override, derived grade or reasons; agreed values have no inspectorate.
LineageStep = tuple[str, str, int, int, str, str, str, bool | None, int | None, str]

XLSX_RECORDS = {"Agreed grade": "agreed", "Team member’s grade": "team"}


def _when(value: datetime | str | None) -> str:
    """A UTC time to the nearest second (a workbook keeps times as fractions of a day)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return (value + timedelta(microseconds=500_000)).replace(microsecond=0).isoformat()


def read_json_lineage(text: str) -> list[LineageStep]:
    """Every step of every judgement's lineage in the JSON export, agreed values first."""
    steps: list[LineageStep] = []
    for j in json.loads(text)["judgements"]:
        for v in j["agreed_versions"]:
            steps.append(
                (
                    j["judgement"],
                    "agreed",
                    v["version"],
                    v["agreed_grade"],
                    v["agreed_by"],
                    "",
                    _when(v["agreed_at"]),
                    v["is_override"],
                    v["derived_grade"],
                    v["reasons"],
                )
            )
        for h in j["team_grade_history"]:
            for r in h["revisions"]:
                steps.append(
                    (
                        j["judgement"],
                        "team",
                        r["version"],
                        r["grade"],
                        h["grader_name"],
                        h["inspectorate"],
                        _when(r["recorded_at"]),
                        None,
                        None,
                        "",
                    )
                )
    return steps


def read_xlsx_lineage(data: bytes) -> list[LineageStep]:
    """Every row of the workbook's "Lineage" sheet, read by its column headings."""
    rows = list(load_workbook(io.BytesIO(data))["Lineage"].iter_rows(values_only=True))
    col = {title: i for i, title in enumerate(rows[0])}
    return [
        (
            row[col["Judgement"]],
            XLSX_RECORDS[row[col["Record"]]],
            row[col["Version"]],
            row[col["Grade"]],
            row[col["By"]] or "",
            row[col["Inspectorate"]] or "",
            _when(row[col["At (UTC)"]]),
            row[col["Override"]],
            row[col["Derived grade"]],
            row[col["Reasons"]] or "",
        )
        for row in rows[1:]
    ]
