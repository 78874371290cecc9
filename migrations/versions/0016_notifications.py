"""notifications: users.locale, HTML mail, sent notifications and opt-outs

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('locale', sa.String(5), nullable=False, server_default='vi'))
    with op.batch_alter_table('outbound_mails') as batch:
        batch.add_column(sa.Column('body_html', sa.Text(), nullable=True))
    op.create_table(
        'sent_notifications',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('key', sa.String(160), nullable=False),
        sa.UniqueConstraint('key', name='uq_sent_notifications_key'),
        sa.Column('kind', sa.String(40), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('mail_id', sa.Integer(), sa.ForeignKey('outbound_mails.id', ondelete='SET NULL'), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_sent_notifications_user_id', 'sent_notifications', ['user_id'])
    op.create_table(
        'notification_opt_outs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('kind', sa.String(40), nullable=False),
        sa.UniqueConstraint('user_id', 'kind', name='uq_notification_opt_outs_user_id_kind'),
    )
    op.create_index('ix_notification_opt_outs_user_id', 'notification_opt_outs', ['user_id'])


def downgrade():
    op.drop_table('notification_opt_outs')
    op.drop_table('sent_notifications')
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of users would trip its foreign keys.
    op.execute('ALTER TABLE outbound_mails DROP COLUMN body_html')
    op.execute('ALTER TABLE users DROP COLUMN locale')
