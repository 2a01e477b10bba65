"""The statements every turn and every change runs, built and compiled once, executed with
parameters.

Building a Core statement costs more than SQLite takes to run it: so the statements of the hot
paths are built here once (and compiled once, from SQLAlchemy's cache), and the services call
them by what they do. benchmarks/bench_dialogs.py measures a turn.
"""

from __future__ import annotations

import functools

from sqlalchemy import and_, bindparam, delete, exists, insert, or_, select, text, update

from . import db
from .models import (
    AttachmentRow,
    InboxRow,
    ChannelAccountRow,
    ChatRow,
    ConversationRow,
    DemandRow,
    EventRow,
    OutboxRow,
    PersonRow,
    PushPreferenceRow,
)

_PEOPLE, _ACCOUNTS, _CHATS = PersonRow.__table__, ChannelAccountRow.__table__, ChatRow.__table__
_DEMANDS, _EVENTS, _ATTACHMENTS = DemandRow.__table__, EventRow.__table__, AttachmentRow.__table__
_OUTBOX, _CONVERSATIONS = OutboxRow.__table__, ConversationRow.__table__
_INBOX = InboxRow.__table__
_PUSH = PushPreferenceRow.__table__
# A person's chat on a channel they turned pushes off for ("Meus dados"; store/identity.py).
_MUTED = exists().where(_PUSH.c.person_id == _CHATS.c.person_id, _PUSH.c.channel == _CHATS.c.channel,
                        _PUSH.c.enabled.is_(False))

# --- conversations, by (channel, chat id, user id) -------------------------------------------------

_CONVERSATION_KEY = (_CONVERSATIONS.c.channel, _CONVERSATIONS.c.chat_id, _CONVERSATIONS.c.user_id)
_CONVERSATION_MATCH = and_(*(column == bindparam(f"key_{column.key}") for column in _CONVERSATION_KEY))

CONVERSATION_STATE = select(_CONVERSATIONS.c.state).where(_CONVERSATION_MATCH)
CHAT_CONVERSATIONS = select(_CONVERSATIONS.c.user_id, _CONVERSATIONS.c.state).where(
    _CONVERSATIONS.c.channel == bindparam("key_channel"), _CONVERSATIONS.c.chat_id == bindparam("key_chat_id"))
CONVERSATION_DELETE = delete(_CONVERSATIONS).where(_CONVERSATION_MATCH)
CONVERSATION_UPDATE = update(_CONVERSATIONS).where(_CONVERSATION_MATCH).values(
    state=bindparam("new_state"), updated_at=bindparam("new_updated_at"))


def conversation_key(key: tuple[str, str, str]) -> dict[str, str]:
    """The parameters naming one conversation, for the statements of this section."""
    return {f"key_{column.key}": value for column, value in zip(_CONVERSATION_KEY, key)}


@functools.lru_cache(maxsize=None)
def conversation_upsert(dialect: str):
    insert_ = db.insert_for(dialect, _CONVERSATIONS)
    return insert_.values({
        **{column.key: bindparam(f"key_{column.key}") for column in _CONVERSATION_KEY},
        "state": bindparam("new_state"), "updated_at": bindparam("new_updated_at"),
    }).on_conflict_do_update(index_elements=list(_CONVERSATION_KEY),
                            set_={"state": insert_.excluded.state, "updated_at": insert_.excluded.updated_at})


# --- people and the turn's context ------------------------------------------------------------------

_PERSON_COLUMNS = (_PEOPLE.c.id, _PEOPLE.c.name, _PEOPLE.c.email, _PEOPLE.c.phone, _PEOPLE.c.cargo,
                   _PEOPLE.c.organ_key, _PEOPLE.c.is_attendant, _PEOPLE.c.silent_at_night)
PERSON_BY_ID = select(*_PERSON_COLUMNS).where(_PEOPLE.c.id == bindparam("person_id"))

# The person behind the account, their chat and their conversation (the chat and the
# conversation may not exist yet), with the conversation's key parameters: a turn's one SELECT.
TURN_CONTEXT = (
    select(*_PERSON_COLUMNS,
           *(column.label(f"chat_{column.key}") for column in (
               _CHATS.c.id, _CHATS.c.kind, _CHATS.c.person_id, _CHATS.c.reference, _CHATS.c.locale,
               _CHATS.c.is_attendant_room, _CHATS.c.blocked_at)),
           _CONVERSATIONS.c.state)
    .select_from(_ACCOUNTS)
    .join(_PEOPLE, _PEOPLE.c.id == _ACCOUNTS.c.person_id)
    .outerjoin(_CHATS, and_(_CHATS.c.channel == bindparam("key_channel"),
                            _CHATS.c.chat_id == bindparam("key_chat_id")))
    .outerjoin(_CONVERSATIONS, _CONVERSATION_MATCH)
    .where(_ACCOUNTS.c.channel == bindparam("key_channel"),
           _ACCOUNTS.c.channel_user_id == bindparam("key_user_id")))


@functools.lru_cache(maxsize=None)
def chat_insert(dialect: str):
    """A chat the bot has not written to yet; its new id, or nothing when another unit of work
    wrote it first (one statement, where a savepoint and the ORM's flush took four)."""
    return db.insert_for(dialect, _CHATS).on_conflict_do_nothing().returning(_CHATS.c.id)


# A chat writing to the bot again can be reached again (store/outbox.py `mark_chat_gone`).
CHAT_UNBLOCK = (update(_CHATS).where(_CHATS.c.id == bindparam("unblocked_id"), _CHATS.c.blocked_at.is_not(None))
                .values(blocked_at=None))

# --- demands, events, attachments, outbox ------------------------------------------------------------

# What a new demand's view and row share; the row adds its number and the status's name.
DEMAND_INSERT_FIELDS = ("protocol", "title", "organ_key", "type_key", "category_key", "subject_key",
                        "subject_detail", "description", "requester_id", "assignee_id", "survey_pending",
                        "created_at", "updated_at", "closed_at", "possible_duplicate_of")
DEMAND_INSERT = insert(_DEMANDS).returning(_DEMANDS.c.id)
# One statement; SQLite runs one writer at a time, so numbers are unique and without gaps.
# (PostgreSQL takes them from a sequence: models.DEMAND_NUMBERS.)
SQLITE_NEXT_DEMAND_NUMBER = text(
    "INSERT INTO counters (name, value) VALUES ('protocol', 1) "
    "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value")
EVENT_INSERT = insert(_EVENTS).returning(_EVENTS.c.id)
ATTACHMENT_INSERT = insert(_ATTACHMENTS).returning(_ATTACHMENTS.c.id, sort_by_parameter_order=True)
OUTBOX_INSERT = insert(_OUTBOX)
REPLY_INSERT = insert(_OUTBOX).returning(_OUTBOX.c.id)
UNSENT_REPLY = (select(_OUTBOX.c.id)
                .where(_OUTBOX.c.chat_id == bindparam("chat_id"), _OUTBOX.c.audience == "reply",
                       _OUTBOX.c.status.in_(("pending", "sending")))
                .limit(1))
NOTIFY = text("SELECT pg_notify(:channel, :payload)")


@functools.lru_cache(maxsize=None)
def event_recipients(*, to_requester: bool, to_rooms: bool, to_assignee: bool, except_chat: bool):
    """The chats an event goes to (built once for each combination): the requester's own chats,
    the attendants' rooms, the assignee's private chats; never the chat it came from, nor a
    channel its person muted. Each with whether it is blocked (its row is born skipped)."""
    chats = _CHATS.c
    wanted = []
    if to_requester:
        wanted.append(and_(chats.person_id == bindparam("requester_id"), chats.is_attendant_room.is_(False)))
    if to_rooms:
        wanted.append(chats.is_attendant_room.is_(True))
    if to_assignee:
        wanted.append(and_(chats.person_id == bindparam("assignee_id"), chats.kind == "private",
                           chats.is_attendant_room.is_(False)))
    if not wanted:
        return None
    query = select(chats.id, chats.person_id, chats.is_attendant_room, chats.blocked_at.is_not(None)
                   ).where(or_(*wanted), ~_MUTED)
    return query.where(chats.id != bindparam("except_chat")) if except_chat else query


# --- the inbox (store/inbox.py) ---------------------------------------------------------------------

# The columns of store.inbox.InboxItem, in its order.
INBOX_ITEM = (_INBOX.c.id, _INBOX.c.channel, _INBOX.c.chat_key, _INBOX.c.group_key, _INBOX.c.payload,
               _INBOX.c.attempts, _INBOX.c.received_at)


@functools.lru_cache(maxsize=None)
def inbox_insert(dialect: str):
    """One update; its new id, or nothing for an update already there."""
    return db.insert_for(dialect, _INBOX).on_conflict_do_nothing().returning(_INBOX.c.id)


INBOX_CHAT_PENDING = (select(_INBOX.c.id)
                      .where(_INBOX.c.status == "pending", _INBOX.c.channel == bindparam("channel"),
                             _INBOX.c.chat_key == bindparam("chat_key"))
                      .limit(1))
INBOX_FINISH = (update(_INBOX).where(_INBOX.c.id.in_(bindparam("ids", expanding=True)), _INBOX.c.status == "pending")
                .values(status="done", done_at=bindparam("now"), claimed_until=None))


@functools.lru_cache(maxsize=None)
def inbox_claim(dialect: str, busy: bool):
    """Lease the due head rows of their chats (see store/inbox.py)."""
    older = _INBOX.alias("older")
    is_head = ~exists(select(older.c.id).where(older.c.channel == _INBOX.c.channel,
                                               older.c.chat_key == _INBOX.c.chat_key,
                                               older.c.status == "pending", older.c.id < _INBOX.c.id))
    # The owner's own claims are due too: rows it could not give back while the database was away.
    due = or_(_INBOX.c.claimed_until.is_(None), _INBOX.c.claimed_until < bindparam("now"),
              _INBOX.c.claimed_by == bindparam("owner"))
    candidates = (select(_INBOX.c.id)
                  .where(_INBOX.c.status == "pending", _INBOX.c.channel.in_(bindparam("channels", expanding=True)),
                         due, is_head)
                  .order_by(_INBOX.c.id).limit(bindparam("limit")))
    if busy:
        candidates = candidates.where(_INBOX.c.id.not_in(bindparam("busy", expanding=True)))
    if dialect == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    return (update(_INBOX).where(_INBOX.c.id.in_(candidates))
            .values(claimed_by=bindparam("owner"), claimed_until=bindparam("until"), attempts=_INBOX.c.attempts + 1)
            .returning(*INBOX_ITEM))


REPLIES_SENT = (update(_OUTBOX)
                .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)), _OUTBOX.c.claimed_by == bindparam("owner"),
                       _OUTBOX.c.status == "sending")
                .values(status="sent", sent_at=bindparam("now"), claimed_until=None, last_error=None)
                .returning(_OUTBOX.c.id))
