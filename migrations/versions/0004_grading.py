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

# Grades and agreed grades are never deleted; their revisions are never changed either.
NEVER_DELETED = (
    'grade', 'agreed_grade', 'grade_revision', 'agreed_grade_revision', 'grade_evidence'
)
NEVER_CHANGED = ('grade_revision', 'agreed_grade_revision', 'grade_evidence')


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('grading_allowance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('may_grade_any', sa.Boolean(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'], name=op.f('fk_grading_allowance_changed_by_id_user_account')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_grading_allowance_review_id_review')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_grading_allowance_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_allowance')),
    sa.UniqueConstraint('review_id', 'user_id', name=op.f('uq_grading_allowance_review_id_user_id'))
    )
    with op.batch_alter_table('grading_allowance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grading_allowance_review_id'), ['review_id'], unique=False)

    op.create_table('agreed_grade',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('key_judgement_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('team_median', sa.Float(), nullable=True),
    sa.Column('derived_value', sa.Integer(), nullable=True),
    sa.Column('is_override', sa.Boolean(), nullable=False),
    sa.Column('agreed_by_id', sa.Integer(), nullable=False),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('(key_judgement_id IS NULL) <> (area_id IS NULL)', name=op.f('ck_agreed_grade_one_target')),
    sa.CheckConstraint('NOT is_override OR derived_value IS NOT NULL', name=op.f('ck_agreed_grade_override_of_derived')),
    sa.ForeignKeyConstraint(['agreed_by_id'], ['user_account.id'], name=op.f('fk_agreed_grade_agreed_by_id_user_account')),
    sa.ForeignKeyConstraint(['area_id'], ['judgement_area.id'], name=op.f('fk_agreed_grade_area_id_judgement_area')),
    sa.ForeignKeyConstraint(['key_judgement_id'], ['key_judgement.id'], name=op.f('fk_agreed_grade_key_judgement_id_key_judgement')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_agreed_grade_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreed_grade')),
    sa.UniqueConstraint('review_id', 'area_id', name=op.f('uq_agreed_grade_review_id_area_id')),
    sa.UniqueConstraint('review_id', 'key_judgement_id', name=op.f('uq_agreed_grade_review_id_key_judgement_id'))
    )
    with op.batch_alter_table('agreed_grade', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreed_grade_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreed_grade_key_judgement_id'), ['key_judgement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreed_grade_review_id'), ['review_id'], unique=False)

    op.create_table('grade',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('grader_id', sa.Integer(), nullable=False),
    sa.Column('key_judgement_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('confidence', sa.String(length=10), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("confidence IN ('low', 'medium', 'high')", name=op.f('ck_grade_confidence_known')),
    sa.CheckConstraint('(key_judgement_id IS NULL) <> (area_id IS NULL)', name=op.f('ck_grade_one_target')),
    sa.ForeignKeyConstraint(['area_id'], ['judgement_area.id'], name=op.f('fk_grade_area_id_judgement_area')),
    sa.ForeignKeyConstraint(['grader_id'], ['user_account.id'], name=op.f('fk_grade_grader_id_user_account')),
    sa.ForeignKeyConstraint(['key_judgement_id'], ['key_judgement.id'], name=op.f('fk_grade_key_judgement_id_key_judgement')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_grade_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade')),
    sa.UniqueConstraint('review_id', 'grader_id', 'area_id', name=op.f('uq_grade_review_id_grader_id_area_id')),
    sa.UniqueConstraint('review_id', 'grader_id', 'key_judgement_id', name=op.f('uq_grade_review_id_grader_id_key_judgement_id'))
    )
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grade_grader_id'), ['grader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grade_key_judgement_id'), ['key_judgement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grade_review_id'), ['review_id'], unique=False)

    op.create_table('agreed_grade_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreed_grade_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('team_median', sa.Float(), nullable=True),
    sa.Column('derived_value', sa.Integer(), nullable=True),
    sa.Column('is_override', sa.Boolean(), nullable=False),
    sa.Column('team_grades', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreed_grade_id'], ['agreed_grade.id'], name=op.f('fk_agreed_grade_revision_agreed_grade_id_agreed_grade')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_agreed_grade_revision_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreed_grade_revision')),
    sa.UniqueConstraint('agreed_grade_id', 'version', name=op.f('uq_agreed_grade_revision_agreed_grade_id_version'))
    )
    with op.batch_alter_table('agreed_grade_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreed_grade_revision_agreed_grade_id'), ['agreed_grade_id'], unique=False)

    op.create_table('grade_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grade_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('confidence', sa.String(length=10), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['grade_id'], ['grade.id'], name=op.f('fk_grade_revision_grade_id_grade')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_grade_revision_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_revision')),
    sa.UniqueConstraint('grade_id', 'version', name=op.f('uq_grade_revision_grade_id_version'))
    )
    with op.batch_alter_table('grade_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_revision_grade_id'), ['grade_id'], unique=False)

    # Links from each grade revision to the evidence items it rests on (evidence_item: 0002).
    op.create_table('grade_evidence',
    sa.Column('grade_revision_id', sa.Integer(), nullable=False),
    sa.Column('evidence_item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_item_id'], ['evidence_item.id'], name=op.f('fk_grade_evidence_evidence_item_id_evidence_item')),
    sa.ForeignKeyConstraint(['grade_revision_id'], ['grade_revision.id'], name=op.f('fk_grade_evidence_grade_revision_id_grade_revision')),
    sa.PrimaryKeyConstraint('grade_revision_id', 'evidence_item_id', name=op.f('pk_grade_evidence'))
    )
    with op.batch_alter_table('grade_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_evidence_evidence_item_id'), ['evidence_item_id'], unique=False)
    _make_grading_record_permanent()


def _make_grading_record_permanent():
    """Refuse deletes (and changes to revisions) in the database itself, whatever the client."""
    rules = [(t, 'DELETE') for t in NEVER_DELETED] + [(t, 'UPDATE') for t in NEVER_CHANGED]
    if op.get_bind().dialect.name == 'sqlite':
        for table, verb in rules:
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are permanent'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION grading_record_is_permanent() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% rows are permanent', TG_TABLE_NAME; END $$"
        )
        for table, verb in rules:
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION grading_record_is_permanent()"
            )


def downgrade():
    rules = [(t, 'DELETE') for t in NEVER_DELETED] + [(t, 'UPDATE') for t in NEVER_CHANGED]
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, verb in rules:
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_no_{verb.lower()}" + ('' if sqlite else f" ON {table}")
        )
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS grading_record_is_permanent()")
    with op.batch_alter_table('grade_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_evidence_evidence_item_id'))

    op.drop_table('grade_evidence')
    with op.batch_alter_table('grade_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_revision_grade_id'))

    op.drop_table('grade_revision')
    with op.batch_alter_table('agreed_grade_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreed_grade_revision_agreed_grade_id'))

    op.drop_table('agreed_grade_revision')
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_review_id'))
        batch_op.drop_index(batch_op.f('ix_grade_key_judgement_id'))
        batch_op.drop_index(batch_op.f('ix_grade_grader_id'))
        batch_op.drop_index(batch_op.f('ix_grade_area_id'))

    op.drop_table('grade')
    with op.batch_alter_table('agreed_grade', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreed_grade_review_id'))
        batch_op.drop_index(batch_op.f('ix_agreed_grade_key_judgement_id'))
        batch_op.drop_index(batch_op.f('ix_agreed_grade_area_id'))

    op.drop_table('agreed_grade')
    with op.batch_alter_table('grading_allowance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grading_allowance_review_id'))

    op.drop_table('grading_allowance')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
