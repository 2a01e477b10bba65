"""Daily digests claimed per room and day, demands announced as waiting too long, and the
person's quiet-hours setting.

Revision ID: 0008_digest
Revises: 0006_inbox
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

revision = '0008_digest'
down_revision = '0006_inbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('digest_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], name=op.f('fk_digest_claims_chat_id_chats'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_claims')),
    sa.UniqueConstraint('chat_id', 'day', name=op.f('uq_digest_claims_chat_id_day'))
    )
    op.create_table('attention_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('waiting_since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_attention_marks_demand_id_demands'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attention_marks')),
    sa.UniqueConstraint('demand_id', 'waiting_since', name=op.f('uq_attention_marks_demand_id_waiting_since'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('silent_at_night', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('silent_at_night')
    op.drop_table('attention_marks')
    op.drop_table('digest_claims')
