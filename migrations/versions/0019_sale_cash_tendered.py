"""a cash sale's amount tendered, so its receipt shows the change even when reprinted

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-10 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stock_movements') as batch:
        batch.add_column(sa.Column('cash_tendered_vnd', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('stock_movements') as batch:
        batch.drop_column('cash_tendered_vnd')
