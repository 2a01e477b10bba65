"""Live cards marked by a column, not by a second row under "<channel>+card".

A demand's card in a room was recorded twice: as any message that shows a demand (replies find it)
and again under the channel name with "+card" appended, which marked it as a card to edit when
the demand changes. Now the one row says so itself (`live`). Existing "+card" rows become the
mark on their message's row (a row is made when only the "+card" one exists), and the downgrade
writes them back.

Revision ID: 0005_live_cards
Revises: 0004_pending_attachments
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

revision = '0005_live_cards'
down_revision = '0004_pending_attachments'
branch_labels = None
depends_on = None

SUFFIX = "+card"

cards = sa.table(
    'card_messages',
    sa.column('channel', sa.String), sa.column('chat_id', sa.String), sa.column('message_id', sa.String),
    sa.column('protocol', sa.String), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('live', sa.Boolean),
)


def _suffixed(rows):
    return rows.c.channel.like(f"%{SUFFIX}")


def _same_message(suffixed, plain):
    """`suffixed` is the "+card" row of the message in `plain`."""
    return sa.and_(suffixed.c.channel == plain.c.channel + SUFFIX, suffixed.c.chat_id == plain.c.chat_id,
                   suffixed.c.message_id == plain.c.message_id)


def upgrade() -> None:
    with op.batch_alter_table('card_messages') as batch_op:
        # The default also covers rows an older instance writes during a rolling upgrade.
        batch_op.add_column(sa.Column('live', sa.Boolean(), nullable=False, server_default=sa.false()))
    card, plain = cards.alias('card'), cards.alias('plain')
    channel = sa.func.substr(card.c.channel, 1, sa.func.length(card.c.channel) - len(SUFFIX))
    orphans = (sa.select(channel, card.c.chat_id, card.c.message_id, card.c.protocol, card.c.created_at,
                         sa.true())
               .where(_suffixed(card), ~sa.exists().where(_same_message(card, plain))))
    op.execute(cards.insert().from_select(
        ['channel', 'chat_id', 'message_id', 'protocol', 'created_at', 'live'], orphans))
    op.execute(cards.update().where(sa.exists().where(_same_message(card, cards))).values(live=True))
    op.execute(cards.delete().where(_suffixed(cards)))


def downgrade() -> None:
    op.execute(cards.insert().from_select(
        ['channel', 'chat_id', 'message_id', 'protocol', 'created_at'],
        sa.select(cards.c.channel + SUFFIX, cards.c.chat_id, cards.c.message_id, cards.c.protocol,
                  cards.c.created_at).where(cards.c.live.is_(True))))
    with op.batch_alter_table('card_messages') as batch_op:
        batch_op.drop_column('live')
