"""The store's service layer: the only way to change a demand.

``Store`` owns the engine; ``Transaction`` is one unit of work. Each demand change loads the
demand (locked on PostgreSQL), checks who may do it and from which status (``RULES``, the table
of DESIGN.md), validates, and only then changes anything: the new status, the timeline event,
its attachments and its outbox rows are flushed together, so they commit or vanish together.
A refusal (``StoreError``) is raised before any change, so the caller may catch it and go on
using the same transaction.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import math
import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload, selectinload

from . import db, errors, validation
from .attachments import CheckedAttachment, ContentStore, NewAttachment, check_attachments
from .models import (
    DEMAND_NUMBERS,
    AttachmentRow,
    ChannelAccountRow,
    ChatRow,
    ConversationRow,
    DemandRow,
    EventRow,
    OutboxRow,
    PersonRow,
    SurveyAnswerRow,
)
from .protocol import format_protocol, parse_protocol, random_suffix
from .views import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Actor,
    AttachmentView,
    Chat,
    DemandDraft,
    DemandView,
    EventKind,
    EventView,
    Page,
    Person,
    Status,
)

Clock = Callable[[], datetime]

REOPEN_DAYS = 7
NOTIFY_CHANNEL = "ecage_outbox"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# --- The lifecycle, as data (DESIGN.md "Statuses") ---------------------------------------------

REQUESTER, ATTENDANT, EITHER = "requester", "attendant", "either"


@dataclass(frozen=True)
class Rule:
    by: str                      # who may do it
    allowed_from: frozenset      # statuses it may start from
    to: Status | None            # resulting status; None keeps the current one


RULES: dict[EventKind, Rule] = {
    EventKind.RECEIVED: Rule(ATTENDANT, frozenset({Status.EM_ANDAMENTO}), None),
    EventKind.ANSWERED: Rule(ATTENDANT, OPEN_STATUSES, None),
    EventKind.INFO_REQUESTED: Rule(ATTENDANT, OPEN_STATUSES, Status.AGUARDANDO),
    EventKind.INFO_SENT: Rule(REQUESTER, frozenset({Status.AGUARDANDO}), Status.EM_ANDAMENTO),
    EventKind.COMMENT: Rule(EITHER, OPEN_STATUSES, None),
    EventKind.SOLVED: Rule(ATTENDANT, OPEN_STATUSES, Status.RESOLVIDO),
    EventKind.CANCELLED: Rule(REQUESTER, OPEN_STATUSES, Status.CANCELADO),
    EventKind.REOPENED: Rule(REQUESTER, CLOSED_STATUSES, Status.EM_ANDAMENTO),
    EventKind.SURVEY_ANSWERED: Rule(REQUESTER, frozenset({Status.RESOLVIDO}), None),
}

# Requester events the attendants' rooms hear about (the rest concern the requester only).
ROOM_EVENTS = frozenset({
    EventKind.CREATED, EventKind.INFO_SENT, EventKind.COMMENT, EventKind.CANCELLED,
    EventKind.REOPENED, EventKind.SURVEY_ANSWERED,
})

_UNSET = object()


class Store:
    def __init__(self, engine, *, clock: Clock | None = None, attachments_dir=None):
        self.engine = engine
        self.clock: Clock = clock or utc_now
        self.files = ContentStore(
            attachments_dir or os.environ.get("ECAGE_ATTACHMENTS_DIR", "").strip() or "attachments")
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        # This process's transactions take turns here, first come first served: on SQLite one
        # at a time (it runs one writer, and every transaction here starts as a writer; waiting
        # connections would poll its busy handler, which leaves the lock idle between polls), on
        # PostgreSQL as many as the pool holds.
        # (Other processes on the same SQLite file still meet the busy handler.)
        self._turns = asyncio.Semaphore(1 if engine.dialect.name == "sqlite" else engine.pool.size())
        self._tasks_in_turn: set[asyncio.Task] = set()

    @classmethod
    async def open(cls, url: str | None = None, *, clock: Clock | None = None,
                   attachments_dir: str | os.PathLike | None = None, migrate: bool = True,
                   **engine_options) -> Store:
        engine = db.create_engine(url, **engine_options)
        if migrate:
            try:
                await db.migrate(engine)
            except BaseException:
                await engine.dispose()
                raise
        return cls(engine, clock=clock, attachments_dir=attachments_dir)

    async def close(self) -> None:
        await self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._turn():
            async with self._sessions() as session, session.begin():
                yield Transaction(self, session)

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task in self._tasks_in_turn:
            yield  # a transaction opened inside another of the same task must not wait for it
            return
        async with self._turns:
            self._tasks_in_turn.add(task)
            try:
                yield
            finally:
                self._tasks_in_turn.discard(task)


class Transaction:
    def __init__(self, store: Store, session: AsyncSession):
        self.store = store
        self.session = session
        # The conversation states as stored, JSON-encoded, by (channel, chat_id, user_id):
        # save_conversation needs no SELECT to know whether to insert, update or do nothing, and
        # the caller may change the state it was given in place.
        self._conversations: dict[tuple[str, str, str], str | None] = {}

    def now(self) -> datetime:
        moment = self.store.clock()
        if moment.tzinfo is None:
            raise ValueError("the store clock must return aware datetimes")
        return moment.astimezone(timezone.utc)

    # --- people, accounts, chats --------------------------------------------------------------

    async def person(self, person_id: int) -> Person | None:
        row = (await self.session.execute(_PERSON, {"person_id": person_id})).first()
        return _person_view(row) if row else None

    async def person_for_account(self, channel: str, channel_user_id: str) -> Person | None:
        row = await self._account_person(channel, str(channel_user_id))
        return _person_view(row) if row else None

    async def ensure_person(self, channel: str, channel_user_id: str, display_name: str) -> Person:
        channel_user_id = str(channel_user_id)
        row = await self._account_person(channel, channel_user_id)
        if row:
            return _person_view(row)
        now = self.now()
        name = validation.clean_text(display_name)[: validation.MAX_NAME]
        try:
            # A savepoint: two first messages of a new user racing must not break the outer unit.
            async with self.session.begin_nested():
                row = PersonRow(name=name, is_attendant=False, created_at=now, updated_at=now)
                self.session.add(row)
                self.session.add(ChannelAccountRow(
                    channel=channel, channel_user_id=channel_user_id, person=row, created_at=now))
                await self.session.flush()
        except IntegrityError:
            row = await self._account_person(channel, channel_user_id)
        return _person_view(row)

    async def _account_person(self, channel: str, channel_user_id: str) -> PersonRow | None:
        return await self.session.scalar(
            select(PersonRow).join(ChannelAccountRow, ChannelAccountRow.person_id == PersonRow.id)
            .where(ChannelAccountRow.channel == channel,
                   ChannelAccountRow.channel_user_id == channel_user_id))

    async def link_account(self, person_id: int, channel: str, channel_user_id: str) -> Person:
        """Let a known person use another channel (one person, several channel accounts)."""
        row = await self._person_row(person_id)
        account = await self.session.scalar(select(ChannelAccountRow).where(
            ChannelAccountRow.channel == channel,
            ChannelAccountRow.channel_user_id == str(channel_user_id)))
        if account is None:
            self.session.add(ChannelAccountRow(channel=channel, channel_user_id=str(channel_user_id),
                                               person_id=row.id, created_at=self.now()))
        else:
            account.person_id = row.id
        await self.session.flush()
        return _person_view(row)

    async def update_profile(self, person_id: int, *, name=_UNSET, email=_UNSET, phone=_UNSET,
                             cargo=_UNSET, organ_key=_UNSET) -> Person:
        row = await self._person_row(person_id)
        changes = {}
        if name is not _UNSET:
            changes["name"] = validation.check_text("name", name, validation.MAX_NAME)
        if email is not _UNSET:
            changes["email"] = validation.normalize_email(email) if email else None
        if phone is not _UNSET:
            changes["phone"] = validation.normalize_phone(phone) if phone else None
        if cargo is not _UNSET:
            changes["cargo"] = validation.check_text(
                "cargo", cargo, validation.MAX_CARGO, required=False)
        if organ_key is not _UNSET:
            changes["organ_key"] = validation.check_organ(organ_key) if organ_key else None
        for field, value in changes.items():
            setattr(row, field, value)
        row.updated_at = self.now()
        await self.session.flush()
        return _person_view(row)

    async def set_attendant(self, person_id: int, is_attendant: bool) -> Person:
        row = await self._person_row(person_id)
        row.is_attendant = bool(is_attendant)
        row.updated_at = self.now()
        await self.session.flush()
        return _person_view(row)

    async def find_person_by_email(self, email: str) -> Person | None:
        row = await self.session.scalar(
            select(PersonRow).where(PersonRow.email == (email or "").strip().lower())
            .order_by(PersonRow.id).limit(1))
        return _person_view(row) if row else None

    async def _person_row(self, person_id: int) -> PersonRow:
        row = await self.session.get(PersonRow, person_id)
        if row is None:
            raise errors.NotAllowed(errors.UNKNOWN_PERSON)
        return row

    async def ensure_chat(self, channel: str, chat_id: str, kind: str = "private",
                          person_id: int | None = None, reference: dict | None = None,
                          locale: str | None = None) -> Chat:
        """The chat, created or refreshed with what the channel needs to write to it later."""
        chat_id = str(chat_id)
        row = await self._chat_row(channel, chat_id)
        now = self.now()
        if row is None:
            try:
                async with self.session.begin_nested():
                    row = ChatRow(channel=channel, chat_id=chat_id, kind=kind, person_id=person_id,
                                  reference=reference, locale=locale, is_attendant_room=False,
                                  created_at=now, updated_at=now)
                    self.session.add(row)
                    await self.session.flush()
                return _chat_view(row)
            except IntegrityError:
                row = await self._chat_row(channel, chat_id)
        wanted = {"kind": kind, "person_id": person_id, "reference": reference, "locale": locale}
        changed = False
        for field, value in wanted.items():
            if value is not None and getattr(row, field) != value:
                setattr(row, field, value)
                changed = True
        if changed:
            row.updated_at = now
            await self.session.flush()
        return _chat_view(row)

    async def chat(self, chat_db_id: int) -> Chat | None:
        row = await self.session.get(ChatRow, chat_db_id)
        return _chat_view(row) if row else None

    async def _chat_row(self, channel: str, chat_id: str) -> ChatRow | None:
        return await self.session.scalar(
            select(ChatRow).where(ChatRow.channel == channel, ChatRow.chat_id == chat_id))

    async def bind_room(self, actor: Actor, chat_db_id: int) -> Chat:
        return await self._set_room(actor, chat_db_id, True)

    async def unbind_room(self, actor: Actor, chat_db_id: int) -> Chat:
        return await self._set_room(actor, chat_db_id, False)

    async def _set_room(self, actor: Actor, chat_db_id: int, is_room: bool) -> Chat:
        me = await self._actor_row(actor)
        if not me.is_attendant:
            raise errors.NotAllowed(errors.attendant_only(errors.ACTION_BIND_ROOM))
        row = await self.session.get(ChatRow, chat_db_id)
        if row is None:
            raise errors.InvalidField(errors.UNKNOWN_CHAT, "chat_id")
        row.is_attendant_room = is_room
        row.updated_at = self.now()
        await self.session.flush()
        return _chat_view(row)

    # --- the turn's context and conversation state ---------------------------------------------

    async def open_turn(self, channel: str, chat_id: str, user_id: str, display_name: str, *,
                        kind: str = "private", reference: dict | None = None,
                        locale: str | None = None) -> tuple[Person, Chat, dict | None]:
        """Who writes, in which chat, and where their conversation stands, at the start of a turn.

        Every turn but a newcomer's first needs one SELECT; a new person or chat, or a chat whose
        details changed, takes the ensure_* steps."""
        chat_id, user_id = str(chat_id), str(user_id)
        key = (channel, chat_id, user_id)
        row = (await self.session.execute(_TURN_LOOKUP, _conversation_key(key))).first()
        if row is None:
            person = await self.ensure_person(channel, user_id, display_name)
        else:
            person = _person_view(row)
        wanted = {"kind": kind, "person_id": person.id if kind == "private" else None,
                  "reference": reference, "locale": locale}
        if row is None or row.chat_id is None or any(
                value is not None and getattr(row, f"chat_{field}") != value for field, value in wanted.items()):
            chat = await self.ensure_chat(channel, chat_id, **wanted)
        else:
            chat = Chat(id=row.chat_id, channel=channel, chat_id=chat_id, kind=row.chat_kind,
                        person_id=row.chat_person_id, reference=row.chat_reference, locale=row.chat_locale,
                        is_attendant_room=row.chat_is_attendant_room)
        if row is None:
            return person, chat, await self.load_conversation(channel, chat_id, user_id)
        self._conversations[key] = _encoded(row.state)
        return person, chat, row.state

    async def load_conversation(self, channel: str, chat_id: str, user_id: str) -> dict | None:
        key = (channel, str(chat_id), str(user_id))
        state = await self.session.scalar(_CONVERSATION_STATE, _conversation_key(key))
        self._conversations[key] = _encoded(state)
        return state

    async def save_conversation(self, channel: str, chat_id: str, user_id: str,
                                state: dict | None) -> None:
        """Stores the state (None ends the conversation); a state as loaded is not written again."""
        key = (channel, str(chat_id), str(user_id))
        if key not in self._conversations:
            await self.load_conversation(*key)
        stored, encoded = self._conversations[key], _encoded(state)
        if encoded == stored:
            return
        if state is None:
            await self.session.execute(_CONVERSATION_DELETE, _conversation_key(key))
        else:
            # A new conversation is upserted: the same person writing in the same chat through two
            # processes at once must not make one of them fail.
            statement = _CONVERSATION_UPDATE if stored is not None else _conversation_upsert(self.store.dialect)
            await self.session.execute(statement, {
                **_conversation_key(key), "new_state": state, "new_updated_at": self.now()})
        self._conversations[key] = encoded

    # --- demands: changes -----------------------------------------------------------------------

    async def open_demand(self, actor: Actor, draft: DemandDraft,
                          attachments: Sequence[NewAttachment] = ()) -> DemandView:
        me = await self.person(actor.person_id)
        if me is None:
            raise errors.NotAllowed(errors.UNKNOWN_PERSON)
        title = validation.check_text("title", draft.title, validation.MAX_TITLE)
        description = validation.check_text("description", draft.description,
                                            validation.MAX_DESCRIPTION)
        detail = validation.check_text("subject_detail", draft.subject_detail,
                                       validation.MAX_SUBJECT_DETAIL, required=False)
        validation.check_classification(draft)
        files = check_attachments(tuple(attachments))
        now = self.now()
        number = await self._next_number()
        demand = DemandView(
            id=0, protocol=format_protocol(number, random_suffix()), title=title,
            organ_key=draft.organ_key, type_key=draft.type_key, category_key=draft.category_key,
            subject_key=draft.subject_key or None, subject_detail=detail, description=description,
            status=Status.EM_ANDAMENTO, requester_id=me.id, requester_name=me.name, assignee_id=None,
            assignee_name=None, created_at=now, updated_at=now, closed_at=None, attachments=(),
            survey_pending=False)
        demand_id = await self.session.scalar(_DEMAND_INSERT, {
            "number": number, "status": demand.status.name,
            **{column: getattr(demand, column) for column in _DEMAND_INSERT_FIELDS}})
        demand = dataclasses.replace(demand, id=demand_id)
        added = await self._record(actor, me.id, demand, EventKind.CREATED, None, files, now)
        return dataclasses.replace(demand, attachments=added)

    async def _next_number(self) -> int:
        if self.store.dialect == "postgresql":
            return await self.session.scalar(select(DEMAND_NUMBERS.next_value()))
        # One statement; SQLite runs one writer at a time, so numbers are unique and without gaps.
        return await self.session.scalar(text(
            "INSERT INTO counters (name, value) VALUES ('protocol', 1) "
            "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value"))

    async def receive(self, actor: Actor, protocol: str, *, reassign: bool = False) -> DemandView:
        me, demand = await self._load_for_change(actor, protocol, EventKind.RECEIVED)
        data = None
        if demand.assignee_id == me.id:
            raise errors.InvalidTransition(errors.already_yours(demand.protocol))
        if demand.assignee_id is not None:
            if not reassign:
                raise errors.AlreadyAssigned(
                    errors.already_assigned(demand.protocol, demand.assignee.name),
                    demand.assignee_id, demand.assignee.name)
            data = {"previous_assignee_id": demand.assignee_id}
        now = self.now()
        demand.assignee = me
        return await self._record_change(actor, me, demand, EventKind.RECEIVED, errors.RECEIVED_TEXT, [],
                                         now, data=data)

    async def answer(self, actor: Actor, protocol: str, text: str,
                     attachments: Sequence[NewAttachment] = ()) -> DemandView:
        return await self._change(actor, protocol, EventKind.ANSWERED, text, attachments)

    async def request_info(self, actor: Actor, protocol: str, text: str,
                           attachments: Sequence[NewAttachment] = ()) -> DemandView:
        return await self._change(actor, protocol, EventKind.INFO_REQUESTED, text, attachments)

    async def solve(self, actor: Actor, protocol: str, text: str,
                    attachments: Sequence[NewAttachment] = ()) -> DemandView:
        return await self._change(actor, protocol, EventKind.SOLVED, text, attachments)

    async def comment(self, actor: Actor, protocol: str, text: str | None,
                      attachments: Sequence[NewAttachment] = ()) -> DemandView:
        """A comment; the requester's comment while awaiting information is that information."""
        me, demand = await self._load_for_change(actor, protocol, EventKind.COMMENT)
        kind = EventKind.COMMENT
        if demand.requester_id == me.id and demand.status == Status.AGUARDANDO.name:
            kind = EventKind.INFO_SENT
        return await self._finish_change(actor, me, demand, kind, text, attachments,
                                         text_required=not attachments)

    async def cancel(self, actor: Actor, protocol: str) -> DemandView:
        return await self._change(actor, protocol, EventKind.CANCELLED, None, (),
                                  text_required=False)

    async def reopen(self, actor: Actor, protocol: str, reason: str) -> DemandView:
        me, demand = await self._load_for_change(actor, protocol, EventKind.REOPENED)
        now = self.now()
        last_day = errors.local_date(demand.closed_at) + timedelta(days=REOPEN_DAYS)
        # Counted in whole days of Porto Alegre, as the user reads the dates (inclusive).
        deadline = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=errors.LOCAL_TZ)
        if now >= deadline:
            raise errors.ReopenWindowClosed(errors.reopen_window_closed(
                demand.protocol, errors.local_date(demand.closed_at), last_day))
        return await self._finish_change(actor, me, demand, EventKind.REOPENED, reason, (),
                                         field="reason")

    async def answer_survey(self, actor: Actor, protocol: str, rating: int,
                            comment: str | None = None) -> DemandView:
        me, demand = await self._load_for_change(actor, protocol, EventKind.SURVEY_ANSWERED)
        if not demand.survey_pending:
            raise errors.SurveyNotAvailable(errors.survey_not_available(demand.protocol, True))
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise errors.InvalidField(errors.INVALID_RATING, "rating")
        comment = validation.check_text("comment", comment, validation.MAX_TEXT, required=False)
        solution_id = await self.session.scalar(
            select(EventRow.id).where(EventRow.demand_id == demand.id,
                                      EventRow.kind == EventKind.SOLVED.value)
            .order_by(EventRow.id.desc()).limit(1))
        now = self.now()
        self.session.add(SurveyAnswerRow(demand_id=demand.id, solved_event_id=solution_id,
                                         person_id=me.id, rating=rating, comment=comment,
                                         created_at=now))
        demand.survey_pending = False
        return await self._record_change(actor, me, demand, EventKind.SURVEY_ANSWERED, comment, [], now,
                                         data={"rating": rating})

    async def _change(self, actor: Actor, protocol: str, kind: EventKind, text: str | None,
                      attachments: Sequence[NewAttachment], *, text_required: bool = True
                      ) -> DemandView:
        me, demand = await self._load_for_change(actor, protocol, kind)
        return await self._finish_change(actor, me, demand, kind, text, attachments,
                                         text_required=text_required)

    async def _load_for_change(self, actor: Actor, protocol: str, kind: EventKind
                               ) -> tuple[PersonRow, DemandRow]:
        """The actor and the locked demand, once the rules allow ``kind`` on it."""
        me = await self._actor_row(actor)
        demand = await self._demand_row(me, protocol, for_update=True)
        rule = RULES[kind]
        is_requester = demand.requester_id == me.id
        if rule.by == ATTENDANT and not me.is_attendant:
            raise errors.NotAllowed(errors.attendant_only(errors.ACTIONS[kind]))
        if rule.by == REQUESTER and not is_requester:
            raise errors.NotAllowed(errors.requester_only(errors.ACTIONS[kind]))
        status = Status[demand.status]
        if status not in rule.allowed_from:
            if kind == EventKind.SURVEY_ANSWERED:
                raise errors.SurveyNotAvailable(
                    errors.survey_not_available(demand.protocol, False))
            if kind == EventKind.REOPENED:
                raise errors.InvalidTransition(errors.reopen_not_closed(demand.protocol, status))
            raise errors.InvalidTransition(errors.not_allowed_now(
                errors.ACTIONS[kind], demand.protocol, status, hint_reopen=is_requester))
        return me, demand

    async def _finish_change(self, actor: Actor, me: PersonRow, demand: DemandRow,
                             kind: EventKind, text: str | None,
                             attachments: Sequence[NewAttachment], *, text_required: bool = True,
                             field: str = "text") -> DemandView:
        body = validation.check_text(field, text, validation.MAX_TEXT, required=text_required)
        files = check_attachments(tuple(attachments))
        now = self.now()
        target = RULES[kind].to
        if target is not None:
            demand.status = target.name
            demand.closed_at = now if target in CLOSED_STATUSES else None
            demand.survey_pending = target == Status.RESOLVIDO
        return await self._record_change(actor, me, demand, kind, body, files, now)

    async def _record_change(self, actor: Actor, me: PersonRow, demand: DemandRow, kind: EventKind,
                             body: str | None, files: list[CheckedAttachment], now: datetime,
                             *, data: dict | None = None) -> DemandView:
        """A change of a loaded demand: its row is written at commit, its event at once."""
        demand.updated_at = now
        added = await self._record(actor, me.id, demand, kind, body, files, now, data=data)
        view = _demand_view(demand)
        if added:
            # The row's collection does not know the attachments just written: a later load
            # fills it again (and a forgotten one fails loudly, as lazy loads do here).
            self.session.expire(demand, ["attachments"])
        return dataclasses.replace(view, attachments=view.attachments + added)

    async def _record(self, actor: Actor, author_id: int, demand: DemandRow | DemandView,
                      kind: EventKind, body: str | None, files: list[CheckedAttachment],
                      now: datetime, *, data: dict | None = None) -> tuple[AttachmentView, ...]:
        """The event, its attachments and its outbox rows; returns the attachments written."""
        event_id = await self.session.scalar(_EVENT_INSERT, {
            "demand_id": demand.id, "kind": kind.value, "author_id": author_id, "text": body,
            "data": data, "visibility": "public", "created_at": now})
        await self._store_files(files)
        added = ()
        if files:
            rows = [{"demand_id": demand.id, "event_id": event_id, "filename": item.filename,
                     "content_type": item.content_type, "size": item.size, "sha256": item.sha256,
                     "created_at": now} for item in files]
            ids = (await self.session.scalars(_ATTACHMENT_INSERT, rows)).all()
            added = tuple(AttachmentView(id=attachment_id, **{k: v for k, v in row.items() if k != "demand_id"})
                          for attachment_id, row in zip(ids, rows))
        await self._queue_outbox(actor, author_id, demand, event_id, "public", kind, now)
        return added

    async def _store_files(self, files: list[CheckedAttachment]) -> None:
        # Written before the rows that point to them: a rollback leaves at most an unreferenced
        # file (harmless, content-addressed), never a row without its content.
        for item in files:
            await asyncio.to_thread(self.store.files.put, item)

    async def _queue_outbox(self, actor: Actor, author_id: int, demand: DemandRow | DemandView,
                            event_id: int, visibility: str, kind: EventKind, now: datetime) -> None:
        by_requester = author_id == demand.requester_id
        to_assignee = by_requester and demand.assignee_id is not None and demand.assignee_id != author_id
        query = _recipients_query(to_requester=visibility == "public", to_rooms=by_requester and kind in ROOM_EVENTS,
                                  to_assignee=to_assignee, except_chat=actor.chat_id is not None)
        if query is None:
            return
        recipients = (await self.session.execute(query, {
            "requester_id": demand.requester_id, "assignee_id": demand.assignee_id,
            "except_chat": actor.chat_id})).all()
        if not recipients:
            return
        await self.session.execute(insert(_OUTBOX), [
            {"event_id": event_id, "chat_id": chat_id,
             "audience": "requester" if person_id == demand.requester_id and not room else "attendants",
             "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
            for chat_id, person_id, room in recipients])
        if self.session.bind.dialect.name == "postgresql":
            # Delivered at commit (and dropped on rollback), so a listener never sees a ghost.
            await self.session.execute(text("SELECT pg_notify(:channel, :payload)"),
                                       {"channel": NOTIFY_CHANNEL, "payload": demand.protocol})

    # --- demands: reading -----------------------------------------------------------------------

    async def get_demand(self, actor: Actor, protocol: str) -> DemandView:
        me = await self._actor_row(actor)
        return _demand_view(await self._demand_row(me, protocol))

    async def timeline(self, actor: Actor, protocol: str) -> list[EventView]:
        me = await self._actor_row(actor)
        demand = await self._demand_row(me, protocol, with_attachments=False)
        query = (select(EventRow).where(EventRow.demand_id == demand.id)
                 .options(joinedload(EventRow.author), selectinload(EventRow.attachments))
                 .order_by(EventRow.created_at.desc(), EventRow.id.desc()))
        if not me.is_attendant:
            query = query.where(EventRow.visibility == "public")
        return [_event_view(row) for row in (await self.session.scalars(query)).all()]

    async def list_demands(self, actor: Actor, open_only: bool, page: int = 1,
                           page_size: int = 5) -> Page:
        """The actor's own demands, newest first."""
        me = await self._actor_row(actor)
        conditions = [DemandRow.requester_id == me.id]
        if open_only:
            conditions.append(DemandRow.status.in_([s.name for s in OPEN_STATUSES]))
        return await self._page(conditions, [DemandRow.created_at.desc(), DemandRow.id.desc()],
                                page, page_size)

    async def queue(self, actor: Actor, page: int = 1, page_size: int = 5) -> Page:
        """Open demands for attendants: unassigned first, then oldest first."""
        await self._require_attendant(actor)
        return await self._page(
            [DemandRow.status.in_([s.name for s in OPEN_STATUSES])],
            [DemandRow.assignee_id.is_not(None), DemandRow.created_at, DemandRow.id],
            page, page_size)

    async def assigned_to(self, actor: Actor, open_only: bool = True, page: int = 1,
                          page_size: int = 5) -> Page:
        """The demands the attendant holds, oldest first."""
        me = await self._require_attendant(actor)
        conditions = [DemandRow.assignee_id == me.id]
        if open_only:
            conditions.append(DemandRow.status.in_([s.name for s in OPEN_STATUSES]))
        return await self._page(conditions, [DemandRow.created_at, DemandRow.id], page, page_size)

    async def _page(self, conditions: list, order: list, page: int, page_size: int) -> Page:
        page_size = max(1, min(int(page_size), 100))
        page = max(1, int(page))
        # The total rides along with the rows (a window count): one round trip per page.
        query = (select(DemandRow, func.count().over().label("total")).where(*conditions)
                 .options(*_demand_loads()).order_by(*order)
                 .limit(page_size).offset((page - 1) * page_size))
        rows = (await self.session.execute(query)).unique().all()
        if rows:
            total = rows[0].total
        else:
            total = await self.session.scalar(
                select(func.count()).select_from(DemandRow).where(*conditions))
        return Page(items=tuple(_demand_view(row.DemandRow) for row in rows), page=page,
                    page_size=page_size, total=total, pages=max(1, math.ceil(total / page_size)))

    async def attachment_content(self, actor: Actor, attachment_id: int) -> bytes:
        me = await self._actor_row(actor)
        query = (select(AttachmentRow.sha256)
                 .join(DemandRow, DemandRow.id == AttachmentRow.demand_id)
                 .join(EventRow, EventRow.id == AttachmentRow.event_id)
                 .where(AttachmentRow.id == attachment_id))
        if not me.is_attendant:
            query = query.where(DemandRow.requester_id == me.id, EventRow.visibility == "public")
        sha256 = await self.session.scalar(query)
        if sha256 is None:
            raise errors.AttachmentNotFound(errors.ATTACHMENT_NOT_FOUND)
        return await asyncio.to_thread(self.store.files.get, sha256)

    # --- helpers ----------------------------------------------------------------------------------

    async def _actor_row(self, actor: Actor) -> PersonRow:
        # The database, not the caller, says whether the actor is an attendant.
        return await self._person_row(actor.person_id)

    async def _require_attendant(self, actor: Actor) -> PersonRow:
        me = await self._actor_row(actor)
        if not me.is_attendant:
            raise errors.NotAllowed(errors.attendant_only(errors.ACTION_QUEUE))
        return me

    async def _demand_row(self, me: PersonRow, protocol: str, *, for_update: bool = False,
                          with_attachments: bool = True) -> DemandRow:
        canonical = parse_protocol(protocol) or (protocol or "").strip().upper()
        query = select(DemandRow).where(DemandRow.protocol == canonical).options(
            *_demand_loads(with_attachments))
        if not me.is_attendant:
            # Someone else's demand looks exactly like one that does not exist.
            query = query.where(DemandRow.requester_id == me.id)
        if for_update:
            query = query.with_for_update(of=DemandRow)
        demand = (await self.session.scalars(query)).unique().one_or_none()
        if demand is None:
            raise errors.DemandNotFound(errors.demand_not_found(canonical or protocol))
        return demand


def _demand_loads(with_attachments: bool = True) -> list:
    loads = [joinedload(DemandRow.requester), joinedload(DemandRow.assignee)]
    if with_attachments:
        loads.append(selectinload(DemandRow.attachments))
    return loads


# --- statements built once ---------------------------------------------------------------------
# What every turn and every change runs: built and compiled once, executed with parameters.

_PEOPLE, _ACCOUNTS, _CHATS = PersonRow.__table__, ChannelAccountRow.__table__, ChatRow.__table__
_DEMANDS, _EVENTS, _ATTACHMENTS = DemandRow.__table__, EventRow.__table__, AttachmentRow.__table__
_OUTBOX, _CONVERSATIONS = OutboxRow.__table__, ConversationRow.__table__

_CONVERSATION_KEY = (_CONVERSATIONS.c.channel, _CONVERSATIONS.c.chat_id, _CONVERSATIONS.c.user_id)
_CONVERSATION_MATCH = and_(*(column == bindparam(f"key_{column.key}") for column in _CONVERSATION_KEY))
_CONVERSATION_STATE = select(_CONVERSATIONS.c.state).where(_CONVERSATION_MATCH)
_CONVERSATION_DELETE = delete(_CONVERSATIONS).where(_CONVERSATION_MATCH)
_CONVERSATION_UPDATE = update(_CONVERSATIONS).where(_CONVERSATION_MATCH).values(
    state=bindparam("new_state"), updated_at=bindparam("new_updated_at"))



@functools.lru_cache(maxsize=None)
def _conversation_upsert(dialect: str):
    insert = db.insert_for(dialect, _CONVERSATIONS)
    return insert.values({
        **{column.key: bindparam(f"key_{column.key}") for column in _CONVERSATION_KEY},
        "state": bindparam("new_state"), "updated_at": bindparam("new_updated_at"),
    }).on_conflict_do_update(index_elements=list(_CONVERSATION_KEY),
                            set_={"state": insert.excluded.state, "updated_at": insert.excluded.updated_at})


_PERSON_COLUMNS = (_PEOPLE.c.id, _PEOPLE.c.name, _PEOPLE.c.email, _PEOPLE.c.phone, _PEOPLE.c.cargo,
                   _PEOPLE.c.organ_key, _PEOPLE.c.is_attendant)
_PERSON = select(*_PERSON_COLUMNS).where(_PEOPLE.c.id == bindparam("person_id"))
# The person behind the account, their chat and their conversation (the chat and the
# conversation may not exist yet), with the conversation's key parameters.
_TURN_LOOKUP = (
    select(*_PERSON_COLUMNS,
           *(column.label(f"chat_{column.key}") for column in (
               _CHATS.c.id, _CHATS.c.kind, _CHATS.c.person_id, _CHATS.c.reference, _CHATS.c.locale,
               _CHATS.c.is_attendant_room)),
           _CONVERSATIONS.c.state)
    .select_from(_ACCOUNTS)
    .join(_PEOPLE, _PEOPLE.c.id == _ACCOUNTS.c.person_id)
    .outerjoin(_CHATS, and_(_CHATS.c.channel == bindparam("key_channel"),
                            _CHATS.c.chat_id == bindparam("key_chat_id")))
    .outerjoin(_CONVERSATIONS, _CONVERSATION_MATCH)
    .where(_ACCOUNTS.c.channel == bindparam("key_channel"),
           _ACCOUNTS.c.channel_user_id == bindparam("key_user_id")))

# What a new demand's view and row share; the row adds its number and the status's name.
_DEMAND_INSERT_FIELDS = ("protocol", "title", "organ_key", "type_key", "category_key", "subject_key",
                         "subject_detail", "description", "requester_id", "assignee_id", "survey_pending",
                         "created_at", "updated_at", "closed_at")
_DEMAND_INSERT = insert(_DEMANDS).returning(_DEMANDS.c.id)
_EVENT_INSERT = insert(_EVENTS).returning(_EVENTS.c.id)
_ATTACHMENT_INSERT = insert(_ATTACHMENTS).returning(_ATTACHMENTS.c.id, sort_by_parameter_order=True)


def _conversation_key(key: tuple[str, str, str]) -> dict[str, str]:
    return {f"key_{column.key}": value for column, value in zip(_CONVERSATION_KEY, key)}


def _encoded(state: dict | None) -> str | None:
    return None if state is None else json.dumps(state, sort_keys=True)


@functools.lru_cache(maxsize=None)
def _recipients_query(*, to_requester: bool, to_rooms: bool, to_assignee: bool, except_chat: bool):
    """The chats an event goes to (built once for each combination): the requester's own chats,
    the attendants' rooms, the assignee's private chats; never the chat it came from."""
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
    query = select(chats.id, chats.person_id, chats.is_attendant_room).where(or_(*wanted))
    return query.where(chats.id != bindparam("except_chat")) if except_chat else query


# --- rows to views --------------------------------------------------------------------------------

def _person_view(row: PersonRow) -> Person:
    return Person(id=row.id, name=row.name, email=row.email, phone=row.phone, cargo=row.cargo,
                  organ_key=row.organ_key, is_attendant=row.is_attendant)


def _chat_view(row: ChatRow) -> Chat:
    return Chat(id=row.id, channel=row.channel, chat_id=row.chat_id, kind=row.kind,
                person_id=row.person_id, reference=row.reference, locale=row.locale,
                is_attendant_room=row.is_attendant_room)


def _attachment_view(row: AttachmentRow) -> AttachmentView:
    return AttachmentView(id=row.id, event_id=row.event_id, filename=row.filename,
                          content_type=row.content_type, size=row.size, sha256=row.sha256,
                          created_at=row.created_at)


def _demand_view(row: DemandRow) -> DemandView:
    return DemandView(
        id=row.id, protocol=row.protocol, title=row.title, organ_key=row.organ_key,
        type_key=row.type_key, category_key=row.category_key, subject_key=row.subject_key,
        subject_detail=row.subject_detail, description=row.description,
        status=Status[row.status], requester_id=row.requester.id,
        requester_name=row.requester.name,
        assignee_id=row.assignee.id if row.assignee else None,
        assignee_name=row.assignee.name if row.assignee else None,
        created_at=row.created_at, updated_at=row.updated_at, closed_at=row.closed_at,
        attachments=tuple(_attachment_view(a) for a in row.attachments),
        survey_pending=row.survey_pending)


def _event_view(row: EventRow) -> EventView:
    return EventView(
        id=row.id, kind=EventKind(row.kind), author_id=row.author_id, author_name=row.author.name,
        text=row.text, created_at=row.created_at,
        attachments=tuple(_attachment_view(a) for a in row.attachments),
        visibility=row.visibility, rating=(row.data or {}).get("rating"))

