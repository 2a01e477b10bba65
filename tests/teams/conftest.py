"""Fixtures for the Teams channel: a local fake Bot Connector, a real store on SQLite in tmp_path,
the real dialogs, and our real aiohttp application serving /api/messages over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from fakes.connector import FakeConnector, TeamsUser  # tests/ is on sys.path (tests/conftest.py)
from fakes.ports import free_port
from teams_support import FAST_RETRY

from bot.config import Config
from bot.inbox import LEASE_S
from bot.http import create_app, serve
from bot.teams import TeamsChannel
from dialogs import Dialogs
from store import Store



@pytest.fixture
def store(file_store: Store) -> Store:
    """The tests here read the store the channel writes: a SQLite file of its own."""
    return file_store


@pytest.fixture
async def start_server(file_dialogs: Dialogs, file_store: Store) -> AsyncIterator[Callable[..., Awaitable[str]]]:
    """start_server(lease=the inbox's, **config changes) -> the URL of /api/messages on our
    running application."""
    started = []

    async def start(lease: float = LEASE_S, **changes: object) -> str:
        config = Config(http_port=free_port(), **changes)
        channel = TeamsChannel(config, file_dialogs, file_store, retry=FAST_RETRY, lease=lease)
        await channel.start()
        runner = await serve(create_app(teams=channel.handle_request), config.http_port, host="127.0.0.1")
        started.append((runner, channel))
        return f"http://127.0.0.1:{config.http_port}/api/messages"

    yield start
    for runner, channel in started:
        await runner.cleanup()
        await channel.close()


@pytest.fixture
async def bot_url(start_server) -> str:
    """The bot without MICROSOFT_APP_ID: unauthenticated, as for local testing."""
    return await start_server()


@pytest.fixture
def maria(bot_url: str, connector: FakeConnector) -> TeamsUser:
    return TeamsUser(bot_url, connector)
