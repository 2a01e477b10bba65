"""The inbox: every update a channel receives is written here before the channel acknowledges
it, and is marked done in the transaction of the turn that handles it. So an update is handled
exactly once: acknowledged means written, and written means handled once, after any crash.

- `receive` writes updates keyed by the channel's own id (Telegram's update_id, the activity's
  id) under a unique constraint: the same update posted again is found a duplicate and dropped.
- `claim` leases the head row of each chat (no older pending row of the same chat), like the
  outbox (store/outbox.py): the turns of one chat run in the order they arrived, different chats
  at once, in one process or several (PostgreSQL: ``FOR UPDATE SKIP LOCKED``).
- A lease only spares work: correctness comes from `TurnReceipts.finish_inbox`, which turns the
  rows from pending to done inside the turn's own transaction, or refuses (`AlreadyHandled`) so
  that the turn rolls back when someone else handled them first.
- The turn's replies are written to the outbox in that same transaction (`queue_replies`),
  born claimed by the process that took the turn, which sends them at once; if it dies, they are
  sent by whoever takes its claims over (store/owners.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update

from . import owners, recording, statements
from .group_commit import GroupCommit
from .models import InboxRow
from .unit import UnitOfWork

if TYPE_CHECKING:
    from .service import Store

PENDING, DONE = "pending", "done"
# Telegram resends an unacknowledged update for 24 hours: a done row older than this can no longer
# be a duplicate of anything that will come, and is deleted.
KEEP_DONE = timedelta(days=2)
REPLY = "reply"
# The key of a reply row's message that says where in its chat it goes, when not to the chat's
# own reference (a Teams channel's thread): read by store/outbox.py for whoever sends the row.
REPLY_REFERENCE = "reference"


class AlreadyHandled(Exception):
    """The turn's inbox rows were handled by another turn meanwhile: this one must not commit."""


@dataclass(frozen=True)
class Received:
    """An update as a channel hands it in."""

    channel: str
    chat_key: str
    update_key: str
    payload: dict
    group_key: str | None = None  # the parts of one album share it


@dataclass(frozen=True)
class InboxItem:
    id: int
    channel: str
    chat_key: str
    group_key: str | None
    payload: dict
    attempts: int  # including this one
    received_at: datetime
    taken: bool = False  # written already claimed by the process that received it


async def receive(store: Store, updates: Sequence[Received], *, taker: str | None = None,
                  lease: float = 30.0) -> list[InboxItem | None]:
    """Write the updates in one transaction; for each, its row, or None for a duplicate.

    With `taker`, a row whose chat has nothing else pending (and is no album's part) is written
    claimed by `taker`, who takes it at once: a turn started straight from its webhook call, with
    no claim to wait for (benchmarks/bench_replies.py)."""
    now = store.clock()
    statement = statements.inbox_insert(store.dialect)
    rows: list[InboxItem | None] = []
    async with store.transaction(urgent=True) as tx:  # the channel waits for it to acknowledge
        for update_ in updates:
            taken = taker is not None and update_.group_key is None and await tx.session.scalar(
                statements.INBOX_CHAT_PENDING, {"channel": update_.channel, "chat_key": update_.chat_key}) is None
            row_id = await tx.session.scalar(statement, {
                "channel": update_.channel, "chat_key": update_.chat_key, "update_key": update_.update_key,
                "group_key": update_.group_key, "payload": update_.payload, "status": PENDING,
                "attempts": 1 if taken else 0, "claimed_by": taker if taken else None,
                "claimed_until": now + timedelta(seconds=lease) if taken else None, "received_at": now})
            rows.append(None if row_id is None else InboxItem(
                row_id, update_.channel, update_.chat_key, update_.group_key, update_.payload,
                1 if taken else 0, now, taken=bool(taken)))
    return rows


def receiver(store: Store, taker: str | None = None, lease: float = 30.0) -> GroupCommit[Received, InboxItem | None]:
    """`receive` for a process's channels: updates arriving while a write is under way go together
    in the next one (store/group_commit.py)."""
    return GroupCommit(lambda updates: receive(store, updates, taker=taker, lease=lease))


async def claim(store: Store, owner: str, *, channels: Iterable[str], limit: int, lease: float,
                busy: Iterable[int] = ()) -> list[InboxItem]:
    """Lease up to `limit` rows of `channels` that are due, at most one per chat: its oldest.
    `busy`: the rows the owner is working on (not to be handed to it again)."""
    channels, busy = list(channels), list(busy)
    if not channels or limit <= 0:
        return []
    now = store.clock()
    parameters = {"now": now, "owner": owner, "channels": channels, "limit": limit,
                  "until": now + timedelta(seconds=lease), **({"busy": busy} if busy else {})}
    async with store.transaction() as tx:
        rows = (await tx.session.execute(statements.inbox_claim(store.dialect, bool(busy)), parameters)).all()
    return sorted((InboxItem(*row) for row in rows), key=lambda item: item.id)


async def group_of(store: Store, head: InboxItem) -> list[InboxItem]:
    """The pending rows that make one message with `head` (an album's parts), in order: `head`
    and the rows of its chat that follow it with the same group key, up to the first that does
    not."""
    if head.group_key is None:
        return [head]
    async with store.transaction() as tx:
        rows = (await tx.session.execute(
            select(*statements.INBOX_ITEM)
            .where(InboxRow.status == PENDING, InboxRow.channel == head.channel,
                   InboxRow.chat_key == head.chat_key, InboxRow.id >= head.id)
            .order_by(InboxRow.id))).all()
    group = []
    for row in rows:
        if row.group_key != head.group_key:
            break
        group.append(InboxItem(*row))
    return group or [head]


async def renew(store: Store, owner: str, ids: Iterable[int], lease: float) -> None:
    """Extend the lease of rows still being worked on."""
    await owners.extend_leases(store, InboxRow, owner, ids, lease, status=PENDING)


async def release(store: Store, owner: str, ids: Iterable[int], delay: float) -> None:
    """Give rows back, to be taken again after `delay` seconds (the database was away, say)."""
    async with store.transaction() as tx:
        await tx.session.execute(
            update(InboxRow).where(InboxRow.id.in_(list(ids)), InboxRow.claimed_by == owner,
                                   InboxRow.status == PENDING)
            .values(claimed_by=None, claimed_until=store.clock() + timedelta(seconds=delay)))


async def finish(store: Store, ids: Iterable[int]) -> None:
    """Mark done rows that needed no turn (an update the bot ignores, a refused file alone)."""
    async with store.transaction() as tx:
        await tx.session.execute(statements.INBOX_FINISH, {"ids": list(ids), "now": store.clock()})


async def waiting(store: Store, channels: Iterable[str]) -> int:
    """How many rows of `channels` are not done yet."""
    async with store.transaction() as tx:
        return await tx.session.scalar(
            select(func.count()).select_from(InboxRow)
            .where(InboxRow.status == PENDING, InboxRow.channel.in_(tuple(channels)))) or 0


async def purge(store: Store) -> int:
    """Delete done rows old enough that no duplicate of them can still arrive."""
    async with store.transaction() as tx:
        result = await tx.session.execute(
            delete(InboxRow).where(InboxRow.status == DONE, InboxRow.received_at < store.clock() - KEEP_DONE))
        return result.rowcount or 0


class TurnReceipts(UnitOfWork):
    """What a turn taken from the inbox does in its own transaction."""

    async def finish_inbox(self, ids: Sequence[int]) -> None:
        """Mark the turn's rows done, first thing in the turn: on PostgreSQL this also locks them,
        so a second process taking the same rows waits here and then finds them done."""
        result = await self.session.execute(statements.INBOX_FINISH, {"ids": list(ids), "now": self.now()})
        if result.rowcount != len(ids):
            raise AlreadyHandled(ids)

    async def queue_replies(self, chat_id: int, messages: Sequence[dict], owner: str, lease: float,
                            reference: dict | None = None) -> list[int]:
        """The turn's replies as outbox rows of its chat (by the chat's store id), claimed by
        `owner`, who sends them right after the commit; returns their ids, in order. `reference`:
        where in the chat they go when not to the chat itself (a thread), kept in each row, so
        that a reply the notifier sends in the end (refused for now, or left by a crash) lands
        there too.

        When an older reply of the chat is still unsent (waiting for its retry, or left by a
        process that died), these wait behind it, pending, for the notifier to send in order: then
        nothing is returned for the caller to send. (Pushes are another stream: a reply does not
        wait for them.)"""
        if not messages:
            return []
        now = self.now()
        behind = await self.session.scalar(statements.UNSENT_REPLY, {"chat_id": chat_id}) is not None
        claim = ({"status": "pending", "claimed_by": None, "claimed_until": None, "attempts": 0} if behind else
                 {"status": "sending", "claimed_by": owner, "claimed_until": now + timedelta(seconds=lease),
                  "attempts": 1})
        if reference is not None:
            messages = [{**message, REPLY_REFERENCE: reference} for message in messages]
        rows = [{"event_id": None, "chat_id": chat_id, "audience": REPLY, "message": message, **claim,
                 "next_attempt_at": now, "created_at": now} for message in messages]
        ids = (await self.session.scalars(statements.REPLY_INSERT, rows)).all()
        if behind:
            await recording.notify(self.session, "reply")
            return []
        return sorted(ids)
