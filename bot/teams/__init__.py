"""Microsoft Teams channel: the bot behind the Bot Framework endpoint POST /api/messages.

    python -m bot teams   ->   await run_teams(config, Dialogs(store, default_taxonomy()))

The notifier pushes with `TeamsSender` (bot.notifier's Sender protocol; factory `open_teams`).
All botbuilder imports live in this package.
"""

from __future__ import annotations

import asyncio

from bot.config import Config
from bot.http import create_app, serve

from .channel import Handler, TeamsChannel
from .send import Retry, TeamsSender, build_adapter, open_teams

__all__ = ["Retry", "TeamsChannel", "TeamsSender", "build_adapter", "open_teams", "run_teams"]


async def run_teams(config: Config, dialogs: Handler, *, stop: asyncio.Event | None = None) -> None:
    """Serve /api/messages (and GET /healthz) on ECAGE_HTTP_PORT until `stop` is set (by default:
    until SIGINT or SIGTERM)."""
    from bot.telegram import _stop_on_signals

    if stop is None:
        stop = _stop_on_signals()
    channel = TeamsChannel(config, dialogs)
    runner = await serve(create_app(teams=channel.handle_request), config.http_port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await channel.close()
