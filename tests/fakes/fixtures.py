"""Fixtures of the fake servers, for every suite (tests/conftest.py loads this module as a
plugin): `api`, the fake Telegram Bot API, and `connector`, the fake Bot Connector of Teams,
each started for one test and closed after it; `own_postgres`, a PostgreSQL server of the test's
own (tests/fakes/postgres_server.py), to stop and restart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest

from fakes.connector import FakeConnector
from fakes.postgres_server import PostgresServer, start_own_postgres
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


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    server = start_own_postgres()
    try:
        yield server
    finally:
        server.close()
