"""Claiming and marking outbox rows: the notifier's side of the transactional outbox.

A claim is a lease: a row moves pending -> sending with ``claimed_by``/``claimed_until`` in one
statement (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so several notifiers never take the same
row; SQLite: one ``UPDATE ... RETURNING`` under the writer lock). A lease that runs out (the
notifier died) makes the row claimable again. Only the oldest unsent row of each chat can be
claimed, so the events of a chat go out in the order they were written, and a row waiting for
its retry holds back the later rows of its chat (never reordered).

A confirmed send is marked ``sent`` in its own transaction at once, so after a crash only the
row that was in flight can be sent again. A row can become several channel messages (a text and
its files as documents, a text in pieces): when a send fails part-way, ``mark_retry`` keeps how
far it got (``Progress``, in the row's ``message`` JSON under "progress"), and the next attempt
starts after the parts confirmed, so a retry never sends the text again. A crash in the middle
of a row (nothing recorded) sends the whole row again. The notifier renews the lease of the rows
it is sending (`renew`), so a short lease frees a dead notifier's rows soon without taking a
slow send from a live one; a dead process's rows on this host are freed at once (store/owners.py).

A chat the channel says is unreachable (it blocked the bot, removed it, is gone) is marked
(`mark_chat_gone`): its waiting rows, and those written while the mark stands
(store/recording.py), are ``skipped``, never tried. The mark goes when the chat writes to the bot
again (store/conversations.py `open_turn`) or the operator retries one of its rows. A row written
by a transaction that did not see the mark yet is tried once more: its refusal marks it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from . import attendance, db, owners, statements
from .attendance import LiveCard
from .inbox import REPLY_REFERENCE
from .models import ChatRow, CounterRow, DemandRow, EventRow, OutboxRow, PersonRow, PushPreferenceRow
from .protocol import parse_protocol
from .mappers import chat_view, demand_view, event_view, person_view
from .recording import NOTIFY_CHANNEL
from .service import Store
from .views import Actor, Chat, DemandView, EventKind, EventView, Person

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
UNSENT = (PENDING, SENDING)

EMAIL_CHANNEL = "email"
# E-mail rows are found by scanning new events; ids a little below the cursor are scanned again
# because on PostgreSQL a transaction can commit after one that took a later id.
EMAIL_CURSOR = "email_cursor"
EMAIL_LOOKBACK = 1000
# The newest event when e-mail was first enabled: the lookback never reaches below it.
EMAIL_FLOOR = "email_floor"

__all__ = [
    "EMAIL_CHANNEL", "FAILED", "NOTIFY_CHANNEL", "PENDING", "SENDING", "SENT", "SKIPPED", "Delivery",
    "OutboxEntry", "Progress", "SentReply", "card_snapshot", "claim", "list_outbox", "mark_chat_gone", "mark_failed",
    "mark_replies_sent", "mark_reply_sent", "mark_retry",
    "mark_sent", "mark_sent_many",
    "queue_emails", "remember_live_cards", "renew", "retry", "waiting_channels",
]


@dataclass(frozen=True)
class Progress:
    """How far the sends of a row got before a failure: the row's messages sent whole, and the
    parts (channel messages) of the next one sent."""

    messages: int = 0
    parts: int = 0

    @classmethod
    def of(cls, stored: dict | None) -> Progress:
        messages, parts = (stored or {}).get("progress") or (0, 0)
        return cls(int(messages), int(parts))

    def skip(self, index: int) -> int | None:
        """Parts of message `index` already sent; None when it was sent whole."""
        if index < self.messages:
            return None
        return self.parts if index == self.messages else 0


@dataclass(frozen=True)
class Delivery:
    """One claimed row with everything needed to render and send it: an event with its demand,
    or a turn's reply (`message`, which a process that died before sending it left behind)."""

    id: int
    attempts: int  # including this one
    audience: str  # "requester" | "attendants" | "reply"
    chat: Chat
    event: EventView | None
    demand: DemandView | None
    requester: Person | None
    message: dict | None = None
    progress: Progress = Progress()  # of an earlier attempt that failed part-way


@dataclass(frozen=True)
class OutboxEntry:
    """A row as the operator sees it (``python -m bot admin outbox``)."""

    id: int
    status: str
    attempts: int
    channel: str
    chat_id: str
    kind: str  # the event's kind, or "reply"
    protocol: str | None
    next_attempt_at: datetime
    last_error: str | None


def _now(store: Store) -> datetime:
    return store.clock()


async def claim(store: Store, owner: str, *, channels: Iterable[str], limit: int = 50,
                lease: float = 60.0, chat_id: str | None = None) -> list[Delivery]:
    """Lease up to ``limit`` deliverable rows (at most one per chat) of the given channels."""
    channels = tuple(channels)
    if not channels or limit <= 0:
        return []
    now = _now(store)
    # The head of its chat: no older unsent row in the same chat. (Written as NOT EXISTS, an
    # index lookup per row, because PostgreSQL's plan for a GROUP BY of heads went quadratic on
    # a freshly filled table.)
    older = aliased(OutboxRow)
    is_head = ~exists(select(older.id).where(older.chat_id == OutboxRow.chat_id,
                                             older.status.in_(UNSENT), older.id < OutboxRow.id))
    due = or_(and_(OutboxRow.status == PENDING, OutboxRow.next_attempt_at <= now),
              and_(OutboxRow.status == SENDING, OutboxRow.claimed_until < now))
    candidates = (select(OutboxRow.id).join(ChatRow, ChatRow.id == OutboxRow.chat_id)
                  .where(is_head, due, ChatRow.channel.in_(channels))
                  .order_by(OutboxRow.id).limit(limit))
    if chat_id is not None:
        candidates = candidates.where(ChatRow.chat_id == str(chat_id))
    if store.dialect == "postgresql":
        candidates = candidates.with_for_update(of=OutboxRow, skip_locked=True)
    statement = (update(OutboxRow).where(OutboxRow.id.in_(candidates))
                 .values(status=SENDING, claimed_by=owner,
                         claimed_until=now + timedelta(seconds=lease),
                         attempts=OutboxRow.attempts + 1)
                 .returning(OutboxRow.id)
                 .execution_options(synchronize_session=False))
    async with store.transaction() as tx:
        ids = sorted((await tx.session.execute(statement)).scalars().all())
        if not ids:
            return []
        return await _deliveries(tx.session, ids)


async def _deliveries(session, ids: list[int]) -> list[Delivery]:
    query = (select(OutboxRow, ChatRow, EventRow)
             .join(ChatRow, ChatRow.id == OutboxRow.chat_id)
             .outerjoin(EventRow, EventRow.id == OutboxRow.event_id)
             .where(OutboxRow.id.in_(ids))
             .options(joinedload(EventRow.author), selectinload(EventRow.attachments),
                      joinedload(EventRow.demand).joinedload(DemandRow.requester),
                      joinedload(EventRow.demand).joinedload(DemandRow.assignee),
                      joinedload(EventRow.demand).selectinload(DemandRow.attachments),
                      joinedload(EventRow.demand).selectinload(DemandRow.references))
             .order_by(OutboxRow.id))
    result = (await session.execute(query)).unique().all()
    return [Delivery(id=row.id, attempts=row.attempts, audience=row.audience, chat=_addressed(row, chat_view(chat)),
                     event=event_view(event) if event else None,
                     demand=demand_view(event.demand) if event else None,
                     requester=person_view(event.demand.requester) if event else None,
                     message=row.message if row.event_id is None else None,  # an event's row keeps only progress
                     progress=Progress.of(row.message))
            for row, chat, event in result]


def _addressed(row: OutboxRow, chat: Chat) -> Chat:
    """The chat as a reply row is sent to: where its turn said (a thread: store/inbox.py
    `queue_replies`), else the chat's own reference."""
    reference = (row.message or {}).get(REPLY_REFERENCE) if row.event_id is None else None
    return chat if reference is None else replace(chat, reference=reference)


async def remember_live_cards(store: Store, chat: Chat, message_ids: Iterable[str], protocol: str) -> None:
    """Record the messages that show a demand's card in a chat (the room's card of a new demand)."""
    async with store.transaction() as tx:
        for message_id in message_ids:
            await attendance.remember_live_card(tx, chat.channel, chat.chat_id, message_id, protocol)


@dataclass(frozen=True)
class CardSnapshot:
    """A demand as it is now, its live cards, and its events as its requester sees them (newest
    first: a requester's card shows the latest), read together to bring the cards up to date."""

    demand: DemandView | None
    cards: list[LiveCard]
    requester_events: list = field(default_factory=list)


async def card_snapshot(store: Store, protocol: str) -> CardSnapshot:
    async with store.transaction() as tx:
        cards = await attendance.live_cards(tx, protocol)
        if not cards:
            return CardSnapshot(None, [])
        row = (await tx.session.execute(
            select(DemandRow).where(DemandRow.protocol == (parse_protocol(protocol) or protocol))
            .options(joinedload(DemandRow.requester), joinedload(DemandRow.assignee),
                     selectinload(DemandRow.attachments), selectinload(DemandRow.references))
        )).unique().scalar_one_or_none()
        if row is None:
            return CardSnapshot(None, cards)
        demand = demand_view(row)
        events = []
        if any(card.chat.kind == "private" for card in cards):  # a requester's card
            events = await tx.timeline(Actor(person_id=demand.requester_id), demand.protocol)
        return CardSnapshot(demand, cards, events)


async def mark_sent(store: Store, outbox_id: int, owner: str) -> bool:
    """Record a confirmed send; False when the lease was lost to another notifier meanwhile."""
    return await mark_sent_many(store, [outbox_id], owner) == 1


@dataclass(frozen=True)
class SentReply:
    """A turn's reply the channel confirmed: its row, the messages it became, the demand it shows."""

    outbox_id: int
    chat: Chat
    message_ids: tuple[str, ...]
    protocol: str | None
    live: bool = False  # a card of the demand that is kept current (attendance.remember_live_card)


async def mark_reply_sent(store: Store, outbox_id: int, owner: str, chat: Chat, message_ids: Iterable[str],
                          protocol: str | None, live: bool = False) -> bool:
    return (await mark_replies_sent(store, owner, [SentReply(outbox_id, chat, tuple(message_ids), protocol,
                                                             live)]))[0]


async def mark_replies_sent(store: Store, owner: str, replies: list[SentReply]) -> list[bool]:
    """Record replies confirmed sent and, for those that show a demand, which messages show it (a
    reply to one of them then acts on that demand), in one transaction. For each, whether it was
    still this owner's to mark.

    Urgent, as a webhook's inbox write is (store/gate.py): the turn's next reply is sent only
    once this one is marked, so that a crash repeats at most the one in flight, and behind the
    turns queued in this process a two-message answer waited tens of milliseconds between its
    messages (benchmarks/bench_replies.py at 50 people)."""
    async with store.transaction(urgent=True) as tx:
        for reply in replies:
            remember = attendance.remember_live_card if reply.live else attendance.remember_message
            for message_id in reply.message_ids if reply.protocol else ():
                await remember(tx, reply.chat.channel, reply.chat.chat_id, message_id, reply.protocol)
        ids = [reply.outbox_id for reply in replies]
        marked = set((await tx.session.execute(statements.REPLIES_SENT, {
            "ids": ids, "owner": owner, "now": _now(store)})).scalars().all())
    return [reply.outbox_id in marked for reply in replies]


async def mark_sent_many(store: Store, outbox_ids: list[int], owner: str) -> int:
    """Record sends confirmed at about the same time in one commit (a group commit)."""
    async with store.transaction() as tx:
        marked = (await tx.session.execute(statements.REPLIES_SENT, {
            "ids": outbox_ids, "owner": owner, "now": _now(store)})).scalars().all()
        return len(marked)


async def mark_retry(store: Store, outbox_id: int, owner: str, delay: float, error: str,
                     progress: Progress = Progress()) -> None:
    """Back to pending after ``delay`` seconds; its chat's later rows wait behind it. `progress`:
    what of the row was sent before the failure, left out of the next attempt."""
    mine = (OutboxRow.id == outbox_id, OutboxRow.claimed_by == owner, OutboxRow.status == SENDING)
    values = dict(status=PENDING, claimed_by=None, claimed_until=None, last_error=error[:2000],
                  next_attempt_at=_now(store) + timedelta(seconds=delay))
    async with store.transaction() as tx:
        if progress != Progress():
            # The row is ours while we hold its lease: nobody else writes its message meanwhile.
            stored = await tx.session.scalar(select(OutboxRow.message).where(*mine))
            values["message"] = {**(stored or {}), "progress": [progress.messages, progress.parts]}
        await tx.session.execute(update(OutboxRow).where(*mine).values(**values))


async def mark_failed(store: Store, outbox_id: int, owner: str, error: str) -> None:
    """Given up: kept for the operator, never retried by itself."""
    async with store.transaction() as tx:
        await tx.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id, OutboxRow.claimed_by == owner,
                   OutboxRow.status == SENDING)
            .values(status=FAILED, claimed_by=None, claimed_until=None, last_error=error[:2000]))


async def mark_chat_gone(store: Store, outbox_id: int, owner: str, error: str) -> int:
    """The channel cannot reach this row's chat any more: the row failed, the chat is marked, and
    its other waiting rows (a turn's replies still in this owner's hands too) are skipped.
    Returns how many were skipped."""
    error = error[:2000]
    async with store.transaction() as tx:
        session = tx.session
        chat_id = await session.scalar(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id, OutboxRow.claimed_by == owner, OutboxRow.status == SENDING)
            .values(status=FAILED, claimed_by=None, claimed_until=None, last_error=error)
            .returning(OutboxRow.chat_id))
        if chat_id is None:  # no longer ours: whoever holds it now records what happened
            return 0
        await session.execute(update(ChatRow).where(ChatRow.id == chat_id).values(blocked_at=_now(store)))
        skipped = await session.execute(
            update(OutboxRow)
            .where(OutboxRow.chat_id == chat_id,
                   or_(OutboxRow.status == PENDING, and_(OutboxRow.status == SENDING, OutboxRow.claimed_by == owner)))
            .values(status=SKIPPED, claimed_by=None, claimed_until=None, last_error=f"chat unreachable: {error}"[:2000]))
        return skipped.rowcount or 0


async def renew(store: Store, owner: str, ids: Iterable[int], lease: float) -> None:
    """Extend the lease of rows whose send is still under way."""
    await owners.extend_leases(store, OutboxRow, owner, ids, lease, status=SENDING)


async def list_outbox(store: Store, statuses: Iterable[str] = (PENDING, SENDING, FAILED, SKIPPED),
                      limit: int = 200) -> list[OutboxEntry]:
    query = (select(OutboxRow.id, OutboxRow.status, OutboxRow.attempts, ChatRow.channel,
                    ChatRow.chat_id, func.coalesce(EventRow.kind, OutboxRow.audience), DemandRow.protocol,
                    OutboxRow.next_attempt_at, OutboxRow.last_error)
             .join(ChatRow, ChatRow.id == OutboxRow.chat_id)
             .outerjoin(EventRow, EventRow.id == OutboxRow.event_id)
             .outerjoin(DemandRow, DemandRow.id == EventRow.demand_id)
             .where(OutboxRow.status.in_(tuple(statuses)))
             .order_by(OutboxRow.id).limit(limit))
    async with store.transaction() as tx:
        return [OutboxEntry(*row) for row in (await tx.session.execute(query)).all()]


async def waiting_channels(store: Store) -> list[str]:
    """Channels that have rows waiting to be sent."""
    query = (select(ChatRow.channel).distinct().join(OutboxRow, OutboxRow.chat_id == ChatRow.id)
             .where(OutboxRow.status == PENDING))
    async with store.transaction() as tx:
        return list((await tx.session.execute(query)).scalars().all())


async def retry(store: Store, outbox_id: int) -> bool:
    """An operator's retry of a failed, skipped (or waiting) row: pending now, with a fresh
    attempt count. The operator asks for it to be tried: its chat's mark, if any, goes."""
    async with store.transaction() as tx:
        chat_id = await tx.session.scalar(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id, OutboxRow.status.in_((FAILED, SKIPPED, PENDING)))
            .values(status=PENDING, attempts=0, next_attempt_at=_now(store), claimed_by=None,
                    claimed_until=None)
            .returning(OutboxRow.chat_id))
        if chat_id is None:
            return False
        await tx.session.execute(statements.CHAT_UNBLOCK, {"unblocked_id": chat_id})
        return True


async def queue_emails(store: Store, kinds: Iterable[EventKind]) -> int:
    """Write an e-mail outbox row (to the requester's profile address) for each new event of
    ``kinds``. E-mail "chats" are chats of channel ``email`` keyed by the address and tied to no
    person, so the store never queues other events to them. Returns the rows written.

    The first call only places the cursor, and the floor, at the newest event: enabling e-mail
    does not mail the past, and the lookback never reaches below the floor. (A database whose
    cursor was placed before there was a floor gets its floor at the cursor, once.)"""
    kinds = tuple(kind.value for kind in kinds)
    async with store.transaction() as tx:
        session = tx.session
        # Locked on PostgreSQL: notifiers running side by side take turns here.
        cursor = await session.scalar(
            select(CounterRow.value).where(CounterRow.name == EMAIL_CURSOR).with_for_update())
        newest = await session.scalar(select(func.max(EventRow.id))) or 0
        floor = await session.scalar(select(CounterRow.value).where(CounterRow.name == EMAIL_FLOOR))
        if floor is None:
            floor = newest if cursor is None else cursor
            await session.execute(db.insert_for(store.dialect, CounterRow)
                                  .values(name=EMAIL_FLOOR, value=floor).on_conflict_do_nothing())
        if cursor is None:
            await session.execute(db.insert_for(store.dialect, CounterRow)
                                  .values(name=EMAIL_CURSOR, value=newest)
                                  .on_conflict_do_nothing())
            return 0
        muted = select(PushPreferenceRow.person_id).where(
            PushPreferenceRow.person_id == PersonRow.id, PushPreferenceRow.channel == EMAIL_CHANNEL,
            PushPreferenceRow.enabled.is_(False))
        emailed = aliased(OutboxRow)
        email_chat = aliased(ChatRow)
        already = (select(emailed.id).join(email_chat, email_chat.id == emailed.chat_id)
                   .where(emailed.event_id == EventRow.id, email_chat.channel == EMAIL_CHANNEL))
        rows = (await session.execute(
            select(EventRow.id, PersonRow.email)
            .join(DemandRow, DemandRow.id == EventRow.demand_id)
            .join(PersonRow, PersonRow.id == DemandRow.requester_id)
            .where(EventRow.id > max(cursor - EMAIL_LOOKBACK, floor), EventRow.kind.in_(kinds),
                   EventRow.visibility == "public", PersonRow.email.is_not(None),
                   PersonRow.email != "", ~exists(already), ~exists(muted))
            .order_by(EventRow.id))).all()
        now = _now(store)
        written = 0
        for event_id, address in rows:
            chat_db_id = await _email_chat(session, address, now)
            result = await session.execute(
                db.insert_for(store.dialect, OutboxRow)
                .values(event_id=event_id, chat_id=chat_db_id, audience="requester",
                        status=PENDING, attempts=0, next_attempt_at=now, created_at=now)
                .on_conflict_do_nothing())
            written += result.rowcount or 0
        if newest > cursor:
            await session.execute(update(CounterRow).where(CounterRow.name == EMAIL_CURSOR)
                                  .values(value=newest))
        return written


async def _email_chat(session, address: str, now: datetime) -> int:
    address = address.strip().lower()
    await session.execute(
        db.insert_for(session.bind.dialect.name, ChatRow)
        .values(channel=EMAIL_CHANNEL, chat_id=address, kind="email", person_id=None,
                is_attendant_room=False, created_at=now, updated_at=now)
        .on_conflict_do_nothing())
    return await session.scalar(select(ChatRow.id).where(ChatRow.channel == EMAIL_CHANNEL,
                                                         ChatRow.chat_id == address))
