"""one spelling of cancelled: payments.status 'canceled' becomes 'cancelled'

Stripe spells it "canceled"; everything else in the API, sub-orders and
orders included, says "cancelled". The gateway now maps Stripe's spelling, and
stored payments follow, with the status's CHECK constraint.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CONSTRAINT = 'ck_payments_paymentstatus'


def _status(*values):
    return sa.Enum(*values, name='paymentstatus', native_enum=False, create_constraint=True, length=20)


OLD = _status('pending', 'succeeded', 'failed', 'canceled')
NEW = _status('pending', 'succeeded', 'failed', 'cancelled')


def _respell(old_type, new_type, old: str, new: str):
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite can't alter a constraint: the batch copies the table, first
        # without the check, then with the new one once the rows are respelled.
        with op.batch_alter_table('payments', recreate='always') as batch_op:
            batch_op.alter_column('status', existing_type=old_type, type_=sa.String(length=20),
                                  existing_nullable=False)
        op.execute(f"UPDATE payments SET status = '{new}' WHERE status = '{old}'")
        with op.batch_alter_table('payments', recreate='always') as batch_op:
            batch_op.alter_column('status', existing_type=sa.String(length=20), type_=new_type,
                                  existing_nullable=False)
        return
    op.drop_constraint(op.f(CONSTRAINT), 'payments', type_='check')
    op.execute(f"UPDATE payments SET status = '{new}' WHERE status = '{old}'")
    values = ", ".join(f"'{v}'" for v in new_type.enums)
    op.create_check_constraint(op.f(CONSTRAINT), 'payments', f"status IN ({values})")


def upgrade():
    _respell(OLD, NEW, 'canceled', 'cancelled')


def downgrade():
    _respell(NEW, OLD, 'cancelled', 'canceled')
