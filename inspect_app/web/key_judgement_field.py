"""The "which key judgement?" select that evidence links and tracked-case findings share."""

from __future__ import annotations

from wtforms import SelectField

from inspect_app.extensions import db
from inspect_app.models import KeyJudgement
from inspect_app.services.evidence import key_judgements_for

PLACEHOLDER = (0, "Choose a key judgement")


def judgement_label(key_judgement: KeyJudgement, width: int = 90) -> str:
    """``2.3 The incidence of child abuse…``, shortened to ``width`` characters of text."""
    text = key_judgement.text
    if len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return f"{key_judgement.number} {text}"


def offer_key_judgements(field: SelectField, rubric_id: int) -> None:
    """Fill the select with the rubric's key judgements, after a "choose" placeholder."""
    field.choices = [PLACEHOLDER] + [
        (kj.id, judgement_label(kj)) for kj in key_judgements_for(db.session, rubric_id)
    ]


def chosen_key_judgement(field: SelectField) -> KeyJudgement | None:
    """The key judgement picked in ``field``, or None with the field's error set.

    Whether it belongs to the review's rubric is the service's check, not the form's."""
    key_judgement = db.session.get(KeyJudgement, field.data or 0)
    if key_judgement is None:
        field.errors = ["Select a key judgement"]
    return key_judgement
