"""Wiring of the web layer: blueprints, sign-in, security headers, error pages."""

from __future__ import annotations

from flask import Flask, send_from_directory
from govuk_frontend_wtf.main import WTFormsHelpers

from inspect_app.config import PROJECT_ROOT
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.phases import PHASE_ORDER
from inspect_app.extensions import login_manager
from inspect_app.web import errors, fragments, page_cache, request_log, security, sessions


def init_app(app: Flask) -> None:
    from inspect_app.admin.routes import bp as admin_bp
    from inspect_app.auth.routes import bp as auth_bp
    from inspect_app.dashboard.routes import bp as dashboard_bp
    from inspect_app.reviews.routes import bp as reviews_bp
    from inspect_app.rubric_browser.routes import bp as rubrics_bp

    for blueprint in (auth_bp, dashboard_bp, reviews_bp, rubrics_bp, admin_bp):
        app.register_blueprint(blueprint)

    import inspect_app.api.report
    import inspect_app.api.resources  # noqa: F401 — reviews, rubrics, evidence, grades, … + OpenAPI
    from inspect_app.api.routes import bp as api_bp
    from inspect_app.grading.routes import bp as grading_bp
    from inspect_app.profile.routes import bp as profile_bp

    for blueprint in (grading_bp, api_bp, profile_bp):
        app.register_blueprint(blueprint)

    from inspect_app.evidence.routes import bp as evidence_bp
    from inspect_app.self_evaluation.routes import bp as self_evaluation_bp
    from inspect_app.tracked_cases.routes import bp as tracked_cases_bp

    for blueprint in (evidence_bp, self_evaluation_bp, tracked_cases_bp):
        app.register_blueprint(blueprint)

    from inspect_app.public.routes import bp as public_bp
    from inspect_app.report.routes import bp as report_bp

    for blueprint in (report_bp, public_bp):
        app.register_blueprint(blueprint)

    from inspect_app.performance.routes import bp as performance_bp

    app.register_blueprint(performance_bp)

    from inspect_app.national.routes import bp as national_bp

    app.register_blueprint(national_bp)

    WTFormsHelpers(app)  # wtforms_errors() for the GOV.UK error summary
    security.init_app(app)
    sessions.init_app(app)
    fragments.init_app(app)
    page_cache.init_app(app)
    request_log.init_app(app)
    errors.init_app(app)

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    login_manager.user_loader(page_cache.load_user)

    assets_dir = PROJECT_ROOT / "static" / "govuk" / "assets"

    @app.get("/assets/<path:filename>")
    def govuk_assets(filename: str):
        """GOV.UK Frontend's stylesheet refers to its fonts and images under /assets/."""
        return send_from_directory(assets_dir, filename, max_age=31536000)

    app.jinja_env.globals.update(phase_order=PHASE_ORDER)
    app.jinja_env.filters["inspectorate_label"] = lambda code: Inspectorate(code).label
