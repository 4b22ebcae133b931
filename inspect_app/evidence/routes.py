"""The evidence base of a review: list and search, add, link, delete, download, coverage."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from inspect_app.domain.evidence import EvidenceKind, Sensitivity, Stance
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import Access
from inspect_app.evidence.forms import (
    AddEvidenceForm,
    DeleteForm,
    EditEvidenceForm,
    EvidenceDetailsForm,
    FilterForm,
    LinkForm,
)
from inspect_app.extensions import db
from inspect_app.models import EvidenceItem, KeyJudgement, Review
from inspect_app.services import evidence as evidence_service
from inspect_app.services.evidence import (
    MAX_FILES_PER_UPLOAD,
    EvidenceDetails,
    EvidenceError,
    EvidenceFilters,
    Upload,
    UploadRefused,
)
from inspect_app.services.evidence_coverage import coverage_map
from inspect_app.web.access import review_page
from inspect_app.web.forms import saved
from inspect_app.web.key_judgement_field import (
    chosen_key_judgement,
    judgement_label,
    offer_key_judgements,
)
from inspect_app.web.uploads import (
    accept_request_of_files,
    chosen_files,
    error_list,
    evidence_store,
    max_file_bytes,
    send_stored_file,
)

bp = Blueprint("evidence", __name__, url_prefix="/reviews/<int:review_id>/evidence")


# --------------------------------------------------------------------------- list


@bp.get("")
@review_page("can_see_evidence", cached=True, unless=lambda: bool(request.args.get("q")))
def index(review: Review, access: Access):
    key_judgements = evidence_service.key_judgements_for(db.session, review.rubric_id)
    form = FilterForm(formdata=request.args if request.args else None)
    form.judgement.choices = [("", "Any key judgement")] + [
        (kj.number, judgement_label(kj, 60)) for kj in key_judgements
    ]
    if not access.can_see_restricted_evidence:
        form.sensitivity.choices = [c for c in form.sensitivity.choices if c[0] != "restricted"]
    valid = form.validate() if request.args else True
    filters = _filters(form, key_judgements) if valid else EvidenceFilters()
    page = evidence_service.evidence_page(
        db.session,
        review,
        filters,
        page=request.args.get("page", 1, type=int) or 1,
        include_restricted=access.can_see_restricted_evidence,
        key_judgements_loaded=True,
    )
    return render_template(
        "evidence/index.html",
        review=review,
        access=access,
        form=form,
        filters=filters,
        results=page,
        pagination=_pagination(review, page.page, page.pages),
        title="Evidence",
    )


def _filters(form: FilterForm, key_judgements: list[KeyJudgement]) -> EvidenceFilters:
    by_number = {kj.number: kj.id for kj in key_judgements}
    return EvidenceFilters(
        key_judgement_id=by_number.get(form.judgement.data or ""),
        kind=EvidenceKind(form.kind.data) if form.kind.data else None,
        inspectorate=Inspectorate(form.inspectorate.data) if form.inspectorate.data else None,
        sensitivity=Sensitivity(form.sensitivity.data) if form.sensitivity.data else None,
        query=(form.q.data or "").strip(),
    )


def _pagination(review: Review, current: int, pages: int) -> dict | None:
    """Parameters for govukPagination: first, last and two either side of the current page."""
    if pages <= 1:
        return None
    args = {k: v for k, v in request.args.items() if k != "page" and v}

    def href(n: int) -> str:
        return url_for("evidence.index", review_id=review.id, **args, page=n)

    items: list[dict] = []
    for n in range(1, pages + 1):
        if n in (1, pages) or abs(n - current) <= 2:
            items.append({"number": n, "href": href(n), "current": n == current})
        elif abs(n - current) == 3:
            items.append({"ellipsis": True})
    return {
        "previous": {"href": href(current - 1)} if current > 1 else None,
        "next": {"href": href(current + 1)} if current < pages else None,
        "items": items,
        "landmarkLabel": "Evidence pages",
    }


# --------------------------------------------------------------------------- add


def _details(form: EvidenceDetailsForm) -> EvidenceDetails:
    return EvidenceDetails(
        title=form.title.data or "",
        kind=EvidenceKind(form.kind.data),
        source=form.source.data or "",
        gathered_on=form.gathered_on.data,
        inspectorate=Inspectorate(form.inspectorate.data),
        neighbourhood=form.neighbourhood.data or "",
        is_restricted=bool(form.is_restricted.data),
        notes=form.notes.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@review_page("can_add_evidence")
def new(review: Review, access: Access):
    if request.method == "POST":
        accept_request_of_files(MAX_FILES_PER_UPLOAD)
    form = AddEvidenceForm()
    if request.method == "GET":
        form.inspectorate.data = current_user.inspectorate
        form.kind.data = EvidenceKind.DOCUMENT.value
    refusals: list[tuple[str, str]] = []
    if request.method == "POST":
        valid = form.validate_on_submit()
        uploads = [Upload(f.stream, f.filename or "") for f in chosen_files(form.files.data)]
        store = evidence_store()
        try:
            staged = evidence_service.stage_files(
                db.session, store, uploads, max_bytes=max_file_bytes()
            )
        except UploadRefused as refused:
            refusals = [(r.reason, "#files") for r in refused.refusals]
            noun = "file was" if len(refusals) == 1 else "files were"
            form.files.errors = [
                f"{len(refusals)} {noun} refused, so no files were saved. Choose the files "
                "again, leaving out the refused ones."
            ]
        else:
            if valid:
                try:
                    item = evidence_service.add_evidence(
                        db.session, review, _details(form), staged, actor=current_user
                    )
                except EvidenceError as error:
                    db.session.rollback()
                    evidence_service.discard_staged(db.session, store, staged)
                    form.notes.errors = [*form.notes.errors, str(error)]
                else:
                    return saved(
                        f"“{item.title}” has been added to the evidence.",
                        url_for("evidence.show", review_id=review.id, item_id=item.id),
                    )
            else:
                evidence_service.discard_staged(db.session, store, staged)
    errors = error_list(form, refusals) if request.method == "POST" else []
    return render_template(
        "evidence/new.html",
        review=review,
        access=access,
        upload_form=form,
        errors=errors,
        refusals=[reason for reason, _ in refusals],
        max_upload_mb=max_file_bytes() // (1024 * 1024),
        title="Add evidence",
    ), (400 if errors else 200)


# --------------------------------------------------------------------------- one item


def _item_or_404(review: Review, access: Access, item_id: int) -> EvidenceItem:
    """The item, if it belongs to this review and this user may see it (restricted or not)."""
    item = evidence_service.load_item(db.session, review, item_id)
    if item is None or (item.is_restricted and not access.can_see_restricted_evidence):
        abort(404)
    return item


def _link_form(review: Review) -> LinkForm:
    form = LinkForm()
    offer_key_judgements(form.key_judgement, review.rubric_id)
    return form


def _show(review: Review, access: Access, item: EvidenceItem, link_form: LinkForm | None):
    if item.is_restricted:
        evidence_service.record_restricted_access(db.session, item, actor=current_user)
        db.session.commit()
    return render_template(
        "evidence/show.html",
        review=review,
        access=access,
        item=item,
        link_form=link_form,
        form=link_form,
        title=item.title,
    )


@bp.get("/<int:item_id>")
@review_page("can_see_evidence")
def show(review: Review, access: Access, item_id: int):
    item = _item_or_404(review, access, item_id)
    link_form = _link_form(review) if access.can_add_evidence and not item.is_deleted else None
    return _show(review, access, item, link_form)


@bp.post("/<int:item_id>/links")
@review_page("can_add_evidence")
def link(review: Review, access: Access, item_id: int):
    item = _item_or_404(review, access, item_id)
    form = _link_form(review)
    if form.validate_on_submit():
        key_judgement = chosen_key_judgement(form.key_judgement)
        if key_judgement is not None:
            try:
                evidence_service.link_to_judgement(
                    db.session,
                    item,
                    key_judgement,
                    stance=Stance(form.stance.data),
                    note=form.note.data or "",
                    actor=current_user,
                )
            except EvidenceError as error:
                db.session.rollback()
                form.key_judgement.errors = [str(error)]
            else:
                return saved(
                    f"The evidence now {form.stance.data} key judgement {key_judgement.number}.",
                    url_for("evidence.show", review_id=review.id, item_id=item.id),
                )
        item = _item_or_404(review, access, item_id)
    return _show(review, access, item, form), 400


@bp.post("/<int:item_id>/links/<int:link_id>/remove")
@review_page("can_add_evidence")
def unlink(review: Review, access: Access, item_id: int, link_id: int):
    item = _item_or_404(review, access, item_id)
    found = next((lk for lk in item.links if lk.id == link_id), None)
    if found is None:
        abort(404)
    number = found.key_judgement.number
    try:
        evidence_service.remove_link(db.session, found, actor=current_user)
    except EvidenceError as error:
        db.session.rollback()
        abort(409, description=str(error))
    return saved(
        f"The link to key judgement {number} has been removed.",
        url_for("evidence.show", review_id=review.id, item_id=item.id),
    )


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@review_page("can_add_evidence")
def edit(review: Review, access: Access, item_id: int):
    item = _item_or_404(review, access, item_id)
    if item.is_deleted or not item.evidence_kind.added_by_inspectors:
        abort(409, description="This evidence cannot be changed.")
    form = EditEvidenceForm(
        formdata=None if request.method == "GET" else request.form,
        data=None if request.method == "POST" else _form_data(item),
    )
    if form.validate_on_submit():
        try:
            evidence_service.update_evidence(db.session, item, _details(form), actor=current_user)
        except EvidenceError as error:
            db.session.rollback()
            form.notes.errors = [*form.notes.errors, str(error)]
            item = _item_or_404(review, access, item_id)
        else:
            return saved(
                "The evidence has been changed.",
                url_for("evidence.show", review_id=review.id, item_id=item.id),
            )
    return render_template(
        "evidence/edit.html",
        review=review,
        access=access,
        item=item,
        form=form,
        title=f"Change “{item.title}”",
    )


def _form_data(item: EvidenceItem) -> dict[str, object]:
    return {
        "title": item.title,
        "kind": item.kind,
        "source": item.source,
        "gathered_on": item.gathered_on,
        "inspectorate": item.inspectorate,
        "neighbourhood": item.neighbourhood,
        "is_restricted": item.is_restricted,
        "notes": item.notes,
    }


@bp.route("/<int:item_id>/delete", methods=["GET", "POST"])
@review_page("can_add_evidence")
def delete(review: Review, access: Access, item_id: int):
    item = _item_or_404(review, access, item_id)
    if item.is_deleted:
        abort(409, description="This evidence has already been deleted.")
    if not item.evidence_kind.added_by_inspectors:
        abort(409, description="The authority's self-evaluation return cannot be deleted.")
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            evidence_service.delete_evidence(
                db.session, item, reason=form.reason.data or "", actor=current_user
            )
        except EvidenceError as error:
            db.session.rollback()
            form.reason.errors = [str(error)]
            item = _item_or_404(review, access, item_id)
        else:
            return saved(
                f"“{item.title}” has been deleted.",
                url_for("evidence.index", review_id=review.id),
            )
    return render_template(
        "evidence/delete.html",
        review=review,
        access=access,
        item=item,
        form=form,
        title=f"Delete “{item.title}”",
    )


@bp.get("/<int:item_id>/files/<int:file_id>")
@review_page("can_see_evidence")
def download(review: Review, access: Access, item_id: int, file_id: int):
    file = evidence_service.load_file(db.session, review, item_id, file_id)
    if file is None or file.item.is_deleted:
        abort(404)
    if file.item.is_restricted and not access.can_see_restricted_evidence:
        abort(404)
    return send_stored_file(file, actor=current_user)


# --------------------------------------------------------------------------- coverage


@bp.get("/coverage")
@review_page("can_see_evidence")
def coverage(review: Review, access: Access):
    return render_template(
        "evidence/coverage.html",
        review=review,
        access=access,
        coverage=coverage_map(
            db.session, review, include_restricted=access.can_see_restricted_evidence
        ),
        scale=review.rubric.scale,
        title="Evidence coverage",
    )
