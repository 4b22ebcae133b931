"""Fetch pages as parsed HTML and check what every page must get right."""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.factories import PASSWORD


class Pages:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def sign_in(self, user, password: str = PASSWORD) -> None:
        response = self.client.post("/sign-in", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    def get(self, url: str, status: int = 200) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code)
        return self.check(response.get_data(as_text=True))

    def post(self, url: str, data: dict, status: int = 303) -> BeautifulSoup | None:
        response = self.client.post(url, data=data)
        assert response.status_code == status, (
            url,
            response.status_code,
            response.get_data(as_text=True)[:3000],
        )
        if response.mimetype == "text/html" and response.status_code != 303:
            return self.check(response.get_data(as_text=True))
        return None

    @staticmethod
    def check(html: str) -> BeautifulSoup:
        page = BeautifulSoup(html, "html.parser")
        assert page.title and page.title.text.strip().endswith("JAR Workbench"), page.title
        assert page.select_one("main#main-content"), "every page has a main landmark"
        assert len(page.select("h1")) == 1, "every page has exactly one h1"
        ids = Counter(tag["id"] for tag in page.select("[id]"))
        duplicated = [i for i, n in ids.items() if n > 1]
        assert not duplicated, f"duplicate ids: {duplicated}"
        if page.select(".govuk-error-summary"):
            assert page.title.text.startswith("Error: "), "error pages' titles start 'Error:'"
        return page

    @staticmethod
    def text(page: BeautifulSoup, selector: str) -> str:
        node = page.select_one(selector)
        assert node is not None, f"nothing matches {selector}"
        return " ".join(node.get_text(" ").split())
