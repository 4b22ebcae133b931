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
    def outside_the_models(d) -> bool:
        table = d[1] if d[0] == "remove_table" else getattr(d[1], "table", None)
        return (
            d[0] in ("remove_table", "remove_index")
            and table is not None
            and (table.name.startswith(("evidence_search", "sqlite_")))
        )

    differences = [d for d in differences if not outside_the_models(d)]
    assert differences == []
