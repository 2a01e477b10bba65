"""Helpers of the attendants' tests: the people of the story, each in one chat, the role
commands run in this process, and a transcript of everything both sides saw."""


from __future__ import annotations

import argparse

from fakes.telegram_api import FakeTelegramAPI  # tests/ is on sys.path (tests/conftest.py)

from bot import roles
from bot.config import Config
from bot.telegram import TelegramChannel

ROOM = -100777
ANA, BRUNO, MARIA, JOAO = 501, 502, 601, 602
CHATS = {ROOM: "sala", ANA: "Ana, privado", BRUNO: "Bruno, privado", MARIA: "Maria, privado",
         JOAO: "João, privado"}


async def admin(config: Config, *argv: str) -> int:
    """`python -m bot.roles ARGV`, in this process."""
    parser = argparse.ArgumentParser()
    roles.add_arguments(parser.add_subparsers(dest="command", required=True))
    return await roles.run(parser.parse_args(list(argv)), config)


class Person:
    """Someone talking to the bot in one chat: `replies = await ana.says("/fila")`."""

    def __init__(self, api: FakeTelegramAPI, bot: TelegramChannel, chat_id: int, user: dict) -> None:
        self.api, self.bot, self.chat_id, self.user = api, bot, chat_id, user

    async def _after(self, action, note: str = "") -> list[dict]:
        before = max((m["message_id"] for m in self.api.sent_to(self.chat_id)), default=0)
        logged = len(self.api.log)
        await action
        # The fake logs who spoke, not where: say where, for the transcript.
        self.api.log[logged] = f"[{CHATS[self.chat_id]}] {self.api.log[logged]}{note}"
        await self.api.taken()
        await self.bot.drain()
        return [m for m in self.api.sent_to(self.chat_id) if m["message_id"] > before]

    async def says(self, text: str, reply_to: int | None = None) -> list[dict]:
        note = f"   ↩ em resposta a #{reply_to}" if reply_to else ""
        return await self._after(self.api.user_says(self.chat_id, text, user=self.user, reply_to=reply_to), note)

    async def presses(self, label: str) -> list[dict]:
        return await self._after(self.api.press(self.chat_id, label, user=self.user))

    async def presses_on(self, message: dict, label: str) -> list[dict]:
        data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                    if b["text"] == label)
        return await self._after(self.api.user_presses(self.chat_id, message["message_id"], data, user=self.user))

    async def sends_document(self, filename: str, data: bytes, caption: str | None = None) -> list[dict]:
        return await self._after(self.api.user_sends_document(self.chat_id, filename, data, caption=caption,
                                                              user=self.user))


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def buttons(message: dict) -> list[str]:
    return [b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def transcript(api: FakeTelegramAPI) -> str:
    """The conversation as both sides saw it, each bot message labelled with its chat."""
    sends = iter(c for c in api.calls if c.method in ("sendMessage", "sendDocument", "editMessageReplyMarkup",
                                                    "editMessageText"))
    lines = []
    for line in api.log:
        if line.startswith("bot #") or line.startswith("bot edits"):
            line = f"[{CHATS.get(int(next(sends).params['chat_id']), '?')}] {line}"
        elif line.startswith("bot "):
            continue  # getMe, answers to presses, downloads: plumbing
        lines.append(line)
    return "\n".join(lines)


async def pushed(person, fragment: str) -> dict:
    """The bot message in the person's chat that contains `fragment`, once the notifier sent it."""
    def find():
        return next((m for m in reversed(person.api.sent_to(person.chat_id)) if fragment in m.get("text", "")), None)
    return await person.api.wait_for(find, timeout=10)

