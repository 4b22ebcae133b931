"""the shared page cache: rendered pages and the generations that keep them current

Revision ID: 0009_page_cache
Revises: 0008_evidence_list_index

Rendering a large review's reconciliation page or the national view costs tens to hundreds
of milliseconds; most requests for them follow no change at all. Pages are kept here,
per user, and used only while the generations of the data they show are unchanged. A page
is kept as the UTF-8 bytes it is sent as, with the offset where its last per-request
placeholder ends, so serving it neither encodes nor searches all of it.
"""

import sqlalchemy as sa
from alembic import op

import inspect_app.models.types

# revision identifiers, used by Alembic.
revision = "0009_page_cache"
down_revision = "0008_evidence_list_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cache_generation",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_cache_generation")),
    )
    op.create_table(
        "cached_page",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("stamp", sa.String(length=200), nullable=False),
        sa.Column("html", sa.LargeBinary(), nullable=False),
        sa.Column("holes_end", sa.Integer(), nullable=False),
        sa.Column("stored_at", inspect_app.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cached_page")),
    )
    with op.batch_alter_table("cached_page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cached_page_stored_at"), ["stored_at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Read far more often than written: kept uncompressed, so serving one is a copy.
        op.execute("ALTER TABLE cached_page ALTER COLUMN html SET STORAGE EXTERNAL")


def downgrade():
    with op.batch_alter_table("cached_page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cached_page_stored_at"))
    op.drop_table("cached_page")
    op.drop_table("cache_generation")
