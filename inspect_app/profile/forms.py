from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length

from inspect_app.services.api_tokens import NAME_MAX


class NewTokenForm(FlaskForm):
    name = StringField(
        "Name for the token",
        widget=GovTextInput(),
        description="So you can tell your tokens apart, for example ‘Moderation spreadsheet’.",
        validators=[
            InputRequired(message="Enter a name for the token, like ‘Moderation spreadsheet’"),
            Length(max=NAME_MAX, message=f"The name must be {NAME_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())
