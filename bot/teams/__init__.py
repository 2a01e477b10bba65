"""Microsoft Teams channel: the bot behind the Bot Framework endpoint POST /api/messages.

    python -m bot teams   ->   bot.service.run_service(..., channels=["teams"]); run_teams is the
                               same for callers that hold their own dialogs.

The notifier pushes with `TeamsSender` (bot.notifier's Sender protocol; factory `open_teams`).
All botbuilder imports live in this package.
"""

from __future__ import annotations

import asyncio

from bot.config import Config
from bot.contract import Conversation
from store import Store

from .channel import TeamsChannel
from .send import Retry, TeamsSender, build_adapter, open_teams

__all__ = ["Retry", "TeamsChannel", "TeamsSender", "build_adapter", "open_teams", "run_teams"]


async def run_teams(config: Config, dialogs: Conversation, store: Store, *,
                    stop: asyncio.Event | None = None) -> None:
    """Serve /api/messages (and GET /healthz) on ECAGE_HTTP_PORT until `stop` is set (by default:
    until SIGINT or SIGTERM). `store` is the one `dialogs` work on: Teams records there the chats
    the dialogs never hear of (the bot added to a team)."""
    from bot.service import run_service

    await run_service(config, dialogs, store, channels=["teams"], stop=stop)
