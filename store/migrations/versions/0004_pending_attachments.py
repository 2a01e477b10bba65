"""Pending attachments: files held for a draft, a comment or an attendant's answer until it is
sent, so their content no longer travels base64 inside the conversation state.

Revision ID: 0004_pending_attachments
Revises: 0003_demand_numbers
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_pending_attachments'
down_revision = '0003_demand_numbers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pending_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_pending_attachments_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_attachments'))
    )
    with op.batch_alter_table('pending_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_attachments_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pending_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_attachments_person_id'))

    op.drop_table('pending_attachments')
