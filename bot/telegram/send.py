"""Sending an `Outgoing` to a Telegram chat: used for dialog replies and by the notifier."""

from __future__ import annotations

import logging

from telegram import InputFile, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.ext import ExtBot

from bot.config import Config
from dialogs.texts import Texts

from .bot_api_http import CONNECTIONS, AiohttpRequest
from .limits import ChatLimits
from .render import keyboard, split_text, to_html

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def file_url_for(api_url: str) -> str:
    """The file download base matching a Bot API base URL:
    https://api.telegram.org/bot -> https://api.telegram.org/file/bot (same for self-hosted servers)."""
    head, _, tail = api_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}"


def bot_api_request(connections: int = CONNECTIONS) -> AiohttpRequest:
    """The HTTP client a bot's Bot API calls go through (bot/telegram/bot_api_http.py says why);
    getUpdates, which holds its connection for the whole long poll, gets one of its own."""
    return AiohttpRequest(connections)


def rate_limiter(throttle: bool = True) -> ChatLimits:
    """A 429 pauses only what it limits (bot/telegram/limits.py); `throttle` keeps Telegram's
    steady pace (30 messages a second, 20 a minute per group) on our side too."""
    return ChatLimits(throttle=throttle)


def build_bot(config: Config) -> ExtBot:
    """A bot for sending only (the notifier): `async with build_bot(config) as bot: ...`."""
    if not config.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    return ExtBot(
        config.telegram_bot_token,
        base_url=config.telegram_api_url,
        base_file_url=file_url_for(config.telegram_api_url),
        rate_limiter=rate_limiter(config.telegram_rate_limited),
        request=bot_api_request(),
        get_updates_request=bot_api_request(connections=1),
    )


async def send_outgoing(
    bot: ExtBot,
    chat_id: int | str,
    outgoing,
    *,
    locale: str | None = None,
    skip: int = 0,
    into: list[Message] | None = None,
) -> list[Message]:
    """Send one `Outgoing` (text in pieces of at most 4,096 characters, the keyboard on the last
    piece, then its files as documents) and return the messages sent, in order. `skip` leaves out
    the first parts (an earlier attempt sent them); `into` receives each message as it is
    confirmed, so a caller knows how far a send that failed got."""
    sent: list[Message] = into if into is not None else []
    for part in _parts(bot, chat_id, outgoing, locale)[skip:]:
        sent.append(await part())
    return sent


def _parts(bot: ExtBot, chat_id: int | str, outgoing, locale: str | None) -> list:
    """The Bot API calls that show `outgoing`, in order, not yet made."""
    parts = []
    text = outgoing.text
    if not text.strip() and outgoing.choices:
        text = Texts(locale)("files.choose")
    if text.strip():
        pieces = split_text(text)
        markup = keyboard(outgoing.choices)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            parts.append(lambda piece=piece, last=last: bot.send_message(
                chat_id, to_html(piece), parse_mode=ParseMode.HTML, reply_markup=markup if last else None,
                link_preview_options=_NO_PREVIEW, disable_notification=outgoing.silent))
    for file in outgoing.files:
        parts.append(lambda file=file: bot.send_document(
            chat_id, InputFile(file.data, filename=file.filename), disable_notification=outgoing.silent))
    return parts


async def edit_outgoing(bot: ExtBot, chat_id: int | str, message_id: int | str, outgoing) -> None:
    """Show `outgoing` (text and keyboard) in a message sent earlier, such as a demand's card.
    A card fits one message; anything longer is cut to what Telegram accepts."""
    await bot.edit_message_text(
        to_html(split_text(outgoing.text)[0]),
        chat_id=chat_id,
        message_id=int(message_id),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(outgoing.choices),
        link_preview_options=_NO_PREVIEW,
    )
