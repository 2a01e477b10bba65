"""What attendants' work needs beyond the demand lifecycle: who the attendants are, and which
demand a bot message shows (so replying to a card in a chat acts on that demand).

Functions over an open ``Transaction``: they join its unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .models import CardMessageRow, ChannelAccountRow, PersonRow
from .protocol import parse_protocol
from .views import Person


@dataclass(frozen=True)
class Attendant:
    person: Person
    accounts: tuple[tuple[str, str], ...]  # (channel, channel user id)


async def remember_message(tx, channel: str, chat_id: str, message_id: str, protocol: str) -> None:
    """Record that the bot message `message_id` in a chat shows the demand `protocol`."""
    canonical = parse_protocol(protocol) or protocol
    key = (channel, str(chat_id), str(message_id))
    row = await tx.session.get(CardMessageRow, key)
    if row is None:
        tx.session.add(CardMessageRow(channel=key[0], chat_id=key[1], message_id=key[2],
                                      protocol=canonical, created_at=tx.now()))
    else:
        row.protocol = canonical
    await tx.session.flush()


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
