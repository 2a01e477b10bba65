"""Database fixtures shared by every test suite.

- ``database_url``: a migrated, empty database, once on SQLite and once on PostgreSQL
  (parametrized). PostgreSQL is the server of ``ECAGE_TEST_POSTGRES_URL``; each test session
  creates its own uniquely named database there and drops it at the end, so parallel runs never
  collide. When no server answers, the PostgreSQL cases skip, unless ``ECAGE_REQUIRE_POSTGRES=1``
  (CI), which makes them fail.
- ``sqlite_url`` / ``postgres_url``: the same, for one database only.
- ``clock``: a settable clock; ``store``: a ``Store`` on ``database_url`` with that clock and a
  temporary attachments directory; ``sqlite_store`` / ``postgres_store``: the same on one database.
- ``empty_database``: a factory of brand-new, unmigrated databases (migration tests).
- ``file_store``: a store on a SQLite file of its own, as a channel's end-to-end tests use it;
  ``file_dialogs``: the real dialogs over it.
- ``api`` and ``connector``: the fake Telegram Bot API and Bot Connector (tests/fakes/fixtures.py).

A test that starts a process (our bot, a notifier, node, PostgreSQL, chromium) must be marked
``slow``, so that ``pytest -m "not slow"`` is the quick loop: one that is not fails, naming what
it started (an audit hook sees every spawn).
"""

from __future__ import annotations

import asyncio
import os
import platform
import secrets
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from dialogs import Dialogs
from fakes.parallel import worker
from fakes.ports import free_port
from store import Store
from store.db import create_engine, migrate_url
from store.models import Base
from taxonomy import default_taxonomy

POSTGRES_URL = os.environ.get(
    "ECAGE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("ECAGE_REQUIRE_POSTGRES") == "1"

pytest_plugins = ["fakes.fixtures"]


# --- ECAGE_TEST_REPEAT=N: every test collected N times (to show a test is not flaky) ----------

REPEAT = int(os.environ.get("ECAGE_TEST_REPEAT") or 1)


def pytest_generate_tests(metafunc):
    if REPEAT > 1:
        metafunc.fixturenames.append("repeat_run")
        metafunc.parametrize("repeat_run", range(1, REPEAT + 1), ids=lambda n: f"run{n}")


# --- slow: whatever starts a process -----------------------------------------------------------

_SPAWNS = frozenset({"subprocess.Popen", "os.posix_spawn", "os.fork", "os.forkpty", "os.exec",
                     "os.spawn"})
_spawned: list[str] | None = None  # what the running unmarked test started; None: not watching


def _audit(event: str, args: tuple) -> None:
    if _spawned is not None and event in _SPAWNS:
        _spawned.append(f"{event} {args[0] if args else ''}")


sys.addaudithook(_audit)
# platform.processor() runs `uname -p` once per process and keeps the answer; libraries ask for it
# (user agents), so whichever test asked first would be taken for one that starts a process.
platform.processor()


# Fixtures that start a process: a test using one is slow without saying so itself.
_SLOW_FIXTURES = frozenset({"own_postgres"})


def pytest_collection_modifyitems(items):
    for item in items:
        if _SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    global _spawned
    _spawned = None if item.get_closest_marker("slow") else []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if _spawned:
        pytest.fail(f"started a process but is not marked slow: {sorted(set(_spawned))}", pytrace=False)
    return result


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    global _spawned
    _spawned = None


class FakeClock:
    """A clock the test moves by hand; aware UTC datetimes like the real one."""

    def __init__(self, start: datetime = datetime(2025, 2, 3, 13, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def run_async(coroutine):
    """Run a coroutine to completion from sync code, even when an event loop is running in this
    thread (session fixtures are often first requested from inside an async fixture)."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


# --- PostgreSQL server helpers ----------------------------------------------------------------

def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _server_execute(sql: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create_postgres_database() -> str:
    """A new empty database on the test server; skips (or fails in CI) when none answers."""
    # Random, and named after the xdist worker too, so that a leftover says whose it was.
    name = "_".join(filter(None, ["ecage_test", worker(), secrets.token_hex(6)]))
    try:
        run_async(_server_execute(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncio.TimeoutError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL not available at {POSTGRES_URL}: {error}"
        if REQUIRE_POSTGRES:
            pytest.fail(message + " (ECAGE_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    run_async(_server_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- session-wide migrated databases --------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_url():
    url = create_postgres_database()
    try:
        run_async(migrate_url(url))
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'ecage.db'}"
    run_async(migrate_url(url))
    return url


_TABLES = [table.name for table in reversed(Base.metadata.sorted_tables)]  # children first
# The sequences the tables own (their ids, the demand numbers), as TRUNCATE ... RESTART IDENTITY
# would restart them.
_OWNED_SEQUENCES = """
    SELECT DISTINCT sequence.oid::regclass::text FROM pg_class sequence
    JOIN pg_depend owned ON owned.objid = sequence.oid AND owned.deptype IN ('a', 'i')
    JOIN pg_class owner ON owner.oid = owned.refobjid
    WHERE sequence.relkind = 'S' AND owner.relname = ANY($1::text[])"""
_emptying: dict[str, str] = {}  # PostgreSQL database -> the script that empties it


async def clean_database(url: str) -> None:
    """Empty every table (the schema stays) and restart the sequences, so each test starts from
    nothing. On PostgreSQL with DELETEs, not TRUNCATE: a TRUNCATE of the 21 tables took 45 ms a
    test (a new file per table), the DELETEs of a test's few rows take 5 ms."""
    if make_url(url).get_backend_name() == "postgresql":
        connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
        try:
            if url not in _emptying:
                sequences = [row[0] for row in await connection.fetch(_OWNED_SEQUENCES, _TABLES)]
                # setval to the start value is the RESTART, without ALTER SEQUENCE's 18 rewrites.
                restart = ", ".join(f"'{sequence}'::regclass" for sequence in sequences)
                _emptying[url] = "".join(f"DELETE FROM {table};" for table in _TABLES) + (
                    f"SELECT setval(seqrelid, seqstart, false) FROM pg_sequence WHERE seqrelid IN ({restart});"
                    if sequences else "")
            await connection.execute(_emptying[url])
        finally:
            await connection.close()
        return
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for table in _TABLES:
                await connection.execute(text(f"DELETE FROM {table}"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request):
    url = request.getfixturevalue(f"{request.param}_url")
    await clean_database(url)
    return url


@pytest.fixture
def clock():
    return FakeClock()


@asynccontextmanager
async def _open_store(url, clock, tmp_path):
    opened = await Store.open(url, clock=clock, attachments_dir=tmp_path / "attachments", migrate=False)
    yield opened
    await opened.close()


@pytest.fixture
async def store(database_url, clock, tmp_path):
    async with _open_store(database_url, clock, tmp_path) as opened:
        yield opened


@pytest.fixture
async def sqlite_store(sqlite_url, clock, tmp_path):
    await clean_database(sqlite_url)
    async with _open_store(sqlite_url, clock, tmp_path) as opened:
        yield opened


@pytest.fixture
async def postgres_store(postgres_url, clock, tmp_path):
    await clean_database(postgres_url)
    async with _open_store(postgres_url, clock, tmp_path) as opened:
        yield opened


@pytest.fixture
def empty_database(tmp_path):
    """Call with "sqlite" or "postgres" to get the URL of a new database with no tables."""
    created: list[str] = []

    def make(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path / f'empty-{secrets.token_hex(4)}.db'}"
        url = create_postgres_database()
        created.append(url)
        return url

    yield make
    for url in created:
        drop_postgres_database(url)


@pytest.fixture
async def file_store(tmp_path):
    """A Store on a SQLite file of its own in tmp_path, with the real clock: what a channel's
    end-to-end tests run on, as `python -m bot` does."""
    opened = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}", attachments_dir=tmp_path / "files")
    yield opened
    await opened.close()


@pytest.fixture
def file_dialogs(file_store):
    """The real dialogs over `file_store`."""
    return Dialogs(file_store, default_taxonomy())


@pytest.fixture
def http_port() -> int:
    """A free TCP port for our own HTTP server."""
    return free_port()
