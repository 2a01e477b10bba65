"""Helpers of the attendants' tests: the people of the story, each in one chat, the role
commands run in this process, and a transcript of everything both sides saw."""

from __future__ import annotations

import argparse

from fakes.telegram_api import FakeTelegramAPI  # tests/ is on sys.path (tests/conftest.py)
from fakes.telegram_chat import TelegramChat, buttons  # noqa: F401 (the tests import buttons from here)

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


class Person(TelegramChat):
    """Someone talking to the bot in one chat of the story, named in the transcript by that chat:
    `replies = await ana.says("/fila")`."""

    def __init__(self, api: FakeTelegramAPI, bot: TelegramChannel, chat_id: int, user: dict) -> None:
        super().__init__(api, chat_id, bot, user, name=CHATS[chat_id])


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

