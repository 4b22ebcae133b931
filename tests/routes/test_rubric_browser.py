"""The rubric browser shows everything in the rubric file: areas, key judgements, descriptors,
evidence prompts, the scale and who usually leads each area."""

from __future__ import annotations

import pytest

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.models import Rubric


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("key", ["jar-2005", "jar-2007"])
def test_every_part_of_the_shipped_rubric_is_shown(make, pages, session, rubric_specs, key):
    inspector = make.inspector()
    rubric = make.rubric(key)
    make.session.commit()
    spec = rubric_specs[key]
    pages.sign_in(inspector)

    index = pages.get("/rubrics/")
    assert spec.title in index.get_text()
    page = pages.get(f"/rubrics/{rubric.id}")
    assert pages.text(page, "h1") == spec.title
    assert spec.content_hash in page.get_text()
    scale = pages.text(page, "[data-testid=grade-scale]")
    for point in spec.grade_scale.points:
        assert point.label in scale and squash(point.descriptor) in scale

    for area in spec.areas:
        section = page.select_one(f"#area-{area.number}")
        assert section is not None, area.title
        text = squash(section.get_text(" "))
        assert f"{area.number}. {area.title}" in text
        for code in area.lead_inspectorates:
            assert Inspectorate(code).label in text
        for descriptor in area.descriptors.values():
            assert squash(descriptor) in text
        for kj in area.key_judgements:
            block = section.select_one(f"[id='kj-{kj.number}']")
            assert block is not None, kj.number
            shown = squash(block.get_text(" "))
            assert squash(f"{kj.number} {kj.text}") in shown
            for prompt in kj.evidence_prompts:
                assert squash(prompt) in shown, (kj.number, prompt)
            for descriptor in kj.descriptors.values():
                assert squash(descriptor) in shown, (kj.number, descriptor)
    assert len(page.select(".app-key-judgement")) == sum(len(a.key_judgements) for a in spec.areas)


def test_an_unknown_rubric_is_404_and_signed_out_people_sign_in(make, pages, client):
    response = client.get("/rubrics/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    inspector = make.inspector()
    make.session.commit()
    pages.sign_in(inspector)
    missing = (make.session.query(Rubric.id).count() or 0) + 1000
    pages.get(f"/rubrics/{missing}", status=404)
