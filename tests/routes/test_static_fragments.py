"""The GOV.UK header and footer are rendered once per process and reused on every page."""

from __future__ import annotations

from flask import render_template_string


def test_header_and_footer_are_the_same_on_every_page_and_rendered_once(app, pages, make):
    admin = make.administrator()
    make.session.commit()
    pages.sign_in(admin)
    first = pages.get("/accessibility")
    second = pages.get("/privacy")
    for page in (first, second):
        assert page.select_one("header .govuk-header a.govuk-header__homepage-link")["href"] == "/"
        footer_links = [a.get_text(strip=True) for a in page.select("footer .govuk-footer__link")]
        assert "Accessibility statement" in footer_links and "Privacy" in footer_links
    assert str(first.select_one("footer")) == str(second.select_one("footer"))

    calls: list[str] = []

    def render_once() -> str:
        with app.test_request_context("/"):
            return render_template_string(
                "{% call static_fragment('probe') %}{{ record('x') }}{% endcall %}",
                record=lambda value: calls.append(value) or value,
            )

    assert render_once() == render_once() == "x"
    assert calls == ["x"]  # the second page reused the first rendering


def test_nothing_is_cached_in_debug_mode(app):
    app.debug = True
    try:
        counter = iter(range(10))
        with app.test_request_context("/"):
            template = "{% call static_fragment('probe-debug') %}{{ next_number() }}{% endcall %}"
            first = render_template_string(template, next_number=lambda: next(counter))
            second = render_template_string(template, next_number=lambda: next(counter))
        assert (first, second) == ("0", "1")
    finally:
        app.debug = False
