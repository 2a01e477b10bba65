"""Recording an event: the timeline row, its attachments (content first, then rows), and the
outbox rows of every chat that should hear about it, in the caller's transaction (the
transactional outbox of DESIGN.md: they commit or vanish with the change itself).

Who hears about an event: the requester's chats when it is public, the attendants' rooms when
the requester did something they should see (``lifecycle.ROOM_EVENTS``), the assignee's private
chats when the requester wrote; never the chat the event came from (that chat gets the turn's
own reply).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from taxonomy.references import Reference

from . import references, statements
from .attachments import CheckedAttachment, ContentStore
from .lifecycle import ROOM_EVENTS
from .views import Actor, AttachmentView, EventKind

# The PostgreSQL channel a notifier LISTENs on (store/outbox.py, bot/notifier).
NOTIFY_CHANNEL = "ecage_outbox"


class DemandRef(Protocol):
    """The demand an event belongs to: a loaded row or a view just inserted."""

    id: int
    protocol: str
    requester_id: int
    assignee_id: int | None


@dataclass(frozen=True)
class Change:
    """One event about to be recorded, its text and files already checked."""

    kind: EventKind
    text: str | None = None
    files: tuple[CheckedAttachment, ...] = ()
    data: dict | None = None  # what the event keeps besides its text (a rating, a former assignee)


@dataclass(frozen=True)
class Written:
    event_id: int
    attachments: tuple[AttachmentView, ...]
    references: tuple[Reference, ...]  # first cited by this event


async def write_event(session: AsyncSession, files: ContentStore, actor: Actor, demand: DemandRef,
                      change: Change, now: datetime, cites: Sequence[Reference] = ()) -> Written:
    """The event, the references `cites` (what its texts cite that the demand did not) and its
    attachments."""
    event_id, cited = await references.insert_event(session, {
        "demand_id": demand.id, "kind": change.kind.value, "author_id": actor.person_id,
        "text": change.text, "data": change.data, "visibility": "public", "created_at": now}, cites)
    # Written before the rows that point to them: a rollback leaves at most an unreferenced
    # file (harmless, content-addressed), never a row without its content.
    for item in change.files:
        await asyncio.to_thread(files.put, item)
    added = ()
    if change.files:
        rows = [{"demand_id": demand.id, "event_id": event_id, "filename": item.filename,
                 "content_type": item.content_type, "size": item.size, "sha256": item.sha256,
                 "created_at": now} for item in change.files]
        ids = (await session.scalars(statements.ATTACHMENT_INSERT, rows)).all()
        added = tuple(AttachmentView(id=attachment_id, **{k: v for k, v in row.items() if k != "demand_id"})
                      for attachment_id, row in zip(ids, rows))
    return Written(event_id, added, cited)


async def queue_outbox(session: AsyncSession, actor: Actor, demand: DemandRef, event_id: int,
                       kind: EventKind, now: datetime) -> None:
    """An outbox row for every chat that should hear about the event (see above)."""
    by_requester = actor.person_id == demand.requester_id
    to_assignee = by_requester and demand.assignee_id is not None and demand.assignee_id != actor.person_id
    query = statements.event_recipients(to_requester=True, to_rooms=by_requester and kind in ROOM_EVENTS,
                                        to_assignee=to_assignee, except_chat=actor.chat_id is not None)
    recipients = (await session.execute(query, {
        "requester_id": demand.requester_id, "assignee_id": demand.assignee_id,
        "except_chat": actor.chat_id})).all()
    if not recipients:
        return
    # A chat that blocked the bot gets its row skipped, visible to the operator, never tried.
    await session.execute(statements.OUTBOX_INSERT, [
        {"event_id": event_id, "chat_id": chat_id,
         "audience": "requester" if person_id == demand.requester_id and not room else "attendants",
         "status": "skipped" if blocked else "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
        for chat_id, person_id, room, blocked in recipients])
    await notify(session, demand.protocol)


# Set on a session that wrote rows for a notifier to send.
NOTIFIES = "notifies"


async def notify(session: AsyncSession, payload: str) -> None:
    """Wake the notifiers listening on PostgreSQL (SQLite has none: they poll, or are woken in
    their process, which `Store.notices` tells of)."""
    session.info[NOTIFIES] = True
    if session.bind.dialect.name == "postgresql":
        # Delivered at commit (and dropped on rollback), so a listener never sees a ghost.
        await session.execute(statements.NOTIFY, {"channel": NOTIFY_CHANNEL, "payload": payload})
