"""``flask`` command groups: rubrics, users, reviews, demo."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from inspect_app.cli.demo import demo
    from inspect_app.cli.reconcile import reconcile
    from inspect_app.cli.reviews import reviews
    from inspect_app.cli.rubrics import rubrics
    from inspect_app.cli.users import users

    for group in (rubrics, users, reviews, demo):
        app.cli.add_command(group)
    app.cli.add_command(reconcile)

    from inspect_app.cli.selfeval import selfeval

    app.cli.add_command(selfeval)

    from inspect_app.cli.export import export

    app.cli.add_command(export)

    from inspect_app.cli.backup import backup
    from inspect_app.cli.evidence import evidence

    app.cli.add_command(backup)
    app.cli.add_command(evidence)

    from inspect_app.cli.data import data

    app.cli.add_command(data)

    from inspect_app.cli.cache import cache

    app.cli.add_command(cache)
