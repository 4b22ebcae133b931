from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from inspect_app.domain.permissions import ReviewRole

ROLE_CHOICES = [(r.value, r.label) for r in ReviewRole]


class AddMemberForm(FlaskForm):
    user_id = SelectField(
        "Inspector",
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired(message="Select an inspector to add")],
    )
    role = RadioField(
        "Role on this review",
        choices=[c for c in ROLE_CHOICES if c[0] != ReviewRole.LEAD_INSPECTOR.value],
        default=ReviewRole.INSPECTOR.value,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a role")],
    )
    submit = SubmitField("Add to the team", widget=GovSubmitInput())


class MemberForm(FlaskForm):
    role = RadioField(
        "Role on this review",
        choices=ROLE_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a role")],
    )
    areas = SelectMultipleField(
        "Judgement areas assigned",
        coerce=int,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class DeclarationForm(FlaskForm):
    has_conflict = RadioField(
        "Do you have a conflict of interest with this authority?",
        choices=[("no", "No"), ("yes", "Yes")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select yes if you have a conflict of interest")],
    )
    details = TextAreaField(
        "If yes, describe the conflict",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Description must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Save declaration", widget=GovSubmitInput())


class AdvancePhaseForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Move the review on", widget=GovSubmitInput())


def _no_date_if_blank(form: FlaskForm, field: DateField) -> None:
    """Optional, but only when every box is blank: unlike WTForms' ``Optional`` it keeps the
    error for a date whose day box alone is empty, rather than saving no date."""
    if field.data is None and not field.process_errors:
        raise StopValidation()


class DayMonthYearField(DateField):
    """A GOV.UK date input (day, month, year boxes) with GOV.UK error wording."""

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(
            label,
            widget=GovDateInput(),
            validators=[_no_date_if_blank],
            format="%d %m %Y",
            **kwargs,
        )

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [v.strip() for v in valuelist]
        if len(parts) != 3:
            self.raw_data = None  # the widget unpacks day, month and year: never fewer
        if not any(parts):
            self.data = None
            return
        if len(parts) != 3:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026")
        try:
            super().process_formdata([" ".join(parts)])
        except ValueError as error:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026") from error
        if self.data is None:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026")


class DatesForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    set_up_on = DayMonthYearField("Set-up meeting")
    analysis_week_on = DayMonthYearField("Analysis week starts")
    fieldwork_week_one_on = DayMonthYearField("Fieldwork week 1 starts")
    fieldwork_week_two_on = DayMonthYearField("Fieldwork week 2 starts")
    publication_due_on = DayMonthYearField("Publication due")
    submit = SubmitField("Save dates", widget=GovSubmitInput())
