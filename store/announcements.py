"""Messages the notifier writes to the attendants' rooms by itself (the daily digest, a demand
waiting too long): outbox rows that carry their message, like a turn's reply, so they are sent
and retried like any push, in the transaction of the claim that says they were queued once."""

from __future__ import annotations

from sqlalchemy import select

from . import db, recording
from .mappers import chat_view
from .models import ChatRow, OutboxRow
from .views import Chat


async def attendant_rooms(tx) -> list[Chat]:
    rows = await tx.session.scalars(select(ChatRow).where(ChatRow.is_attendant_room.is_(True)).order_by(ChatRow.id))
    return [chat_view(row) for row in rows.all()]


async def queue_message(tx, chat: Chat, audience: str, message: dict) -> None:
    """One message (dialogs.messages.outgoing_to_json) for a room, pending for any notifier."""
    now = tx.now()
    tx.session.add(OutboxRow(event_id=None, chat_id=chat.id, audience=audience, message=message,
                             status="pending", attempts=0, next_attempt_at=now, created_at=now))
    await tx.session.flush()
    await recording.notify(tx.session, audience)


async def claim_once(tx, row, owner: str, **key) -> bool:
    """Insert the claim `row` of `key` unless another process's is there (its unique key waits for
    that transaction on PostgreSQL, then yields to it); whether this one was inserted."""
    result = await tx.session.execute(db.insert_for(tx.store.dialect, row)
                                      .values(**key, claimed_by=owner, created_at=tx.now())
                                      .on_conflict_do_nothing())
    return bool(result.rowcount)
