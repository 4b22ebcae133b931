"""independent grades, revisions, agreed grades, API tokens

Revision ID: 0004_grading
Revises: 0003_self_evaluation
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0004_grading'
down_revision = '0003_self_evaluation'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
