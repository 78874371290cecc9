"""products.ocop_document_key: the certificate's decision document in storage

Photos stay in products.image_urls (in display order); their files, and the
document, live in marketplace.storage.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products') as batch_op:
        batch_op.add_column(sa.Column('ocop_document_key', sa.String(length=200), nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would rebuild products, which
    # the rows referring to it (foreign keys on) do not allow.
    op.drop_column('products', 'ocop_document_key')
