"""The routes of the application, read from its URL map, for the security tests."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import Flask
from werkzeug.routing import Rule

from inspect_app import create_app
from tests.security.expectations import EXPECTATIONS, base_endpoint, variant_of

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REVIEW_SCOPED_WITHOUT_REVIEW_ID = frozenset({"public.report", "public.children_summary"})


@dataclass(frozen=True)
class RouteCase:
    """One rule of the URL map, one method, and (optionally) a variant of its objects."""

    key: str  # an EXPECTATIONS key: "endpoint" or "endpoint[variant]"
    rule: Rule
    method: str

    @property
    def endpoint(self) -> str:
        return self.rule.endpoint

    @property
    def variant(self) -> str | None:
        return variant_of(self.key)

    @property
    def is_api(self) -> bool:
        return self.rule.rule.startswith("/api/")

    @property
    def review_scoped(self) -> bool:
        return "review_id" in self.rule.arguments or self.endpoint in (
            REVIEW_SCOPED_WITHOUT_REVIEW_ID
        )

    @property
    def id(self) -> str:
        suffix = f"[{self.variant}]" if self.variant else ""
        return f"{self.method} {self.rule.rule}{suffix}"

    def path(self, values: dict[str, object]) -> str:
        built = self.rule.build(
            {k: v for k, v in values.items() if k in self.rule.arguments}, append_unknown=False
        )
        assert built is not None, (self.rule.rule, values)
        return built[1]


@cache
def url_map_app() -> Flask:
    """An application made only to read its URL map (it never touches a database)."""
    return create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "routes", "TESTING": True})


def all_rules() -> list[Rule]:
    return sorted(url_map_app().url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def methods_of(rule: Rule) -> list[str]:
    return sorted(set(rule.methods or ()) - {"HEAD", "OPTIONS"})


def route_cases() -> list[RouteCase]:
    """Every (rule, method), plus every variant listed in the expectations table."""
    variants: dict[str, list[str]] = {}
    for key in EXPECTATIONS:
        variants.setdefault(base_endpoint(key), []).append(key)
    cases = []
    for rule in all_rules():
        for key in variants.get(rule.endpoint, [rule.endpoint]):
            for method in methods_of(rule):
                cases.append(RouteCase(key, rule, method))
    return cases


def unlisted_endpoints() -> list[str]:
    listed = {base_endpoint(k) for k in EXPECTATIONS}
    return sorted({r.endpoint for r in all_rules()} - listed)


def stale_expectations() -> list[str]:
    endpoints = {r.endpoint for r in all_rules()}
    return sorted(k for k in EXPECTATIONS if base_endpoint(k) not in endpoints)
