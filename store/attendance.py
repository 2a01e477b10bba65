"""What attendants' work needs beyond the demand lifecycle: who the attendants are, which
demand a bot message shows (so replying to a card in a chat acts on that demand), and which of
those messages are live cards (the room's card of a demand, edited as the demand changes).

Functions over an open ``Transaction``: they join its unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select

from .models import CardMessageRow, ChannelAccountRow, ChatRow, PersonRow
from .protocol import parse_protocol
from .mappers import chat_view
from .views import Chat, Person


@dataclass(frozen=True)
class Attendant:
    person: Person
    accounts: tuple[tuple[str, str], ...]  # (channel, channel user id)


async def remember_message(tx, channel: str, chat_id: str, message_id: str, protocol: str) -> None:
    """Record that the bot message `message_id` in a chat shows the demand `protocol`."""
    await _remember(tx, channel, chat_id, message_id, protocol, live=False)


async def remember_live_card(tx, channel: str, chat_id: str, message_id: str, protocol: str) -> None:
    """Record a demand's card in a chat, to be edited when the demand changes."""
    await _remember(tx, channel, chat_id, message_id, protocol, live=True)


async def _remember(tx, channel: str, chat_id: str, message_id: str, protocol: str, *, live: bool) -> None:
    canonical = parse_protocol(protocol) or protocol
    key = (channel, str(chat_id), str(message_id))
    row = await tx.session.get(CardMessageRow, key)
    if row is None:
        tx.session.add(CardMessageRow(channel=key[0], chat_id=key[1], message_id=key[2],
                                      protocol=canonical, created_at=tx.now(), live=live))
    else:
        row.protocol = canonical
        # Once a card, always a card: noting the message again (a reply to it) must not stop its edits.
        row.live = row.live or live
    await tx.session.flush()


@dataclass(frozen=True)
class LiveCard:
    chat: Chat
    message_id: str


async def live_cards(tx, protocol: str) -> list[LiveCard]:
    """The live cards of a demand, oldest first, with the chat each is in."""
    canonical = parse_protocol(protocol) or protocol
    rows = (await tx.session.execute(
        select(CardMessageRow.message_id, ChatRow)
        .join(ChatRow, and_(ChatRow.channel == CardMessageRow.channel,
                            ChatRow.chat_id == CardMessageRow.chat_id))
        .where(CardMessageRow.protocol == canonical, CardMessageRow.live.is_(True))
        .order_by(CardMessageRow.created_at, CardMessageRow.message_id))).all()
    return [LiveCard(chat=chat_view(chat), message_id=message_id) for message_id, chat in rows]


async def protocol_for_message(tx, channel: str, chat_id: str, message_id: str) -> str | None:
    row = await tx.session.get(CardMessageRow, (channel, str(chat_id), str(message_id)))
    return row.protocol if row else None


async def attendants(tx) -> list[Attendant]:
    """Everyone holding the attendant role, by name, with the channel accounts they use."""
    people = (await tx.session.scalars(
        select(PersonRow).where(PersonRow.is_attendant.is_(True)).order_by(PersonRow.name, PersonRow.id)
    )).all()
    found = []
    for row in people:
        accounts = (await tx.session.execute(
            select(ChannelAccountRow.channel, ChannelAccountRow.channel_user_id)
            .where(ChannelAccountRow.person_id == row.id)
            .order_by(ChannelAccountRow.channel, ChannelAccountRow.channel_user_id))).all()
        person = await tx.person(row.id)
        found.append(Attendant(person=person, accounts=tuple((c, u) for c, u in accounts)))
    return found
