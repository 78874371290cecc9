"""till price overrides: a reason per changed price, a discount limit per point, lead operators

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

REASONS = ('damaged_pack', 'near_expiry', 'promotion', 'other')


def upgrade():
    with op.batch_alter_table('display_points') as batch:
        batch.add_column(sa.Column('max_discount_bps', sa.Integer(), nullable=False, server_default='3000'))
    with op.batch_alter_table('point_operators') as batch:
        batch.add_column(sa.Column('is_lead', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('stock_movements') as batch:
        batch.add_column(sa.Column('approved_by_user_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_stock_movements_approved_by_user_id_users'), 'users',
                                 ['approved_by_user_id'], ['id'])
    with op.batch_alter_table('stock_movement_lines') as batch:
        batch.add_column(sa.Column('listing_price_vnd', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('override_reason', sa.Enum(*REASONS, name='overridereason', native_enum=False,
                                                              create_constraint=True, length=20), nullable=True))
        batch.add_column(sa.Column('override_note', sa.String(200), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('stock_movement_lines') as batch:
        batch.drop_constraint(op.f('ck_stock_movement_lines_overridereason'), type_='check')
        batch.drop_column('override_note')
        batch.drop_column('override_reason')
        batch.drop_column('listing_price_vnd')
    with op.batch_alter_table('stock_movements') as batch:
        batch.drop_constraint(op.f('fk_stock_movements_approved_by_user_id_users'), type_='foreignkey')
        batch.drop_column('approved_by_user_id')
    with op.batch_alter_table('point_operators') as batch:
        batch.drop_column('is_lead')
    with op.batch_alter_table('display_points') as batch:
        batch.drop_column('max_discount_bps')
