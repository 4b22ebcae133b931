"""Forms for grading and moderation. Grade choices come from the review's rubric."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import HiddenField, RadioField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from inspect_app.domain.rubric import BestEnd, GradeScale
from inspect_app.models.grading import Confidence
from inspect_app.services.grading import RATIONALE_MAX
from inspect_app.services.moderation import REASONS_MAX


def grade_choices(scale: GradeScale) -> list[tuple[int, str]]:
    """Best grade first, as the rubric pages list them."""
    points = sorted(scale.points, key=lambda p: p.value, reverse=scale.best is BestEnd.HIGHEST)
    return [(p.value, f"{p.value} – {p.label}") for p in points]


def version_of(raw: str | None) -> int | None:
    """The hidden version field: empty for a first save, else the version the page showed."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


class GradeForm(FlaskForm):
    grade = RadioField(
        "Your grade",
        coerce=int,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a grade")],
    )
    rationale = TextAreaField(
        "Rationale",
        widget=GovTextArea(),
        description="Say what the grade rests on: the evidence, what you saw and heard, and "
        "how it measures against the grade descriptors.",
        validators=[
            DataRequired(message="Enter the rationale for your grade"),
            Length(
                max=RATIONALE_MAX,
                message=f"The rationale must be {RATIONALE_MAX:,} characters or fewer",
            ),
        ],
    )
    confidence = RadioField(
        "How confident are you in this grade?",
        choices=[(c.value, c.label) for c in Confidence],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how confident you are in this grade")],
    )
    evidence = SelectMultipleField(
        "Evidence this grade rests on",
        coerce=int,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    version = HiddenField()
    submit = SubmitField("Submit grade", widget=GovSubmitInput())

    def strip_rationale(self) -> str:
        return (self.rationale.data or "").strip()


class AgreedGradeForm(FlaskForm):
    grade = RadioField(
        "Agreed grade",
        coerce=int,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the agreed grade")],
    )
    reasons = TextAreaField(
        "Reasons",
        widget=GovTextArea(),
        validators=[
            Length(
                max=REASONS_MAX, message=f"The reasons must be {REASONS_MAX:,} characters or fewer"
            ),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Record agreed grade", widget=GovSubmitInput())


class AllowanceForm(FlaskForm):
    may_grade_any = HiddenField(validators=[InputRequired()])
