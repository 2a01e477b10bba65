"""The running service's shared parts: the store opened from the configuration and the dialogs over it.

Every channel (shell, Telegram, Teams) starts from here, so they all talk to the same store.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator

from bot.config import Config
from bot.flood import DEFAULT_BURST, DEFAULT_WINDOW, FloodGuard
from dialogs import Dialogs
from store import Store
from taxonomy import default_taxonomy


@dataclass(frozen=True)
class App:
    config: Config
    store: Store
    dialogs: FloodGuard  # the dialogs behind the per-user flood limit; same handle(incoming)


@asynccontextmanager
async def open_app(config: Config | None = None, *, flood_burst: int = DEFAULT_BURST,
                   flood_window: float = DEFAULT_WINDOW) -> AsyncIterator[App]:
    """Open the store (migrating the database to the current schema) and build the dialogs,
    behind the flood guard (`flood_burst` messages per person refilled over `flood_window` s)."""
    config = config or Config.from_env()
    store = await Store.open(config.database_url, attachments_dir=config.attachments_dir, migrate=True)
    try:
        dialogs = FloodGuard(Dialogs(store, default_taxonomy()), burst=flood_burst, window=flood_window)
        yield App(config=config, store=store, dialogs=dialogs)
    finally:
        await store.close()
