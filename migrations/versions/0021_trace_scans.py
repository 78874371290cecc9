"""traceability: anonymous scan counts per variant, lot and day; lots producers printed stamps for

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'trace_scans',
        sa.Column('variant_id', sa.Integer(), nullable=False),
        sa.Column('lot_code', sa.String(60), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('scans', sa.Integer(), nullable=False),
        sa.CheckConstraint('scans > 0', name=op.f('ck_trace_scans_scans_positive')),
        sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_trace_scans_variant_id_variants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('variant_id', 'lot_code', 'day', name=op.f('pk_trace_scans')),
    )
    op.create_table(
        'stamped_lots',
        sa.Column('variant_id', sa.Integer(), nullable=False),
        sa.Column('lot_code', sa.String(60), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=True),
        sa.Column('printed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_stamped_lots_variant_id_variants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('variant_id', 'lot_code', name=op.f('pk_stamped_lots')),
    )


def downgrade():
    op.drop_table('stamped_lots')
    op.drop_table('trace_scans')
