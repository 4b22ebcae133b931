"""One way to finish a successful form: commit, flash a success banner, redirect."""

from __future__ import annotations

from flask import flash, redirect
from werkzeug.wrappers import Response

from inspect_app.extensions import db


def saved(message: str, location: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(location, code=303)
