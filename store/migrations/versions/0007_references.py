"""Document references of demands (taxonomy/references.py) and the possible duplicate a demand was
opened over.

Revision ID: 0007_references
Revises: 0006_inbox
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

revision = '0007_references'
down_revision = '0010_identity'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('demand_references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_demand_references_demand_id_demands'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_demand_references_event_id_events'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_references')),
    sa.UniqueConstraint('demand_id', 'kind', 'value', name=op.f('uq_demand_references_demand_id_kind_value'))
    )
    with op.batch_alter_table('demand_references', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_references_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_demand_references_value_kind', ['value', 'kind'], unique=False)
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.add_column(sa.Column('possible_duplicate_of', sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.drop_column('possible_duplicate_of')
    with op.batch_alter_table('demand_references', schema=None) as batch_op:
        batch_op.drop_index('ix_demand_references_value_kind')
        batch_op.drop_index(batch_op.f('ix_demand_references_event_id'))
    op.drop_table('demand_references')
