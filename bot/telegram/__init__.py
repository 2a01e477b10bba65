"""Telegram channel: the bot in servants' Telegram chats.

    python -m bot telegram   ->   await run_telegram(config, Dialogs(store, default_taxonomy()))

The notifier pushes rendered events with `build_bot` + `send_outgoing`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.config import Config
from bot.http import create_app, serve

from .channel import Handler, TelegramChannel
from .send import build_bot, send_outgoing

__all__ = ["TelegramChannel", "build_bot", "run_telegram", "send_outgoing"]


async def run_telegram(config: Config, dialogs: Handler, *, stop: asyncio.Event | None = None) -> None:
    """Run the bot until `stop` is set (by default: until SIGINT or SIGTERM).

    Long polling by default; with TELEGRAM_WEBHOOK_URL set, registers the webhook and serves it
    (and GET /healthz) from our aiohttp application on ECAGE_HTTP_PORT."""
    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))
    if stop is None:
        stop = _stop_on_signals()
    channel = TelegramChannel(config, dialogs)
    runner = None
    try:
        if channel.webhook_mode:
            # Listen before setWebhook, so Telegram's first call finds us.
            runner = await serve(create_app(telegram=channel.webhook), config.http_port)
        await channel.start()
        await stop.wait()
    finally:
        if runner is not None:
            await runner.cleanup()
        await channel.stop()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop
