"""The report of a review: reading it, writing its sections and recommendations, exports,
publication and re-issue. The factual accuracy check and the action plan are in
``accuracy_routes.py`` and ``action_plan_routes.py`` on the same blueprint."""

from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup

from inspect_app.domain.permissions import Access
from inspect_app.domain.phases import Phase, PhaseTransitionError, unmet_preconditions
from inspect_app.domain.report import ReportDocument, compute_hash, render_markdown
from inspect_app.domain.report_sections import SectionPart, SectionSpec, find_section
from inspect_app.domain.text_diff import line_diff, summarise
from inspect_app.exports import CHILDREN_SUMMARY_EXPORTERS, EXPORTERS
from inspect_app.extensions import db
from inspect_app.models import Recommendation, Review
from inspect_app.report.forms import (
    PublicityForm,
    PublishForm,
    ReasonsForm,
    RecommendationForm,
    RemoveForm,
    SectionForm,
    version_of,
)
from inspect_app.services import publication, report_drafting
from inspect_app.services import reviews as review_service
from inspect_app.services.factual_accuracy import unanswered_count
from inspect_app.services.report_drafting import (
    RecommendationDetails,
    ReportError,
    ReportForbidden,
    StaleRecommendationError,
    StaleSectionError,
)
from inspect_app.services.report_seeds import seed_for
from inspect_app.web.access import review_page
from inspect_app.web.forms import saved

bp = Blueprint("report", __name__, url_prefix="/reviews")


@bp.app_template_filter("report_markdown")
def _report_markdown(text: str, top_heading: int = 3) -> Markup:
    return render_markdown(text or "", top_heading=top_heading)


def section_text(doc: ReportDocument, spec: SectionSpec) -> str:
    """The text of one section as the document holds it."""
    if spec.part is SectionPart.CHILDREN_SUMMARY:
        return doc.children_summary_md
    if spec.area is None:
        return {
            SectionPart.INTRODUCTION: doc.introduction_md,
            SectionPart.CONTEXT: doc.context_md,
            SectionPart.MAIN_FINDINGS: doc.main_findings_md,
        }[spec.part]
    section = next((s for s in doc.area_sections if s.area_number == spec.area.number), None)
    if section is None:
        return ""
    return {
        SectionPart.NARRATIVE: section.narrative_md,
        SectionPart.STRENGTHS: section.strengths_md,
        SectionPart.WEAKNESSES: section.weaknesses_md,
    }[spec.part]


def _may_edit(access: Access, review: Review) -> bool:
    report = report_drafting.report_for(db.session, review)
    return access.can_edit_report(reissue_open=bool(report and report.reissue_open))


def _spec_or_404(review: Review, key: str) -> SectionSpec:
    spec = find_section(report_drafting.section_specs(review), key)
    if spec is None:
        abort(404)
    return spec


def _refuse_edit(access: Access, review: Review) -> None:
    if not _may_edit(access, review):
        try:
            report_drafting.check_may_edit(access, report_drafting.report_for(db.session, review))
        except ReportForbidden as error:
            abort(403, description=str(error))


# ---------------------------------------------------------------------------
# Reading the report
# ---------------------------------------------------------------------------


@bp.get("/<int:review_id>/report")
@review_page("can_view_report")
def index(review: Review, access: Access):
    version = request.args.get("version", type=int)
    prefer_draft = request.args.get("show") == "draft"
    view = publication.document_for(
        db.session, review, access, version_number=version, prefer_draft=prefer_draft
    )
    if view is None:
        abort(404)
    report = report_drafting.report_for(db.session, review)
    specs = report_drafting.section_specs(review)
    sections = report_drafting.sections_for(db.session, review) if view.is_live_draft else {}
    may_edit = view.is_live_draft and _may_edit(access, review)
    versions = (
        publication.published_versions(db.session, review.id) if access.report_is_published else []
    )
    open_comments = (
        unanswered_count(db.session, review.id)
        if access.can_see_accuracy_comments and review.current_phase is Phase.FACTUAL_ACCURACY
        else 0
    )
    recommendations = (
        dict(report_drafting.numbered(report_drafting.recommendations_for(db.session, review)))
        if may_edit
        else {}
    )
    return render_template(
        "report/index.html",
        review=review,
        access=access,
        view=view,
        doc=view.doc,
        content_hash=compute_hash(view.doc),
        report=report,
        specs=specs,
        front_specs=[s for s in specs if s.area is None and not s.is_children_summary],
        area_specs=[s for s in specs if s.area is not None],
        summary_spec=next(s for s in specs if s.is_children_summary),
        section_text=section_text,
        sections=sections,
        may_edit=may_edit,
        versions=versions,
        open_comments=open_comments,
        recommendation_rows=recommendations,
        exporters=EXPORTERS,
        summary_exporters=CHILDREN_SUMMARY_EXPORTERS,
        download_args=_download_args(view, prefer_draft),
        publicity_form=PublicityForm() if access.can_manage_publication else None,
        public_url=(
            url_for("public.report", slug=report.public_slug, _external=True)
            if report is not None and report.is_public and versions
            else None
        ),
        title="Report" if view.published is None else f"Report: version {view.doc.version_number}",
    )


def _download_args(view: publication.ReportView, prefer_draft: bool) -> dict:
    if view.published is not None:
        return {"version": view.published.version_number}
    return {"show": "draft"} if prefer_draft else {}


@bp.get("/<int:review_id>/report/download/<fmt>")
@review_page("can_view_report")
def download(review: Review, access: Access, fmt: str):
    children = request.args.get("summary") == "children"
    registry = CHILDREN_SUMMARY_EXPORTERS if children else EXPORTERS
    exporter = registry.get(fmt)
    if exporter is None:
        abort(404)
    view = publication.document_for(
        db.session,
        review,
        access,
        version_number=request.args.get("version", type=int),
        prefer_draft=request.args.get("show") == "draft",
    )
    if view is None:
        abort(404)
    data = exporter.render(view.doc, view.audience)
    publication.record_export(
        db.session, review, view, fmt, actor=current_user, children_summary=children
    )
    db.session.commit()
    return send_file(
        io.BytesIO(data),
        mimetype=exporter.media_type,
        as_attachment=True,
        download_name=exporter.filename(view.doc),
        max_age=0,
    )


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


@bp.route("/<int:review_id>/report/sections/<key>", methods=["GET", "POST"])
@review_page("can_view_report")
def section(review: Review, access: Access, key: str):
    spec = _spec_or_404(review, key)
    _refuse_edit(access, review)
    current = report_drafting.section_or_none(db.session, review, key)
    form = SectionForm()
    status = 200
    stale: StaleSectionError | None = None
    seeded = False
    if form.is_submitted():
        if form.validate():
            try:
                report_drafting.save_section(
                    db.session,
                    review,
                    key,
                    form.body.data or "",
                    expected_version=version_of(form.version.data),
                    actor=current_user,
                    access=access,
                )
            except ReportError as error:
                db.session.rollback()
                form.body.errors.append(str(error))
                status = 400
            except ReportForbidden as error:
                db.session.rollback()
                abort(403, description=str(error))
            except StaleSectionError as error:
                stale = error
                form.body.errors.append(error.message)
                status = 409
            else:
                return saved(
                    f"‘{spec.title}’ has been saved.",
                    url_for("report.index", review_id=review.id) + f"#section-{key}",
                )
        else:
            status = 400
        review = review_service.load_review(db.session, review.id)
        current = report_drafting.section_or_none(db.session, review, key)
        # After a stale save the form carries the newer version: saving again is deliberate.
        form.version.data = str(current.version) if current else ""
    else:
        form.body.data = current.body_md if current else ""
        form.version.data = str(current.version) if current else ""
        if request.args.get("start") == "seed":
            seed = seed_for(db.session, review, spec)
            form.body.data = f"{form.body.data}\n\n{seed}".strip() if form.body.data else seed
            seeded = True
    return render_template(
        "report/section.html",
        review=review,
        access=access,
        spec=spec,
        current=current,
        form=form,
        stale=stale,
        seeded=seeded,
        title=f"Edit ‘{spec.title}’",
    ), status


@bp.get("/<int:review_id>/report/sections/<key>/history")
@review_page("can_see_report_workings")
def history(review: Review, access: Access, key: str):
    spec = _spec_or_404(review, key)
    current = report_drafting.section_or_none(db.session, review, key)
    revisions = report_drafting.section_history(db.session, current) if current else []
    by_version = {r.version: r for r in revisions}
    newest = revisions[-1].version if revisions else 0
    to_version = request.args.get("to", default=newest, type=int)
    from_version = request.args.get("from", default=max(to_version - 1, 0), type=int)
    if revisions and (to_version not in by_version or from_version not in {0, *by_version}):
        abort(404)
    diff = []
    if revisions:
        old = by_version[from_version].body_md if from_version in by_version else ""
        diff = line_diff(old, by_version[to_version].body_md)
    return render_template(
        "report/history.html",
        review=review,
        access=access,
        spec=spec,
        revisions=list(reversed(revisions)),
        diff=diff,
        diff_summary=summarise(diff),
        from_version=from_version,
        to_version=to_version,
        title=f"History of ‘{spec.title}’",
    )


# ---------------------------------------------------------------------------
# Recommendations
# ---------------------------------------------------------------------------


def _recommendation_form(review: Review) -> RecommendationForm:
    form = RecommendationForm()
    form.area_id.choices = [(0, "Not about one judgement area")] + [
        (a.id, f"{a.number}. {a.title}") for a in review.rubric.areas
    ]
    return form


def _details(form: RecommendationForm) -> RecommendationDetails:
    return RecommendationDetails(
        text_md=form.text_md.data or "",
        band=form.band.data,
        area_id=form.area_id.data or None,
        responsible_body=form.responsible_body.data or "",
    )


def _recommendation_or_404(review: Review, rec_id: int) -> Recommendation:
    rec = db.session.get(Recommendation, rec_id)
    if rec is None or rec.review_id != review.id:
        abort(404)
    return rec


@bp.route("/<int:review_id>/report/recommendations/new", methods=["GET", "POST"])
@review_page("can_view_report")
def new_recommendation(review: Review, access: Access):
    _refuse_edit(access, review)
    form = _recommendation_form(review)
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                report_drafting.add_recommendation(
                    db.session, review, _details(form), actor=current_user, access=access
                )
            except ReportError as error:
                db.session.rollback()
                getattr(form, error.field or "text_md").errors.append(str(error))
                status = 400
            else:
                return saved(
                    "The recommendation has been added.",
                    url_for("report.index", review_id=review.id) + "#recommendations",
                )
        else:
            status = 400
    else:
        form.responsible_body.data = review.authority.name
    return render_template(
        "report/recommendation.html",
        review=review,
        access=access,
        form=form,
        rec=None,
        stale=None,
        title="Add a recommendation",
    ), status


@bp.route("/<int:review_id>/report/recommendations/<int:rec_id>", methods=["GET", "POST"])
@review_page("can_view_report")
def edit_recommendation(review: Review, access: Access, rec_id: int):
    _refuse_edit(access, review)
    rec = _recommendation_or_404(review, rec_id)
    form = _recommendation_form(review)
    status = 200
    stale = None
    if form.is_submitted():
        if form.validate():
            try:
                report_drafting.update_recommendation(
                    db.session,
                    review,
                    rec,
                    _details(form),
                    expected_version=version_of(form.version.data),
                    actor=current_user,
                    access=access,
                )
            except ReportError as error:
                db.session.rollback()
                getattr(form, error.field or "text_md").errors.append(str(error))
                status = 400
            except StaleRecommendationError as error:
                form.text_md.errors.append(error.message)
                db.session.expire_all()
                rec = _recommendation_or_404(review, rec_id)
                # The form keeps what was typed; its version is now the newer one, so saving
                # again replaces the other change deliberately.
                form.version.data = str(rec.version)
                stale = rec
                status = 409
            else:
                return saved(
                    "The recommendation has been saved.",
                    url_for("report.index", review_id=review.id) + "#recommendations",
                )
        else:
            status = 400
    else:
        _fill_recommendation(form, rec)
    return render_template(
        "report/recommendation.html",
        review=review,
        access=access,
        form=form,
        rec=rec,
        stale=stale,
        remove_form=RemoveForm(),
        title="Change a recommendation",
    ), status


def _fill_recommendation(form: RecommendationForm, rec: Recommendation) -> None:
    form.text_md.data = rec.text_md
    form.band.data = rec.band
    form.area_id.data = rec.area_id or 0
    form.responsible_body.data = rec.responsible_body
    form.version.data = str(rec.version)


@bp.post("/<int:review_id>/report/recommendations/<int:rec_id>/remove")
@review_page("can_view_report")
def remove_recommendation(review: Review, access: Access, rec_id: int):
    _refuse_edit(access, review)
    rec = _recommendation_or_404(review, rec_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    try:
        report_drafting.remove_recommendation(
            db.session, review, rec, actor=current_user, access=access
        )
    except ReportError as error:
        db.session.rollback()
        abort(409, description=str(error))
    return saved(
        "The recommendation has been removed.",
        url_for("report.index", review_id=review.id) + "#recommendations",
    )


# ---------------------------------------------------------------------------
# Publication and re-issue
# ---------------------------------------------------------------------------


@bp.route("/<int:review_id>/report/publish", methods=["GET", "POST"])
@review_page("can_publish")
def publish(review: Review, access: Access):
    form = PublishForm()
    unmet = unmet_preconditions(review_service.review_facts(review), Phase.PUBLISHED)
    status = 200
    if form.validate_on_submit():
        try:
            published = publication.publish(
                db.session,
                review,
                actor=current_user,
                access=access,
                make_public=bool(form.make_public.data),
            )
        except PhaseTransitionError as error:
            db.session.rollback()
            form.submit.errors = [*form.submit.errors, *error.reasons]
            status = 400
        else:
            return saved(
                f"The report has been published (version {published.version_number}). "
                "It can no longer be changed without a formal re-issue.",
                url_for("report.index", review_id=review.id),
            )
    elif form.is_submitted():
        status = 400
    return render_template(
        "report/publish.html",
        review=review,
        access=access,
        form=form,
        unmet=unmet,
        title="Publish the report",
    ), status


@bp.route("/<int:review_id>/report/reissue", methods=["GET", "POST"])
@review_page("can_reissue_report")
def reissue(review: Review, access: Access):
    report = report_drafting.report_for(db.session, review)
    reopened = bool(report and report.reissue_open)
    form = ReasonsForm()
    status = 200
    if form.validate_on_submit():
        try:
            if reopened:
                published = publication.publish_reissue(
                    db.session, review, reasons=form.reasons.data, actor=current_user, access=access
                )
                message = f"Version {published.version_number} of the report has been published."
                location = url_for("report.index", review_id=review.id)
            else:
                publication.reopen_for_reissue(
                    db.session, review, reasons=form.reasons.data, actor=current_user, access=access
                )
                message = (
                    "The report is open for re-issue. Authors can now correct the draft; "
                    "publish the new version when it is ready."
                )
                location = url_for("report.index", review_id=review.id, show="draft")
        except ReportError as error:
            db.session.rollback()
            form.reasons.errors = [*form.reasons.errors, str(error)]
            status = 400
        else:
            return saved(message, location)
    elif form.is_submitted():
        status = 400
    elif reopened:
        form.reasons.data = report.reissue_reasons
    latest = publication.latest_published(db.session, review.id)
    return render_template(
        "report/reissue.html",
        review=review,
        access=access,
        form=form,
        reopened=reopened,
        latest=latest,
        title="Publish the re-issued report" if reopened else "Reopen the report for re-issue",
    ), status


@bp.post("/<int:review_id>/report/publicity")
@review_page("can_manage_publication")
def publicity(review: Review, access: Access):
    form = PublicityForm()
    if not form.validate_on_submit() or form.is_public.data not in ("yes", "no"):
        abort(400)
    make_public = form.is_public.data == "yes"
    publication.set_public(
        db.session, review, is_public=make_public, actor=current_user, access=access
    )
    return saved(
        "The published report is now public at its public address."
        if make_public
        else "The published report is no longer public.",
        url_for("report.index", review_id=review.id),
    )


from inspect_app.report import accuracy_routes, action_plan_routes  # noqa: E402, F401
