"""The start of a turn (who writes, in which chat, where their conversation stands) and the
conversation state, loaded and saved once per turn.

A turn is the hot path of the whole service (benchmarks/bench_dialogs.py): every turn but a
newcomer's first costs one SELECT here (statements.TURN_CONTEXT), and a state saved as it was
loaded costs no statement at all.
"""

from __future__ import annotations

import json

from . import statements
from .mappers import person_view
from .people import PeopleAndChats
from .views import Chat, Person

class Conversations(PeopleAndChats):
    async def open_turn(self, channel: str, chat_id: str, user_id: str, display_name: str, *,
                        kind: str = "private", reference: dict | None = None,
                        locale: str | None = None) -> tuple[Person, Chat, dict | None]:
        """Who writes, in which chat, and where their conversation stands, at the start of a turn.

        Every turn but a newcomer's first needs one SELECT; a new person or chat, or a chat whose
        details changed, takes the ensure_* steps."""
        chat_id, user_id = str(chat_id), str(user_id)
        key = (channel, chat_id, user_id)
        row = (await self.session.execute(statements.TURN_CONTEXT, statements.conversation_key(key))).first()
        if row is None:
            person = await self.ensure_person(channel, user_id, display_name)
        else:
            person = person_view(row)
        wanted = {"kind": kind, "person_id": person.id if kind == "private" else None,
                  "reference": reference, "locale": locale}
        if row is None or row.chat_id is None or any(
                value is not None and getattr(row, f"chat_{field}") != value for field, value in wanted.items()):
            chat = await self.ensure_chat(channel, chat_id, **wanted)
        else:
            chat = Chat(id=row.chat_id, channel=channel, chat_id=chat_id, kind=row.chat_kind,
                        person_id=row.chat_person_id, reference=row.chat_reference, locale=row.chat_locale,
                        is_attendant_room=row.chat_is_attendant_room)
        if row is None or row.chat_blocked_at is not None:
            # The chat writes to the bot: it can be reached again (a newcomer's chat may have been
            # marked before they had an account here, a group's say).
            await self.session.execute(statements.CHAT_UNBLOCK, {"unblocked_id": chat.id})
        if row is None:
            return person, chat, await self.load_conversation(channel, chat_id, user_id)
        self._conversations[key] = _encoded(row.state)
        return person, chat, row.state

    async def load_conversation(self, channel: str, chat_id: str, user_id: str) -> dict | None:
        key = (channel, str(chat_id), str(user_id))
        state = await self.session.scalar(statements.CONVERSATION_STATE, statements.conversation_key(key))
        self._conversations[key] = _encoded(state)
        return state

    async def chat_conversations(self, channel: str, chat_id: str) -> list[tuple[str, dict]]:
        """(user id, state) of each conversation held in one chat (a private chat has one): what a
        push delivered there changes (dialogs/events.py)."""
        rows = (await self.session.execute(statements.CHAT_CONVERSATIONS,
                                           {"key_channel": channel, "key_chat_id": str(chat_id)})).all()
        for row in rows:
            self._conversations[(channel, str(chat_id), row.user_id)] = _encoded(row.state)
        return [(row.user_id, row.state) for row in rows]

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
            await self.session.execute(statements.CONVERSATION_DELETE, statements.conversation_key(key))
        else:
            # A new conversation is upserted: the same person writing in the same chat through two
            # processes at once must not make one of them fail.
            statement = (statements.CONVERSATION_UPDATE if stored is not None
                         else statements.conversation_upsert(self.store.dialect))
            await self.session.execute(statement, {
                **statements.conversation_key(key), "new_state": state, "new_updated_at": self.now()})
        self._conversations[key] = encoded


def _encoded(state: dict | None) -> str | None:
    return None if state is None else json.dumps(state, sort_keys=True)
