"""One running server with both webhooks (Telegram with its secret, Teams unauthenticated as in
local testing), in front of the real channels, the flood guard, the dialogs and a SQLite store;
the fake Bot API and the fake Bot Connector take the replies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fakes.connector import FakeConnector  # tests/ is on sys.path (tests/conftest.py)
from fakes.ports import free_port
from fakes.telegram_api import TOKEN, FakeTelegramAPI

from bot.config import Config
from bot.flood import FloodGuard
from bot.http import TEAMS_PATH, create_app, serve
from bot.teams import TeamsChannel
from bot.telegram import TelegramChannel
from dialogs import Dialogs
from store import Store
from taxonomy import default_taxonomy

SECRET = "fuzz-Secret_token"


@dataclass
class Server:
    base: str
    api: FakeTelegramAPI
    connector: FakeConnector
    telegram: TelegramChannel
    secret: str = SECRET

    @property
    def telegram_url(self) -> str:
        return f"{self.base}/telegram/hook"

    @property
    def teams_url(self) -> str:
        return f"{self.base}{TEAMS_PATH}"


@pytest.fixture
async def server(tmp_path: Path, api: FakeTelegramAPI, connector: FakeConnector) -> AsyncIterator[Server]:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}", attachments_dir=tmp_path / "files")
    dialogs = FloodGuard(Dialogs(store, default_taxonomy()))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = Config(telegram_bot_token=TOKEN, telegram_api_url=api.base_url, http_port=port,
                    telegram_webhook_url=f"{base}/telegram/hook", telegram_webhook_secret=SECRET)
    # Without our steady pace of Telegram's quota (30 messages a second, 20 a minute per group):
    # hostile input is what these tests are about, and at that pace their hundreds of replies
    # only waited (tests/load does the same; a 429 would still be obeyed).
    telegram = TelegramChannel(config, dialogs, store, album_delay=0.05, rate_limited=False)
    teams = TeamsChannel(Config(http_port=port), dialogs, store)
    runner = await serve(create_app(telegram=telegram.webhook, teams=teams.handle_request), port, host="127.0.0.1")
    await telegram.start()
    await teams.start()
    yield Server(base, api, connector, telegram)
    await runner.cleanup()
    await telegram.stop()
    await teams.close()
    await store.close()
