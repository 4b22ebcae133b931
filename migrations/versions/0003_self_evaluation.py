"""authority self-evaluation returns

Revision ID: 0003_self_evaluation
Revises: 0002_evidence
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0003_self_evaluation'
down_revision = '0002_evidence'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
