"""The national view counts grades in the database, grouped by judgement target (a key
judgement or an area, by id), and adds together the targets that are one judgement: the
same number in reviews on different revisions of one rubric. These tests hold those
figures to the ones worked out row by row from the same grades, and check a judgement
that two revisions share. Fictional data only."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pandas as pd
from sqlalchemy import select

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.national_aggregates import (
    disagreement_by_judgement,
    grade_distribution,
    self_evaluation_calibration,
)
from inspect_app.domain.phases import PHASE_ORDER, Phase
from inspect_app.domain.rubric import RubricSpec
from inspect_app.models import AgreedGrade, Grade, SelfEvaluation
from inspect_app.services.national_view import national_view
from inspect_app.services.rubric_library import load_rubric
from tests.national_helpers import NationalBuilder, Plan

TODAY = date(2027, 1, 10)
REVISED_2_3 = "Revised wording: children are safe from abuse and neglect."


def revised(spec: RubricSpec) -> RubricSpec:
    """The rubric reworded: a second revision of the same key, with new wording for key
    judgement 2.3 and a new title for area 1."""
    areas = []
    for area in spec.areas:
        kjs = tuple(
            dataclasses.replace(kj, text=REVISED_2_3) if kj.number == "2.3" else kj
            for kj in area.key_judgements
        )
        title = "Being healthy (revised)" if area.number == 1 else area.title
        areas.append(dataclasses.replace(area, title=title, key_judgements=kjs))
    return dataclasses.replace(spec, areas=tuple(areas), content_hash="revised-for-a-test")


def test_a_judgement_shared_by_two_revisions_of_a_rubric(make, session, rubric_specs):
    first = make.rubric("jar-2005")
    second = load_rubric(session, revised(rubric_specs["jar-2005"])).rubric
    assert (second.key, second.revision) == ("jar-2005", first.revision + 1)
    build = NationalBuilder(make)
    lead = make.inspector(Inspectorate.OFSTED)
    place = build.authority("Wetherfold Council", "North East")
    # The earliest review has provisional grades only; agreed wording still comes first.
    build.review(
        Plan(place, lead, phase=Phase.MODERATION, rubric=first, provisional={"2.3": [4, 1]})
    )
    build.review(
        Plan(
            build.authority("Ashcombe Council", "North East"),
            lead,
            rubric=second,
            agreed={"1": 3, "2.3": 2},
            provisional={"2.3": [1, 3]},
            self_grades=[{"1": 3, "2.3": 3}],
            published_on=date(2026, 5, 1),
        )
    )
    build.review(
        Plan(
            build.authority("Brindle Moor Council", "South West"),
            lead,
            rubric=first,
            agreed={"1": 4, "2.3": 3},
            provisional={"2.3": [2, 2]},
            self_grades=[{"2.3": 2}],
            published_on=date(2026, 6, 1),
        )
    )
    # Grading closed, but nobody graded a judgement twice: graded, with no spread.
    build.review(
        Plan(
            build.authority("Cold Harbour Council", "South West"),
            lead,
            phase=Phase.DRAFTING,
            rubric=first,
            provisional={"1.1": [3], "2.3": [2]},
        )
    )
    session.commit()

    view = national_view(session, today=TODAY)

    assert [(d.judgement, d.reviews, d.max_spread) for d in view.disagreement] == [
        ("jar-2005 2.3", 3, 3)  # spreads 3, 2 and 0, over both revisions
    ]
    assert view.disagreement[0].mean_spread == 5 / 3
    assert view.graded_reviews == 4
    by_judgement = {c.key: (c.n, c.mean_deviation) for c in view.calibration.by_judgement}
    assert by_judgement == {"jar-2005 2.3": (2, 0.0), "jar-2005 1": (1, 0.0)}
    assert view.calibrated_reviews == 2
    [healthy] = view.distribution.overall
    assert (healthy.area, healthy.counts, healthy.total) == (
        "being-healthy",
        {1: 0, 2: 0, 3: 1, 4: 1},
        2,
    )
    assert view.area_title("being-healthy") == "Being healthy"  # the later review's
    assert view.judgements["jar-2005 2.3"].text == REVISED_2_3  # the first agreed grade's
    assert view.judgements["jar-2005 1"].text == "Being healthy (revised) (overall)"
    assert view.judgements["jar-2005 1.1"].number == "1.1"  # provisional grades only


def random_programme(make, session, rubric_specs, seed: int) -> None:
    """A dozen reviews in every phase with grades drawn at random, a few of them on a
    second revision of the rubric, some with an earlier self-evaluation return."""
    rng = random.Random(seed)
    revisions = [
        make.rubric("jar-2005"),
        load_rubric(session, revised(rubric_specs["jar-2005"])).rubric,
    ]
    numbers = ["1", "2", "1.1", "1.2", "2.3", "2.7"]
    build = NationalBuilder(make)
    leads = [make.inspector(Inspectorate.OFSTED), make.inspector(Inspectorate.CSCI)]
    for n in range(12):
        phase = PHASE_ORDER[n % len(PHASE_ORDER)]
        graded = phase.is_at_least(Phase.MODERATION)
        picked = rng.sample(numbers, 4)
        build.review(
            Plan(
                build.authority(f"Randfold Council {seed}-{n}", rng.choice(["East", "West"])),
                rng.choice(leads),
                phase=phase,
                rubric=rng.choice(revisions),
                agreed={k: rng.randint(1, 4) for k in picked} if graded else {},
                provisional={
                    k: [rng.randint(1, 4) for _ in range(rng.randint(1, 3))] for k in picked
                },
                self_grades=[
                    {k: rng.choice([None, 1, 2, 3, 4]) for k in rng.sample(numbers, 4)}
                    for _ in range(rng.randint(0, 2))
                ],
                published_on=date(2026, 1 + n % 12, 1)
                if phase.is_at_least(Phase.PUBLISHED)
                else None,
            )
        )
    session.commit()


def row_by_row(session, view):
    """The view's figures worked out from every grade row, with the DataFrame forms."""
    reviews = {r.review_id: r for r in view.reviews}
    published = {i for i, r in reviews.items() if r.phase.is_at_least(Phase.PUBLISHED)}
    closed = {i for i, r in reviews.items() if r.phase.is_at_least(Phase.MODERATION)}

    def judgement(grade) -> str:
        number = grade.key_judgement.number if grade.key_judgement_id else str(grade.area.number)
        return f"{reviews[grade.review_id].rubric_key} {number}"

    def target(row) -> tuple:
        return ("kj", row.key_judgement_id) if row.key_judgement_id else ("area", row.area_id)

    agreed = [a for a in session.scalars(select(AgreedGrade)) if a.review_id in published]
    areas = sorted(
        (a for a in agreed if a.area_id),
        key=lambda a: (reviews[a.review_id].rubric_key, a.area.number, a.review_id, a.id),
    )
    distribution = grade_distribution(
        pd.DataFrame(
            [
                (
                    a.review_id,
                    a.area.code,
                    a.value,
                    reviews[a.review_id].region,
                    reviews[a.review_id].lead_inspectorate_label or "No lead",
                )
                for a in areas
            ],
            columns=["review_id", "area", "grade", "region", "lead_inspectorate"],
        )
    )
    grades = [g for g in session.scalars(select(Grade)) if g.review_id in closed]
    disagreement = disagreement_by_judgement(
        pd.DataFrame(
            [(g.review_id, judgement(g), g.grader_id, g.value) for g in grades],
            columns=["review_id", "judgement", "inspector", "grade"],
        )
    )
    latest: dict[int, SelfEvaluation] = {}
    for returned in session.scalars(select(SelfEvaluation).order_by(SelfEvaluation.version)):
        if returned.review_id in published:
            latest[returned.review_id] = returned  # the highest version last
    by_target = {(a.review_id, target(a)): a for a in agreed}
    compared = [
        (reviews[r.review_id].authority_code, judgement(a), e.grade, a.value, r.review_id)
        for r in latest.values()
        for e in r.entries
        if e.grade is not None and (a := by_target.get((r.review_id, target(e))))
    ]
    calibration = self_evaluation_calibration(
        pd.DataFrame(
            [row[:4] for row in compared],
            columns=["authority_code", "judgement", "self_grade", "agreed_grade"],
        )
    )
    return {
        "distribution": distribution,
        "disagreement": disagreement,
        "calibration": calibration,
        "graded_reviews": len({g.review_id for g in grades}),
        "calibrated_reviews": len({row[4] for row in compared}),
    }


def test_grouped_figures_match_the_figures_row_by_row(make, session, rubric_specs):
    for seed in (1, 2):
        random_programme(make, session, rubric_specs, seed)
        view = national_view(session, today=TODAY)
        expected = row_by_row(session, view)
        assert view.disagreement, "the random programme should have some disagreement"
        assert view.calibration.by_judgement, "… and self-grades to compare"
        got = {name: getattr(view, name) for name in expected}
        assert got == expected
