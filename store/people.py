"""People, their channel accounts and profiles, and the chats the bot writes to (among them the
attendants' rooms): the part of a unit of work that knows who is who."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from . import errors, validation
from .mappers import chat_view, person_view
from .models import ChannelAccountRow, ChatRow, PersonRow
from .statements import PERSON_BY_ID, chat_insert
from .unit import UnitOfWork
from .views import Actor, Chat, Person

_UNSET = object()
_CHAT_BY_KEY = select(ChatRow).where(ChatRow.channel == bindparam("channel"), ChatRow.chat_id == bindparam("chat_id"))


class PeopleAndChats(UnitOfWork):
    async def person(self, person_id: int) -> Person | None:
        row = (await self.session.execute(PERSON_BY_ID, {"person_id": person_id})).first()
        return person_view(row) if row else None

    async def person_for_account(self, channel: str, channel_user_id: str) -> Person | None:
        row = await self._account_person(channel, str(channel_user_id))
        return person_view(row) if row else None

    async def ensure_person(self, channel: str, channel_user_id: str, display_name: str) -> Person:
        channel_user_id = str(channel_user_id)
        row = await self._account_person(channel, channel_user_id)
        if row:
            return person_view(row)
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
        return person_view(row)

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
        return person_view(row)

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
        return person_view(row)

    async def set_silent_at_night(self, person_id: int, silent: bool) -> Person:
        """Whether pushes in quiet hours (store/workdays.py) go out without a sound."""
        return await self._set_flag(person_id, "silent_at_night", silent)

    async def set_attendant(self, person_id: int, is_attendant: bool) -> Person:
        return await self._set_flag(person_id, "is_attendant", is_attendant)

    async def _set_flag(self, person_id: int, flag: str, value: bool) -> Person:
        row = await self._person_row(person_id)
        setattr(row, flag, bool(value))
        row.updated_at = self.now()
        await self.session.flush()
        return person_view(row)

    async def find_person_by_email(self, email: str) -> Person | None:
        row = await self.session.scalar(
            select(PersonRow).where(PersonRow.email == (email or "").strip().lower())
            .order_by(PersonRow.id).limit(1))
        return person_view(row) if row else None

    # --- chats ------------------------------------------------------------------------------------

    async def ensure_chat(self, channel: str, chat_id: str, kind: str = "private",
                          person_id: int | None = None, reference: dict | None = None,
                          locale: str | None = None, reachable: bool = False) -> Chat:
        """The chat, created or refreshed with what the channel needs to write to it later.
        `reachable`: the channel says the bot can write there again (added back to a team), so a
        mark of a chat that could not be reached (store/outbox.py `mark_chat_gone`) goes."""
        chat_id = str(chat_id)
        row = await self._chat_row(channel, chat_id)
        now = self.now()
        if row is None:
            fields = {"channel": channel, "chat_id": chat_id, "kind": kind, "person_id": person_id,
                      "reference": reference, "locale": locale, "is_attendant_room": False}
            created = await self.session.scalar(chat_insert(self.store.dialect),
                                                {**fields, "created_at": now, "updated_at": now})
            if created is not None:
                return Chat(id=created, **fields)
            row = await self._chat_row(channel, chat_id)  # another unit of work wrote it first
        wanted = {"kind": kind, "person_id": person_id, "reference": reference, "locale": locale}
        changed = False
        for field, value in wanted.items():
            if value is not None and getattr(row, field) != value:
                setattr(row, field, value)
                changed = True
        if reachable and row.blocked_at is not None:
            row.blocked_at = None
            changed = True
        if changed:
            row.updated_at = now
            await self.session.flush()
        return chat_view(row)

    async def chat(self, chat_db_id: int) -> Chat | None:
        row = await self.session.get(ChatRow, chat_db_id)
        return chat_view(row) if row else None

    async def _chat_row(self, channel: str, chat_id: str) -> ChatRow | None:
        return await self.session.scalar(_CHAT_BY_KEY, {"channel": channel, "chat_id": chat_id})

    async def bind_room(self, actor: Actor, chat_db_id: int) -> Chat:
        return await self._set_room(actor, chat_db_id, True)

    async def unbind_room(self, actor: Actor, chat_db_id: int) -> Chat:
        return await self._set_room(actor, chat_db_id, False)

    async def _set_room(self, actor: Actor, chat_db_id: int, is_room: bool) -> Chat:
        await self._attendant_row(actor, errors.ACTION_BIND_ROOM)
        row = await self.session.get(ChatRow, chat_db_id)
        if row is None:
            raise errors.InvalidField("chat_id", errors.UNKNOWN_CHAT, str(chat_db_id))
        row.is_attendant_room = is_room
        row.updated_at = self.now()
        await self.session.flush()
        return chat_view(row)
