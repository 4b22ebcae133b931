"""Session cookies that expire after ``PERMANENT_SESSION_LIFETIME`` without a request.

Flask's own cookie sessions slide the same way, but sign and send the cookie again on every
response: serialising, compressing and signing it was about a tenth of the work of serving
a kept page. Here an unchanged session's cookie is signed again only once it is
:data:`REFRESH_AFTER` seconds old, so the limit without a request is the configured one,
less at most that minute. A session that changed is always sent at once.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

# Seconds after which an unchanged session's cookie is signed and sent again.
REFRESH_AFTER = 60


class SignedSession(SecureCookieSession):
    """A cookie session that knows when its cookie was signed (None: not yet)."""

    signed_at: int | None = None


class SlidingSessionInterface(SecureCookieSessionInterface):
    session_class = SignedSession

    def open_session(self, app: Flask, request: Request) -> SignedSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = int(signed_at.timestamp())
        return session

    def should_set_cookie(self, app: Flask, session: SignedSession) -> bool:  # type: ignore[override]
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        if session.signed_at is None:
            return True
        serializer = self.get_signing_serializer(app)
        now = serializer.make_signer().get_timestamp() if serializer else session.signed_at
        return now - session.signed_at >= REFRESH_AFTER


def init_app(app: Flask) -> None:
    app.session_interface = SlidingSessionInterface()
