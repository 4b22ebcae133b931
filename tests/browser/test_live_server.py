"""The browser tests' server: a response body is closed before the connection can drop."""

from __future__ import annotations

from tests.browser.conftest import _bodies_read_whole


class _FileBody:
    def __init__(self) -> None:
        self.closed = False

    def __iter__(self):
        yield b"<svg>"
        yield b"</svg>"

    def close(self) -> None:
        self.closed = True


def test_a_body_is_read_whole_and_closed_before_it_is_written():
    body = _FileBody()
    statuses = []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "image/svg+xml")])
        return body

    written = _bodies_read_whole(app)({}, lambda status, headers: statuses.append(status))

    assert body.closed
    assert written == [b"<svg></svg>"]
    assert statuses == ["200 OK"]
