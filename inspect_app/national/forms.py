from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.phases import PHASE_ORDER, Phase
from inspect_app.services.national_view import FilterOptions, ProgrammeFilters


class FilterSelect(SelectField):
    """A filter's select: empty means any; anything not offered gets an error naming it."""

    def __init__(self, label: str, *, any_text: str, **kwargs) -> None:
        super().__init__(label, widget=GovSelect(), validators=[Optional()], **kwargs)
        self.any_text = any_text

    def pre_validate(self, form) -> None:
        if self.data in ("", None):
            return
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(f"{self.label.text}: choose one of the options in the list")


class ProgrammeFilterForm(FlaskForm):
    """The national view's filters, sent with GET (no CSRF: nothing is changed)."""

    class Meta:
        csrf = False

    region = FilterSelect("Region", any_text="Any region")
    phase = FilterSelect("Phase", any_text="Any phase")
    lead_inspectorate = FilterSelect("Lead inspector’s inspectorate", any_text="Any inspectorate")
    rubric = FilterSelect("Rubric", any_text="Any rubric")
    publication_year = FilterSelect("Year of publication", any_text="Any year")
    fieldwork_year = FilterSelect("Year of fieldwork", any_text="Any year")

    def offer(self, options: FilterOptions) -> None:
        """Set each select's choices from what the programme holds."""
        choices = {
            "region": [(r, r) for r in options.regions],
            "phase": [(p.value, p.label) for p in PHASE_ORDER],
            "lead_inspectorate": [(i.value, i.label) for i in Inspectorate],
            "rubric": [(r.key, f"{r.title} ({r.key})") for r in options.rubrics],
            "publication_year": [(str(y), str(y)) for y in options.publication_years],
            "fieldwork_year": [(str(y), str(y)) for y in options.fieldwork_years],
        }
        for name, offered in choices.items():
            field = self[name]
            field.choices = [("", field.any_text), *offered]

    def filters(self) -> ProgrammeFilters:
        """The validated choices as filters."""

        def text(name: str) -> str | None:
            return self[name].data or None

        def year(name: str) -> int | None:
            value = text(name)
            return int(value) if value else None

        phase = text("phase")
        return ProgrammeFilters(
            region=text("region"),
            phase=Phase(phase) if phase else None,
            lead_inspectorate=text("lead_inspectorate"),
            rubric=text("rubric"),
            publication_year=year("publication_year"),
            fieldwork_year=year("fieldwork_year"),
        )
