"""Fixtures of the fake servers, for every suite (tests/conftest.py loads this module as a
plugin): `api`, the fake Telegram Bot API, and `connector`, the fake Bot Connector of Teams,
each started for one test and closed after it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from fakes.connector import FakeConnector
from fakes.telegram_api import FakeTelegramAPI


@asynccontextmanager
async def _running(server):
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with _running(FakeTelegramAPI()) as server:
        yield server


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with _running(FakeConnector()) as server:
        yield server
