"""a covering index for counting evidence for and against each judgement

Revision ID: 0010_evidence_link_bearing
Revises: 0009_page_cache

The reconciliation page counts a review's links per key judgement and stance: with the
stance in the index beside the item and the judgement, the link rows themselves are not
read (about 95 to 78 ms for a review of 20,000 items on SQLite). It replaces the index on
the item alone, which it leads with.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_evidence_link_bearing"
down_revision = "0009_page_cache"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("evidence_link", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evidence_link_bearing",
            ["evidence_item_id", "key_judgement_id", "stance"],
            unique=False,
        )
        batch_op.drop_index("ix_evidence_link_evidence_item_id")


def downgrade():
    with op.batch_alter_table("evidence_link", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evidence_link_evidence_item_id", ["evidence_item_id"], unique=False
        )
        batch_op.drop_index("ix_evidence_link_bearing")
