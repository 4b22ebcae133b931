"""Fictional report documents for the export tests. Every name and place is invented."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from inspect_app.domain.report import (
    AgreedVersion,
    AreaSection,
    Band,
    EvidenceIndexRow,
    GradeRow,
    LineageRow,
    Recommendation,
    ReportDocument,
    ReportStatus,
    TeamGrade,
    TeamGradeHistory,
    TeamGradeRevision,
)
from inspect_app.domain.rubric import AreaKind

LABELS = {1: "Inadequate", 2: "Adequate", 3: "Good", 4: "Outstanding"}

AREAS: tuple[tuple[int, str, AreaKind, int], ...] = (
    (1, "Being healthy", AreaKind.OUTCOME, 3),
    (2, "Staying safe", AreaKind.OUTCOME, 2),
    (3, "Enjoying and achieving", AreaKind.OUTCOME, 3),
    (4, "Making a positive contribution", AreaKind.OUTCOME, 4),
    (5, "Achieving economic well-being", AreaKind.OUTCOME, 2),
    (6, "Service management", AreaKind.SERVICE, 3),
    (7, "Capacity to improve", AreaKind.CAPACITY, 3),
)

RECOMMENDATIONS: tuple[tuple[int, Band, int, str, str], ...] = (
    (
        1,
        Band.IMMEDIATE,
        2,
        "Ensure that **every** referral to children’s social care is acknowledged within one "
        "working day and that the referrer is told what will happen next.",
        "Northmere Borough Council",
    ),
    (
        2,
        Band.IMMEDIATE,
        2,
        "Review the caseloads of *independent reviewing officers* so that each looked after "
        "child is seen before every review.",
        "Northmere Borough Council",
    ),
    (
        3,
        Band.IMMEDIATE,
        1,
        "Agree with the primary care trust how statutory health assessments for looked after "
        "children will be completed within 28 days.",
        "Northmere Primary Care Trust",
    ),
    (
        4,
        Band.SIX_MONTHS,
        3,
        "Reduce persistent absence at Castlebridge secondary schools, drawing on the "
        "[attendance guidance](https://www.example.org/attendance).",
        "Northmere Children’s Trust",
    ),
    (
        5,
        Band.SIX_MONTHS,
        5,
        "Increase the proportion of care leavers aged 19 in education, employment or training.",
        "Northmere Children’s Trust",
    ),
    (
        6,
        Band.SIX_MONTHS,
        6,
        "Strengthen performance management so that partners share one set of measures.",
        "Northmere Children’s Trust Board",
    ),
    (
        7,
        Band.SIX_MONTHS,
        2,
        "Make sure the Local Safeguarding Children Board audits multi-agency case files every "
        "quarter.",
        "Northmere Local Safeguarding Children Board",
    ),
    (
        8,
        Band.LONGER_TERM,
        4,
        "Extend the youth parliament’s role in commissioning positive activities.",
        "Northmere Borough Council",
    ),
    (
        9,
        Band.LONGER_TERM,
        5,
        "Plan 14–19 provision with the learning and skills council so that every young person "
        "has a suitable route.",
        "Northmere Learning Partnership",
    ),
    (
        10,
        Band.LONGER_TERM,
        7,
        "Build the capacity of the commissioning team to pool budgets with health partners.",
        "Northmere Children’s Trust",
    ),
)

TEAM = (
    ("Anna Whitfield", "Ofsted"),
    ("Dev Ramsay", "Commission for Social Care Inspection"),
    ("Grace Okafor", "Healthcare Commission"),
    ("Tom Hollis", "HM Inspectorate of Probation"),
)


def _area_section(number: int, title: str, kind: AreaKind) -> AreaSection:
    return AreaSection(
        area_number=number,
        area_title=title,
        kind=kind,
        narrative_md=(
            f"Outcomes for children and young people in {title.lower()} are reviewed here. "
            "Partners in Northmere work well together.\n\n"
            "## What inspectors looked at\n\n"
            "Case files, interviews with staff and meetings with young people in Castlebridge."
        ),
        strengths_md=(
            "- Strong partnership working between schools and health services.\n"
            "- Young people’s views shape **local** priorities.\n"
            "    - The youth parliament meets monthly."
        ),
        weaknesses_md=(
            "1. Recording of decisions is inconsistent.\n"
            "2. Some plans are not reviewed on time (*see* the case file audit)."
        ),
    )


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def _history(name: str, inspectorate: str, *steps: tuple[int, int]) -> TeamGradeHistory:
    """A team member's grades for a judgement: (grade, day in March 2026) for each value."""
    return TeamGradeHistory(
        name,
        inspectorate,
        tuple(
            TeamGradeRevision(
                version=i,
                grade=grade,
                recorded_at=_at(day, 9 + i),
                recorded_by=name,
                rationale=f"{name}, value {i}: evidence from case tracking in Castlebridge.",
            )
            for i, (grade, day) in enumerate(steps, start=1)
        ),
    )


def _area_versions(number: int, grade: int) -> tuple[AgreedVersion, ...]:
    if number != 2:
        return (
            AgreedVersion(1, grade, LABELS[grade], "Anna Whitfield", _at(12, 16), "", False, grade),
        )
    return (  # staying safe: first agreed as derived, then overridden with reasons
        AgreedVersion(1, 3, LABELS[3], "Anna Whitfield", _at(12, 11), "", False, 3),
        AgreedVersion(
            2,
            grade,
            LABELS[grade],
            "Anna Whitfield",
            _at(12, 16),
            "The team weighed the key judgements and the case tracking.\n\n"
            "Override agreed at moderation.",
            True,
            3,
        ),
    )


def _lineage() -> tuple[LineageRow, ...]:
    rows = []
    for number, title, _kind, grade in AREAS:
        versions = _area_versions(number, grade)
        team = tuple(
            (name, inspectorate, grade if i % 2 else max(1, grade - 1))
            for i, (name, inspectorate) in enumerate(TEAM)
        )
        rows.append(
            LineageRow(
                judgement=f"Area {number}",
                title=title,
                agreed_grade=grade,
                agreed_label=LABELS[grade],
                agreed_by="Anna Whitfield",
                agreed_at=versions[-1].agreed_at,
                reasons=versions[-1].reasons,
                team_grades=tuple(TeamGrade(name, insp, g, "") for name, insp, g in team),
                revisions_count=len(versions) - 1,
                evidence_supports=4 + number,
                evidence_contradicts=number % 3,
                agreed_versions=versions,
                team_histories=tuple(
                    # Tom Hollis revised his area grades once, the others graded once
                    _history(name, insp, (min(4, g + 1), 6), (g, 9))
                    if name == "Tom Hollis"
                    else _history(name, insp, (g, 5))
                    for name, insp, g in team
                ),
            )
        )
    rows.insert(
        2,
        LineageRow(
            judgement="2.3",
            title="The incidence of child abuse and neglect is minimised.",
            agreed_grade=2,
            agreed_label="Adequate",
            agreed_by="Anna Whitfield",
            agreed_at=_at(11),
            reasons="Thresholds are understood, but referral responses are slow.",
            team_grades=(
                TeamGrade("Dev Ramsay", "Commission for Social Care Inspection", 2, "Slow."),
                TeamGrade("Grace Okafor", "Healthcare Commission", 3, "Good health input."),
            ),
            revisions_count=2,
            evidence_supports=6,
            evidence_contradicts=2,
            agreed_versions=(
                AgreedVersion(1, 3, "Good", "Anna Whitfield", _at(9), "The team’s median.", False),
                AgreedVersion(2, 1, "Inadequate", "Anna Whitfield", _at(10), "Two cases.", False),
                AgreedVersion(
                    3,
                    2,
                    "Adequate",
                    "Anna Whitfield",
                    _at(11),
                    "Thresholds are understood, but referral responses are slow.",
                    False,
                ),
            ),
            team_histories=(
                _history("Dev Ramsay", "Commission for Social Care Inspection", (3, 2), (2, 4)),
                _history("Grace Okafor", "Healthcare Commission", (3, 5)),
            ),
        ),
    )
    return tuple(rows)


def _evidence_index() -> tuple[EvidenceIndexRow, ...]:
    return (
        EvidenceIndexRow(
            "Children and Young People’s Plan 2006–09",
            "Policy document",
            "Ofsted",
            date(2026, 1, 14),
            False,
            "6.1, 6.2",
        ),
        EvidenceIndexRow(
            "Case file reading record CF-0142",
            "Case file",
            "Commission for Social Care Inspection",
            date(2026, 2, 25),
            True,
            "2.3, 2.5",
        ),
        EvidenceIndexRow(
            "TellUs survey results, Castlebridge schools",
            "Survey",
            "Ofsted",
            date(2026, 1, 30),
            False,
            "4.3",
        ),
        EvidenceIndexRow(
            "Interview notes: designated nurse for looked after children",
            "Interview",
            "Healthcare Commission",
            date(2026, 2, 24),
            True,
            "1.5",
        ),
        EvidenceIndexRow(
            "Youth offending service performance report",
            "Performance data",
            "HM Inspectorate of Probation",
            date(2026, 2, 2),
            False,
            "4.5",
        ),
        EvidenceIndexRow(
            '=HYPERLINK("https://www.example.org","Attendance data")',
            "Performance data",
            "Ofsted",
            None,
            False,
            "3.4",
        ),
    )


def sample_document(**changes: object) -> ReportDocument:
    """A full, published, fictional report: seven areas and ten recommendations."""
    doc = ReportDocument(
        review_reference="JAR-2026-014",
        authority_name="Northmere Borough Council",
        authority_region="North West",
        rubric_key="jar-2005",
        rubric_version="1.0",
        rubric_title="Joint Area Review framework (2005)",
        status=ReportStatus.PUBLISHED,
        version_number=1,
        published_on=date(2026, 4, 28),
        introduction_md=(
            "This report assesses the contribution of local services in Northmere to improving "
            "outcomes for children and young people.\n\n"
            "The review took place in **March 2026**."
        ),
        context_md=(
            "Northmere is a borough of about 190,000 people, of whom 44,000 are under 19.\n\n"
            "| Measure | Northmere | England |\n"
            "|---|---:|---:|\n"
            "| Children in care per 10,000 | 61 | 55 |\n"
            "| Five good GCSEs | 54% | 59% |"
        ),
        main_findings_md=(
            "# Overall\n\n"
            "- Children are generally safe, but referral responses are slow.\n"
            "- Educational standards are improving in primary schools.\n"
            "- Young people make an *outstanding* contribution to decision-making.\n\n"
            "Read the [annual performance assessment](https://www.example.org/apa) for more."
        ),
        grades=tuple(
            GradeRow(number, title, kind, grade, LABELS[grade], is_override=(number == 2))
            for number, title, kind, grade in AREAS
        ),
        area_sections=tuple(_area_section(n, t, k) for n, t, k, _g in AREAS),
        recommendations=tuple(
            Recommendation(
                number=number,
                text_md=text,
                band=band,
                area_number=area,
                area_title=next(t for n, t, _k, _g in AREAS if n == area),
                responsible_body=body,
            )
            for number, band, area, text, body in RECOMMENDATIONS
        ),
        lineage=_lineage(),
        evidence_index=_evidence_index(),
        children_summary_md=(
            "# What we did\n\n"
            "We talked to lots of children and young people in Northmere.\n\n"
            "# What is good\n\n"
            "- Most of you feel safe at school.\n"
            "- The youth parliament really listens.\n\n"
            "# What needs to get better\n\n"
            "Social workers need to answer calls about children more quickly."
        ),
    )
    return replace(doc, **changes) if changes else doc


PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<iframe src="https://evil.example/">framed</iframe>',
    '"><b>bold</b>',
)
PAYLOAD = " ".join(PAYLOADS)


def hostile_document() -> ReportDocument:
    """The sample with script, image, frame and link injections in every text and name."""
    doc = sample_document()

    def evil(text: str) -> str:
        return f"{text} {PAYLOAD}"

    return replace(
        doc,
        authority_name=evil("Northmere Borough Council"),
        authority_region=evil("North West"),
        rubric_title=evil(doc.rubric_title),
        review_reference=evil(doc.review_reference),
        issue_reasons=evil("Reissued"),
        introduction_md=evil(doc.introduction_md),
        context_md=evil(doc.context_md),
        main_findings_md=evil(doc.main_findings_md),
        children_summary_md=evil(doc.children_summary_md),
        grades=tuple(replace(g, area_title=evil(g.area_title)) for g in doc.grades),
        area_sections=tuple(
            replace(
                s,
                area_title=evil(s.area_title),
                narrative_md=evil(s.narrative_md),
                strengths_md=evil(s.strengths_md),
                weaknesses_md=evil(s.weaknesses_md),
            )
            for s in doc.area_sections
        ),
        recommendations=tuple(
            replace(
                r,
                text_md=evil(r.text_md),
                area_title=evil(r.area_title),
                responsible_body=evil(r.responsible_body),
            )
            for r in doc.recommendations
        ),
        lineage=tuple(
            replace(
                row,
                title=evil(row.title),
                agreed_by=evil(row.agreed_by),
                reasons=evil(row.reasons),
                team_grades=tuple(
                    replace(
                        t,
                        grader_name=evil(t.grader_name),
                        inspectorate_label=evil(t.inspectorate_label),
                        rationale_excerpt=evil(t.rationale_excerpt),
                    )
                    for t in row.team_grades
                ),
                agreed_versions=tuple(
                    replace(v, agreed_by=evil(v.agreed_by), reasons=evil(v.reasons))
                    for v in row.agreed_versions
                ),
                team_histories=tuple(
                    replace(
                        h,
                        grader_name=evil(h.grader_name),
                        inspectorate_label=evil(h.inspectorate_label),
                        revisions=tuple(
                            replace(r, recorded_by=evil(r.recorded_by), rationale=evil(r.rationale))
                            for r in h.revisions
                        ),
                    )
                    for h in row.team_histories
                ),
            )
            for row in doc.lineage
        ),
        evidence_index=tuple(replace(e, title=evil(e.title)) for e in doc.evidence_index),
    )
