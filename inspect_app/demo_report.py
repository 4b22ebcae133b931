"""The fictional demo's published review: Fenwick Vale, from set-up to an action plan in
progress, so every report export can be tried at once.

Every person, place and service is invented; children appear only as pseudonymous case
references. Everything goes through the services (grading, moderation, drafting, factual
accuracy, publication, action plan), so it is validated and audit-logged like real work.
The report was published 45 working days ago, so the action plan is part-way to its due date
and one action is already past its target date.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from inspect_app.demo_clock import stamped_on
from inspect_app.demo_evidence import filled_self_evaluation
from inspect_app.domain.action_plan import ActionStatus
from inspect_app.domain.agreement import derive_area_grade
from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.evidence_files import DEFAULT_MAX_BYTES
from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.domain.report import Band
from inspect_app.domain.working_days import add_working_days
from inspect_app.models import Authority, Review, Rubric, User
from inspect_app.services import (
    action_plans,
    factual_accuracy,
    grading,
    moderation,
    publication,
    report_drafting,
)
from inspect_app.services import evidence as evidence_service
from inspect_app.services import reviews as review_service
from inspect_app.services.action_plans import ActionDetails
from inspect_app.services.evidence import EvidenceDetails
from inspect_app.services.grading import GradeSubmission
from inspect_app.services.report_drafting import RecommendationDetails
from inspect_app.services.self_evaluation import submit_return

GRACE = "grace.lindqvist@hc.example"
CLARE = "clare.whitcombe@ofsted.example"
TOM = "tom.ellery@csci.example"
MARTIN = "martin.pryce@audit.example"
RUTH = "ruth.abernathy@ali.example"
SARAH = "sarah.quell@probation.example"
AUTHORITY_EMAIL = "amara.stockley@fenwickvale.example"

PUBLISHED_WORKING_DAYS_AGO = 45

TEAM = [
    # email, role, areas graded: the lead comes from the Healthcare Commission
    (GRACE, ReviewRole.LEAD_INSPECTOR, [1, 6, 7]),
    (TOM, ReviewRole.INSPECTOR, [2, 4]),
    (SARAH, ReviewRole.INSPECTOR, [2, 4]),
    (RUTH, ReviewRole.INSPECTOR, [3, 5]),
    (MARTIN, ReviewRole.INSPECTOR, [5, 6, 7]),
    (CLARE, ReviewRole.REPORT_AUTHOR, []),
]

# The grade the team settles on per area: Fenwick Vale is good, with adequate safeguarding
# and economic well-being and an outstanding record on young people's contribution.
BASE = {1: 3, 2: 2, 3: 3, 4: 4, 5: 2, 6: 3, 7: 3}
DEPARTURES = {("kj-2.3", SARAH): 3, ("kj-5.5", MARTIN): 3, ("kj-4.2", TOM): 3}
RATIONALE = {
    1: "Does not deliver minimum requirements: {what}",
    2: "Only at minimum requirements: {what} Practice is uneven across the three localities.",
    3: "Consistently above minimum requirements: {what} Files, interviews and young people's "
    "views agree.",
    4: "Well above minimum requirements: {what} Among the strongest practice the team has seen.",
}

EVIDENCE = [
    # title, kind, restricted, inspectorate, [(key judgement, stance, note)], notes
    (
        "Children and Young People's Plan 2007-10",
        EvidenceKind.DOCUMENT,
        Inspectorate.OFSTED,
        [("6.1", "supports", "Priorities are shared by every partner and costed.")],
        "The plan was agreed by the Children's Trust board in March.",
    ),
    (
        "Local Safeguarding Children Board annual report",
        EvidenceKind.DOCUMENT,
        Inspectorate.CSCI,
        [
            ("2.3", "contradicts", "Multi-agency audits found thresholds applied unevenly."),
            ("2.5", "supports", "Partners attend child protection conferences reliably."),
        ],
        "Read in full during the analysis week.",
    ),
    (
        "Referral and assessment team: observation of duty desk",
        EvidenceKind.OBSERVATION,
        Inspectorate.CSCI,
        [("2.3", "contradicts", "Referrers are not always told the outcome of a referral.")],
        "Observed over two mornings in the Millbrook office.",
    ),
    (
        "Youth council meeting with inspectors",
        EvidenceKind.CHILDRENS_VIEWS,
        Inspectorate.OFSTED,
        [
            ("4.1", "supports", "Young people shaped the youth service budget this year."),
            ("4.3", "supports", "The anti-bullying charter was written by pupils."),
        ],
        "Twelve members of the youth council, aged 12 to 18.",
    ),
    (
        "School attendance and exclusion data 2006/07",
        EvidenceKind.DATA,
        Inspectorate.OFSTED,
        [("3.2", "supports", "Persistent absence fell faster than in similar areas.")],
        "Benchmarked against the statistical neighbours.",
    ),
    (
        "Interview: head of the virtual school",
        EvidenceKind.INTERVIEW,
        Inspectorate.OFSTED,
        [("3.6", "supports", "Every looked after child has a current personal education plan.")],
        "",
    ),
    (
        "Connexions destinations data",
        EvidenceKind.DATA,
        Inspectorate.ALI,
        [("5.5", "contradicts", "Too many care leavers are not in education or work at 19.")],
        "Published destinations for 2006 and 2007.",
    ),
    (
        "Primary care trust: health assessments of looked after children",
        EvidenceKind.DATA,
        Inspectorate.HEALTHCARE_COMMISSION,
        [("1.5", "supports", "Health assessments are completed on time for 94% of children.")],
        "",
    ),
    (
        "Case file reading record FVD-CF-011",
        EvidenceKind.CASE_FILE,
        Inspectorate.CSCI,
        [("2.5", "contradicts", "Core group minutes missing for three months.")],
        "Restricted: about one child's care.",
    ),
    (
        "Case file reading record FVD-CF-027",
        EvidenceKind.CASE_FILE,
        Inspectorate.CSCI,
        [("2.6", "supports", "A stable placement, reviewed on time.")],
        "Restricted: about one child's care.",
    ),
    (
        "Case file reading record FVD-CF-034",
        EvidenceKind.CASE_FILE,
        Inspectorate.HMI_PROBATION,
        [("4.5", "supports", "Youth offending team work was timely and well recorded.")],
        "Restricted: about one young person.",
    ),
]

AREA_TEXT = {
    1: (
        "Outcomes for children's health are good. Health services are well integrated with "
        "children's centres, and the primary care trust works closely with schools.",
        "- Health assessments of looked after children are completed on time.\n"
        "- Breastfeeding support in children's centres is well used.",
        "- Waiting times for child and adolescent mental health services remain long.",
    ),
    2: (
        "Arrangements to keep children safe are adequate. Children at risk are identified, but "
        "thresholds are applied unevenly and referrers are not always told what happens next.",
        "- Partners attend child protection conferences reliably.\n"
        "- Placements of looked after children are stable.",
        "- Thresholds for social care are not applied consistently.\n"
        "- Core group records are incomplete in some case files.",
    ),
    3: (
        "Outcomes in enjoying and achieving are good. Standards are rising in primary schools "
        "and attendance has improved faster than in similar areas.",
        "- Persistent absence has fallen sharply.\n"
        "- Every looked after child has a current personal education plan.",
        "- Standards at 16 remain below the national average in two secondary schools.",
    ),
    4: (
        "Young people's contribution is outstanding. They take part in decisions at every level, "
        "from school councils to the youth service budget.",
        "- The youth council shapes real spending decisions.\n"
        "- Youth offending work is timely and reduces re-offending.",
        "- Few young people with learning difficulties take part in the youth council.",
    ),
    5: (
        "Outcomes in achieving economic well-being are adequate. Most young people progress to "
        "education or training, but care leavers fare less well.",
        "- Apprenticeship places have doubled in two years.",
        "- Too many care leavers are not in education, employment or training at 19.",
    ),
    6: (
        "Service management is good. Partners share clear priorities, and performance is "
        "managed well, though the use of data by front-line managers is still developing.",
        "- The Children and Young People's Plan is shared by every partner and costed.",
        "- Front-line managers make too little use of performance data.",
    ),
    7: (
        "Capacity to improve is good. Leaders know the area's strengths and weaknesses and "
        "have a good record of tackling them.",
        "- Senior leaders have a realistic view of the area's weaknesses.",
        "- Workforce plans for social work are not yet secure.",
    ),
}

FRONT_TEXT = {
    "introduction": (
        "This report assesses the contribution of local services in Fenwick Vale to improving "
        "outcomes for children and young people.\n\n"
        "The review team of six inspectors came from the Healthcare Commission, Ofsted, the "
        "Commission for Social Care Inspection, the Adult Learning Inspectorate, the Audit "
        "Commission and HM Inspectorate of Probation. They read case files, tracked children's "
        "journeys through services, and met children, young people, parents, staff and partners "
        "in the three localities of **Millbrook**, **Ashford Green** and **Tollbridge**."
    ),
    "context": (
        "Fenwick Vale is a mainly rural borough in the North West with a population of about "
        "162,000, of whom 38,000 are children and young people.\n\n"
        "| Measure | Fenwick Vale | England |\n"
        "|---|---:|---:|\n"
        "| Children in care per 10,000 | 52 | 55 |\n"
        "| Pupils with five good GCSEs | 57% | 59% |"
    ),
    "main-findings": (
        "- Children and young people in Fenwick Vale are generally healthy and achieve well.\n"
        "- Arrangements to keep children safe are adequate, but thresholds for social care are "
        "applied unevenly.\n"
        "- Young people make an **outstanding** contribution to decisions that affect them.\n"
        "- Care leavers are less likely than their peers to be in education, employment or "
        "training.\n"
        "- Leaders know the area well, and capacity to improve is good."
    ),
    "children-summary": (
        "# What we did\n\n"
        "We are inspectors. We visited Fenwick Vale to find out how well the council and the "
        "people it works with help children and young people. We talked to lots of you, and to "
        "the adults who work with you.\n\n"
        "# What is good\n\n"
        "- Most of you are healthy, and you do well at school.\n"
        "- The youth council really changes things: you helped decide how the youth service "
        "spends its money.\n\n"
        "# What needs to get better\n\n"
        "- Social workers must always tell people what happens after they raise a worry about "
        "a child.\n"
        "- Young people leaving care need more help to find a course, a job or training.\n\n"
        "# What happens next\n\n"
        "The council has written a plan saying what it will do. We will check that it does it."
    ),
}

RECOMMENDATIONS = [
    (
        Band.IMMEDIATE,
        2,
        "Ensure that thresholds for children's social care are understood and applied "
        "consistently by every partner.",
        "Fenwick Vale Council",
    ),
    (
        Band.IMMEDIATE,
        2,
        "Tell every referrer, within one working day, what will happen to their referral.",
        "Fenwick Vale Council",
    ),
    (
        Band.SIX_MONTHS,
        1,
        "Reduce waiting times for child and adolescent mental health services to 13 weeks.",
        "Fenwick Vale Primary Care Trust",
    ),
    (
        Band.SIX_MONTHS,
        2,
        "Audit core group records in child protection cases every quarter.",
        "Fenwick Vale Local Safeguarding Children Board",
    ),
    (
        Band.LONGER_TERM,
        5,
        "Increase the proportion of care leavers in education, employment or training at 19.",
        "Fenwick Vale Children's Trust",
    ),
    (
        Band.LONGER_TERM,
        6,
        "Develop front-line managers' use of performance data.",
        "Fenwick Vale Council",
    ),
]

# recommendation index -> [(action, owner, target (working days after publication), status)]
ACTIONS = {
    0: [
        (
            "Issue revised threshold guidance to all partners and train duty staff.",
            "Head of Safeguarding",
            20,
            ActionStatus.COMPLETED,
        ),
        (
            "Audit 40 referrals to check thresholds are applied consistently.",
            "LSCB Quality Assurance Sub-group",
            40,
            ActionStatus.IN_PROGRESS,
        ),
    ],
    1: [
        (
            "Send every referrer an outcome letter or e-mail within one working day.",
            "Service Manager, Referral and Assessment",
            30,
            ActionStatus.IN_PROGRESS,  # past its target date: flagged as overdue
        )
    ],
    2: [
        (
            "Commission an additional tier 2 mental health worker for each locality.",
            "Joint Commissioning Manager",
            120,
            ActionStatus.NOT_STARTED,
        )
    ],
    3: [
        (
            "Add core group records to the quarterly multi-agency case audit.",
            "LSCB Business Manager",
            60,
            ActionStatus.IN_PROGRESS,
        )
    ],
    4: [
        (
            "Guarantee an apprenticeship interview to every care leaver who asks for one.",
            "Head of Looked After Children",
            180,
            ActionStatus.NOT_STARTED,
        )
    ],
    5: [
        (
            "Give every team manager a monthly performance dashboard.",
            "Head of Performance",
            90,
            ActionStatus.IN_PROGRESS,
        )
    ],
}


def _monday_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


def fenwick_vale_review(
    session: Session,
    authority: Authority,
    rubric: Rubric,
    users: dict[str, User],
    admin: User,
    store: EvidenceStore,
    *,
    today: date | None = None,
) -> Review:
    """A published review with a complete report, recommendations in all three bands, a
    summary for children and young people, and the authority's action plan in progress."""
    today = today or publication.today_in_uk()
    published_on = add_working_days(today, -PUBLISHED_WORKING_DAYS_AGO)
    fieldwork_two = _monday_before(published_on - timedelta(weeks=8))
    lead = users[GRACE]
    dates = review_service.PlannedDates(
        set_up_on=fieldwork_two - timedelta(weeks=10),
        analysis_week_on=fieldwork_two - timedelta(weeks=6),
        fieldwork_week_one_on=fieldwork_two - timedelta(weeks=2),
        fieldwork_week_two_on=fieldwork_two,
        publication_due_on=published_on,
    )
    # Each step is stamped on the day it happened, so the report's dates tell one story.
    with stamped_on(session, dates.set_up_on):
        review = review_service.create_review(
            session, authority=authority, rubric=rubric, lead=lead, created_by=admin, dates=dates
        )
        areas = {area.number: area for area in rubric.areas}
        for email, role, numbers in TEAM:
            member = review.member_for(users[email].id)
            if member is None:
                member = review_service.add_member(session, review, users[email], role, actor=lead)
            review_service.declare_interests(
                session, member, has_conflict=False, details="", actor=users[email]
            )
            review_service.assign_areas(session, member, [areas[n] for n in numbers], actor=lead)
        session.flush()
        review_service.advance_phase(session, review, Phase.SELF_ASSESSMENT, actor=lead)
    with stamped_on(session, dates.analysis_week_on - timedelta(days=7)):
        _self_evaluation(session, review, users, store)
    with stamped_on(session, dates.analysis_week_on):
        review_service.advance_phase(session, review, Phase.ANALYSIS, actor=lead)
    with stamped_on(session, dates.fieldwork_week_one_on):
        review_service.advance_phase(session, review, Phase.FIELDWORK, actor=lead)
    with stamped_on(session, fieldwork_two + timedelta(days=4)):  # the Friday of fieldwork
        _gather_evidence(session, review, users, fieldwork_two)
        _grade(session, review, users)
    with stamped_on(session, fieldwork_two + timedelta(days=7)):  # the moderation meeting
        review_service.advance_phase(session, review, Phase.MODERATION, actor=lead)
        _agree(session, review, lead)
        review_service.advance_phase(session, review, Phase.DRAFTING, actor=lead)
    with stamped_on(session, fieldwork_two + timedelta(days=14)):
        _write_report(session, review, users)
    with stamped_on(session, published_on - timedelta(days=21)):
        review_service.advance_phase(session, review, Phase.FACTUAL_ACCURACY, actor=lead)
    with stamped_on(session, published_on - timedelta(days=10)):
        _factual_accuracy(session, review, users)

    # Published 45 working days ago: freeze version 1 on that date, then move on.
    with stamped_on(session, published_on):
        publication.publish_first_version(session, review, actor=lead, today=published_on)
        review_service.advance_phase(session, review, Phase.PUBLISHED, actor=lead)
        publication.set_public(
            session,
            review,
            is_public=True,
            actor=lead,
            access=review_service.access_for(lead, review),
        )
        review_service.advance_phase(session, review, Phase.ACTION_PLAN, actor=lead)
    _action_plan(session, review, users, published_on)  # in progress now
    session.flush()
    return review


def _self_evaluation(
    session: Session, review: Review, users: dict[str, User], store: EvidenceStore
) -> None:
    answers = {}
    for area in review.rubric.areas:
        grade = min(4, BASE[area.number] + 1)  # the authority rates itself a grade better
        answers[str(area.number)] = (grade, f"Our view of {area.title.lower()}.", "CYPP 2007-10")
        for kj in area.key_judgements:
            answers[kj.number] = (grade, f"Self-assessment of {kj.number}.", "APA 2006")
    submit_return(
        session,
        store,
        review,
        filled_self_evaluation(review, answers),
        filename="Fenwick Vale self-evaluation.xlsx",
        actor=users[AUTHORITY_EMAIL],
        max_bytes=DEFAULT_MAX_BYTES,
    )


def _gather_evidence(
    session: Session, review: Review, users: dict[str, User], fieldwork_two: date
) -> None:
    key_judgements = {
        kj.number: kj for kj in evidence_service.key_judgements_for(session, review.rubric_id)
    }
    by_inspectorate = {
        users[email].inspectorate: users[email]
        for email, role, _ in TEAM
        if role is not ReviewRole.REPORT_AUTHOR
    }
    for i, (title, kind, inspectorate, links, notes) in enumerate(EVIDENCE):
        actor = by_inspectorate.get(inspectorate.value, users[GRACE])
        item = evidence_service.add_evidence(
            session,
            review,
            EvidenceDetails(
                title=title,
                kind=kind,
                source="Fenwick Vale children's services",
                gathered_on=fieldwork_two - timedelta(days=7 - i % 10),
                inspectorate=inspectorate,
                neighbourhood=("Millbrook", "Ashford Green", "Tollbridge")[i % 3],
                is_restricted=kind.always_restricted,
                notes=notes or f"Gathered by {actor.name}.",
            ),
            [],
            actor=actor,
        )
        for number, stance, note in links:
            evidence_service.link_to_judgement(
                session, item, key_judgements[number], stance=Stance(stance), note=note, actor=actor
            )


def _grade(session: Session, review: Review, users: dict[str, User]) -> None:
    graders = {n: [email for email, _, numbers in TEAM if n in numbers] for n in BASE}
    for target in grading.judgement_targets(session, review):
        for email in graders[target.area_number]:
            value = DEPARTURES.get((target.slug, email), BASE[target.area_number])
            what = target.text if not target.is_area else f"{target.area_title}, taken as a whole."
            grader = users[email]
            grading.submit_grade(
                session,
                review,
                target,
                GradeSubmission(value, RATIONALE[value].format(what=what), "medium", ()),
                grader=grader,
                access=review_service.access_for(grader, review),
                expected_version=None,
            )


def _agree(session: Session, review: Review, lead: User) -> None:
    access = review_service.access_for(lead, review)
    for area_pass in (False, True):  # key judgements first: area grades derive from them
        for item in moderation.moderation_items(session, review):
            target = item.target
            if target.is_area is not area_pass:
                continue
            if target.is_area:
                value = item.derivation.value if item.derivation else BASE[target.area_number]
            else:
                grades = [g.value for g in item.team_grades]
                value = derive_area_grade(grades, "rounded_median") or BASE[target.area_number]
            reasons = (
                f"The team agreed {target.label} at the moderation meeting, weighing the case "
                "files and interviews."
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


def _write_report(session: Session, review: Review, users: dict[str, User]) -> None:
    author = users[CLARE]
    lead = users[GRACE]
    access = review_service.access_for(author, review)
    texts = dict(FRONT_TEXT)
    for number, (narrative, strengths, weaknesses) in AREA_TEXT.items():
        texts[f"area-{number}-narrative"] = narrative
        texts[f"area-{number}-strengths"] = strengths
        texts[f"area-{number}-weaknesses"] = weaknesses
    for key, body in texts.items():
        report_drafting.save_section(
            session, review, key, body, expected_version=None, actor=author, access=access
        )
    # A second draft of the main findings, so the section has a history to compare.
    findings = report_drafting.section_or_none(session, review, "main-findings")
    report_drafting.save_section(
        session,
        review,
        "main-findings",
        findings.body_md + "\n\nThe authority's own assessment was accurate in most areas.",
        expected_version=findings.version,
        actor=lead,
        access=review_service.access_for(lead, review),
    )
    areas = {a.number: a for a in review.rubric.areas}
    for band, area, text, body in RECOMMENDATIONS:
        report_drafting.add_recommendation(
            session,
            review,
            RecommendationDetails(text, band.value, areas[area].id, body),
            actor=lead,
            access=review_service.access_for(lead, review),
        )


def _factual_accuracy(session: Session, review: Review, users: dict[str, User]) -> None:
    authority_user = users[AUTHORITY_EMAIL]
    author = users[CLARE]
    authority_access = review_service.access_for(authority_user, review)
    population = factual_accuracy.raise_comment(
        session,
        review,
        section_key="context",
        passage="a population of about 162,000",
        comment="The 2007 mid-year estimate is 164,000 (Office for National Statistics).",
        actor=authority_user,
        access=authority_access,
    )
    thresholds = factual_accuracy.raise_comment(
        session,
        review,
        section_key="area-2-narrative",
        passage="thresholds are applied unevenly",
        comment="Our own audit found thresholds applied correctly in 92% of referrals.",
        actor=authority_user,
        access=authority_access,
    )
    author_access = review_service.access_for(author, review)
    context = report_drafting.section_or_none(session, review, "context")
    factual_accuracy.answer_comment(
        session,
        review,
        population,
        accept=True,
        reply="Thank you: corrected to 164,000.",
        expected_version=population.version,
        actor=author,
        access=author_access,
        revised_text=context.body_md.replace("about 162,000", "about 164,000"),
        section_version=context.version,
    )
    factual_accuracy.answer_comment(
        session,
        review,
        thresholds,
        accept=False,
        reply="The team's multi-agency audit of 60 cases found thresholds applied unevenly; "
        "the finding stands.",
        expected_version=thresholds.version,
        actor=author,
        access=author_access,
    )


def _action_plan(
    session: Session, review: Review, users: dict[str, User], published_on: date
) -> None:
    authority_user = users[AUTHORITY_EMAIL]
    access = review_service.access_for(authority_user, review)
    recommendations = [
        rec
        for _, rec in report_drafting.numbered(report_drafting.recommendations_for(session, review))
    ]
    by_text = {rec.text_md: rec for rec in recommendations}
    for index, actions in ACTIONS.items():
        rec = by_text[RECOMMENDATIONS[index][2]]
        for description, owner, days_after, status in actions:
            action_plans.add_action(
                session,
                review,
                rec,
                ActionDetails(
                    description=description,
                    owner=owner,
                    target_on=add_working_days(published_on, days_after),
                    status=status.value,
                    progress_note=(
                        "Guidance issued; training delivered to 140 staff."
                        if status is ActionStatus.COMPLETED
                        else ""
                    ),
                ),
                actor=authority_user,
                access=access,
            )
    action_plans.submit_plan(session, review, actor=authority_user, access=access)
