"""Telegram channel: the bot in servants' Telegram chats.

    python -m bot telegram   ->   bot.service.run_service(..., channels=["telegram"]); run_telegram is
                                  the same for callers that hold their own dialogs.

The notifier pushes rendered events with `build_bot` + `send_outgoing`, and keeps the demand cards
in the attendants' rooms current with `edit_outgoing`.
"""

from __future__ import annotations

import asyncio

from bot.config import Config
from bot.contract import Conversation
from store import Store

from .channel import TelegramChannel
from .send import build_bot, edit_outgoing, send_outgoing

__all__ = ["TelegramChannel", "build_bot", "edit_outgoing", "run_telegram", "send_outgoing"]


async def run_telegram(config: Config, dialogs: Conversation, store: Store, *,
                       stop: asyncio.Event | None = None) -> None:
    """Run the bot until `stop` is set (by default: until SIGINT or SIGTERM). `store` is the one
    `dialogs` work on: it keeps the inbox and the replies' outbox.

    Long polling by default; with TELEGRAM_WEBHOOK_URL set, registers the webhook and serves it
    (and GET /healthz) from our aiohttp application on ECAGE_HTTP_PORT."""
    from bot.service import run_service

    await run_service(config, dialogs, store, channels=["telegram"], stop=stop)
