from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField


class UploadForm(FlaskForm):
    workbook = FileField(
        "Upload your completed workbook",
        description="The Excel workbook (.xlsx) you downloaded from this page, filled in.",
        widget=GovFileInput(),
    )
    submit = SubmitField("Upload the self-evaluation", widget=GovSubmitInput())
