"""bank transactions: incoming transfers recorded once, matched to orders or queued for an admin

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

ACTIONS = ('confirm', 'refund', 're_reserve', 'dismiss')


def _enum(name, *values, length=20):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def upgrade():
    op.create_table(
        'bank_transactions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bank_reference', sa.String(120), nullable=False),
        sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
        sa.Column('description', sa.String(500), nullable=False),
        sa.Column('account_number', sa.String(40), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('source', _enum('source', 'webhook', 'statement'), nullable=False),
        sa.Column('status', _enum('banktransactionstatus', 'matched', 'queued', 'resolved'), nullable=False),
        sa.Column('reason', _enum('banktransactionreason', 'partial', 'overpaid', 'unknown_reference',
                                  'order_expired', 'order_cancelled', 'already_paid', length=30), nullable=True),
        sa.Column('suggested_action', _enum('suggestedaction', *ACTIONS), nullable=True),
        sa.Column('order_id', sa.Integer(), sa.ForeignKey('orders.id', name=op.f('fk_bank_transactions_order_id_orders')),
                  nullable=True),
        sa.Column('order_found_by', _enum('orderfoundby', 'reference', 'amount'), nullable=True),
        sa.Column('resolution', _enum('resolution', *ACTIONS), nullable=True),
        sa.Column('difference_vnd', sa.BigInteger(), nullable=True),
        sa.Column('to_return_vnd', sa.BigInteger(), nullable=False),
        sa.Column('note', sa.String(500), nullable=False),
        sa.Column('resolved_by_id', sa.Integer(),
                  sa.ForeignKey('users.id', name=op.f('fk_bank_transactions_resolved_by_id_users')), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('amount_vnd > 0', name=op.f('ck_bank_transactions_amount_positive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_transactions')),
        sa.UniqueConstraint('bank_reference', name=op.f('uq_bank_transactions_bank_reference')),
    )
    op.create_index(op.f('ix_bank_transactions_order_id'), 'bank_transactions', ['order_id'])
    op.create_index('ix_bank_transactions_status_occurred_at', 'bank_transactions', ['status', 'occurred_at'])


def downgrade():
    op.drop_index('ix_bank_transactions_status_occurred_at', table_name='bank_transactions')
    op.drop_index(op.f('ix_bank_transactions_order_id'), table_name='bank_transactions')
    op.drop_table('bank_transactions')
