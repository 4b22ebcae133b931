"""evidence items, links to key judgements, tracked cases

Revision ID: 0002_evidence
Revises: 0001_foundation

Full-text search: ``evidence_search`` holds one row per evidence item (its title,
and its notes, link notes and extracted file text as ``body``); the service layer
keeps it up to date. It is deliberately not an ORM model. On SQLite an FTS5 table
``evidence_search_fts`` indexes it, kept in step by triggers; on PostgreSQL a
generated ``tsvector`` column with a GIN index does.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0002_evidence'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evidence_blob',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('extracted_text', sa.Text(), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_evidence_blob'))
    )
    op.create_table('evidence_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('gathered_on', sa.Date(), nullable=False),
    sa.Column('inspectorate', sa.String(length=40), nullable=True),
    sa.Column('neighbourhood', sa.String(length=120), nullable=False),
    sa.Column('is_restricted', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('deletion_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'], name=op.f('fk_evidence_item_added_by_id_user_account')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['user_account.id'], name=op.f('fk_evidence_item_deleted_by_id_user_account')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_evidence_item_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_item'))
    )
    with op.batch_alter_table('evidence_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_item_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_item_review_id'), ['review_id'], unique=False)

    op.create_table('evidence_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_item_id', sa.Integer(), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blob_sha256'], ['evidence_blob.sha256'], name=op.f('fk_evidence_file_blob_sha256_evidence_blob')),
    sa.ForeignKeyConstraint(['evidence_item_id'], ['evidence_item.id'], name=op.f('fk_evidence_file_evidence_item_id_evidence_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file'))
    )
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_file_blob_sha256'), ['blob_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_file_evidence_item_id'), ['evidence_item_id'], unique=False)

    op.create_table('evidence_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_item_id', sa.Integer(), nullable=False),
    sa.Column('key_judgement_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stance IN ('supports', 'contradicts')", name=op.f('ck_evidence_link_stance_known')),
    sa.ForeignKeyConstraint(['evidence_item_id'], ['evidence_item.id'], name=op.f('fk_evidence_link_evidence_item_id_evidence_item')),
    sa.ForeignKeyConstraint(['key_judgement_id'], ['key_judgement.id'], name=op.f('fk_evidence_link_key_judgement_id_key_judgement')),
    sa.ForeignKeyConstraint(['linked_by_id'], ['user_account.id'], name=op.f('fk_evidence_link_linked_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_link')),
    sa.UniqueConstraint('evidence_item_id', 'key_judgement_id', name=op.f('uq_evidence_link_evidence_item_id_key_judgement_id'))
    )
    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_link_evidence_item_id'), ['evidence_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_link_key_judgement_id'), ['key_judgement_id'], unique=False)

    op.create_table('tracked_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('evidence_item_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=30), nullable=False),
    sa.Column('age_group', sa.String(length=20), nullable=False),
    sa.Column('services', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'], name=op.f('fk_tracked_case_added_by_id_user_account')),
    sa.ForeignKeyConstraint(['evidence_item_id'], ['evidence_item.id'], name=op.f('fk_tracked_case_evidence_item_id_evidence_item')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_tracked_case_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracked_case')),
    sa.UniqueConstraint('evidence_item_id', name=op.f('uq_tracked_case_evidence_item_id')),
    sa.UniqueConstraint('review_id', 'reference', name=op.f('uq_tracked_case_review_id_reference'))
    )
    with op.batch_alter_table('tracked_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracked_case_review_id'), ['review_id'], unique=False)

    op.create_table('tracked_case_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('contact_on', sa.Date(), nullable=False),
    sa.Column('service', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['tracked_case.id'], name=op.f('fk_tracked_case_contact_case_id_tracked_case')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_tracked_case_contact_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracked_case_contact'))
    )
    with op.batch_alter_table('tracked_case_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracked_case_contact_case_id'), ['case_id'], unique=False)

    op.create_table('tracked_case_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('key_judgement_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stance IN ('supports', 'contradicts')", name=op.f('ck_tracked_case_finding_stance_known')),
    sa.ForeignKeyConstraint(['case_id'], ['tracked_case.id'], name=op.f('fk_tracked_case_finding_case_id_tracked_case')),
    sa.ForeignKeyConstraint(['key_judgement_id'], ['key_judgement.id'], name=op.f('fk_tracked_case_finding_key_judgement_id_key_judgement')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_tracked_case_finding_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracked_case_finding'))
    )
    with op.batch_alter_table('tracked_case_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracked_case_finding_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracked_case_finding_key_judgement_id'), ['key_judgement_id'], unique=False)

    _create_search()


def _create_search():
    """The search table (both databases) and its full-text index (per dialect)."""
    op.create_table('evidence_search',
    sa.Column('evidence_item_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_item_id'], ['evidence_item.id'], name=op.f('fk_evidence_search_evidence_item_id_evidence_item')),
    sa.PrimaryKeyConstraint('evidence_item_id', name=op.f('pk_evidence_search'))
    )
    if op.get_bind().dialect.name == "sqlite":
        # External-content FTS5: the index only, the text stays in evidence_search.
        op.execute(
            "CREATE VIRTUAL TABLE evidence_search_fts USING fts5("
            "title, body, content='evidence_search', content_rowid='evidence_item_id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER evidence_search_fts_insert AFTER INSERT ON evidence_search BEGIN "
            "INSERT INTO evidence_search_fts(rowid, title, body) "
            "VALUES (new.evidence_item_id, new.title, new.body); END"
        )
        op.execute(
            "CREATE TRIGGER evidence_search_fts_delete AFTER DELETE ON evidence_search BEGIN "
            "INSERT INTO evidence_search_fts(evidence_search_fts, rowid, title, body) "
            "VALUES ('delete', old.evidence_item_id, old.title, old.body); END"
        )
        op.execute(
            "CREATE TRIGGER evidence_search_fts_update AFTER UPDATE ON evidence_search BEGIN "
            "INSERT INTO evidence_search_fts(evidence_search_fts, rowid, title, body) "
            "VALUES ('delete', old.evidence_item_id, old.title, old.body); "
            "INSERT INTO evidence_search_fts(rowid, title, body) "
            "VALUES (new.evidence_item_id, new.title, new.body); END"
        )
    else:
        op.execute(
            "ALTER TABLE evidence_search ADD COLUMN document tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english'::regconfig, title), 'A') || "
            "setweight(to_tsvector('english'::regconfig, body), 'B')) STORED"
        )
        op.execute(
            "CREATE INDEX ix_evidence_search_document ON evidence_search USING GIN (document)"
        )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS evidence_search_fts_{suffix}")
        op.execute("DROP TABLE IF EXISTS evidence_search_fts")
    op.drop_table('evidence_search')
    with op.batch_alter_table('tracked_case_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracked_case_finding_key_judgement_id'))
        batch_op.drop_index(batch_op.f('ix_tracked_case_finding_case_id'))

    op.drop_table('tracked_case_finding')
    with op.batch_alter_table('tracked_case_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracked_case_contact_case_id'))

    op.drop_table('tracked_case_contact')
    with op.batch_alter_table('tracked_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracked_case_review_id'))

    op.drop_table('tracked_case')
    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_link_key_judgement_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_link_evidence_item_id'))

    op.drop_table('evidence_link')
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_file_evidence_item_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_file_blob_sha256'))

    op.drop_table('evidence_file')
    with op.batch_alter_table('evidence_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_item_review_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_item_kind'))

    op.drop_table('evidence_item')
    op.drop_table('evidence_blob')
