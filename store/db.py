"""Engines and migrations.

SQLite runs on the event loop's thread (``sqlite_inline``) and gets WAL (readers never wait for
the writer), foreign keys and a busy timeout, and every transaction starts with
``BEGIN IMMEDIATE``: a transaction that reads and then writes would otherwise fail with
"database is locked" when another connection wrote in between.
Migrations run under a lock, so two processes starting together migrate once: an advisory lock
on PostgreSQL, a lock file beside the database on SQLite (its own write lock alone let two
processes under load both run a step: "expected to match one row" from Alembic).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from contextlib import asynccontextmanager

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from . import sqlite_inline

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///ecage.db"
SQLITE_BUSY_TIMEOUT_S = 15.0
# Any constant works as long as every process uses the same one; this is "ECAG" in ASCII.
MIGRATION_LOCK_ID = 0x45434147


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("ECAGE_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str | None = None, *, busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S,
                  **options) -> AsyncEngine:
    """The asyncio engine of `url` (a SQLite one waits up to `busy_timeout_s` for another process's
    write lock). On SQLite the store's own transactions go through a synchronous engine beside
    it (`inline_engine`)."""
    url = database_url(url)
    if not is_sqlite(url):
        # No pre-ping: it costs a round trip on every transaction, a third of a dialog turn on
        # PostgreSQL (benchmarks/bench_dialogs.py). A connection lost meanwhile (a server restart)
        # fails the statement that meets it; SQLAlchemy then renews the pool, and the work is
        # run again where it is safe to (may_run_again below).
        return create_async_engine(url, **options)
    database = make_url(url).database or ":memory:"
    options.setdefault("async_creator", lambda: sqlite_inline.connect(database, busy_timeout_s=busy_timeout_s))
    engine = create_async_engine(url, **options)
    _set_up_sqlite(engine.sync_engine)
    return engine


def inline_engine(engine: AsyncEngine) -> Engine:
    """The synchronous engine on the SQLite file of `engine`, whose sessions run the store's
    transactions inline (store/sqlite_inline.py says why), set up as the asyncio one is."""
    inline = sqlite_inline.sync_engine(engine.url.database)
    _set_up_sqlite(inline)
    return inline


def _set_up_sqlite(engine: Engine) -> None:
    """Every SQLite connection of ours leaves transaction control to "begin" (isolation_level
    None), and waits for other processes' locks itself (see sqlite_inline), including while
    switching to WAL, which waits for other processes opening the same file. Every transaction
    begins as a writer."""
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# SQLSTATEs of a server that is going away, coming back, or lost: class 08 (connection exception:
# 08000, 08003 "connection does not exist", 08006 "connection failure"...), 57P01 admin shutdown
# (`pg_ctl stop`/`restart` ended our session), 57P02 crash shutdown, 57P03 "the database system is
# starting up / shutting down" (said to a new connection).
_SERVER_GONE = ("57P01", "57P02")
_CANNOT_CONNECT_NOW = "57P03"
# The server gave up this transaction and rolled it back, to keep another one consistent:
# 40001 serialization failure, 40P01 deadlock detected. Running it again is the documented answer.
_ROLLED_BACK_FOR_ANOTHER = ("40001", "40P01")
# SQLite: SQLITE_BUSY / SQLITE_LOCKED ("database is locked"), after the busy timeout: another
# process held the write lock that long. Extended codes carry the primary code in the low byte.
_SQLITE_LOCK_CODES = (5, 6)


def is_transient(error: BaseException) -> bool:
    """Whether the error is the database blinking rather than a bug: the server refusing
    connections, shutting down or starting up, a connection dropped under us, a transaction
    rolled back for a serialization failure or a deadlock, SQLite locked by another process.
    Waiting and trying again is the answer to all of them (see `may_run_again` for whether the
    unit of work that met it may simply run again)."""
    if isinstance(error, TimeoutError):
        # Not a blink we can vouch for: whatever timed out may still be running on the server.
        return False
    if isinstance(error, OSError):
        # Refused, reset, unreachable: raised bare by asyncpg's connect only (a connection that
        # was open reports its loss as ConnectionDoesNotExistError, SQLSTATE 08003).
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = _sqlstate(error)
    if state is not None:
        return (state.startswith("08") or state in _SERVER_GONE or state == _CANNOT_CONNECT_NOW
                or state in _ROLLED_BACK_FOR_ANOTHER)
    return (getattr(error.orig, "sqlite_errorcode", None) or 0) & 0xFF in _SQLITE_LOCK_CODES


def may_run_again(error: BaseException) -> bool:
    """Whether a unit of work that failed with `error` may simply run again: the error is
    transient, and nothing of the unit can have been committed.

    Every error is raised before COMMIT, or by a connection that never opened, or by a server
    that answered COMMIT with a rollback (serialization, deadlock, SQLite's lock), except one: the
    connection lost *during* COMMIT. Then the server may have committed before the line went
    dead, and running the unit again would do it twice (a second demand, a comment twice).
    SQLAlchemy names the statement of every error it raises for one, and none for COMMIT; so an
    error with no statement that lost the connection is that one, and is left to a caller that
    can tell whether it was done (the inbox row is marked done in the same transaction).
    (A connection that could not be opened has no statement either, and does not lose a
    connection it never had; if one was lost in the middle of its handshake, it is counted as
    "may have committed" too: the cautious side.)"""
    return is_transient(error) and not _lost_during_commit(error)


def _lost_during_commit(error: BaseException) -> bool:
    if not isinstance(error, DBAPIError) or error.statement is not None:
        return False
    if type(error.orig).__name__ == "InternalClientError":
        # asyncpg refusing to send COMMIT on a connection a cut left mid-operation ("cannot
        # switch to state ...; another operation is in progress"): the server never got it.
        return False
    state = _sqlstate(error) or ""
    return error.connection_invalidated or state.startswith("08") or state in _SERVER_GONE


def _sqlstate(error: DBAPIError) -> str | None:
    # asyncpg's errors, as SQLAlchemy adapts them, carry the server's SQLSTATE.
    return getattr(error.orig, "sqlstate", None)


def alembic_config(url: str | None = None) -> Config:
    """The Alembic configuration, built in code: no alembic.ini needed in the working directory."""
    config = Config()
    config.set_main_option("script_location", "store:migrations")
    config.set_main_option("sqlalchemy.url", database_url(url))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        # Held until this transaction ends: a second process waits here, then finds nothing to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


@asynccontextmanager
async def _sqlite_migration_lock(engine: AsyncEngine):
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    with open(f"{database}.migrate.lock", "a") as lock:
        await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)  # the other process's migration
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    async with _sqlite_migration_lock(engine), engine.connect() as connection:
        await connection.run_sync(_upgrade, revision)
        await connection.commit()


async def migrate_url(url: str | None = None, revision: str = "head") -> None:
    engine = create_engine(url)
    try:
        await migrate(engine, revision)
    finally:
        await engine.dispose()


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def insert_for(dialect: str, table):
    """An INSERT of the dialect ("sqlite" or "postgresql"), which knows ``on_conflict_do_*``."""
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)
