"""when each certificate was declared; unverified stars leave search

Products get `ocop_declared_at`, the time the certificate now on file was
declared, so that the admins' verification queue is oldest first. Existing
certificates take the product's last update as their declaration time.

Unverified certificates no longer count as stars in search, so every product
whose certificate awaits verification is queued in the search outbox: `search
sync` (or the next write, on the embedded backend) updates its document.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 11:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('products', sa.Column('ocop_declared_at', sa.DateTime(timezone=True), nullable=True))
    products = sa.table('products', sa.column('id', sa.Integer()), sa.column('ocop_stars', sa.SmallInteger()),
                        sa.column('ocop_verified_at', sa.DateTime(timezone=True)),
                        sa.column('ocop_declared_at', sa.DateTime(timezone=True)),
                        sa.column('updated_at', sa.DateTime(timezone=True)))
    op.execute(products.update().where(products.c.ocop_stars.is_not(None))
               .values(ocop_declared_at=products.c.updated_at))
    outbox = sa.table('search_outbox', sa.column('product_id', sa.Integer()),
                      sa.column('created_at', sa.DateTime(timezone=True)), sa.column('attempts', sa.Integer()),
                      sa.column('available_at', sa.DateTime(timezone=True)), sa.column('last_error', sa.String()))
    now = sa.literal(datetime.now(timezone.utc), sa.DateTime(timezone=True))
    op.execute(outbox.insert().from_select(
        ['product_id', 'created_at', 'attempts', 'available_at', 'last_error'],
        sa.select(products.c.id, now, sa.literal(0), now, sa.literal(''))
        .where(products.c.ocop_stars.is_not(None), products.c.ocop_verified_at.is_(None))))


def downgrade():
    # A plain DROP COLUMN (SQLite >= 3.35 has it): a batch copy of products
    # would fail on the foreign keys that point at it.
    op.drop_column('products', 'ocop_declared_at')
