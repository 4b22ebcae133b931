"""Who may use which route, in which phase: the authorisation matrix, written down once.

Every endpoint in the application's URL map has an entry in :data:`EXPECTATIONS` naming a
rule from :data:`RULES` (one rule for every method, or a rule per method). A key
``"endpoint[variant]"`` is an extra case for the same endpoint with different objects in
its URL (a restricted evidence item rather than an ordinary one). The matrix test fails
for a route with no entry, so a new route cannot be forgotten.

The rules are stated here from the product's rules (README, domain/JAR.md and each view's
docstring), independently of ``inspect_app.domain.permissions``, so that a change to the
application's permissions shows up as a difference between the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from inspect_app.domain.phases import PHASE_ORDER, Phase


class Who(StrEnum):
    """The kinds of user the matrix tries on every route."""

    ANONYMOUS = "anonymous"
    ADMINISTRATOR = "administrator"
    LEAD = "lead inspector of the review"
    INSPECTOR = "inspector of the review"
    OTHER_INSPECTOR = "inspector of another review"
    AUTHOR = "report author of the review"
    AUTHORITY = "authority user of the review's authority"
    OTHER_AUTHORITY = "authority user of another authority"
    PROGRAMME_LEAD = "programme lead (an inspector who sees the national view)"


TEAM = frozenset({Who.LEAD, Who.INSPECTOR, Who.AUTHOR})
SIGNED_IN = frozenset(Who) - {Who.ANONYMOUS}
# People outside the review: a review-scoped page must answer them 404, never 403, so they
# cannot even learn that the review exists.
OUTSIDERS = frozenset({Who.OTHER_INSPECTOR, Who.OTHER_AUTHORITY, Who.PROGRAMME_LEAD})

# The phases the matrix walks through: those that change what somebody may see or do. The
# rules below cover every phase; to keep the matrix quick it tries these five (drafting
# allows what the factual accuracy check allows, less the authority's reading of the draft;
# the action plan phase allows what the published phase allows).
PHASES = (
    Phase.SELF_ASSESSMENT,
    Phase.FIELDWORK,
    Phase.MODERATION,
    Phase.FACTUAL_ACCURACY,
    Phase.PUBLISHED,
)
# A programme lead sees the national view but is on no review: tried on review pages in one
# phase only (where the most is visible), to keep the matrix quick.
PHASES_FOR = {Who.PROGRAMME_LEAD: (Phase.PUBLISHED,)}

ANY_PHASE = frozenset(Phase)


def from_(phase: Phase) -> frozenset[Phase]:
    """``phase`` and every phase after it."""
    return frozenset(p for p in PHASE_ORDER if p.is_at_least(phase))


def before(phase: Phase) -> frozenset[Phase]:
    return ANY_PHASE - from_(phase)


def only(*phases: Phase) -> frozenset[Phase]:
    return frozenset(phases)


@dataclass(frozen=True)
class Grant:
    who: frozenset[Who]
    phases: frozenset[Phase] = ANY_PHASE


def grant(*who: Who | frozenset[Who], phases: frozenset[Phase] = ANY_PHASE) -> Grant:
    people: set[Who] = set()
    for w in who:
        people |= w if isinstance(w, frozenset) else {w}
    return Grant(frozenset(people), phases)


@dataclass(frozen=True)
class Rule:
    description: str
    grants: tuple[Grant, ...] = field(default=())

    @property
    def grants_anyone(self) -> bool:
        """A public route: anonymous callers are answered, not sent to sign in."""
        return any(Who.ANONYMOUS in g.who for g in self.grants)

    def allows(self, who: Who, phase: Phase | None) -> bool:
        """``phase`` is None for routes that do not belong to a review."""
        return any(who in g.who and (phase is None or phase in g.phases) for g in self.grants)


def rule(description: str, *grants: Grant) -> Rule:
    return Rule(description, grants)


GRADING_OPEN = only(Phase.ANALYSIS, Phase.FIELDWORK)
EVIDENCE_OPEN = from_(Phase.SET_UP) - from_(Phase.PUBLISHED)
DRAFTING = only(Phase.DRAFTING, Phase.FACTUAL_ACCURACY)
AFTER_PUBLICATION = only(Phase.PUBLISHED, Phase.ACTION_PLAN)

RULES: dict[str, Rule] = {
    # --- not about one review
    "public": rule("anyone, signed in or not", grant(frozenset(Who))),
    "authenticated": rule("anyone signed in", grant(SIGNED_IN)),
    "admin": rule("administrators only; anyone else gets 404", grant(Who.ADMINISTRATOR)),
    "programme": rule(
        "administrators and programme leads (the national view); anyone else gets 404",
        grant(Who.ADMINISTRATOR, Who.PROGRAMME_LEAD),
    ),
    "indicator readers": rule(
        "inspectors, administrators and the authority's own users (published statistics)",
        grant(SIGNED_IN - {Who.OTHER_AUTHORITY}),
    ),
    "token owner": rule(
        "the token's owner only (the matrix uses a token of the lead inspector)", grant(Who.LEAD)
    ),
    # --- a review's pages
    "viewers": rule(
        "the team, administrators and the review's authority",
        grant(TEAM, Who.ADMINISTRATOR, Who.AUTHORITY),
    ),
    "team+admin": rule(
        "the team's working (evidence, team): the team and administrators, never the authority",
        grant(TEAM, Who.ADMINISTRATOR),
    ),
    "team": rule(
        "the team's inspectors only: provisional grades and restricted evidence (not "
        "administrators, not the authority)",
        grant(TEAM),
    ),
    "team from moderation": rule(
        "the team's inspectors, once grades are unblinded at moderation",
        grant(TEAM, phases=from_(Phase.MODERATION)),
    ),
    "graders": rule(
        "the lead and inspectors who grade (not the report author)", grant(Who.LEAD, Who.INSPECTOR)
    ),
    "graders while grading is open": rule(
        "the lead and inspectors, in analysis and fieldwork only",
        grant(Who.LEAD, Who.INSPECTOR, phases=GRADING_OPEN),
    ),
    "evidence writers": rule(
        "the lead and inspectors, from set-up until publication",
        grant(Who.LEAD, Who.INSPECTOR, phases=EVIDENCE_OPEN),
    ),
    "lead": rule("the lead inspector", grant(Who.LEAD)),
    "lead+admin": rule("the lead inspector and administrators", grant(Who.LEAD, Who.ADMINISTRATOR)),
    "lead before moderation": rule(
        "the lead inspector, while grades are still open (before moderation)",
        grant(Who.LEAD, phases=before(Phase.MODERATION)),
    ),
    "lead during moderation": rule(
        "the lead inspector, in the moderation phase only",
        grant(Who.LEAD, phases=only(Phase.MODERATION)),
    ),
    "team+authority": rule(
        "the team and the review's authority (the self-evaluation; not administrators)",
        grant(TEAM, Who.AUTHORITY),
    ),
    "authority during self-assessment": rule(
        "the review's authority, in the self-assessment phase only",
        grant(Who.AUTHORITY, phases=only(Phase.SELF_ASSESSMENT)),
    ),
    "report readers": rule(
        "the team always; the authority from the factual accuracy check; administrators "
        "once published",
        grant(TEAM),
        grant(Who.AUTHORITY, phases=from_(Phase.FACTUAL_ACCURACY)),
        grant(Who.ADMINISTRATOR, phases=from_(Phase.PUBLISHED)),
    ),
    "published report readers": rule(
        "the team, the authority and administrators, once the report is published",
        grant(TEAM, Who.AUTHORITY, Who.ADMINISTRATOR, phases=from_(Phase.PUBLISHED)),
    ),
    "draft readers": rule(
        "the team; the authority during the factual accuracy check",
        grant(TEAM),
        grant(Who.AUTHORITY, phases=only(Phase.FACTUAL_ACCURACY)),
    ),
    "report writers while drafting": rule(
        "the report author and the lead, in drafting and the factual accuracy check",
        grant(Who.LEAD, Who.AUTHOR, phases=DRAFTING),
    ),
    "lead during factual accuracy": rule(
        "the lead inspector, in the factual accuracy check (publishing)",
        grant(Who.LEAD, phases=only(Phase.FACTUAL_ACCURACY)),
    ),
    "lead after publication": rule(
        "the lead inspector, while published or in the action plan phase (re-issue)",
        grant(Who.LEAD, phases=AFTER_PUBLICATION),
    ),
    "lead from publication": rule(
        "the lead inspector, once published (making the report public)",
        grant(Who.LEAD, phases=from_(Phase.PUBLISHED)),
    ),
    "team+authority from factual accuracy": rule(
        "the team and the authority, from the factual accuracy check",
        grant(TEAM, Who.AUTHORITY, phases=from_(Phase.FACTUAL_ACCURACY)),
    ),
    "team+authority from publication": rule(
        "the team and the authority, once published (following the action plan)",
        grant(TEAM, Who.AUTHORITY, phases=from_(Phase.PUBLISHED)),
    ),
    "authority after publication": rule(
        "the review's authority, while published or in the action plan phase",
        grant(Who.AUTHORITY, phases=AFTER_PUBLICATION),
    ),
    "public after publication": rule(
        "anyone, signed in or not, once published (the report is marked public in every "
        "phase of the matrix, so this also checks a draft is never shown publicly)",
        grant(frozenset(Who), phases=from_(Phase.PUBLISHED)),
    ),
}

# endpoint -> rule name, or {method: rule name}
EXPECTATIONS: dict[str, str | dict[str, str]] = {
    # --- public and sign-in
    "static": "public",
    "govuk_assets": "public",
    "dashboard.accessibility": "public",
    "dashboard.privacy": "public",
    "dashboard.healthz": "public",
    "auth.sign_in": "public",
    "auth.sign_out": "authenticated",
    "dashboard.index": "authenticated",
    "profile.index": "authenticated",
    "profile.create_token": "authenticated",
    "profile.revoke_token": "token owner",
    "rubrics.index": "authenticated",
    "rubrics.show": "authenticated",
    "public.stylesheet": "public",
    "public.report": "public after publication",
    "public.children_summary": "public after publication",
    # --- administration
    "admin.index": "admin",
    "admin.users": "admin",
    "admin.new_user": "admin",
    "admin.edit_user": "admin",
    "admin.authorities": "admin",
    "admin.edit_authority": "admin",
    "admin.new_review": "admin",
    # --- the review and its team
    "reviews.overview": "viewers",
    "reviews.advance": "lead",
    "reviews.team": "team+admin",
    "reviews.add_member": "lead+admin",
    "reviews.edit_member": "lead+admin",
    "reviews.remove_member": "lead+admin",
    "reviews.dates": "lead+admin",
    "reviews.declaration": "team",
    # --- evidence and tracked cases
    "evidence.index": "team+admin",
    "evidence.coverage": "team+admin",
    "evidence.show": "team+admin",
    "evidence.show[restricted]": "team",
    "evidence.download": "team+admin",
    "evidence.download[restricted]": "team",
    "evidence.new": "evidence writers",
    "evidence.edit": "evidence writers",
    "evidence.edit[restricted]": "evidence writers",
    "evidence.delete": "evidence writers",
    "evidence.link": "evidence writers",
    "evidence.unlink": "evidence writers",
    "tracked_cases.index": "team",
    "tracked_cases.show": "team",
    "tracked_cases.new": "evidence writers",
    "tracked_cases.add_contact": "evidence writers",
    "tracked_cases.add_finding": "evidence writers",
    # --- self-evaluation
    "self_evaluation.index": "team+authority",
    "self_evaluation.workbook": "team+authority",
    "self_evaluation.version": "team+authority",
    "self_evaluation.file": "team+authority",
    "self_evaluation.compare": "team+authority",
    "self_evaluation.upload": "authority during self-assessment",
    # --- grading, reconciliation, moderation
    "grading.my_judgements": "graders",
    "grading.grade": {"GET": "graders", "POST": "graders while grading is open"},
    "grading.history": "team",
    "grading.team": "lead",
    "grading.allow": "lead before moderation",
    "grading.reconciliation": "team",
    "grading.calibration": "team from moderation",
    "grading.moderation": "team from moderation",
    "grading.lineage": "team from moderation",
    "grading.agree": {"GET": "team from moderation", "POST": "lead during moderation"},
    # --- the report
    "report.index": "report readers",
    "report.download": "report readers",
    "report.section": "report writers while drafting",
    "report.history": "team",
    "report.new_recommendation": "report writers while drafting",
    "report.edit_recommendation": "report writers while drafting",
    "report.remove_recommendation": "report writers while drafting",
    "report.publish": "lead during factual accuracy",
    "report.reissue": "lead after publication",
    "report.publicity": "lead from publication",
    "report.accuracy": "team+authority from factual accuracy",
    "report.answer": "team+authority from factual accuracy",
    "report.action_plan": "team+authority from publication",
    "report.submit_plan": "authority after publication",
    "report.new_action": "authority after publication",
    "report.edit_action": "authority after publication",
    "report.remove_action": "authority after publication",
    # --- performance data and the national programme
    "performance.index": "viewers",
    "performance.record_evidence": "evidence writers",
    "performance.export_pdf": "viewers",
    "performance.export_html": "viewers",
    "performance.export_xlsx": "viewers",
    "performance.pack_stylesheet": "public",
    "performance.import_data": "admin",
    "national.index": "programme",
    "national.export_csv": "programme",
    "national.export_xlsx": "programme",
    # --- the JSON API (anonymous callers get 401 rather than a sign-in redirect)
    "api.openapi_document": "public",
    "api.list_reviews": "authenticated",
    "api.get_review": "viewers",
    "api.list_rubrics": "authenticated",
    "api.get_rubric": "authenticated",
    "api.list_evidence": "team+admin",
    "api.get_evidence": "team+admin",
    "api.get_evidence[restricted]": "team",
    "api.list_grades": "viewers",
    "api.list_reports": "authenticated",
    "api.list_indicators": "authenticated",
    "api.authority_indicators": "indicator readers",
    "api.reconciliation": "team",
    "api.my_grade": "graders",
    "api.put_grade": "graders while grading is open",
    "api.put_agreed_grade": "lead during moderation",
    "api.published_report": "published report readers",
    "api.get_section": "draft readers",
    "api.put_section": "report writers while drafting",
}


def base_endpoint(key: str) -> str:
    return key.split("[", 1)[0]


def variant_of(key: str) -> str | None:
    return key[len(base_endpoint(key)) + 1 : -1] if "[" in key else None


def rule_for(key: str, method: str) -> Rule:
    entry = EXPECTATIONS[key]
    name = entry if isinstance(entry, str) else entry[method]
    return RULES[name]


def expected_allowed(key: str, method: str, who: Who, phase: Phase | None) -> bool:
    return rule_for(key, method).allows(who, phase)
