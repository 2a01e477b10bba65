"""Engines and migrations.

SQLite runs on the event loop's thread (``sqlite_inline``) and gets WAL (readers never wait for
the writer), foreign keys and a busy timeout, and every transaction starts with
``BEGIN IMMEDIATE``: a transaction that reads and then writes would otherwise fail with
"database is locked" when another connection wrote in between.
PostgreSQL migrations run under an advisory lock, so two processes starting together migrate once.
"""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from . import sqlite_inline

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///ecage.db"
SQLITE_BUSY_TIMEOUT_MS = 15000
# Any constant works as long as every process uses the same one; this is "ECAG" in ASCII.
MIGRATION_LOCK_ID = 0x45434147


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("ECAGE_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str | None = None, **options) -> AsyncEngine:
    url = database_url(url)
    if not is_sqlite(url):
        # No pre-ping: it costs a round trip on every transaction, a third of a dialog turn on
        # PostgreSQL (benchmarks/bench_dialogs.py). A connection lost meanwhile (a server restart)
        # fails the statement that meets it; SQLAlchemy then renews the pool, and the work is
        # run again where it is safe to (connection_lost below).
        return create_async_engine(url, **options)
    database = make_url(url).database or ":memory:"
    options.setdefault("async_creator", lambda: sqlite_inline.connect(
        database, busy_timeout_s=SQLITE_BUSY_TIMEOUT_MS / 1000))
    engine = create_async_engine(url, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection, _record):
        # The connection leaves transaction control to "begin" below (isolation_level None), and
        # waits for other processes' locks itself (see sqlite_inline), including while switching
        # to WAL, which waits for other processes opening the same file.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def connection_lost(error: BaseException) -> bool:
    """Whether the error is a statement finding its database connection dead, so the unit of work
    may simply run again: nothing of it was committed. (A connection lost during COMMIT, whose
    error names no statement, may have committed: that one is not run again.)"""
    return isinstance(error, DBAPIError) and error.connection_invalidated and error.statement is not None


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


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    async with engine.connect() as connection:
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
