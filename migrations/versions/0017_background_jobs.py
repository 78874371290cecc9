"""background jobs: failed jobs

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:31:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'failed_jobs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('kwargs', sa.JSON(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('run_again_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_failed_jobs_failed_at', 'failed_jobs', ['failed_at'])


def downgrade():
    op.drop_table('failed_jobs')
