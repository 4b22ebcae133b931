"""report drafts, sections, recommendations, factual accuracy, publication, action plans

Revision ID: 0005_report
Revises: 0004_grading
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0005_report'
down_revision = '0004_grading'
branch_labels = None
depends_on = None

# A published report is frozen, and every saved text of a section is kept: the database
# itself refuses to change or delete these rows, whatever the client.
PERMANENT = ('published_report', 'report_section_revision')


def upgrade():
    op.create_table('accuracy_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=40), nullable=False),
    sa.Column('passage', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'accepted', 'rejected')", name=op.f('ck_accuracy_comment_status_known')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_accuracy_comment_answered_by_id_user_account')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user_account.id'], name=op.f('fk_accuracy_comment_raised_by_id_user_account')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_accuracy_comment_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accuracy_comment'))
    )
    with op.batch_alter_table('accuracy_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accuracy_comment_review_id'), ['review_id'], unique=False)

    op.create_table('action_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_action_plan_review_id_review')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_action_plan_submitted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_plan')),
    sa.UniqueConstraint('review_id', name=op.f('uq_action_plan_review_id'))
    )
    op.create_table('published_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('document', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_published_report_published_by_id_user_account')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_published_report_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_report')),
    sa.UniqueConstraint('review_id', 'version_number', name=op.f('uq_published_report_review_id_version_number'))
    )
    with op.batch_alter_table('published_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_report_review_id'), ['review_id'], unique=False)

    op.create_table('recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('text_md', sa.Text(), nullable=False),
    sa.Column('band', sa.String(length=20), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('responsible_body', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("band IN ('immediate', 'six_months', 'longer_term')", name=op.f('ck_recommendation_band_known')),
    sa.ForeignKeyConstraint(['area_id'], ['judgement_area.id'], name=op.f('fk_recommendation_area_id_judgement_area')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_recommendation_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_recommendation_review_id_review')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_recommendation_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation'))
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_review_id'), ['review_id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('reissue_open', sa.Boolean(), nullable=False),
    sa.Column('reissue_reasons', sa.Text(), nullable=False),
    sa.Column('reissue_opened_by_id', sa.Integer(), nullable=True),
    sa.Column('reissue_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('public_slug', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['reissue_opened_by_id'], ['user_account.id'], name=op.f('fk_report_reissue_opened_by_id_user_account')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_report_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('public_slug', name=op.f('uq_report_public_slug')),
    sa.UniqueConstraint('review_id', name=op.f('uq_report_review_id'))
    )
    op.create_table('report_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_report_section_review_id_review')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_report_section_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_section')),
    sa.UniqueConstraint('review_id', 'key', name=op.f('uq_report_section_review_id_key'))
    )
    with op.batch_alter_table('report_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_section_review_id'), ['review_id'], unique=False)

    op.create_table('planned_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress_note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('not_started', 'in_progress', 'completed')", name=op.f('ck_planned_action_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_planned_action_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_planned_action_recommendation_id_recommendation')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_planned_action_review_id_review')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_planned_action_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_action'))
    )
    with op.batch_alter_table('planned_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_action_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_action_review_id'), ['review_id'], unique=False)

    op.create_table('report_section_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['saved_by_id'], ['user_account.id'], name=op.f('fk_report_section_revision_saved_by_id_user_account')),
    sa.ForeignKeyConstraint(['section_id'], ['report_section.id'], name=op.f('fk_report_section_revision_section_id_report_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_section_revision')),
    sa.UniqueConstraint('section_id', 'version', name=op.f('uq_report_section_revision_section_id_version'))
    )
    with op.batch_alter_table('report_section_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_section_revision_section_id'), ['section_id'], unique=False)

    _make_report_record_permanent()


def _make_report_record_permanent():
    if op.get_bind().dialect.name == 'sqlite':
        for table in PERMANENT:
            for verb in ('UPDATE', 'DELETE'):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} rows are permanent'); END"
                )
    else:
        op.execute(
            "CREATE FUNCTION report_record_is_permanent() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% rows are permanent', TG_TABLE_NAME; END $$"
        )
        for table in PERMANENT:
            for verb in ('UPDATE', 'DELETE'):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION report_record_is_permanent()"
                )


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in PERMANENT:
        for verb in ('update', 'delete'):
            op.execute(
                f"DROP TRIGGER IF EXISTS {table}_no_{verb}" + ('' if sqlite else f" ON {table}")
            )
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS report_record_is_permanent()")
    with op.batch_alter_table('report_section_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_section_revision_section_id'))

    op.drop_table('report_section_revision')
    with op.batch_alter_table('planned_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planned_action_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_planned_action_review_id'))

    op.drop_table('planned_action')
    with op.batch_alter_table('report_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_section_review_id'))

    op.drop_table('report_section')
    op.drop_table('report')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_review_id'))

    op.drop_table('recommendation')
    with op.batch_alter_table('published_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_report_review_id'))

    op.drop_table('published_report')
    op.drop_table('action_plan')
    with op.batch_alter_table('accuracy_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accuracy_comment_review_id'))

    op.drop_table('accuracy_comment')
