"""A small demo-like world for API tests, built with the test factories. Fictional only.

- ``review``: in fieldwork (the grading world: lead, Ofsted, CSCI, Healthcare Commission,
  generalist, report author), with partly disagreeing grades on 2.3, an open and a
  restricted evidence item, and the authority's self-evaluation;
- ``published``: another authority's review whose report is published;
- with ``full=True`` also ``moderation`` (no agreed grades yet) and ``drafting`` (no report
  written yet) reviews, for the operations that write;
- two catalogue indicators (and one retired) with figures for both reviews' authorities;
- ``authority_user`` of ``review``'s authority, ``other_authority_user`` of ``published``'s,
  an ``outsider`` inspector on no team, and an ``admin``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from inspect_app.domain.evidence import EvidenceKind
from inspect_app.domain.phases import Phase
from inspect_app.models import (
    Authority,
    EvidenceItem,
    EvidenceLink,
    Indicator,
    IndicatorValue,
    Review,
    User,
)
from inspect_app.services import api_tokens
from tests.grading_helpers import GradingWorld, submit


@dataclass
class ApiWorld:
    grading: GradingWorld
    review: Review
    published: Review
    open_item: EvidenceItem
    restricted_item: EvidenceItem
    authority_user: User
    other_authority_user: User
    outsider: User
    admin: User
    moderation: Review | None = None
    drafting: Review | None = None
    tokens: dict[int, str] = field(default_factory=dict)

    @classmethod
    def build(cls, make, *, full: bool = False) -> ApiWorld:
        grading = GradingWorld.build(make, Phase.FIELDWORK)
        session = make.session
        submit(grading, grading.ofsted, "kj-2.3", 4, "Ofsted: strong multi-agency work.", "high")
        submit(grading, grading.generalist, "kj-2.3", 2, "CSCI: referrals wait too long.", "low")
        open_item = _evidence(grading.review, "Minutes of the safeguarding board", "2.3")
        restricted_item = _evidence(
            grading.review, "Case file reading record CF-0007", "2.3", restricted=True
        )
        published = make.review_in(Phase.PUBLISHED)
        _indicators(session, [grading.review.authority, published.authority])
        world = cls(
            grading=grading,
            review=grading.review,
            published=published,
            open_item=open_item,
            restricted_item=restricted_item,
            authority_user=make.authority_user(grading.review.authority),
            other_authority_user=make.authority_user(published.authority),
            outsider=make.inspector(),
            admin=make.administrator(),
            moderation=make.review_in(Phase.MODERATION) if full else None,
            drafting=make.review_in(Phase.DRAFTING) if full else None,
        )
        session.commit()
        return world

    def token(self, user: User) -> dict[str, str]:
        """The Authorization header of a personal API token of ``user`` (one per user)."""
        if user.id not in self.tokens:
            new = api_tokens.create_token(self.grading.session, user, "API tests")
            self.grading.session.commit()
            self.tokens[user.id] = new.secret
        return {"Authorization": f"Bearer {self.tokens[user.id]}"}


def _evidence(review: Review, title: str, kj_number: str, *, restricted: bool = False):
    from inspect_app.extensions import db

    item = EvidenceItem(
        review_id=review.id,
        title=title,
        kind=(EvidenceKind.CASE_FILE if restricted else EvidenceKind.DOCUMENT).value,
        source="Testmoor Children's Trust",
        gathered_on=date(2026, 11, 3),
        inspectorate="ofsted",
        is_restricted=restricted,
    )
    kj = next(k for a in review.rubric.areas for k in a.key_judgements if k.number == kj_number)
    item.links.append(EvidenceLink(key_judgement=kj, stance="supports"))
    db.session.add(item)
    db.session.flush()
    return item


INDICATORS = (
    # code, title, outcome, higher is better, in the catalogue
    (
        "TEST-PLACEMENT-STABILITY",
        "Children in care in the same placement for two years",
        "looked-after-children",
        True,
        True,
    ),
    (
        "TEST-REFERRALS-REPEAT",
        "Re-referrals to children's social care within a year",
        "staying-safe",
        False,
        True,
    ),
    ("TEST-RETIRED", "An indicator no longer in the catalogue", "being-healthy", True, False),
)


def _indicators(session, authorities: list[Authority]) -> None:
    """Catalogue rows and figures made directly: 2005-06 and 2006-07 for each authority."""
    for position, (code, title, outcome, higher, current) in enumerate(INDICATORS):
        indicator = Indicator(
            code=code,
            title=title,
            outcome=outcome,
            unit="percent",
            higher_is_better=higher,
            key_judgements=["2.7"],
            description="Fictional test indicator.",
            source="Testmoor statistics",
            decimals=1,
            position=position,
            in_catalogue=current,
            catalogue_version="test-1",
            catalogue_digest="0" * 64,
        )
        session.add(indicator)
        for n, authority in enumerate(authorities):
            for period, value in (("2005-06", 60.0 + n), ("2006-07", 62.5 + n)):
                session.add(
                    IndicatorValue(
                        authority=authority, indicator=indicator, period=period, value=value
                    )
                )
    session.flush()
