"""Loading a review for a page and enforcing who may see or do what on it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from inspect_app.extensions import db
from inspect_app.services.reviews import access_for, load_review


def review_page(permission: str = "can_view") -> Callable:
    """Decorate a view taking ``review_id``: it receives ``review`` and ``access`` instead.

    A user who may not see the review at all gets 404, so its existence is not
    disclosed; a user who may see it but not do this gets 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(review_id: int, **kwargs: Any):
            review = load_review(db.session, review_id)
            if review is None:
                abort(404)
            access = access_for(current_user, review)
            if not access.can_view:
                abort(404)
            if not getattr(access, permission):
                # The team gets a plain refusal; anyone else learns nothing about the page.
                abort(403 if access.can_see_team_workings else 404)
            return view(review=review, access=access, **kwargs)

        return wrapper

    return decorator


def administrator_only(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_administrator:
            abort(404)
        return view(*args, **kwargs)

    return wrapper
