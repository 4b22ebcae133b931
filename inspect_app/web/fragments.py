"""Cache the parts of every page that never change between requests.

The GOV.UK header (crown and link home) and footer are the same on every page, yet rendering
them through the ``govuk_frontend_jinja`` macros costs a few milliseconds each time. A template
wraps such a part in ``{% call static_fragment("name") %}…{% endcall %}``: it is rendered once
per process (per application root, so a deployment under a path prefix is still right) and
reused. Only parts with no user, request or review in them may be wrapped. In debug mode
nothing is cached, so template edits show at once.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, request


def init_app(app: Flask) -> None:
    # ``caller()`` returns what the block rendered as markup-safe text (templates autoescape),
    # so it is kept and returned as it is, never re-marked as safe here.
    rendered: dict[tuple[str, str], str] = {}

    def static_fragment(name: str, caller: Callable[[], str]) -> str:
        if app.debug:
            return caller()
        key = (name, request.script_root)
        html = rendered.get(key)
        if html is None:
            html = rendered[key] = caller()
        return html

    app.jinja_env.globals["static_fragment"] = static_fragment
