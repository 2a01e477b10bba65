"""How the notifier reaches each channel: one small ``Sender`` per channel, found in SENDERS.

A sender sends one ``Outgoing`` to one chat and says how it went by raising:
``TransientSendError`` (try again later, after ``retry_after`` seconds when the service said so),
``PermanentSendError`` (the channel refuses this message: trying it again is useless) or its kind
``ChatGoneError`` (the user blocked the bot, it was removed from the group, the chat does not
exist: the chat is marked, and nothing more is tried there until it writes to the bot again).
It returns the ids of the messages it sent when the channel gives them (None otherwise), so a
demand's card can be found again. One ``Outgoing`` may take several channel messages ("parts":
a long text in pieces, then each file): ``send(..., skip=n)`` leaves out the first n parts, sent
by an earlier attempt, and a ``TransientSendError`` says in ``parts_sent`` how many parts were
out (skipped ones included) when it failed, so the retry sends only the rest (store/outbox.py
``Progress``). A sender that can change a message it sent also has
``edit(chat, message_id, outgoing)``: the notifier uses it to keep the rooms' cards current.
Adding a channel is one line in SENDERS: a factory that returns its sender when the
configuration enables it, or None.
"""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack, contextmanager
from typing import Awaitable, Callable, Protocol

from bot.config import Config
from dialogs import Outgoing
from store import Chat

log = logging.getLogger(__name__)


class TransientSendError(Exception):
    def __init__(self, reason: str, retry_after: float | None = None, parts_sent: int = 0):
        super().__init__(reason)
        self.retry_after = retry_after
        self.parts_sent = parts_sent


class PermanentSendError(Exception):
    pass


class ChatGoneError(PermanentSendError):
    """Nothing can reach this chat until it writes to the bot again."""


class Sender(Protocol):
    channel: str

    def min_interval(self, chat: Chat) -> float:
        """Seconds to leave between two messages to this chat (the channel's per-chat limit)."""

    async def send(self, chat: Chat, outgoing: Outgoing, skip: int = 0) -> list[str] | None:
        ...


# Telegram: 1 message/s in a private chat, 20/min in a group.
TELEGRAM_PRIVATE_INTERVAL = 1.0
TELEGRAM_GROUP_INTERVAL = 3.0


class TelegramSender:
    channel = "telegram"

    def __init__(self, bot):
        self.bot = bot

    def min_interval(self, chat: Chat) -> float:
        return TELEGRAM_PRIVATE_INTERVAL if chat.kind == "private" else TELEGRAM_GROUP_INTERVAL

    async def send(self, chat: Chat, outgoing: Outgoing, skip: int = 0) -> list[str]:
        from bot.telegram.send import send_outgoing

        sent: list = []  # filled part by part: how far it got when a part fails
        with _telegram_errors(lambda: skip + len(sent)):
            await send_outgoing(self.bot, int(chat.chat_id), outgoing, locale=chat.locale, skip=skip, into=sent)
        return [str(message.message_id) for message in sent]

    async def edit(self, chat: Chat, message_id: str, outgoing: Outgoing) -> None:
        from bot.telegram.send import edit_outgoing

        try:
            with _telegram_errors():
                await edit_outgoing(self.bot, int(chat.chat_id), message_id, outgoing)
        except PermanentSendError as exc:
            if "not modified" not in str(exc).lower():  # else it shows this already
                raise


@contextmanager
def _telegram_errors(parts_sent: Callable[[], int] = lambda: 0):
    """Telegram's errors as the notifier's: retry later (after the `parts_sent()` already out),
    or give up."""
    from telegram import error

    from bot.telegram.limits import retry_after_seconds

    try:
        yield
    except error.RetryAfter as exc:  # this chat's limit (bot/telegram/limits.py)
        raise TransientSendError(f"telegram: {exc}", retry_after_seconds(exc), parts_sent()) from exc
    except error.Forbidden as exc:  # blocked by the user, kicked from the group
        raise ChatGoneError(f"telegram: {exc}") from exc
    except error.BadRequest as exc:
        if "chat not found" in str(exc).lower():
            raise ChatGoneError(f"telegram: {exc}") from exc
        raise PermanentSendError(f"telegram: {exc}") from exc
    except error.ChatMigrated as exc:
        # Blocked, kicked, chat not found, or a message Telegram refuses: the same request
        # would fail again.
        raise PermanentSendError(f"telegram: {exc}") from exc
    except error.TelegramError as exc:  # NetworkError, TimedOut, 5xx, bad gateway...
        raise TransientSendError(f"telegram: {exc}", parts_sent=parts_sent()) from exc
    except OSError as exc:
        raise TransientSendError(f"telegram: {exc}", parts_sent=parts_sent()) from exc


async def open_telegram(config: Config, stack: AsyncExitStack) -> Sender | None:
    if not config.telegram_bot_token:
        return None
    from bot.telegram.send import build_bot

    bot = build_bot(config)
    await stack.enter_async_context(bot)
    return TelegramSender(bot)


async def open_email(config: Config, stack: AsyncExitStack) -> Sender | None:
    if not config.smtp_url:
        return None
    from bot.notifier.mail import EmailSender, parse_smtp_url

    return EmailSender(parse_smtp_url(config.smtp_url))


SenderFactory = Callable[[Config, AsyncExitStack], Awaitable["Sender | None"]]

async def open_teams(config: Config, stack: AsyncExitStack) -> Sender | None:
    # Always: without MICROSOFT_APP_ID the pushes go, without a token, to the connector each chat's
    # reference names (the Agents Playground, a local connector); a chat in the store means the
    # bot has run on Teams.
    from bot.teams import open_teams as open_teams_sender  # botbuilder stays inside bot/teams

    return await open_teams_sender(config, stack)


# channel -> factory of its sender (None when the channel is not configured).
SENDERS: dict[str, SenderFactory] = {
    "telegram": open_telegram,
    "teams": open_teams,
    "email": open_email,
}


async def open_senders(config: Config, stack: AsyncExitStack) -> dict[str, Sender]:
    senders = {}
    for channel, factory in SENDERS.items():
        sender = await factory(config, stack)
        if sender is not None:
            senders[channel] = sender
    return senders
