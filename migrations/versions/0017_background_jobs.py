"""background jobs: failed jobs, photos awaiting renditions, imports being applied

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
    op.create_table(
        'product_imports',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('producer_id', sa.Integer(), sa.ForeignKey('producers.id'), nullable=False),
        sa.Column('token', sa.String(32), nullable=False),
        sa.UniqueConstraint('token', name='uq_product_imports_token'),
        sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='importstatus', native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('products_created', sa.Integer(), nullable=False),
        sa.Column('products_updated', sa.Integer(), nullable=False),
        sa.Column('variants_created', sa.Integer(), nullable=False),
        sa.Column('variants_updated', sa.Integer(), nullable=False),
        sa.Column('row_errors', sa.JSON(), nullable=False),
        sa.Column('failure', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_product_imports_producer_id', 'product_imports', ['producer_id'])
    op.create_table(
        'pending_product_images',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('product_id', sa.Integer(), sa.ForeignKey('products.id', ondelete='CASCADE'), nullable=False),
        sa.Column('stem', sa.String(60), nullable=False),
        sa.UniqueConstraint('stem', name='uq_pending_product_images_stem'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_pending_product_images_product_id', 'pending_product_images', ['product_id'])


def downgrade():
    op.drop_table('pending_product_images')
    op.drop_table('product_imports')
    op.drop_table('failed_jobs')
