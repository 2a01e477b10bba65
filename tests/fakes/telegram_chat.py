"""A person in one Telegram chat, talking to the real python-telegram-bot Application through
the local fake Bot API server (tests/fakes/telegram_api.py):

    chat = api.chat(1001, channel)
    replies = await chat.says("/start")
    await chat.presses("Manter")
    assert "e-mail" in chat.text

Each action returns the messages the bot sent to this chat in answer, once the bot has finished
with it: the update was fetched and the Application's queue is empty again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chat_driver import ChatDriver, Option

from fakes.telegram_api import buttons_of

if TYPE_CHECKING:
    from fakes.telegram_api import FakeTelegramAPI


def buttons(message: dict) -> list[str]:
    """The labels of a message's inline keyboard, row after row."""
    return [button["text"] for row in buttons_of(message.get("reply_markup")) for button in row]


class TelegramChat(ChatDriver):
    """`name` names the chat in the server's log (`[sala] Ana: /fila`), for stories with several
    chats; without it the log says who spoke, not where."""

    replies: list[dict]

    def __init__(self, api: FakeTelegramAPI, chat_id: int, channel: Any, user: dict | None = None,
                 name: str | None = None) -> None:
        self.api, self.chat_id, self.channel, self.user, self.name = api, chat_id, channel, user, name
        self.replies = []

    def text_of(self, message: dict) -> str:
        return message.get("text", "")

    def options_of(self, message: dict) -> list[Option]:
        return [Option(button.get("callback_data", ""), button["text"], message)
                for row in buttons_of(message.get("reply_markup")) for button in row]

    def _last_id(self) -> int:
        return max((m["message_id"] for m in self.api.sent_to(self.chat_id)), default=0)

    async def _after(self, action: Any, note: str = "") -> list[dict]:
        before = self._last_id()
        logged = len(self.api.log)
        await action
        if self.name:
            self.api.log[logged] = f"[{self.name}] {self.api.log[logged]}{note}"
        await self.api.taken()
        await self.channel.drain()
        return self._heard([m for m in self.api.sent_to(self.chat_id) if m["message_id"] > before])

    async def says(self, text: str, reply_to: int | None = None) -> list[dict]:
        note = f"   ↩ em resposta a #{reply_to}" if reply_to else ""
        return await self._after(self.api.user_says(self.chat_id, text, user=self.user, reply_to=reply_to), note)

    async def say(self, text: str) -> list[dict]:
        return await self.says(text)

    async def presses(self, label: str, on: dict | None = None) -> list[dict]:
        """Press the button labelled `label` on the message `on`, else on the latest bot message
        of this chat that shows it."""
        return await self._choose(self.option(label, [on] if on else self.api.sent_to(self.chat_id)))

    async def _choose(self, option: Option) -> list[dict]:
        return await self.presses_on(option.reply["message_id"], option.id)

    async def presses_on(self, message_id: int, data: str) -> list[dict]:
        return await self._after(self.api.user_presses(self.chat_id, message_id, data, user=self.user))

    async def sends_document(self, filename: str, data: bytes, **fields: Any) -> list[dict]:
        return await self._after(self.api.user_sends_document(self.chat_id, filename, data, user=self.user,
                                                              **fields))

    async def sends_album(self, documents: list[tuple[str, bytes]] = (), photos: list[bytes] = (),
                          caption: str | None = None) -> list[dict]:
        """Files sent together, as Telegram delivers them: one message each, one media group,
        the caption on the first."""
        async def upload() -> None:
            group = f"album-{len(self.api.log)}"
            first = True
            for filename, data in documents:
                await self.api.user_sends_document(self.chat_id, filename, data, media_group_id=group,
                                                   caption=caption if first else None, user=self.user)
                first = False
            for data in photos:
                await self.api.user_sends_photo(self.chat_id, data, media_group_id=group,
                                                caption=caption if first else None, user=self.user)
                first = False
        return await self._after(upload())

    async def sends(self, kind: str, payload: dict) -> list[dict]:
        return await self._after(self.api.user_sends(self.chat_id, kind, payload, user=self.user))

    async def edits(self, message_id: int, text: str) -> list[dict]:
        return await self._after(self.api.user_edits(self.chat_id, message_id, text, user=self.user))
