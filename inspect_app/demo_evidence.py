"""The fictional demo's self-evaluation and evidence for the Northmere review.

Every place, school, service and person here is invented; children appear only as
pseudonymous case references (NMB-CT-04, NMB-CF-017). Files are generated in code:
a few text, CSV, Word and PDF documents, small enough to keep the demo quick.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import docx
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.evidence_files import DEFAULT_MAX_BYTES
from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.selfeval_workbook import workbook_layout
from inspect_app.models import KeyJudgement, Review, User
from inspect_app.services import case_tracking
from inspect_app.services import evidence as evidence_service
from inspect_app.services.case_tracking import CaseDetails
from inspect_app.services.evidence import EvidenceDetails, Upload
from inspect_app.services.self_evaluation import blank_workbook, submit_return

NEIGHBOURHOODS = ("Eastgate", "Hollins Park", "Saltmarsh")


def store_at(evidence_dir: Path | None) -> EvidenceStore:
    """The evidence store the demo's files go to (the app's EVIDENCE_DIR by default)."""
    return EvidenceStore(evidence_dir or Path(current_app.config["EVIDENCE_DIR"]))


AUTHORITY_EMAIL = "janet.holloway@northmere.example"

# --------------------------------------------------------------------------- self-evaluation

# judgement -> (grade, narrative, evidence references). The first return, version 1.
SELF_EVALUATION: dict[str, tuple[int, str, str]] = {
    "1.1": (
        3,
        "Health visiting reaches every family with a new baby within 14 days, and the "
        "three children's centres run parenting and feeding groups in Eastgate and Saltmarsh. "
        "Take-up among fathers remains low.",
        "Health visiting audit 2006; children's centre annual reports",
    ),
    "1.4": (
        2,
        "Waiting times for the child and adolescent mental health service have fallen from "
        "26 to 18 weeks but remain above our 13-week target. A primary mental health worker "
        "now sits in each secondary school cluster.",
        "CAMHS waiting list data (Q2); CAMHS strategy 2006-09",
    ),
    "1.5": (
        3,
        "93% of looked after children had an annual health assessment last year (up from "
        "78%). A designated nurse for looked after children was appointed in April.",
        "Looked after children health report 2006",
    ),
    "1": (
        3,
        "Health partners and the council plan together through the Be Healthy partnership. "
        "Outcomes are in line with our statistical neighbours and improving; mental health "
        "provision is the weakest area and is our priority.",
        "Children and Young People's Plan 2006-09, chapter 3",
    ),
    "2.1": (
        3,
        "The Local Safeguarding Children Board ran the 'Safe at Home' campaign in all "
        "primary schools; 4,200 children took part in road and water safety sessions.",
        "LSCB annual report 2005-06",
    ),
    "2.3": (
        3,
        "Re-registrations on the child protection register fell to 9% (national 13%). "
        "Common Assessment Framework training has reached 620 practitioners.",
        "CP register statistics; CAF training records",
    ),
    "2.4": (
        3,
        "The LSCB has an independent chair and all statutory partners attend. Section 11 "
        "audits were completed by every partner in 2006.",
        "LSCB minutes; section 11 audit",
    ),
    "2.5": (
        3,
        "All referrals are screened within one working day. 71% of initial assessments "
        "were completed within seven working days (national 66%).",
        "Referral and assessment data 2006-07",
    ),
    "2.6": (
        3,
        "Every looked after child has an allocated qualified social worker. Placement "
        "stability is improving: 11% had three or more placements in the year.",
        "PAF indicator A1; looked after children statistics",
    ),
    "2": (
        3,
        "Safeguarding arrangements are secure and partners work well together through the "
        "LSCB. We know that assessment timeliness varies between teams.",
        "LSCB annual report; Children and Young People's Plan 2006-09",
    ),
    "3.2": (
        3,
        "Nine in ten early years settings were judged good or better at their last "
        "inspection; the Foundation Stage profile is close to the national average.",
        "Early years inspection summary; Foundation Stage profile 2006",
    ),
    "3.4": (
        3,
        "Secondary attendance improved to 92.1%. Persistent absence is concentrated in two "
        "schools in Saltmarsh, where a joint attendance project started in September.",
        "Attendance data 2005-06; Saltmarsh attendance project plan",
    ),
    "3.6": (
        2,
        "12% of looked after young people gained five good GCSEs. The virtual school head, "
        "appointed this year, is introducing termly tracking of every child's progress.",
        "Virtual school report; personal education plan audit",
    ),
    "3": (
        3,
        "Standards are broadly in line with the national picture and improving at key "
        "stage 4. The attainment of looked after children remains too low.",
        "Annual Performance Assessment letter 2006",
    ),
    "4.3": (
        4,
        "The Northmere Youth Parliament has 48 elected members and helped to commission "
        "the new youth centre in Hollins Park. Young people sit on the CYPP board.",
        "Youth Parliament report; CYPP board minutes",
    ),
    "4.5": (
        3,
        "First-time entrants to the youth justice system fell by 14%. The Youth Offending "
        "Service's prevention panel works with 120 young people a year.",
        "YOS annual plan 2006-07",
    ),
    "4.6": (
        3,
        "The Children in Care Council meets monthly and wrote our pledge with the Lead "
        "Member. 96% of looked after children contributed to their reviews.",
        "Children in Care Council minutes; the Northmere pledge",
    ),
    "4": (
        3,
        "Children and young people are strongly involved in decisions, and offending is falling.",
        "Youth Parliament report; YOS annual plan",
    ),
    "5.2": (
        3,
        "Connexions personal advisers work in every secondary school; 7.8% of 16-18 year "
        "olds are not in education, employment or training, falling from 9.1%.",
        "Connexions NEET data, November 2006",
    ),
    "5.5": (
        2,
        "Young people aged 16 and 17 are no longer placed in bed and breakfast, but the "
        "supply of supported lodgings is still too small.",
        "Housing strategy for young people 2006",
    ),
    "5.6": (
        2,
        "Care leavers have a personal adviser; 64% were in education, employment or "
        "training at 19.",
        "Leaving care team report",
    ),
    "5": (
        3,
        "14-19 partnership arrangements are strong. Housing and support for care leavers "
        "need further work.",
        "14-19 strategy; housing strategy",
    ),
    "6.1": (
        3,
        "The Children and Young People's Plan sets out shared ambitions agreed with young "
        "people and partners.",
        "Children and Young People's Plan 2006-09",
    ),
    "6.2": (
        3,
        "Priorities are few and clear; pooled budgets support CAMHS and disabled "
        "children's services.",
        "Joint commissioning strategy; section 31 agreements",
    ),
    "6.4": (
        3,
        "A quarterly scorecard is reviewed by the Children's Trust board; all indicators "
        "have named owners.",
        "Children's Trust performance scorecard",
    ),
    "6": (
        3,
        "Leadership is clear and partnership working is strong.",
        "Children's Trust board minutes",
    ),
    "7.1": (
        3,
        "Most indicators are improving and we have a record of acting on inspection findings.",
        "APA letter 2006; CYPP progress report",
    ),
    "7": (3, "We have good capacity to improve.", "CYPP progress report"),
}

# What changed in the second return, after the authority's own challenge session.
SELF_EVALUATION_REVISIONS: dict[str, tuple[int, str, str]] = {
    "2.5": (
        2,
        "All referrals are screened within one working day. 71% of initial assessments "
        "were completed within seven working days (national 66%), but our own audit of 40 "
        "cases found the quality of assessments in the east area team inconsistent, so we "
        "have revised our grade.",
        "Referral and assessment data 2006-07; practice audit, September 2006",
    ),
    "3.6": (
        2,
        "12% of looked after young people gained five good GCSEs. The virtual school head, "
        "appointed this year, now tracks every child's progress termly and has agreed a "
        "personal tutor for each Year 11 pupil in care.",
        "Virtual school report; personal education plan audit; Year 11 tutoring plan",
    ),
}


def filled_self_evaluation(review: Review, answers: dict[str, tuple[int, str, str]]) -> bytes:
    """The review's own workbook, typed in as the authority would."""
    cells = {
        row.judgement: (sheet.title, row.row)
        for sheet in workbook_layout(review.rubric.to_spec())
        for row in sheet.rows
    }
    book = load_workbook(io.BytesIO(blank_workbook(review)))
    for judgement, values in answers.items():
        title, row = cells[judgement]
        for column, value in zip("CDE", values, strict=True):
            book[title][f"{column}{row}"] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def return_self_evaluation(
    session: Session, review: Review, users: dict[str, User], store: EvidenceStore
) -> None:
    """Northmere's self-evaluation: a first return and a revised second one."""
    authority_user = users[AUTHORITY_EMAIL]
    first = filled_self_evaluation(review, SELF_EVALUATION)
    submit_return(
        session,
        store,
        review,
        first,
        filename="Northmere self-evaluation.xlsx",
        actor=authority_user,
        max_bytes=DEFAULT_MAX_BYTES,
    )
    revised = filled_self_evaluation(review, {**SELF_EVALUATION, **SELF_EVALUATION_REVISIONS})
    submit_return(
        session,
        store,
        review,
        revised,
        filename="Northmere self-evaluation (revised).xlsx",
        actor=authority_user,
        max_bytes=DEFAULT_MAX_BYTES,
    )


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class DemoEvidence:
    title: str
    kind: EvidenceKind
    source: str
    days_ago: int
    by: str  # email of the inspector who gathered it
    notes: str = ""
    neighbourhood: str = ""
    restricted: bool = False
    links: tuple[tuple[str, Stance, str], ...] = ()
    files: tuple[tuple[str, str], ...] = ()  # (file name, builder key)


S, C = Stance.SUPPORTS, Stance.CONTRADICTS
HELEN = "helen.marsh@ofsted.example"
DAVID = "david.okafor@ofsted.example"
PRIYA = "priya.raman@csci.example"
TOM = "tom.ellery@csci.example"
GRACE = "grace.lindqvist@hc.example"
MARTIN = "martin.pryce@audit.example"
SARAH = "sarah.quell@probation.example"
OWEN = "owen.talbot@hmic.example"
RUTH = "ruth.abernathy@ali.example"

EVIDENCE: tuple[DemoEvidence, ...] = (
    # --- documents
    DemoEvidence(
        "Children and Young People's Plan 2006-09",
        EvidenceKind.DOCUMENT,
        "Northmere Children's Trust",
        60,
        HELEN,
        "The plan sets five shared priorities agreed with young people. Targets are measurable "
        "for safeguarding and education, less so for health and housing.",
        links=(
            ("6.1", S, "Ambitions are shared and published with a young people's version."),
            ("6.2", S, "Five priorities, each with a lead partner and budget line."),
            (
                "5.5",
                C,
                "No target or resource for supported lodgings despite the gap "
                "identified in the needs assessment.",
            ),
        ),
        files=(("CYPP 2006-09 summary.docx", "cypp"),),
    ),
    DemoEvidence(
        "Local Safeguarding Children Board annual report 2005-06",
        EvidenceKind.DOCUMENT,
        "Northmere LSCB",
        58,
        PRIYA,
        "Independent chair since January; attendance by health and police is consistent. The "
        "report is candid about delays in the east area team.",
        links=(
            ("2.4", S, "All statutory partners attend; section 11 audits completed."),
            ("2.1", S, "Safe at Home campaign reached every primary school."),
            ("2.5", C, "Report itself records assessment delays in the east area team."),
        ),
        files=(("LSCB annual report 2005-06.pdf", "lscb"),),
    ),
    DemoEvidence(
        "Annual Performance Assessment letter 2006",
        EvidenceKind.DOCUMENT,
        "Ofsted",
        59,
        HELEN,
        "Areas for investigation through fieldwork: attainment of looked after children; "
        "consistency of initial assessments; mental health services for young people.",
        links=(
            ("7.1", S, "Improvement since the last assessment in 5 of 7 areas."),
            ("3.6", C, "Attainment of looked after children flagged as a weakness."),
        ),
    ),
    DemoEvidence(
        "Joint commissioning strategy for children's services",
        EvidenceKind.DOCUMENT,
        "Northmere Primary Care Trust and the council",
        55,
        MARTIN,
        "Pooled budgets for CAMHS and short breaks for disabled children; value for money "
        "reviews are planned but none has reported.",
        links=(
            ("6.2", S, "Pooled budgets in place for two priority services."),
            ("6.3", C, "No value for money review completed yet."),
        ),
    ),
    DemoEvidence(
        "14-19 strategy and area prospectus",
        EvidenceKind.DOCUMENT,
        "Northmere 14-19 partnership",
        52,
        RUTH,
        "A common prospectus covers all schools and the college; three diploma lines start next "
        "September.",
        links=(
            ("5.3", S, "Co-ordinated planning across schools, college and work-based learning."),
        ),
    ),
    DemoEvidence(
        "Housing strategy for young people 2006",
        EvidenceKind.DOCUMENT,
        "Northmere housing department",
        50,
        MARTIN,
        "Ends bed and breakfast use for 16 and 17 year olds; supported lodgings places remain at "
        "12 against an estimated need of 30.",
        links=(
            ("5.5", C, "Supply of supported lodgings well short of need."),
            ("5.6", C, "Care leavers wait longest for supported accommodation."),
        ),
    ),
    DemoEvidence(
        "Youth Offending Service annual plan 2006-07",
        EvidenceKind.DOCUMENT,
        "Northmere Youth Offending Service",
        48,
        SARAH,
        "Prevention panel, parenting orders and restorative work in schools. First-time entrants "
        "down 14%.",
        links=(
            ("4.5", S, "Fall in first-time entrants, confirmed by police data."),
            ("4.4", S, "Restorative approaches in all secondary schools."),
        ),
    ),
    DemoEvidence(
        "Corporate parenting pledge",
        EvidenceKind.DOCUMENT,
        "Northmere Borough Council",
        45,
        TOM,
        "Written with the Children in Care Council and signed by the Leader and Lead Member.",
        links=(("4.6", S, "Pledge written by children in care themselves."),),
        files=(("The Northmere pledge.md", "pledge"),),
    ),
    # --- data
    DemoEvidence(
        "Looked after children: placement stability and education indicators",
        EvidenceKind.DATA,
        "Northmere performance team",
        40,
        MARTIN,
        "Three or more placements in the year: 11% (statistical neighbours 13%). Five good GCSEs: "
        "12% (all children 59%).",
        links=(
            ("2.6", S, "Placement stability better than statistical neighbours."),
            ("3.6", C, "Attainment gap wider than neighbours'."),
        ),
        files=(("lac-indicators.csv", "lac_csv"),),
    ),
    DemoEvidence(
        "CAMHS waiting times, quarters 1 and 2",
        EvidenceKind.DATA,
        "Northmere PCT",
        39,
        GRACE,
        "Median wait 18 weeks for a first appointment; 40 young people waited over 26 weeks.",
        links=(("1.4", C, "Waits well above the 13-week target."),),
        files=(("camhs-waits.csv", "camhs_csv"),),
    ),
    DemoEvidence(
        "Referral and assessment timeliness by team",
        EvidenceKind.DATA,
        "Northmere children's social care",
        38,
        PRIYA,
        "Initial assessments within seven working days: north 82%, west 76%, east 54%.",
        links=(("2.5", C, "The east area team falls well below the others."),),
    ),
    DemoEvidence(
        "Connexions NEET data, November",
        EvidenceKind.DATA,
        "Northmere Connexions",
        36,
        RUTH,
        "7.8% of 16-18 year olds not in education, employment or training; 19% of care leavers "
        "at 19 not known.",
        links=(
            ("5.2", S, "NEET falling for three years."),
            ("5.6", C, "Too many care leavers' destinations not known."),
        ),
    ),
    # --- interviews
    DemoEvidence(
        "Interview with the Director of Children's Services",
        EvidenceKind.INTERVIEW,
        "Director of Children's Services",
        14,
        HELEN,
        "Clear about priorities and weaknesses; described the plan to restructure the east area "
        "team. Could not say when the CAMHS target would be met.",
        links=(
            ("6.1", S, "Ambition clearly articulated."),
            ("7.1", S, "Knows the weaknesses and has plans for them."),
            ("1.4", C, "No date for meeting the CAMHS waiting time target."),
        ),
    ),
    DemoEvidence(
        "Interview with the independent chair of the LSCB",
        EvidenceKind.INTERVIEW,
        "Independent chair, Northmere LSCB",
        13,
        PRIYA,
        "Board challenges partners through a quarterly audit programme. Serious case review "
        "learning has been shared with front-line staff.",
        links=(("2.4", S, "Effective challenge between partners."),),
    ),
    DemoEvidence(
        "Focus group with secondary head teachers",
        EvidenceKind.INTERVIEW,
        "Six secondary head teachers",
        12,
        DAVID,
        "Heads value the attendance project but say CAMHS referrals 'disappear'. Exclusion "
        "protocols are agreed across all schools.",
        neighbourhood="Saltmarsh",
        links=(
            ("3.4", S, "Joint attendance project valued by schools."),
            ("1.4", C, "Schools report long and unexplained CAMHS waits."),
        ),
    ),
    DemoEvidence(
        "Interview with the Connexions area manager",
        EvidenceKind.INTERVIEW,
        "Connexions area manager",
        12,
        RUTH,
        "Personal advisers in every school; tracking of young people with learning difficulties "
        "continues to 25.",
        links=(
            ("5.2", S, "Advice and guidance reach every school."),
            ("5.7", S, "Tracking of young people with learning difficulties to 25."),
        ),
    ),
    DemoEvidence(
        "Meeting with foster carers",
        EvidenceKind.INTERVIEW,
        "Eleven foster carers",
        11,
        TOM,
        "Carers praise training and out-of-hours support; several said health assessments are "
        "sometimes done without the carer present.",
        links=(
            ("2.6", S, "Carers well supported and trained."),
            ("1.5", C, "Health assessments not always involving carers."),
        ),
    ),
    DemoEvidence(
        "Interview with the police child abuse investigation unit",
        EvidenceKind.INTERVIEW,
        "Detective inspector, Northmere police",
        10,
        OWEN,
        "Joint strategy discussions held within one day; police attend nearly all child "
        "protection conferences.",
        links=(
            ("2.4", S, "Timely joint strategy discussions."),
            ("2.3", S, "Good joint working on investigations."),
        ),
    ),
    DemoEvidence(
        "Interview with the designated nurse for looked after children",
        EvidenceKind.INTERVIEW,
        "Designated nurse, Northmere PCT",
        10,
        GRACE,
        "Annual health assessments now 93% on time; dental checks lag at 81%.",
        links=(("1.5", S, "Health assessments timely and tracked."),),
    ),
    # --- observations
    DemoEvidence(
        "Child protection conference observed",
        EvidenceKind.OBSERVATION,
        "Northmere children's social care",
        9,
        PRIYA,
        "Well chaired; parents helped to take part; the school and health visitor reported in "
        "writing. The plan's outcomes were not specific.",
        neighbourhood="Eastgate",
        links=(
            (
                "2.5",
                C,
                "Multi-agency contribution good, but the plan's outcomes are vague "
                "and not measurable.",
            ),
        ),
    ),
    DemoEvidence(
        "Multi-agency panel for young people at risk of offending observed",
        EvidenceKind.OBSERVATION,
        "Northmere Youth Offending Service",
        9,
        SARAH,
        "Police, schools, YOS and housing attended; decisions recorded and followed up.",
        neighbourhood="Hollins Park",
        links=(
            ("4.5", S, "Effective prevention panel."),
            ("4.4", S, "Anti-social behaviour cases reviewed jointly."),
        ),
    ),
    DemoEvidence(
        "Stay and play session at Eastgate Children's Centre",
        EvidenceKind.OBSERVATION,
        "Eastgate Children's Centre",
        8,
        DAVID,
        "Lively session; health visitor present; few fathers attend.",
        neighbourhood="Eastgate",
        links=(
            ("3.2", S, "Good quality early years provision."),
            ("1.1", S, "Health visitor present at the session."),
        ),
    ),
    DemoEvidence(
        "Short breaks service for disabled children visited",
        EvidenceKind.OBSERVATION,
        "Hollins Park short breaks unit",
        7,
        GRACE,
        "Good quality care; parents wait up to eight months for a place.",
        neighbourhood="Hollins Park",
        links=(
            ("1.6", C, "Long waits for short breaks."),
            ("2.7", S, "Safe, well-staffed environment."),
        ),
    ),
    # --- children's and young people's views
    DemoEvidence(
        "TellUs survey results for Northmere schools",
        EvidenceKind.CHILDRENS_VIEWS,
        "TellUs survey, 2,300 pupils",
        30,
        DAVID,
        "84% feel safe in school (national 83%); 27% have been bullied in the last year; 61% "
        "know where to get help with worries.",
        links=(
            ("2.2", S, "Most pupils feel safe at school."),
            ("4.1", C, "Bullying reported by more than a quarter of pupils."),
            ("1.4", C, "Four in ten do not know where to get help with worries."),
        ),
        files=(("tellus-northmere.csv", "tellus_csv"),),
    ),
    DemoEvidence(
        "Meeting with the Children in Care Council",
        EvidenceKind.CHILDRENS_VIEWS,
        "Children in Care Council, nine members",
        11,
        TOM,
        "Young people feel listened to and proud of the pledge. Several had changed social "
        "worker three times in a year.",
        links=(
            ("4.6", S, "Young people shaped the pledge."),
            ("2.6", C, "Frequent changes of social worker."),
        ),
    ),
    DemoEvidence(
        "Meeting with the Northmere Youth Parliament",
        EvidenceKind.CHILDRENS_VIEWS,
        "Northmere Youth Parliament, 14 members",
        10,
        RUTH,
        "Members described commissioning the Hollins Park youth centre; want better late buses.",
        neighbourhood="Hollins Park",
        links=(
            ("4.3", S, "Real influence on commissioning."),
            ("3.5", S, "New youth centre shaped by young people."),
        ),
    ),
    DemoEvidence(
        "Group meeting with young carers",
        EvidenceKind.CHILDRENS_VIEWS,
        "Saltmarsh young carers group, 8 members",
        9,
        SARAH,
        "Young carers say schools do not always know about their caring role.",
        neighbourhood="Saltmarsh",
        links=(("4.2", C, "Schools unaware of young carers' needs."),),
    ),
    DemoEvidence(
        "Disabled young people's forum",
        EvidenceKind.CHILDRENS_VIEWS,
        "Northmere disabled young people's forum",
        8,
        GRACE,
        "Members enjoy the short breaks but want more say in transition planning.",
        links=(
            ("4.7", C, "Limited involvement in transition planning."),
            ("1.6", S, "Short breaks valued."),
        ),
    ),
    # --- case files read (restricted)
    DemoEvidence(
        "Case file NMB-CF-017",
        EvidenceKind.CASE_FILE,
        "Case file reading",
        9,
        PRIYA,
        "Section 47 enquiry completed promptly; core assessment late by six weeks; child seen "
        "alone at every visit.",
        restricted=True,
        neighbourhood="Eastgate",
        links=(("2.5", C, "Core assessment six weeks late."),),
    ),
    DemoEvidence(
        "Case file NMB-CF-023",
        EvidenceKind.CASE_FILE,
        "Case file reading",
        9,
        TOM,
        "Looked after child in a stable placement for three years; personal education plan up "
        "to date; health assessment on time.",
        restricted=True,
        links=(
            ("2.6", S, "Stable placement, well supported."),
            ("1.5", S, "Health assessment on time."),
        ),
    ),
    DemoEvidence(
        "Case file NMB-CF-041",
        EvidenceKind.CASE_FILE,
        "Case file reading",
        8,
        PRIYA,
        "Common Assessment Framework used well by the school; family support prevented escalation.",
        restricted=True,
        neighbourhood="Saltmarsh",
        links=(("2.3", S, "Early help prevented escalation."),),
    ),
    DemoEvidence(
        "Case file NMB-CF-058",
        EvidenceKind.CASE_FILE,
        "Case file reading",
        8,
        OWEN,
        "Missing from care episodes recorded but no return interviews held.",
        restricted=True,
        links=(("2.6", C, "No return interviews after missing episodes."),),
    ),
    DemoEvidence(
        "Case file NMB-CF-066",
        EvidenceKind.CASE_FILE,
        "Case file reading",
        7,
        SARAH,
        "Young person on a supervision order; education placement arranged quickly.",
        restricted=True,
        neighbourhood="Hollins Park",
        links=(("4.5", S, "Education provided promptly for a young offender."),),
    ),
    DemoEvidence(
        "Case file NMB-CF-082",
        EvidenceKind.CASE_FILE,
        "Case file reading",
        7,
        TOM,
        "Care leaver in supported lodgings; pathway plan not reviewed for nine months.",
        restricted=True,
        links=(("5.6", C, "Pathway plan out of date."),),
    ),
    # --- a text note only
    DemoEvidence(
        "Note: health visiting cover in Saltmarsh",
        EvidenceKind.OBSERVATION,
        "Saltmarsh health visiting team",
        6,
        GRACE,
        "Two of five health visitor posts vacant since the summer; new birth visits are still "
        "made on time but developmental checks at two years are behind.",
        neighbourhood="Saltmarsh",
        links=(("1.1", C, "Vacancies delaying two-year checks."),),
    ),
)

DELETED = DemoEvidence(
    "LSCB annual report (duplicate)",
    EvidenceKind.DOCUMENT,
    "Northmere LSCB",
    57,
    PRIYA,
    "Uploaded twice by mistake.",
)


@dataclass(frozen=True)
class DemoCase:
    reference: str
    age_group: str
    services: tuple[str, ...]
    summary: str
    by: str
    contacts: tuple[tuple[int, str, str], ...]  # (days ago, service, what happened)
    findings: tuple[tuple[str, Stance, str], ...] = field(default=())


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "NMB-CT-01",
        "Under 5",
        ("Health visiting", "Children's social care", "Eastgate Children's Centre"),
        "Neglect concerns raised by the health visitor.",
        PRIYA,
        (
            (400, "Health visiting", "Health visitor notes poor home conditions; CAF started."),
            (380, "Eastgate Children's Centre", "Family joins parenting group."),
            (
                300,
                "Children's social care",
                "Referral after missed health appointments; initial assessment in six days.",
            ),
            (120, "Children's social care", "Child in need plan closed; family stable."),
        ),
        (
            ("2.3", S, "Early help and timely assessment prevented escalation."),
            ("1.1", S, "Health visitor identified concerns early."),
        ),
    ),
    DemoCase(
        "NMB-CT-02",
        "11 to 15",
        ("Children's social care", "School", "CAMHS"),
        "Subject of a child protection plan; mental health needs.",
        PRIYA,
        (
            (500, "School", "Designated teacher refers concerns about injuries."),
            (495, "Children's social care", "Strategy discussion with police the same day."),
            (400, "CAMHS", "Referral accepted; first appointment 22 weeks later."),
            (200, "Children's social care", "Plan reviewed; outcomes improving."),
        ),
        (
            ("2.5", S, "Prompt joint response to referral."),
            ("1.4", C, "22-week wait for CAMHS while on a protection plan."),
        ),
    ),
    DemoCase(
        "NMB-CT-03",
        "16 to 19",
        ("Leaving care team", "Connexions", "Housing"),
        "Care leaver moving to independence.",
        TOM,
        (
            (600, "Leaving care team", "Pathway plan agreed; personal adviser allocated."),
            (420, "Housing", "Placed in supported lodgings after three weeks in a hostel."),
            (250, "Connexions", "Starts a college course in construction."),
        ),
        (
            ("5.6", S, "Good personal adviser support into college."),
            ("5.5", C, "Three weeks in a hostel before supported lodgings."),
        ),
    ),
    DemoCase(
        "NMB-CT-04",
        "5 to 10",
        ("Children's social care", "Foster care", "School", "Looked after children's nurse"),
        "Looked after since the age of six.",
        TOM,
        (
            (700, "Children's social care", "Care proceedings; placed with foster carers."),
            (650, "Looked after children's nurse", "Health assessment completed on time."),
            (500, "School", "Personal education plan reviewed; reading support in place."),
            (300, "Foster care", "Placement confirmed as long-term."),
        ),
        (
            ("2.6", S, "Stable long-term placement."),
            ("3.6", S, "Personal education plan drives extra support."),
            ("1.5", S, "Health needs met promptly."),
        ),
    ),
    DemoCase(
        "NMB-CT-05",
        "11 to 15",
        ("Youth Offending Service", "School", "Police"),
        "Young person at risk of offending.",
        SARAH,
        (
            (350, "Police", "Reprimand for criminal damage."),
            (340, "Youth Offending Service", "Prevention panel assigns a mentor."),
            (150, "School", "Attendance up from 70% to 91%."),
        ),
        (
            ("4.5", S, "Prevention work reduced risk of re-offending."),
            ("3.4", S, "Attendance improved with mentoring."),
        ),
    ),
    DemoCase(
        "NMB-CT-06",
        "5 to 10",
        ("Short breaks service", "Community paediatrics", "Special school"),
        "Disabled child with complex health needs.",
        GRACE,
        (
            (450, "Community paediatrics", "Multi-agency assessment of health needs."),
            (420, "Short breaks service", "Placed on the waiting list for short breaks."),
            (180, "Short breaks service", "Short breaks start after eight months."),
        ),
        (
            ("1.6", C, "Eight-month wait for short breaks."),
            ("3.7", S, "Special school meets learning needs well."),
        ),
    ),
    DemoCase(
        "NMB-CT-07",
        "16 to 19",
        ("Connexions", "College", "Children's social care"),
        "Young person not in education, employment or training after school.",
        RUTH,
        (
            (280, "Connexions", "Personal adviser contact after leaving school."),
            (200, "College", "Enrols on a foundation learning course."),
            (60, "Connexions", "Moves to an apprenticeship."),
        ),
        (("5.2", S, "Persistent Connexions support into training."),),
    ),
    DemoCase(
        "NMB-CT-08",
        "11 to 15",
        ("Children's social care", "Police", "School"),
        "Repeated episodes of going missing from care.",
        OWEN,
        (
            (260, "Police", "Reported missing overnight for the third time."),
            (255, "Children's social care", "No return interview recorded."),
            (180, "Children's social care", "Placement moved out of the borough."),
        ),
        (
            ("2.6", C, "Missing episodes not followed by return interviews."),
            ("2.5", C, "Risk of sexual exploitation not assessed."),
        ),
    ),
    DemoCase(
        "NMB-CT-09",
        "Under 5",
        ("Health visiting", "Early years setting"),
        "Speech and language delay identified at the two-year check.",
        DAVID,
        (
            (220, "Health visiting", "Two-year check identifies speech delay."),
            (200, "Early years setting", "Targeted support in nursery; good progress."),
        ),
        (("3.2", S, "Early years setting acts quickly on health visitor advice."),),
    ),
    DemoCase(
        "NMB-CT-10",
        "11 to 15",
        ("Children's social care", "School", "Young carers service"),
        "Young carer supporting a parent with mental illness.",
        SARAH,
        (
            (330, "School", "Attendance falls; school unaware of caring role."),
            (250, "Young carers service", "Assessment and respite activities arranged."),
        ),
        (("4.2", C, "School slow to identify a young carer."),),
    ),
)


# --------------------------------------------------------------------------- files


def _pdf(lines: list[str]) -> bytes:
    """A small valid PDF with one page of Helvetica text."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = (
        "BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    )
    content = body.encode("latin-1", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _docx(title: str, paragraphs: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _file(key: str) -> bytes:
    if key == "cypp":
        return _docx(
            "Children and Young People's Plan 2006-09: summary",
            [
                "Our five priorities: keeping children safe; improving emotional health and "
                "well-being; raising the achievement of looked after children; reducing the number "
                "of young people not in education, employment or training; and listening to "
                "children and young people.",
                "Each priority has a lead partner in the Children's Trust and a budget line agreed "
                "for 2006-07.",
            ],
        )
    if key == "lscb":
        return _pdf(
            [
                "Northmere Local Safeguarding Children Board - Annual report 2005-06",
                "Independent chair appointed January 2006. All statutory partners attend.",
                "Section 11 audits completed by every partner agency.",
                "Safe at Home campaign delivered in all 61 primary schools.",
                "Concern: timeliness of initial assessments in the east area team.",
            ]
        )
    if key == "pledge":
        return (
            b"# The Northmere pledge\n\nWritten by the Children in Care Council, 2006.\n\n"
            b"- We will make sure you have a social worker who knows you.\n"
            b"- We will help you do well at school and beyond.\n"
            b"- We will listen to you and tell you what we did about it.\n"
        )
    if key == "lac_csv":
        return (
            b"indicator,northmere,statistical_neighbours,england\n"
            b"three_or_more_placements_pct,11,13,12\n"
            b"same_placement_two_years_pct,67,64,65\n"
            b"five_good_gcses_pct,12,13,12\n"
            b"missed_25_days_school_pct,11,13,13\n"
        )
    if key == "camhs_csv":
        return (
            b"quarter,referrals,median_wait_weeks,waiting_over_26_weeks\n"
            b"2006-Q1,212,21,52\n2006-Q2,198,18,40\n"
        )
    if key == "tellus_csv":
        return (
            b"question,northmere_pct,england_pct\n"
            b"feel_safe_in_school,84,83\nbullied_in_last_year,27,26\n"
            b"know_where_to_get_help,61,64\nenjoy_school_most_days,72,70\n"
        )
    raise KeyError(key)


# --------------------------------------------------------------------------- loading


def gather_evidence(
    session: Session, review: Review, users: dict[str, User], store: EvidenceStore
) -> None:
    """The evidence the Northmere team has gathered by the second week of fieldwork."""
    key_judgements = {
        kj.number: kj for kj in evidence_service.key_judgements_for(session, review.rubric_id)
    }
    today = date.today()
    for demo in EVIDENCE:
        _add(session, review, users, store, demo, key_judgements, today)
    deleted = _add(session, review, users, store, DELETED, key_judgements, today)
    evidence_service.delete_evidence(
        session,
        deleted,
        reason="Duplicate of the LSCB annual report already uploaded.",
        actor=users[PRIYA],
    )
    for demo_case in CASES:
        _track(session, review, users[demo_case.by], demo_case, key_judgements, today)


def _add(
    session: Session,
    review: Review,
    users: dict[str, User],
    store: EvidenceStore,
    demo: DemoEvidence,
    key_judgements: dict[str, KeyJudgement],
    today: date,
):
    actor = users[demo.by]
    uploads = [Upload(io.BytesIO(_file(key)), name) for name, key in demo.files]
    staged = evidence_service.stage_files(session, store, uploads, max_bytes=DEFAULT_MAX_BYTES)
    item = evidence_service.add_evidence(
        session,
        review,
        EvidenceDetails(
            title=demo.title,
            kind=demo.kind,
            source=demo.source,
            gathered_on=today - timedelta(days=demo.days_ago),
            inspectorate=Inspectorate(actor.inspectorate),
            neighbourhood=demo.neighbourhood,
            is_restricted=demo.restricted,
            notes=demo.notes,
        ),
        staged,
        actor=actor,
    )
    for number, stance, note in demo.links:
        evidence_service.link_to_judgement(
            session, item, key_judgements[number], stance=stance, note=note, actor=actor
        )
    return item


def _track(
    session: Session,
    review: Review,
    actor: User,
    demo: DemoCase,
    key_judgements: dict[str, KeyJudgement],
    today: date,
) -> None:
    case = case_tracking.start_tracking(
        session,
        review,
        CaseDetails(
            reference=demo.reference,
            services=demo.services,
            summary=demo.summary,
            age_group=demo.age_group,
        ),
        actor=actor,
    )
    for days_ago, service, what in demo.contacts:
        case_tracking.add_contact(
            session,
            case,
            contact_on=today - timedelta(days=days_ago),
            service=service,
            summary=what,
            actor=actor,
        )
    for number, stance, text in demo.findings:
        case_tracking.add_finding(
            session, case, key_judgements[number], stance=stance, text=text, actor=actor
        )
