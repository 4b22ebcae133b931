"""Who may see the national programme view."""

from __future__ import annotations

import pytest

from inspect_app.domain.permissions import UserKind, can_see_national_view


@pytest.mark.parametrize(
    ("kind", "programme_lead", "allowed"),
    [
        (UserKind.ADMINISTRATOR, False, True),
        (UserKind.ADMINISTRATOR, True, True),
        (UserKind.INSPECTOR, True, True),
        (UserKind.INSPECTOR, False, False),
        (UserKind.AUTHORITY, False, False),
        (UserKind.AUTHORITY, True, False),  # the flag never opens it to an authority
    ],
)
def test_can_see_national_view(kind, programme_lead, allowed):
    assert can_see_national_view(kind, programme_lead=programme_lead) is allowed
