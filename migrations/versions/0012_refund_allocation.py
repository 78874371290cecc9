"""refunds awaiting allocation, and rejected Stripe webhooks

A refund made in Stripe's dashboard for an order of several producers is no
longer left for the platform to absorb silently: it awaits an admin's
allocation (refunds.awaiting_allocation), and the shares the admin allocates to
parts point back to it (refunds.allocated_from_id). Refunds recorded before
this revision without a part are marked as awaiting allocation: nobody decided
whose goods they paid back either, so the earnings of their orders' parts are
held until an admin has.

Signed webhooks that are not readable events are kept in
rejected_stripe_events, with the reason they were refused.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting_allocation', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('allocated_from_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_refunds_allocated_from_id'), ['allocated_from_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_refunds_allocated_from_id_refunds'), 'refunds',
                                    ['allocated_from_id'], ['id'])
    op.execute(sa.text("UPDATE refunds SET awaiting_allocation = true WHERE sub_order_id IS NULL"))

    op.create_table('rejected_stripe_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=True),
    sa.Column('event_type', sa.String(length=100), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rejected_stripe_events'))
    )
    with op.batch_alter_table('rejected_stripe_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rejected_stripe_events_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rejected_stripe_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rejected_stripe_events_event_id'))
    op.drop_table('rejected_stripe_events')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_refunds_allocated_from_id_refunds'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_refunds_allocated_from_id'))
        batch_op.drop_column('allocated_from_id')
        batch_op.drop_column('awaiting_allocation')
