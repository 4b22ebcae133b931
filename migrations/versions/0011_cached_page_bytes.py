"""kept pages as the bytes they are sent as, with where their placeholders end

Revision ID: 0011_cached_page_bytes
Revises: 0010_evidence_link_bearing

Serving a kept page of 380 KB (the national view) spent most of its time encoding it to
UTF-8 and searching all of it for the two per-request placeholders. Pages are now kept as
bytes, with the offset where the last placeholder ends; on PostgreSQL they are stored
uncompressed (a page is read far more often than written, and decompressing it cost more
than reading it). The table is a cache: it is emptied and made again.
"""

import sqlalchemy as sa
from alembic import op

import inspect_app.models.types

# revision identifiers, used by Alembic.
revision = "0011_cached_page_bytes"
down_revision = "0010_evidence_link_bearing"
branch_labels = None
depends_on = None


def _create(html_type) -> None:
    op.create_table(
        "cached_page",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("stamp", sa.String(length=200), nullable=False),
        sa.Column("html", html_type, nullable=False),
        *(
            [sa.Column("holes_end", sa.Integer(), nullable=False)]
            if isinstance(html_type, sa.LargeBinary)
            else []
        ),
        sa.Column("stored_at", inspect_app.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cached_page")),
    )
    with op.batch_alter_table("cached_page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cached_page_stored_at"), ["stored_at"], unique=False)


def _drop() -> None:
    with op.batch_alter_table("cached_page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cached_page_stored_at"))
    op.drop_table("cached_page")


def upgrade():
    _drop()
    _create(sa.LargeBinary())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE cached_page ALTER COLUMN html SET STORAGE EXTERNAL")


def downgrade():
    _drop()
    _create(sa.Text())
