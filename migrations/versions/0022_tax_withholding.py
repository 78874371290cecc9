"""tax withheld for household businesses (Decree 117/2025/NĐ-CP): dated rates, the tax-payable
accounts and entry kinds of the ledger, and what each withholding was worked out from

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

ENTRY_KINDS_BEFORE = ['sale', 'cod_sale', 'cod_settlement', 'release', 'refund', 'processor_fee', 'payout',
                      'payout_paid', 'payout_failed', 'reversal', 'point_sale', 'cash_handover']
ENTRY_KINDS_TAX = ['tax_withheld', 'tax_reversed']
ACCOUNTS_BEFORE = ['shopper_clearing', 'commission_revenue', 'producer_pending', 'producer_available',
                   'payouts_in_transit', 'processor_fees', 'refunds', 'cash_held']
ACCOUNTS_TAX = ['vat_withheld_payable', 'pit_withheld_payable']


def _set_values(table, constraint, column, values):
    """Enum columns are checked by a named CHECK constraint; widen or narrow it."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(constraint), type_='check')
        batch_op.create_check_constraint(op.f(constraint), sa.column(column).in_(values))


def upgrade():
    op.create_table('withholding_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('vat_bps', sa.Integer(), nullable=False),
    sa.Column('pit_bps', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('vat_bps BETWEEN 0 AND 1000 AND pit_bps BETWEEN 0 AND 1000', name=op.f('ck_withholding_rates_rate_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_withholding_rates_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withholding_rates')),
    sa.UniqueConstraint('valid_from', name=op.f('uq_withholding_rates_valid_from'))
    )
    op.create_table('tax_withholdings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=True),
    sa.Column('revenue_vnd', sa.BigInteger(), nullable=False),
    sa.Column('vat_bps', sa.Integer(), nullable=False),
    sa.Column('pit_bps', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_tax_withholdings_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['producer_id'], ['producers.id'], name=op.f('fk_tax_withholdings_producer_id_producers')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_tax_withholdings_refund_id_refunds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tax_withholdings')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_tax_withholdings_entry_id')),
    sa.UniqueConstraint('refund_id', name=op.f('uq_tax_withholdings_refund_id'))
    )
    with op.batch_alter_table('tax_withholdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tax_withholdings_producer_id'), ['producer_id'], unique=False)
    _set_values('journal_entries', 'ck_journal_entries_entrykind', 'kind', ENTRY_KINDS_BEFORE + ENTRY_KINDS_TAX)
    _set_values('journal_lines', 'ck_journal_lines_account', 'account', ACCOUNTS_BEFORE + ACCOUNTS_TAX)


def downgrade():
    _set_values('journal_lines', 'ck_journal_lines_account', 'account', ACCOUNTS_BEFORE)
    _set_values('journal_entries', 'ck_journal_entries_entrykind', 'kind', ENTRY_KINDS_BEFORE)
    with op.batch_alter_table('tax_withholdings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tax_withholdings_producer_id'))
    op.drop_table('tax_withholdings')
    op.drop_table('withholding_rates')
