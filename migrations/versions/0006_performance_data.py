"""indicator catalogue and indicator values

Revision ID: 0006_performance_data
Revises: 0005_report
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0006_performance_data'
down_revision = '0005_report'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
