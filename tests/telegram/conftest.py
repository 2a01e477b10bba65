"""Fixtures for the Telegram channel: a local fake Bot API server, a real store on SQLite in
tmp_path, the real dialogs, and the real PTB Application talking HTTP between them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from fakes.telegram_api import TOKEN, FakeTelegramAPI  # tests/ is on sys.path (tests/conftest.py)


from bot.config import Config
from bot.telegram import TelegramChannel
from dialogs import Dialogs
from store import Store

@pytest.fixture
def store(file_store: Store) -> Store:
    """The tests here read the store the channel writes: a SQLite file of its own."""
    return file_store


def config_for(api: FakeTelegramAPI, **changes: object) -> Config:
    return Config(telegram_bot_token=TOKEN, telegram_api_url=api.base_url, **changes)


@pytest.fixture
def config(api: FakeTelegramAPI) -> Config:
    """The configuration `python -m bot telegram` would read, pointed at the fake Bot API."""
    return config_for(api)


@pytest.fixture
async def start_bot(api: FakeTelegramAPI, file_dialogs: Dialogs, file_store: Store) -> AsyncIterator[Callable[..., Awaitable[TelegramChannel]]]:
    """start_bot(**config changes) -> a started TelegramChannel with short timeouts."""
    started: list[TelegramChannel] = []

    async def start(**changes: object) -> TelegramChannel:
        channel = TelegramChannel(config_for(api, **changes), file_dialogs, file_store, poll_timeout=1,
                                  album_delay=0.3)
        await channel.start()
        started.append(channel)
        return channel

    yield start
    for channel in started:
        await channel.stop()


@pytest.fixture
async def bot(start_bot: Callable[..., Awaitable[TelegramChannel]]) -> TelegramChannel:
    """The bot in long-polling mode."""
    return await start_bot()
