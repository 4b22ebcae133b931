"""Loading a review for a page and enforcing who may see or do what on it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from inspect_app.extensions import db
from inspect_app.services.reviews import access_for, access_on, load_review
from inspect_app.web import page_cache as web_cache


def review_page(
    permission: str = "can_view", *, cached: bool = False, unless: Callable[[], bool] | None = None
) -> Callable:
    """Decorate a view taking ``review_id``: it receives ``review`` and ``access`` instead.

    A user who may not see the review at all gets 404, so its existence is not
    disclosed; a user who may see it but not do this gets 403.

    ``cached``: the page is served from the shared page cache while the review's data is
    unchanged (:mod:`inspect_app.web.page_cache`), unless ``unless()`` says otherwise.
    Access is decided first, from the review's current phase and team, in the same query
    that reads the review's generations; refusals take the ordinary path below.
    """

    plan = web_cache.PagePlan(unless=unless) if cached else None

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(review_id: int, **kwargs: Any):
            kept = None
            if plan is not None and web_cache.may_use_cache(unless):
                kept = _kept_review_page(plan, permission)
                hit = kept.serve() if kept is not None else None
                if hit is not None:
                    return hit
            review = load_review(db.session, review_id)
            if review is None:
                abort(404)
            access = access_for(current_user, review)
            if not access.can_view:
                abort(404)
            if not getattr(access, permission):
                # The team gets a plain refusal; anyone else learns nothing about the page.
                abort(403 if access.can_see_team_workings else 404)
            result = view(review=review, access=access, **kwargs)
            return kept.keep(result) if kept is not None else result

        if plan is not None:
            web_cache.mark(wrapper, plan)
        return wrapper

    return decorator


def _kept_review_page(plan: web_cache.PagePlan, permission: str) -> web_cache.KeptPage | None:
    """The cache entry for this request, if the user may have the page; None otherwise."""
    found = web_cache.request_lookup(plan)
    if found is None or found.review is None:
        return None
    facts = found.review
    access = access_on(current_user, facts.authority_id, facts.phase, facts.role)
    if not (access.can_view and getattr(access, permission)):
        return None
    return web_cache.KeptPage(found.key, found.kept)


def administrator_only(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_administrator:
            abort(404)
        return view(*args, **kwargs)

    return wrapper
