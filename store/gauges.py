"""What the operator's gauges read (bot/metrics.py, at each scrape of ``GET /metrics``): how much
waits in the inbox and the outbox and for how long, how many conversations are active, how many
demands are in each status. One transaction of a few COUNT/MIN queries: the inbox's and the
outbox's on their status indexes (few rows wait), the demands' on theirs; the conversations
table, one row per person and chat, is counted whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from .models import ConversationRow, DemandRow, InboxRow, OutboxRow
from .views import Status

if TYPE_CHECKING:
    from .service import Store

# A conversation whose state changed this recently counts as active: a person filling in a
# demand answers within minutes; one silent for longer has left, whatever step they were at.
ACTIVE_WINDOW = timedelta(minutes=30)
INBOX_WAITING = ("pending",)
OUTBOX_WAITING = ("pending", "sending")


@dataclass(frozen=True)
class Queue:
    depth: int
    oldest_age_s: float  # 0 when nothing waits


@dataclass(frozen=True)
class Gauges:
    inbox: Queue
    outbox: Queue
    active_conversations: int
    demands_by_status: dict[str, int]  # Status member names, each present (0 when none)


async def read_gauges(store: Store) -> Gauges:
    now = store.clock()
    async with store.transaction() as tx:
        session = tx.session
        inbox = (await session.execute(select(func.count(), func.min(InboxRow.received_at))
                                       .where(InboxRow.status.in_(INBOX_WAITING)))).one()
        outbox = (await session.execute(select(func.count(), func.min(OutboxRow.created_at))
                                        .where(OutboxRow.status.in_(OUTBOX_WAITING)))).one()
        active = await session.scalar(select(func.count()).select_from(ConversationRow)
                                      .where(ConversationRow.updated_at >= now - ACTIVE_WINDOW))
        statuses = (await session.execute(select(DemandRow.status, func.count()).group_by(DemandRow.status))).all()
    return Gauges(inbox=_queue(*inbox, now), outbox=_queue(*outbox, now), active_conversations=active or 0,
                  demands_by_status={**{status.name: 0 for status in Status}, **dict(statuses)})


def _queue(depth: int, oldest: datetime | None, now: datetime) -> Queue:
    return Queue(depth=depth, oldest_age_s=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
