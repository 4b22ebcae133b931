from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import UserKind
from inspect_app.reviews.forms import DayMonthYearField
from inspect_app.services.passwords import MIN_PASSWORD_LENGTH

PASSWORD_RULE = Length(
    min=MIN_PASSWORD_LENGTH,
    max=1000,
    message=f"The password must be at least {MIN_PASSWORD_LENGTH} characters long",
)


class UserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the person’s full name"), Length(max=200)],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter an email address"),
            Email(
                message="Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
            Length(max=254),
        ],
    )
    job_title = StringField(
        "Job title (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    kind = RadioField(
        "Kind of user",
        choices=[(k.value, k.label) for k in UserKind],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the kind of user")],
    )
    inspectorate = SelectField(
        "Inspectorate (inspectors only)",
        choices=[("", "Not an inspector")] + [(i.value, i.label) for i in Inspectorate],
        widget=GovSelect(),
        validators=[Optional()],
    )
    authority_id = SelectField(
        "Local authority (authority users only)",
        coerce=int,
        widget=GovSelect(),
        validators=[Optional()],
    )
    password = PasswordField(
        "Initial password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter an initial password"), PASSWORD_RULE],
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data == UserKind.INSPECTOR and not self.inspectorate.data:
            self.inspectorate.errors.append("Select the inspector’s inspectorate")
            ok = False
        if self.kind.data == UserKind.AUTHORITY and not self.authority_id.data:
            self.authority_id.errors.append("Select the authority user’s local authority")
            ok = False
        return ok


class EditUserForm(FlaskForm):
    active = BooleanField("Account is active (the person can sign in)", widget=GovCheckboxInput())
    programme_lead = BooleanField(
        "Inspectorate lead: may see the national programme view (inspectors only)",
        widget=GovCheckboxInput(),
    )
    new_password = PasswordField(
        "New password (leave blank to keep the current one)",
        widget=GovPasswordInput(),
        validators=[Optional(), PASSWORD_RULE],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class AuthorityForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the authority’s name"), Length(max=200)],
    )
    code = StringField(
        "Code",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter a short code"),
            Length(max=20),
            Regexp(r"^[A-Z0-9-]+$", message="Use capital letters, digits and hyphens only"),
        ],
    )
    region = StringField(
        "Region",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the region"), Length(max=100)],
    )
    neighbours = SelectMultipleField(
        "Statistical neighbours", coerce=int, widget=GovCheckboxesInput(), validators=[Optional()]
    )
    submit = SubmitField("Save authority", widget=GovSubmitInput())


class NewReviewForm(FlaskForm):
    authority_id = SelectField(
        "Local authority",
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired(message="Select the authority")],
    )
    rubric_id = SelectField(
        "Rubric",
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired(message="Select the rubric")],
    )
    lead_id = SelectField(
        "Lead inspector",
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired(message="Select the lead inspector")],
    )
    set_up_on = DayMonthYearField("Set-up meeting")
    analysis_week_on = DayMonthYearField("Analysis week starts")
    fieldwork_week_one_on = DayMonthYearField("Fieldwork week 1 starts")
    fieldwork_week_two_on = DayMonthYearField("Fieldwork week 2 starts")
    publication_due_on = DayMonthYearField("Publication due")
    submit = SubmitField("Set up the review", widget=GovSubmitInput())
