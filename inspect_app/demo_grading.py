"""The fictional demo's grading: the Northmere team's provisional grades (in fieldwork), and a
second review, of Harlow Moss, standing in moderation with its agreed grades partly recorded.

Every person, place and service is invented. Grades go through the grading and moderation
services, so they are validated and audit-logged like any others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspect_app.domain.agreement import derive_area_grade
from inspect_app.domain.evidence_files import DEFAULT_MAX_BYTES
from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.models import Authority, Review, Rubric, User
from inspect_app.models.evidence import EvidenceItem, EvidenceLink
from inspect_app.services import grading, moderation
from inspect_app.services import reviews as review_service
from inspect_app.services.grading import GradeSubmission, JudgementTarget
from inspect_app.services.self_evaluation import COMMAND_LINE, submit_return

HELEN = "helen.marsh@ofsted.example"
DAVID = "david.okafor@ofsted.example"
CLARE = "clare.whitcombe@ofsted.example"
PRIYA = "priya.raman@csci.example"
TOM = "tom.ellery@csci.example"
GRACE = "grace.lindqvist@hc.example"
MARTIN = "martin.pryce@audit.example"
SARAH = "sarah.quell@probation.example"
OWEN = "owen.talbot@hmic.example"
RUTH = "ruth.abernathy@ali.example"


@dataclass(frozen=True)
class DemoGrade:
    by: str
    judgement: str  # "kj-2.3" or "area-2"
    grade: int
    confidence: str
    rationale: str
    revised: tuple[int, str, str] | None = None  # a later revision: grade, confidence, why


# --------------------------------------------------------------------------- Northmere

# Fieldwork week 2: most of the team has graded its areas; some judgements are flagged
# (2.5, 4.2, 5.5, 6.2, 6.3) because grades span two points or inspectorates disagree.
NORTHMERE_GRADES: tuple[DemoGrade, ...] = (
    # Being healthy: Grace (Healthcare Commission) alone so far.
    DemoGrade(
        GRACE,
        "kj-1.1",
        3,
        "high",
        "New birth visits within 14 days for 97% of families; the children's centres in "
        "Eastgate and Saltmarsh run well-used feeding groups. Fathers are rarely reached.",
    ),
    DemoGrade(
        GRACE,
        "kj-1.4",
        2,
        "medium",
        "CAMHS waits are down to 18 weeks but still above target. Primary mental health "
        "workers in school clusters are valued by heads; tier 2 provision is thin.",
    ),
    DemoGrade(
        GRACE,
        "kj-1.5",
        3,
        "medium",
        "Health assessments for looked after children rose to 93%. Health plans we read "
        "were specific, though dental checks lag behind.",
    ),
    # Staying safe: Priya and Tom (CSCI), Owen (HMIC); Helen samples 2.3 and 2.5.
    DemoGrade(
        PRIYA,
        "kj-2.1",
        3,
        "medium",
        "The 'Safe at Home' campaign reached every primary school. Parents in Hollins Park "
        "knew how to report concerns.",
    ),
    DemoGrade(
        TOM,
        "kj-2.1",
        3,
        "medium",
        "Good safety information for children; water safety sessions well attended.",
    ),
    DemoGrade(
        PRIYA,
        "kj-2.3",
        3,
        "high",
        "Re-registrations on the child protection register are well below the national "
        "rate. CAF is embedded in Eastgate and Hollins Park schools.",
    ),
    DemoGrade(
        TOM,
        "kj-2.3",
        3,
        "medium",
        "Child protection plans we read were outcome-focused and reviewed on time.",
    ),
    DemoGrade(
        OWEN,
        "kj-2.3",
        3,
        "medium",
        "Police and children's social care share information promptly; the joint "
        "screening arrangements work well.",
    ),
    DemoGrade(
        HELEN,
        "kj-2.3",
        3,
        "medium",
        "Consistent with what the team heard from head teachers and the LSCB chair.",
    ),
    DemoGrade(
        PRIYA,
        "kj-2.4",
        3,
        "high",
        "The LSCB has an independent chair, full attendance and completed section 11 "
        "audits; its sub-groups have clear work plans.",
    ),
    DemoGrade(
        OWEN,
        "kj-2.4",
        3,
        "medium",
        "Police attendance at strategy discussions is reliable and senior.",
    ),
    DemoGrade(
        PRIYA,
        "kj-2.5",
        2,
        "high",
        "Timeliness of initial assessments is good, but in 6 of the 14 east area team "
        "case files the assessment did not analyse risk or record the child's views.",
    ),
    DemoGrade(
        TOM,
        "kj-2.5",
        3,
        "low",
        "Referral and assessment performance is above the national average.",
        revised=(
            2,
            "high",
            "Revised after reading case files NMB-CF-017 and NMB-CF-021: "
            "assessments in the east area team are inconsistent in quality and "
            "management oversight is not recorded.",
        ),
    ),
    DemoGrade(
        OWEN,
        "kj-2.5",
        3,
        "medium",
        "Joint working with the police public protection unit is strong and referrals "
        "are screened within a day.",
    ),
    DemoGrade(
        HELEN, "kj-2.5", 3, "low", "Data are good; I have not read case files for this judgement."
    ),
    DemoGrade(
        PRIYA,
        "kj-2.6",
        3,
        "medium",
        "Every looked after child has a qualified social worker; visits are timely. "
        "Placement stability is improving.",
    ),
    DemoGrade(
        TOM,
        "kj-2.6",
        2,
        "medium",
        "Eleven per cent of children had three or more placements, and two of the "
        "children we tracked moved school with their placement.",
    ),
    DemoGrade(
        PRIYA,
        "area-2",
        3,
        "medium",
        "Safeguarding is secure overall; the quality of assessment in one team is the "
        "main weakness.",
    ),
    DemoGrade(
        TOM,
        "area-2",
        2,
        "medium",
        "Adequate: arrangements are sound, but assessment quality and placement "
        "stability need to improve before this is good.",
    ),
    # Enjoying and achieving: David (Ofsted).
    DemoGrade(
        DAVID,
        "kj-3.2",
        3,
        "high",
        "Nine in ten early years settings are good or better; Foundation Stage profile "
        "results are close to the national average and rising.",
    ),
    DemoGrade(
        DAVID,
        "kj-3.4",
        3,
        "medium",
        "Secondary attendance has improved; the Saltmarsh attendance project is early "
        "but well targeted.",
    ),
    DemoGrade(
        DAVID,
        "kj-3.6",
        2,
        "high",
        "Only 12% of looked after young people gained five good GCSEs. The virtual school "
        "head is new; personal education plans vary in quality.",
    ),
    # Making a positive contribution: David (Ofsted), Sarah (HMI Probation); Helen samples 4.2.
    DemoGrade(
        DAVID,
        "kj-4.2",
        3,
        "medium",
        "Transition support between primary and secondary school is good.",
        revised=(
            4,
            "medium",
            "Raised after the meeting with young carers: the young carers' service "
            "and bereavement support are exceptional.",
        ),
    ),
    DemoGrade(
        SARAH,
        "kj-4.2",
        2,
        "medium",
        "Young people leaving custody wait too long for education and accommodation; "
        "resettlement support is inconsistent.",
    ),
    DemoGrade(
        HELEN,
        "kj-4.2",
        3,
        "low",
        "Mixed picture: strong universal support, weaker for young people in trouble.",
    ),
    DemoGrade(
        DAVID,
        "kj-4.3",
        4,
        "high",
        "The Youth Parliament helped commission the Hollins Park youth centre; young "
        "people sit on the Children and Young People's Plan board.",
    ),
    DemoGrade(
        SARAH,
        "kj-4.3",
        4,
        "medium",
        "Young people on YOS orders were involved in designing the reparation scheme.",
    ),
    DemoGrade(
        SARAH,
        "kj-4.5",
        3,
        "high",
        "First-time entrants fell by 14%; the prevention panel is well run and the YOS "
        "inspection found good practice.",
    ),
    DemoGrade(
        DAVID, "kj-4.5", 3, "low", "Schools report good links with the YOS prevention workers."
    ),
    # Achieving economic well-being: Tom (CSCI), Ruth (ALI).
    DemoGrade(
        RUTH,
        "kj-5.2",
        3,
        "high",
        "Connexions advisers are in every secondary school; NEET is falling (7.8%).",
    ),
    DemoGrade(
        TOM,
        "kj-5.2",
        3,
        "medium",
        "Care leavers' pathway plans include careers advice from Connexions.",
    ),
    DemoGrade(
        RUTH,
        "kj-5.3",
        3,
        "medium",
        "The 14-19 partnership has a common prospectus and shared timetabling in two "
        "collegiate groups.",
    ),
    DemoGrade(
        TOM,
        "kj-5.5",
        1,
        "high",
        "Sixteen and seventeen year olds were placed in shared adult hostels in the "
        "past year; supported lodgings are far too few.",
    ),
    DemoGrade(RUTH, "kj-5.5", 3, "low", "The new foyer scheme will add 24 places next year."),
    DemoGrade(
        TOM,
        "kj-5.6",
        2,
        "medium",
        "64% of care leavers are in education, employment or training at 19; the "
        "leaving care team is stretched.",
    ),
    DemoGrade(RUTH, "kj-5.6", 2, "medium", "Few apprenticeships are ring-fenced for care leavers."),
    # Service management and capacity: Helen (Ofsted, lead), Martin (Audit Commission).
    DemoGrade(
        HELEN, "kj-6.1", 3, "high", "Ambition is shared across partners and owned by young people."
    ),
    DemoGrade(MARTIN, "kj-6.1", 3, "medium", "The plan's targets are stretching and costed."),
    DemoGrade(
        HELEN, "kj-6.2", 3, "medium", "Priorities are few and clear; pooled budgets support CAMHS."
    ),
    DemoGrade(
        MARTIN,
        "kj-6.2",
        2,
        "high",
        "Resources do not yet follow the priorities: the housing and leaving care "
        "budgets are flat while the plan says they are priorities.",
    ),
    DemoGrade(
        HELEN, "kj-6.3", 4, "medium", "Strong, stable leadership and a well-trained workforce."
    ),
    DemoGrade(
        MARTIN,
        "kj-6.3",
        2,
        "medium",
        "Vacancy rates in the east area team are 22%; value for money is not routinely assessed.",
    ),
    DemoGrade(
        HELEN,
        "kj-6.4",
        3,
        "medium",
        "The Children's Trust scorecard is used at every board meeting.",
    ),
    DemoGrade(
        MARTIN,
        "kj-6.4",
        3,
        "high",
        "Indicators have named owners and exception reports lead to action.",
    ),
    DemoGrade(
        HELEN, "kj-7.1", 3, "medium", "A good track record of acting on inspection findings."
    ),
    DemoGrade(MARTIN, "kj-7.1", 3, "medium", "Most indicators are improving; finances are sound."),
)


def grade_northmere(session: Session, review: Review, users: dict[str, User]) -> None:
    """The Northmere team's provisional grades, some revised, some citing evidence."""
    _grade_all(session, review, users, NORTHMERE_GRADES)


def _grade_all(
    session: Session, review: Review, users: dict[str, User], grades: tuple[DemoGrade, ...]
) -> None:
    targets = {t.slug: t for t in grading.judgement_targets(session, review)}
    evidence = _evidence_by_key_judgement(session, review)
    for demo in grades:
        target = targets[demo.judgement]
        grader = users[demo.by]
        cited = tuple(evidence.get(target.id, ())[:2]) if not target.is_area else ()
        grade = _submit(
            session,
            review,
            target,
            grader,
            demo.grade,
            demo.confidence,
            demo.rationale,
            cited,
            None,
        )
        if demo.revised:
            value, confidence, why = demo.revised
            cited = tuple(evidence.get(target.id, ())[:3]) if not target.is_area else ()
            _submit(session, review, target, grader, value, confidence, why, cited, grade.version)


def _submit(
    session: Session,
    review: Review,
    target: JudgementTarget,
    grader: User,
    value: int,
    confidence: str,
    rationale: str,
    evidence: tuple[int, ...],
    version: int | None,
):
    return grading.submit_grade(
        session,
        review,
        target,
        GradeSubmission(value, rationale, confidence, evidence),
        grader=grader,
        access=review_service.access_for(grader, review),
        expected_version=version,
    )


def _evidence_by_key_judgement(session: Session, review: Review) -> dict[int, list[int]]:
    """key judgement id -> ids of live evidence items supporting it, then contradicting it."""
    rows = session.execute(
        select(EvidenceLink.key_judgement_id, EvidenceItem.id, EvidenceLink.stance)
        .join(EvidenceLink.item)
        .where(EvidenceItem.review_id == review.id, EvidenceItem.deleted_at.is_(None))
        .order_by(EvidenceLink.stance.desc(), EvidenceItem.id)
    ).all()
    out: dict[int, list[int]] = {}
    for kj_id, item_id, _stance in rows:
        out.setdefault(kj_id, []).append(item_id)
    return out


# --------------------------------------------------------------------------- Harlow Moss

HARLOW_MOSS_TEAM = [
    # email, role, areas graded
    (DAVID, ReviewRole.LEAD_INSPECTOR, [3, 6, 7]),
    (PRIYA, ReviewRole.INSPECTOR, [2, 4]),
    (GRACE, ReviewRole.INSPECTOR, [1]),
    (OWEN, ReviewRole.INSPECTOR, [2, 4]),
    (RUTH, ReviewRole.INSPECTOR, [3, 5]),
    (MARTIN, ReviewRole.INSPECTOR, [5, 6, 7]),
    (CLARE, ReviewRole.REPORT_AUTHOR, []),
]

# The grade the team broadly settles on for each key judgement (Harlow Moss is adequate with
# strengths in staying safe), and where individual inspectors saw it differently.
HARLOW_MOSS_BASE = {
    "1": 2,
    "2": 3,
    "3": 2,
    "4": 3,
    "5": 2,
    "6": 2,
    "7": 2,
}
HARLOW_MOSS_DEPARTURES = {
    # (judgement, grader) -> grade
    ("kj-1.4", GRACE): 1,
    ("kj-2.5", OWEN): 2,
    ("kj-2.6", PRIYA): 4,
    ("kj-3.6", RUTH): 1,
    ("kj-4.4", OWEN): 2,
    ("kj-4.5", PRIYA): 4,
    ("kj-5.5", MARTIN): 1,
    ("kj-5.5", RUTH): 3,
    ("kj-6.3", MARTIN): 3,
    ("kj-6.3", DAVID): 1,
}
RATIONALES = {
    1: "Does not meet minimum requirements: {what} Too few of the case files and records we "
    "read showed it, and partners agreed this is a weakness.",
    2: "Only at minimum requirements: {what} Arrangements are in place but unevenly applied "
    "across the three neighbourhoods.",
    3: "Consistently above minimum requirements: {what} Case files, interviews with staff and "
    "the views of young people all point the same way.",
    4: "Well above minimum requirements: {what} Practice here is among the strongest we have "
    "seen, and young people told us so.",
}
# Agreed so far (the moderation meeting has reached outcome 4): judgement -> (grade, reasons).
HARLOW_MOSS_AGREED_UP_TO_AREA = 4
HARLOW_MOSS_AGREED_REASONS = {
    "kj-1.4": "The team agreed that the new primary mental health service is too recent to "
    "lift the grade; waiting times remain the longest in the region.",
    "kj-2.6": "Placement stability is good, but the team did not see enough evidence to call "
    "it outstanding.",
}
HARLOW_MOSS_AREA_OVERRIDE = (
    "area-2",
    4,
    "Staying safe is outstanding overall: the team weighed the exceptional joint "
    "safeguarding work with the police more heavily than the rounded median of the key "
    "judgements suggests.",
)


def harlow_moss_review(
    session: Session,
    authority: Authority,
    rubric: Rubric,
    users: dict[str, User],
    admin: User,
    store: EvidenceStore,
) -> Review:
    """A second review, past fieldwork and in moderation, with agreed grades partly recorded."""
    lead = users[DAVID]
    review = review_service.create_review(
        session,
        authority=authority,
        rubric=rubric,
        lead=lead,
        created_by=admin,
        dates=review_service.PlannedDates(
            set_up_on=date(2026, 4, 13),
            analysis_week_on=date(2026, 5, 11),
            fieldwork_week_one_on=date(2026, 6, 8),
            fieldwork_week_two_on=date(2026, 6, 22),
            publication_due_on=date(2026, 8, 17),
        ),
    )
    areas = {area.number: area for area in rubric.areas}
    for email, role, numbers in HARLOW_MOSS_TEAM:
        member = review.member_for(users[email].id)
        if member is None:
            member = review_service.add_member(session, review, users[email], role, actor=lead)
        review_service.declare_interests(
            session, member, has_conflict=False, details="", actor=users[email]
        )
        review_service.assign_areas(session, member, [areas[n] for n in numbers], actor=lead)
    session.flush()
    review_service.advance_phase(session, review, Phase.SELF_ASSESSMENT, actor=lead)
    _harlow_moss_self_evaluation(session, review, store)
    for phase in (Phase.ANALYSIS, Phase.FIELDWORK):
        review_service.advance_phase(session, review, phase, actor=lead)
    _grade_all(session, review, users, _harlow_moss_grades(session, review))
    review_service.advance_phase(session, review, Phase.MODERATION, actor=lead)
    _harlow_moss_agreed(session, review, lead)
    return review


def _harlow_moss_grades(session: Session, review: Review) -> tuple[DemoGrade, ...]:
    graders = {
        n: [email for email, _, numbers in HARLOW_MOSS_TEAM if int(n) in numbers]
        for n in HARLOW_MOSS_BASE
    }
    out = []
    for target in grading.judgement_targets(session, review):
        base = HARLOW_MOSS_BASE[str(target.area_number)]
        for email in graders[str(target.area_number)]:
            grade = HARLOW_MOSS_DEPARTURES.get((target.slug, email), base)
            what = (
                f"{target.text[0].lower()}{target.text[1:]}"
                if not target.is_area
                else f"taken as a whole, {target.area_title.lower()}."
            )
            out.append(
                DemoGrade(email, target.slug, grade, "medium", RATIONALES[grade].format(what=what))
            )
    return tuple(out)


def _harlow_moss_self_evaluation(session: Session, review: Review, store: EvidenceStore) -> None:
    from inspect_app.demo_evidence import filled_self_evaluation

    answers = {}
    for area in review.rubric.areas:
        # The authority rates itself a grade better than the team will on most outcomes.
        grade = min(4, HARLOW_MOSS_BASE[str(area.number)] + (area.number % 2))
        answers[str(area.number)] = (
            grade,
            f"Our view of {area.title.lower()} overall.",
            "Children and Young People's Plan 2006-09",
        )
        for kj in area.key_judgements:
            answers[kj.number] = (
                grade,
                f"Self-assessment of {kj.number}.",
                "Annual Performance Assessment 2006",
            )
    submit_return(
        session,
        store,
        review,
        filled_self_evaluation(review, answers),
        filename="Harlow Moss self-evaluation.xlsx",
        actor=None,
        via=COMMAND_LINE,
        max_bytes=DEFAULT_MAX_BYTES,
    )


def _harlow_moss_agreed(session: Session, review: Review, lead: User) -> None:
    """The moderation meeting has agreed outcomes 1 to 4; 5, 6 and 7 are still to come."""
    access = review_service.access_for(lead, review)
    for item in moderation.moderation_items(session, review):
        target = item.target
        if target.is_area or target.area_number > HARLOW_MOSS_AGREED_UP_TO_AREA:
            continue
        grades = [g.value for g in item.team_grades]
        value = derive_area_grade(grades, "rounded_median") or 2
        reasons = HARLOW_MOSS_AGREED_REASONS.get(target.slug, "")
        if not reasons and value != item.median:
            reasons = (
                "The team was split; it settled on the lower grade because the case "
                "files did not yet show consistent practice."
            )
        moderation.record_agreed_grade(
            session,
            review,
            target,
            value=value,
            reasons=reasons,
            actor=lead,
            access=access,
            expected_version=None,
        )
    for item in moderation.moderation_items(session, review):
        target = item.target
        if not target.is_area or target.area_number > HARLOW_MOSS_AGREED_UP_TO_AREA:
            continue
        if target.slug == HARLOW_MOSS_AREA_OVERRIDE[0]:
            _, value, reasons = HARLOW_MOSS_AREA_OVERRIDE
        else:
            value, reasons = item.derivation.value, ""
            if item.median is not None and item.median != value:
                reasons = (
                    "The grade derived from the agreed key judgements by the rubric's "
                    "rule reflects the evidence better than the first area grades."
                )
        moderation.record_agreed_grade(
            session,
            review,
            target,
            value=value,
            reasons=reasons,
            actor=lead,
            access=access,
            expected_version=None,
        )
