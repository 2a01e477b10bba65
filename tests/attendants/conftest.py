"""Fixtures of the attendants' tests: the fake Bot API server, a real SQLite store in tmp_path,
the real dialogs and Telegram channel, and the people of the story: two attendants sharing a
room (a Telegram group) and two requesters, each also in a private chat with the bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from attendant_support import ANA, BRUNO, JOAO, MARIA, ROOM, Person
from fakes.telegram_api import TOKEN, FakeTelegramAPI  # tests/ is on sys.path (tests/conftest.py)

from bot.config import Config
from bot.notifier import Notifier
from bot.notifier.senders import open_senders
from bot.telegram import TelegramChannel
from dialogs import Dialogs
from store import Store
from taxonomy import default_taxonomy


@pytest.fixture
def config(api: FakeTelegramAPI, tmp_path: Path) -> Config:
    return Config(database_url=f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}", attachments_dir=tmp_path / "files",
                  telegram_bot_token=TOKEN, telegram_api_url=api.base_url)


@pytest.fixture
async def store(config: Config) -> AsyncIterator[Store]:
    opened = await Store.open(config.database_url, attachments_dir=config.attachments_dir)
    yield opened
    await opened.close()


@pytest.fixture
async def bot(api: FakeTelegramAPI, config: Config, store: Store) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(config, Dialogs(store, default_taxonomy()), store, poll_timeout=1,
                              album_delay=0.3)
    await channel.start()
    yield channel
    await channel.stop()


@pytest.fixture
def people(api: FakeTelegramAPI, bot: TelegramChannel):
    """(ana_in_room, bruno_in_room, joao_in_room, ana_private, maria_private, joao_private)."""
    ana, bruno = api.user(ANA, "Ana", "Atendente"), api.user(BRUNO, "Bruno", "Atendente")
    maria, joao = api.user(MARIA, "Maria", "Souza"), api.user(JOAO, "João", "Pereira")
    return (Person(api, bot, ROOM, ana), Person(api, bot, ROOM, bruno), Person(api, bot, ROOM, joao),
            Person(api, bot, ANA, ana), Person(api, bot, MARIA, maria), Person(api, bot, JOAO, joao))


@pytest.fixture
async def notifier(store, config):
    """The notifier delivering the outbox to the fake Bot API while the test runs."""
    async with AsyncExitStack() as stack:
        senders = await open_senders(config, stack)
        stop = asyncio.Event()
        task = asyncio.create_task(
            Notifier(store, senders, poll_interval=0.05, pace_chats=False, global_rate=1000).run(stop))
        yield
        stop.set()
        await task
