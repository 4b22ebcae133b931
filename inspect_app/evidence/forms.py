from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from inspect_app.domain.evidence import (
    DELETION_REASON_MAX,
    LINK_NOTE_MAX,
    NEIGHBOURHOOD_MAX,
    NOTES_MAX,
    SEARCH_QUERY_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    EvidenceKind,
    Sensitivity,
    Stance,
)
from inspect_app.domain.evidence_files import ACCEPTED_TYPES
from inspect_app.domain.inspectorates import Inspectorate


class DateInput(DateField):
    """A required GOV.UK date input (day, month and year boxes) with GOV.UK error wording.

    Unlike the optional ``DayMonthYearField`` it also survives a request that is
    missing some of its three boxes.
    """

    def __init__(self, label: str, *, required: str, **kwargs) -> None:
        super().__init__(
            label,
            widget=GovDateInput(),
            format="%d %m %Y",
            validators=[self._required],
            **kwargs,
        )
        self.required_message = required

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        parts = [v.strip() for v in valuelist]
        if len(parts) != 3:
            self.raw_data = None  # the widget expects day, month and year, or nothing
        if not any(parts):
            return
        if len(parts) != 3:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026")
        try:
            super().process_formdata([" ".join(parts)])
        except ValueError as error:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026") from error
        if self.data is None:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026")

    @staticmethod
    def _required(form: FlaskForm, field: DateInput) -> None:
        if field.data is None and not field.errors:
            raise StopValidation(field.required_message)


KIND_CHOICES = [(k.value, k.label) for k in EvidenceKind if k.added_by_inspectors]
STANCE_CHOICES = [(s.value, s.label) for s in Stance]
INSPECTORATE_CHOICES = [(i.value, i.label) for i in Inspectorate]


class EvidenceDetailsForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter a title"),
            Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer"),
        ],
    )
    kind = RadioField(
        "What kind of evidence is it?",
        choices=KIND_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the kind of evidence")],
    )
    source = StringField(
        "Source",
        description="Who provided it, for example the council's children's services "
        "department or the head teacher of a school",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter who provided the evidence"),
            Length(max=SOURCE_MAX, message=f"Source must be {SOURCE_MAX} characters or fewer"),
        ],
    )
    gathered_on = DateInput(
        "Date", required="Enter the date the evidence was gathered, like 27 3 2026"
    )
    inspectorate = SelectField(
        "Inspectorate that gathered it",
        choices=INSPECTORATE_CHOICES,
        widget=GovSelect(),
        validators=[InputRequired(message="Select the inspectorate that gathered it")],
    )
    neighbourhood = StringField(
        "Neighbourhood (optional)",
        description="If the evidence comes from one of the fieldwork neighbourhoods",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(
                max=NEIGHBOURHOOD_MAX,
                message=f"Neighbourhood must be {NEIGHBOURHOOD_MAX} characters or fewer",
            ),
        ],
    )
    is_restricted = BooleanField("Restricted: it is about an individual child")
    notes = TextAreaField(
        "Notes",
        description="What the evidence shows. A note on its own, without files, is evidence too. "
        "Refer to children by case number only, never by name.",
        widget=GovCharacterCount(),
        validators=[
            Length(max=NOTES_MAX, message=f"Notes must be {NOTES_MAX:,} characters or fewer")
        ],
    )


class AddEvidenceForm(EvidenceDetailsForm):
    files = MultipleFileField(
        "Files (optional)",
        description=f"Choose one or more files: {ACCEPTED_TYPES}.",
        widget=GovFileInput(multiple=True),
    )
    submit = SubmitField("Add evidence", widget=GovSubmitInput())


class EditEvidenceForm(EvidenceDetailsForm):
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class LinkForm(FlaskForm):
    key_judgement = SelectField(
        "Key judgement",
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired(message="Select a key judgement")],
    )
    stance = RadioField(
        "Does the evidence support or contradict it?",
        choices=STANCE_CHOICES,
        widget=GovRadioInput(),
        validators=[
            InputRequired(message="Select whether the evidence supports or contradicts it")
        ],
    )
    note = TextAreaField(
        "Note",
        description="Briefly, why",
        widget=GovTextArea(),
        validators=[
            Length(max=LINK_NOTE_MAX, message=f"Note must be {LINK_NOTE_MAX:,} characters or fewer")
        ],
    )
    submit = SubmitField("Link to the key judgement", widget=GovSubmitInput())

    def validate_key_judgement(self, field) -> None:
        if not field.data:
            raise ValidationError("Select a key judgement")


class DeleteForm(FlaskForm):
    reason = TextAreaField(
        "Why are you deleting this evidence?",
        description="The evidence stays in the audit record with your reason.",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter the reason for deleting this evidence"),
            Length(
                max=DELETION_REASON_MAX,
                message=f"Reason must be {DELETION_REASON_MAX:,} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Delete evidence", widget=GovSubmitInput())


class FilterForm(FlaskForm):
    """The evidence list's filters and search, sent with GET."""

    class Meta:
        csrf = False

    q = StringField(
        "Search",
        description="Words in titles, notes and the text of documents",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(
                max=SEARCH_QUERY_MAX,
                message=f"Search must be {SEARCH_QUERY_MAX} characters or fewer",
            ),
        ],
    )
    judgement = SelectField("Key judgement", widget=GovSelect(), validators=[Optional()])
    kind = SelectField(
        "Kind",
        choices=[("", "Any kind")] + [(k.value, k.label) for k in EvidenceKind],
        widget=GovSelect(),
        validators=[Optional()],
    )
    inspectorate = SelectField(
        "Inspectorate",
        choices=[("", "Any inspectorate"), *INSPECTORATE_CHOICES],
        widget=GovSelect(),
        validators=[Optional()],
    )
    sensitivity = SelectField(
        "Sensitivity",
        choices=[("", "Any")] + [(s.value, s.label) for s in Sensitivity],
        widget=GovSelect(),
        validators=[Optional()],
    )
