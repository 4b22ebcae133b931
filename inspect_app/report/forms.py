"""Forms for the report, the factual accuracy check and the action plan."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from inspect_app.domain.action_plan import ActionStatus
from inspect_app.domain.report import Band
from inspect_app.domain.report_sections import SECTION_MAX
from inspect_app.reviews.forms import DayMonthYearField
from inspect_app.services.action_plans import DESCRIPTION_MAX, OWNER_MAX
from inspect_app.services.factual_accuracy import COMMENT_MAX, PASSAGE_MAX, REPLY_MAX
from inspect_app.services.publication import REASONS_MAX
from inspect_app.services.report_drafting import RECOMMENDATION_MAX, RESPONSIBLE_MAX


def _length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


def version_of(raw: str | None) -> int | None:
    """A hidden version field: empty for a first save, else the version the page showed."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


class SectionForm(FlaskForm):
    body = TextAreaField(
        "Text",
        widget=GovTextArea(),
        validators=[_length(SECTION_MAX, "The text")],
    )
    version = HiddenField()
    submit = SubmitField("Save section", widget=GovSubmitInput())


class RecommendationForm(FlaskForm):
    text_md = TextAreaField(
        "Recommendation",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the recommendation"),
            _length(RECOMMENDATION_MAX, "The recommendation"),
        ],
    )
    band = RadioField(
        "When should it be acted on?",
        choices=[(b.value, b.label) for b in Band],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select when the recommendation should be acted on")],
    )
    area_id = SelectField("Judgement area it concerns", coerce=int, widget=GovSelect())
    responsible_body = StringField(
        "Who is responsible",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter who is responsible: the authority or a named partner"),
            Length(
                max=RESPONSIBLE_MAX,
                message=f"The body responsible must be {RESPONSIBLE_MAX} characters or fewer",
            ),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Save recommendation", widget=GovSubmitInput())


class RemoveForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())


class PublishForm(FlaskForm):
    make_public = BooleanField(
        "Also publish it at a public address that anyone can open without signing in",
        widget=GovCheckboxInput(),
        validators=[Optional()],
    )
    submit = SubmitField("Publish the report", widget=GovSubmitInput())


class ReasonsForm(FlaskForm):
    reasons = TextAreaField(
        "Reasons for the re-issue",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Give the reasons for re-issuing the report"),
            _length(REASONS_MAX, "The reasons"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class PublicityForm(FlaskForm):
    is_public = HiddenField(validators=[InputRequired()])


class CommentForm(FlaskForm):
    section_key = SelectField(
        "Which section is your comment about?",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the section your comment is about")],
    )
    passage = TextAreaField(
        "The words you are commenting on (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            _length(PASSAGE_MAX, "The passage"),
        ],
    )
    comment = TextAreaField(
        "Your comment",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter your comment"),
            _length(COMMENT_MAX, "The comment"),
        ],
    )
    submit = SubmitField("Send comment", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    decision = RadioField(
        "Your decision",
        choices=[
            ("accept", "Accept – the report will be corrected"),
            ("reject", "Reject – the report stays as it is"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Say whether you accept or reject the comment")],
    )
    reply = TextAreaField(
        "Reply to the authority",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter your reply to the authority"),
            _length(REPLY_MAX, "The reply"),
        ],
    )
    revised_text = TextAreaField(
        "Corrected section text",
        widget=GovTextArea(),
        validators=[
            Optional(),
            _length(SECTION_MAX, "The text"),
        ],
    )
    version = HiddenField()
    section_version = HiddenField()
    submit = SubmitField("Send answer", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    description = TextAreaField(
        "Action",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the action"),
            _length(DESCRIPTION_MAX, "The action"),
        ],
    )
    owner = StringField(
        "Owner",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter who owns the action"),
            Length(max=OWNER_MAX, message=f"The owner must be {OWNER_MAX} characters or fewer"),
        ],
    )
    target_on = DayMonthYearField("Target date")
    status = RadioField(
        "Status",
        choices=[(s.value, s.label) for s in ActionStatus],
        default=ActionStatus.NOT_STARTED.value,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the action’s status")],
    )
    progress_note = TextAreaField(
        "Progress so far (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=DESCRIPTION_MAX)],
    )
    version = HiddenField()
    submit = SubmitField("Save action", widget=GovSubmitInput())


class SubmitPlanForm(FlaskForm):
    submit = SubmitField("Submit the action plan", widget=GovSubmitInput())
