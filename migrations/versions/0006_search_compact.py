"""compact embedded search index

The embedded backend's index in a narrower shape: search_documents keeps the
filter, facet and sort values only, with small integer codes for region,
group and certifications (search/codes.py); names move to search_names; on
PostgreSQL, search_fts stores its tsvectors instead of computing them per row.

The index is derived data, so it is rebuilt rather than converted: this drops
the embedded index tables, makes them anew and queues every product in the
search outbox. After upgrading, run `flask --app wsgi search reindex` (or
`search sync`) to fill the index again; until then, the embedded backend's
search finds nothing. The Elasticsearch index is untouched; its backend gets
a harmless re-sync of every product from the outbox.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 17:05:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


# As in 0002. rowid is the product id; folding (đ → d too) happens in Python.
# The last query word is a prefix; Vietnamese syllables are short, so 2- and
# 3-letter prefixes are indexed: "ca"* is one lookup, not a merge of every term.
SQLITE_FTS = ("CREATE VIRTUAL TABLE search_fts USING fts5("
              "text_folded, text_exact, name_folded, producer_folded, "
              "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')")


def _drop_index_tables():
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_document_tags')
    if sa.inspect(op.get_bind()).has_table('search_names'):
        op.drop_table('search_names')
    op.drop_table('search_documents')


def _create_tags():
    op.create_table('search_document_tags',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['search_documents.product_id'], name=op.f('fk_search_document_tags_product_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'kind', 'value', name=op.f('pk_search_document_tags'))
    )
    with op.batch_alter_table('search_document_tags', schema=None) as batch_op:
        batch_op.create_index('ix_search_document_tags_kind_value', ['kind', 'value'], unique=False)


def _index_documents(compact: bool = True):
    """The indexes of either shape."""
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        if compact:
            batch_op.create_index('ix_search_documents_popularity', ['popularity', 'product_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_search_documents_ward_code'), ['ward_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_search_documents_facets', ['province_code', 'region', 'group', 'stars', 'certifications', 'valid_until', 'in_stock', 'producer_type', 'ward_code', 'price_min_vnd', 'price_max_vnd'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_price_min_vnd'), ['price_min_vnd'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_producer_id'), ['producer_id'], unique=False)


def _queue_every_product():
    outbox = sa.table('search_outbox', sa.column('product_id', sa.Integer()),
                      sa.column('created_at', sa.DateTime(timezone=True)), sa.column('attempts', sa.Integer()),
                      sa.column('available_at', sa.DateTime(timezone=True)), sa.column('last_error', sa.String()))
    products = sa.table('products', sa.column('id', sa.Integer()))
    now = sa.literal(datetime.now(timezone.utc), sa.DateTime(timezone=True))
    op.execute(outbox.insert().from_select(
        ['product_id', 'created_at', 'attempts', 'available_at', 'last_error'],
        sa.select(products.c.id, now, sa.literal(0), now, sa.literal(''))))


def upgrade():
    _drop_index_tables()
    op.create_table('search_documents',
    sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('region', sa.SmallInteger(), nullable=False),
    sa.Column('group', sa.SmallInteger(), nullable=False),
    sa.Column('stars', sa.SmallInteger(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('certifications', sa.SmallInteger(), nullable=False),
    sa.Column('in_stock', sa.Boolean(), nullable=False),
    sa.Column('producer_type', sa.String(length=20), nullable=False),
    sa.Column('ward_code', sa.Integer(), nullable=True),
    sa.Column('price_min_vnd', sa.BigInteger(), nullable=False),
    sa.Column('price_max_vnd', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('popularity', sa.Integer(), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_search_documents'))
    )
    _index_documents()

    op.create_table('search_names',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_folded', sa.String(length=200), nullable=False),
    sa.Column('producer_name', sa.String(length=200), nullable=False),
    sa.Column('producer_slug', sa.String(length=120), nullable=False),
    sa.Column('producer_folded', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['search_documents.product_id'], name=op.f('fk_search_names_product_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_search_names'))
    )
    _create_tags()

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_FTS)
    elif dialect == "postgresql":
        # The text and its tsvectors, stored: matching and ranking read them
        # instead of running to_tsvector on every candidate row.
        op.execute("CREATE TABLE search_fts ("
                   "product_id integer PRIMARY KEY REFERENCES search_documents (product_id) ON DELETE CASCADE, "
                   "text text NOT NULL, text_folded text NOT NULL, name_folded text NOT NULL, "
                   "folded_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text_folded)) STORED, "
                   "exact_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, lower(text))) STORED, "
                   "name_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, name_folded)) STORED)")
        op.execute("CREATE INDEX ix_search_fts_text ON search_fts USING gin (folded_vector)")
        op.execute("CREATE INDEX ix_search_fts_name ON search_names "
                   "USING gin (to_tsvector('simple'::regconfig, name_folded))")
        op.execute("CREATE INDEX ix_search_fts_producer ON search_names "
                   "USING gin (to_tsvector('simple'::regconfig, producer_folded))")
    _queue_every_product()


def downgrade():
    """Back to 0002's shape, empty, with every product queued again."""
    _drop_index_tables()
    op.create_table('search_documents',
    sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_folded', sa.String(length=200), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.Column('producer_name', sa.String(length=200), nullable=False),
    sa.Column('producer_slug', sa.String(length=120), nullable=False),
    sa.Column('producer_folded', sa.String(length=200), nullable=False),
    sa.Column('producer_type', sa.String(length=20), nullable=False),
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.Column('stars', sa.SmallInteger(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('ward_code', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('price_min_vnd', sa.BigInteger(), nullable=False),
    sa.Column('price_max_vnd', sa.BigInteger(), nullable=False),
    sa.Column('in_stock', sa.Boolean(), nullable=False),
    sa.Column('certifications', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('popularity', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_search_documents'))
    )
    _index_documents(compact=False)
    _create_tags()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_FTS)
    elif dialect == "postgresql":
        op.execute("CREATE TABLE search_fts ("
                   "product_id integer PRIMARY KEY REFERENCES search_documents (product_id) ON DELETE CASCADE, "
                   "text text NOT NULL, text_folded text NOT NULL)")
        op.execute("CREATE INDEX ix_search_fts_text ON search_fts "
                   "USING gin (to_tsvector('simple'::regconfig, text_folded))")
        op.execute("CREATE INDEX ix_search_fts_name ON search_documents "
                   "USING gin (to_tsvector('simple'::regconfig, name_folded))")
        op.execute("CREATE INDEX ix_search_fts_producer ON search_documents "
                   "USING gin (to_tsvector('simple'::regconfig, producer_folded))")
    _queue_every_product()
