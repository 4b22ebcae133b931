from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Length


class ImportForm(FlaskForm):
    file = FileField(
        "Upload a file of indicator values",
        description="A CSV file (UTF-8, comma separated) or an Excel workbook (.xlsx) with "
        "one row per authority, indicator and period.",
        widget=GovFileInput(),
    )
    submit = SubmitField("Check and import", widget=GovSubmitInput())


class RecordEvidenceForm(FlaskForm):
    """Record one indicator's benchmark as evidence (the figures are recomputed on the server)."""

    indicator = HiddenField(
        validators=[DataRequired(message="Choose an indicator"), Length(max=40)]
    )
