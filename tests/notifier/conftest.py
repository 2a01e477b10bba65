"""Fixtures of the notifier tests: a store with a real clock (leases and retries are real
seconds), the fake Bot API server, and the Telegram sender pointed at it."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest
from notifier_support import build_world, telegram_config

from bot.notifier.senders import open_senders
from store import Store


@pytest.fixture
async def live_store(database_url, tmp_path):
    opened = await Store.open(database_url, attachments_dir=tmp_path / "attachments", migrate=False)
    yield opened
    await opened.close()


@pytest.fixture
async def world(live_store):
    return await build_world(live_store)


@pytest.fixture
async def telegram(api):
    """{"telegram": sender} for a Notifier, talking to the fake Bot API."""
    async with AsyncExitStack() as stack:
        senders = await open_senders(telegram_config(api), stack)
        # Teams has a sender even unconfigured (local mode); these tests want Telegram's alone.
        yield {channel: sender for channel, sender in senders.items() if channel != "teams"}


@pytest.fixture
async def postgres_live_store(postgres_store, tmp_path):
    """A clean PostgreSQL database (cleaned by the shared fixture), with a real clock."""
    url = postgres_store.engine.url.render_as_string(hide_password=False)
    opened = await Store.open(url, attachments_dir=tmp_path / "attachments", migrate=False)
    yield opened
    await opened.close()
