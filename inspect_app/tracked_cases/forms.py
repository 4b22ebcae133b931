from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from inspect_app.domain.evidence import CASE_REFERENCE_MAX, LINK_NOTE_MAX, NOTES_MAX
from inspect_app.evidence.forms import STANCE_CHOICES, DateInput
from inspect_app.services.case_tracking import AGE_GROUPS, SERVICE_MAX


class CaseForm(FlaskForm):
    reference = StringField(
        "Case reference",
        description="A pseudonymous reference agreed with the authority, like NMB-CT-04. "
        "Never use a child's name or initials.",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the case reference"),
            Length(
                max=CASE_REFERENCE_MAX,
                message=f"Case reference must be {CASE_REFERENCE_MAX} characters or fewer",
            ),
        ],
    )
    age_group = SelectField(
        "Age group (optional)",
        choices=[("", "Not recorded")] + [(g, g) for g in AGE_GROUPS],
        widget=GovSelect(),
        validators=[Optional()],
    )
    services = TextAreaField(
        "Services involved",
        description="One on each line, for example Children's social care, CAMHS, school",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter at least one service involved with the child")],
    )
    summary = TextAreaField(
        "Why this journey is being tracked",
        description="The child's circumstances in brief, without names",
        widget=GovTextArea(),
        validators=[
            Length(max=NOTES_MAX, message=f"Summary must be {NOTES_MAX:,} characters or fewer")
        ],
    )
    submit = SubmitField("Start tracking", widget=GovSubmitInput())


class ContactForm(FlaskForm):
    contact_on = DateInput(
        "Date of the contact", required="Enter the date of the contact, like 27 3 2026"
    )
    service = StringField(
        "Service",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the service the contact was with"),
            Length(max=SERVICE_MAX, message=f"Service must be {SERVICE_MAX} characters or fewer"),
        ],
    )
    summary = TextAreaField(
        "What happened",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Describe the contact"),
            Length(max=NOTES_MAX, message=f"Description must be {NOTES_MAX:,} characters or fewer"),
        ],
    )
    submit = SubmitField("Add to the timeline", widget=GovSubmitInput())


class FindingForm(FlaskForm):
    key_judgement = SelectField(
        "Key judgement",
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired(message="Select a key judgement")],
    )
    stance = RadioField(
        "Does the case support or contradict it?",
        choices=STANCE_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether the case supports or contradicts it")],
    )
    text = TextAreaField(
        "Finding",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Describe the finding"),
            Length(
                max=LINK_NOTE_MAX, message=f"Finding must be {LINK_NOTE_MAX:,} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Record the finding", widget=GovSubmitInput())

    def validate_key_judgement(self, field) -> None:
        if not field.data:
            raise ValidationError("Select a key judgement")
