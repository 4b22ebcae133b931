"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from inspect_app.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    # FTS shadow tables and the like are created by migrations on purpose, outside the models.
    differences = [
        d for d in differences
        if not (d[0] == "remove_table" and d[1].name.startswith(("evidence_search", "sqlite_")))
    ]
    assert differences == []
