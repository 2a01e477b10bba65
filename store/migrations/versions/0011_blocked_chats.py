"""Chats that cannot be reached (the user blocked the bot, it was removed from the group): marked
with when, so the notifier skips them until they write to the bot again.

Revision ID: 0011_blocked_chats
Revises: 0007_references
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

revision = '0011_blocked_chats'
down_revision = '0007_references'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.drop_column('blocked_at')
