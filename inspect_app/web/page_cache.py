"""Serve the heavier pages from the shared page cache.

:mod:`inspect_app.services.page_cache` keeps pages and knows when they are out of date; this
module decides which requests may use it and makes a kept page right for the request:

- Only ``GET`` requests of a signed-in user, with no flash message waiting (a kept page
  would not show it), in a non-debug application with ``PAGE_CACHE`` on. A view may refuse
  more (the evidence list refuses searches with words).
- A page is kept per user, per address (path and query) and per version of the code and
  templates; it is used only under the stamp it was rendered under (the generations of the
  data it shows, and today's date). Access is decided on every request before anything
  kept is served, from the review's current phase and team.
- A kept page costs one statement: Flask-Login's user loader (:func:`load_user`) reads the
  user's row together with the page's lookup, outside a transaction, and the view serves
  the page only once Flask-Login has signed the user in and access is decided.
- The two parts of a page that belong to one request are cut out before it is kept and
  put back when it is served: the CSRF token of its forms and the nonce of its scripts.
  The placeholders are HTML comments, which neither escaped text nor sanitised Markdown
  can contain, so user content can never be mistaken for them.
- A response says ``X-Page-Cache: hit`` or ``miss`` (nothing when the cache was not used),
  for tests and for whoever is looking at a slow page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, wraps
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import SQLAlchemyError

from inspect_app.config import PROJECT_ROOT
from inspect_app.extensions import db
from inspect_app.models import User
from inspect_app.services import page_cache as service
from inspect_app.services.publication import today_in_uk
from inspect_app.web.security import csp_nonce

log = logging.getLogger(__name__)

CSRF_HOLE = "<!--jar:csrf-token-->"
NONCE_HOLE = "<!--jar:csp-nonce-->"
_HOLES = (CSRF_HOLE.encode(), NONCE_HOLE.encode())
HEADER = "X-Page-Cache"
_PLAN = "page_cache_plan"


def init_app(app: Flask) -> None:
    """Track what every session of ``db`` writes (once: the listeners are the same for
    every application on this ``db``)."""
    service.track_changes(db.session)


@cache
def code_fingerprint() -> str:
    """A digest of the application's code and templates: a deployment of a new version
    never serves a page the old one rendered."""
    digest = hashlib.sha256()
    sources = ((PROJECT_ROOT / "inspect_app", "*.py"), (PROJECT_ROOT / "templates", "*"))
    for folder, pattern in sources:
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
            digest.update(path.read_bytes())
    try:
        digest.update(version("govuk-frontend-jinja").encode())
    except PackageNotFoundError:
        log.info("page cache: govuk-frontend-jinja has no distribution metadata")
    return digest.hexdigest()


def day() -> str:
    """The day part of a stamp: pages say "today", "overdue" and "due in 3 days"."""
    return f"{today_in_uk().isoformat()}/{datetime.now(UTC).date().isoformat()}"


def request_may_use_cache(unless: Callable[[], bool] | None = None) -> bool:
    """Whether this request, whoever it is from, may be served from and kept in the cache;
    ``unless``: a view's own reason not to (the evidence list's searches with words)."""
    return bool(
        current_app.config["PAGE_CACHE"]
        and not current_app.debug
        and request.method == "GET"
        and not session.get("_flashes")
        and not (unless is not None and unless())
    )


def may_use_cache(unless: Callable[[], bool] | None = None) -> bool:
    """Whether this request may be served from, and kept in, the cache: a signed-in
    user's, as :func:`request_may_use_cache` says."""
    return bool(request_may_use_cache(unless) and current_user.is_authenticated)


def page_key(user_id: int) -> str:
    parts = [code_fingerprint(), str(user_id), request.script_root, request.full_path]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class PagePlan:
    """How a view's page is kept: under the generations of ``scopes(**view_args)``, or for
    a page of a review (``scopes`` None) under the review's, with the facts that decide
    access to it; never when ``unless()``."""

    scopes: Callable[..., list[str]] | None = None
    unless: Callable[[], bool] | None = None


def mark(view: Callable, plan: PagePlan) -> None:
    """Say how ``view``'s page is kept, so the user loader can look it up in the same
    statement as the user's row (``functools.wraps`` carries this to outer decorators)."""
    setattr(view, _PLAN, plan)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader, called once its session protection has passed.

    For a request a kept page may answer, the user's row is read in the same statement as
    the page's lookup, on its own outside a transaction; the lookup waits in ``g`` for the
    view, which serves the page only once the user is signed in and access is decided."""
    try:
        uid = int(user_id)
    except ValueError:
        return None
    plan = _plan_of_this_request()
    if plan is None:
        return db.session.get(User, uid)
    found = _lookup(uid, plan)
    if found is None:
        return None
    g.page_cache_lookup = found
    return found.user


def request_lookup(plan: PagePlan) -> service.Lookup | None:
    """The signed-in user's lookup for this request: the one the user loader made with
    the user's row, or (if the user was loaded otherwise) a new one."""
    found = g.pop("page_cache_lookup", None)
    if found is not None and found.user is current_user._get_current_object():
        return found  # made for this request and this user: its key is this page's
    return _lookup(current_user.id, plan)


def _plan_of_this_request() -> PagePlan | None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    plan = getattr(view, _PLAN, None)
    if plan is None or not request_may_use_cache(plan.unless):
        return None
    if plan.scopes is None and not isinstance((request.view_args or {}).get("review_id"), int):
        return None
    return plan


def _lookup(user_id: int, plan: PagePlan) -> service.Lookup | None:
    args = request.view_args or {}
    if plan.scopes is None:
        review_id = args["review_id"]
        scopes = service.review_scopes(review_id)
    else:
        review_id, scopes = None, plan.scopes(**args)
    key = page_key(user_id)
    return service.lookup(db.session, user_id, key, scopes, day=day(), review_id=review_id)


class KeptPage:
    """One request's use of the cache: the page's key, and what the lookup found (the
    stamp to keep a page under, and the page kept under it if any)."""

    def __init__(self, key: str, found: service.Kept) -> None:
        self.key = key
        self.found = found

    def serve(self) -> Response | None:
        """The kept page made right for this request, or None if there is none."""
        page = self.found.html
        if page is None:
            return None
        # The placeholders are in the header (the sign-out form, the script nonce) and in
        # any form further down: only the part up to the last one is searched and copied.
        end = self.found.holes_end
        if end:
            head = page[:end]
            head = head.replace(_HOLES[0], generate_csrf().encode())
            head = head.replace(_HOLES[1], csp_nonce().encode())
            page = head + page[end:]
        response = make_response(page)
        response.mimetype = "text/html"
        response.headers[HEADER] = "hit"
        return response

    def keep(self, result: Any) -> Any:
        """Keep what the view returned if it is a whole page: a string, or one with 200."""
        if isinstance(result, tuple) and len(result) == 2 and result[1] == 200:
            result = result[0]
        if not isinstance(result, str) or _session_has_changes():
            return result
        html = result
        field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        token = g.get(field)
        if token:
            html = html.replace(token, CSRF_HOLE)
        nonce = g.get("csp_nonce")
        if nonce:
            html = html.replace(nonce, NONCE_HOLE)
        page = html.encode()
        holes_end = max(page.rfind(hole) + len(hole) if hole in page else 0 for hole in _HOLES)
        try:
            service.keep_page(db.session, self.key, self.found.stamp, page, holes_end=holes_end)
            service.commit_keeping_loaded(db.session())
        except SQLAlchemyError:
            # A busy database must not cost the user the page they asked for.
            db.session.rollback()
            log.warning("page cache: could not keep %s", request.path, exc_info=True)
        response = make_response(result)
        response.headers[HEADER] = "miss"
        return response


def _session_has_changes() -> bool:
    """A view that changed something has not finished with its transaction: keep nothing."""
    s = db.session
    return bool(s.new or s.deleted or any(s.is_modified(obj) for obj in s.dirty))


def cached_page(scopes: Callable[..., list[str]], *, unless: Callable[[], bool] | None = None):
    """Decorate a view whose access checks come first (wrap it inside them): its page is
    kept under the generations of ``scopes(**view_kwargs)``."""
    plan = PagePlan(scopes, unless)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not may_use_cache(unless):
                return view(*args, **kwargs)
            found = request_lookup(plan)
            if found is None:
                return view(*args, **kwargs)
            kept = KeptPage(found.key, found.kept)
            hit = kept.serve()
            if hit is not None:
                return hit
            return kept.keep(view(*args, **kwargs))

        mark(wrapper, plan)
        return wrapper

    return decorator
