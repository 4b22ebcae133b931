"""Case tracking: children's journeys through services, followed in depth. Restricted."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from inspect_app.domain.evidence import Stance
from inspect_app.domain.permissions import Access
from inspect_app.extensions import db
from inspect_app.models import Review, TrackedCase
from inspect_app.services import case_tracking
from inspect_app.services.case_tracking import CaseDetails
from inspect_app.services.evidence import (
    EvidenceError,
    record_restricted_access,
)
from inspect_app.tracked_cases.forms import CaseForm, ContactForm, FindingForm
from inspect_app.web.access import review_page
from inspect_app.web.forms import saved
from inspect_app.web.key_judgement_field import chosen_key_judgement, offer_key_judgements

bp = Blueprint("tracked_cases", __name__, url_prefix="/reviews/<int:review_id>/tracked-cases")


@bp.get("")
@review_page("can_see_tracked_cases")
def index(review: Review, access: Access):
    return render_template(
        "tracked_cases/index.html",
        review=review,
        access=access,
        cases=case_tracking.tracked_cases(db.session, review),
        case_files=case_tracking.case_file_count(db.session, review),
        title="Tracked cases",
    )


@bp.route("/new", methods=["GET", "POST"])
@review_page("can_add_evidence")
def new(review: Review, access: Access):
    form = CaseForm()
    if form.validate_on_submit():
        details = CaseDetails(
            reference=form.reference.data or "",
            services=tuple((form.services.data or "").splitlines()),
            summary=form.summary.data or "",
            age_group=form.age_group.data or "",
        )
        try:
            case = case_tracking.start_tracking(db.session, review, details, actor=current_user)
        except EvidenceError as error:
            db.session.rollback()
            form.reference.errors = [*form.reference.errors, str(error)]
        else:
            return saved(
                f"Case {case.reference} is now being tracked.",
                url_for("tracked_cases.show", review_id=review.id, case_id=case.id),
            )
    return render_template(
        "tracked_cases/new.html",
        review=review,
        access=access,
        form=form,
        title="Track a child’s journey",
    )


def _case_or_404(review: Review, case_id: int) -> TrackedCase:
    case = case_tracking.load_case(db.session, review, case_id)
    if case is None or case.item.is_deleted:
        abort(404)
    return case


def _finding_form(review: Review) -> FindingForm:
    form = FindingForm(prefix="finding")
    offer_key_judgements(form.key_judgement, review.rubric_id)
    return form


def _show(
    review: Review,
    access: Access,
    case: TrackedCase,
    *,
    contact_form=None,
    finding_form=None,
    failed=None,
):
    record_restricted_access(db.session, case.item, actor=current_user)
    db.session.commit()
    if access.can_add_evidence:
        contact_form = contact_form or ContactForm(prefix="contact", formdata=None)
        finding_form = finding_form or _finding_form(review)
    return render_template(
        "tracked_cases/show.html",
        review=review,
        access=access,
        case=case,
        contact_form=contact_form,
        finding_form=finding_form,
        form=failed,
        title=f"Tracked case {case.reference}",
    )


@bp.get("/<int:case_id>")
@review_page("can_see_tracked_cases")
def show(review: Review, access: Access, case_id: int):
    return _show(review, access, _case_or_404(review, case_id))


@bp.post("/<int:case_id>/contacts")
@review_page("can_add_evidence")
def add_contact(review: Review, access: Access, case_id: int):
    case = _case_or_404(review, case_id)
    form = ContactForm(prefix="contact")
    if form.validate_on_submit():
        try:
            case_tracking.add_contact(
                db.session,
                case,
                contact_on=form.contact_on.data,
                service=form.service.data or "",
                summary=form.summary.data or "",
                actor=current_user,
            )
        except EvidenceError as error:
            db.session.rollback()
            form.summary.errors = [*form.summary.errors, str(error)]
        else:
            return saved(
                "The contact has been added to the timeline.",
                url_for("tracked_cases.show", review_id=review.id, case_id=case_id),
            )
    case = _case_or_404(review, case_id)
    return _show(review, access, case, contact_form=form, failed=form), 400


@bp.post("/<int:case_id>/findings")
@review_page("can_add_evidence")
def add_finding(review: Review, access: Access, case_id: int):
    case = _case_or_404(review, case_id)
    form = _finding_form(review)
    if form.validate_on_submit():
        key_judgement = chosen_key_judgement(form.key_judgement)
        if key_judgement is not None:
            try:
                case_tracking.add_finding(
                    db.session,
                    case,
                    key_judgement,
                    stance=Stance(form.stance.data),
                    text=form.text.data or "",
                    actor=current_user,
                )
            except EvidenceError as error:
                db.session.rollback()
                form.key_judgement.errors = [str(error)]
            else:
                return saved(
                    f"The finding on key judgement {key_judgement.number} has been recorded.",
                    url_for("tracked_cases.show", review_id=review.id, case_id=case_id),
                )
    case = _case_or_404(review, case_id)
    return _show(review, access, case, finding_form=form, failed=form), 400
