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
    op.create_table('self_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('evidence_item_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('submitted_via', sa.String(length=20), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['evidence_item_id'], ['evidence_item.id'], name=op.f('fk_self_evaluation_evidence_item_id_evidence_item')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_self_evaluation_review_id_review')),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_self_evaluation_rubric_id_rubric')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_self_evaluation_submitted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_evaluation')),
    sa.UniqueConstraint('review_id', 'version', name=op.f('uq_self_evaluation_review_id_version'))
    )
    with op.batch_alter_table('self_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_evaluation_review_id'), ['review_id'], unique=False)

    op.create_table('self_evaluation_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('self_evaluation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('judgement', sa.String(length=20), nullable=False),
    sa.Column('is_area', sa.Boolean(), nullable=False),
    sa.Column('key_judgement_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('evidence_references', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['judgement_area.id'], name=op.f('fk_self_evaluation_entry_area_id_judgement_area')),
    sa.ForeignKeyConstraint(['key_judgement_id'], ['key_judgement.id'], name=op.f('fk_self_evaluation_entry_key_judgement_id_key_judgement')),
    sa.ForeignKeyConstraint(['self_evaluation_id'], ['self_evaluation.id'], name=op.f('fk_self_evaluation_entry_self_evaluation_id_self_evaluation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_evaluation_entry')),
    sa.UniqueConstraint('self_evaluation_id', 'judgement', name=op.f('uq_self_evaluation_entry_self_evaluation_id_judgement'))
    )
    with op.batch_alter_table('self_evaluation_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_evaluation_entry_self_evaluation_id'), ['self_evaluation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('self_evaluation_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_evaluation_entry_self_evaluation_id'))

    op.drop_table('self_evaluation_entry')
    with op.batch_alter_table('self_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_evaluation_review_id'))

    op.drop_table('self_evaluation')
