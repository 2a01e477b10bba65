"""SQLite on the event loop's thread.

aiosqlite hands every call to a worker thread and wakes the event loop when it is done: about
50 µs a call, and SQLAlchemy makes four calls a statement. A whole dialog turn costs SQLite itself
under 20 µs (BEGIN, a lookup, an UPDATE, COMMIT), so the thread cost a hundred times what it
protected us from, and it was most of a turn's time (see benchmarks/bench_dialogs.py).

Here the sqlite3 calls run inline, in two ways:

- The store's transactions (store/service.py) go through SQLAlchemy's synchronous `Session`,
  behind the awaitable methods the store calls (`InlineSession`). SQLite never suspends, so
  SQLAlchemy's asyncio layer only cost us: a greenlet switch in and out for every call, and
  another for each call to the driver. A transaction of one UPDATE took 0.44 ms of CPU through
  `AsyncSession` and takes 0.26 ms here; a turn of the demand script, 1.4 ms and 1.1 ms on
  average; a bot process, 9.8 ms and 7.1 ms of CPU per update (benchmarks/bench_overhead.py;
  03/12/2026, on a machine running a 10-million-step Python loop in 0.42 s).
- The asyncio engine that migrations, start-up checks and `/readyz` use gets connections
  (`InlineConnection`) that speak the subset of aiosqlite's interface SQLAlchemy's aiosqlite
  dialect uses, plugged in through ``create_async_engine(..., async_creator=...)``.

The one wait that can be long, another process holding the write lock, is never left to SQLite's
busy handler, which would block the loop: the connections have no busy timeout. A transaction
takes the write lock with its first statement (``BEGIN IMMEDIATE``, `InlineSession`), and a
refusal with SQLITE_BUSY is tried again after an ``asyncio.sleep``, until ``busy_timeout_s`` has
passed (an `InlineConnection` does the same for every call). What still blocks is disk I/O:
with WAL and ``synchronous=NORMAL`` a commit only writes to the OS, and a checkpoint (every
1,000 pages) syncs, a few milliseconds now and then.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction

SQLITE_BUSY = 5
FIRST_PAUSE_S = 0.001
LONGEST_PAUSE_S = 0.05


def _open(database: str) -> sqlite3.Connection:
    # Transactions are begun by us (isolation_level None: the module begins none of its own).
    return sqlite3.connect(database, isolation_level=None, check_same_thread=False, timeout=0)


async def connect(database: str, *, busy_timeout_s: float) -> InlineConnection:
    return InlineConnection(_open(database), busy_timeout_s)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) is not None and error.sqlite_errorcode & 0xFF == SQLITE_BUSY


async def waiting_while_busy(call: Callable[[], Any], busy_timeout_s: float) -> Any:
    """`call()`, tried again after a pause while it is refused with SQLITE_BUSY (raw, or as
    SQLAlchemy wraps it), until `busy_timeout_s` has passed."""
    deadline = None
    pause = FIRST_PAUSE_S
    while True:
        try:
            return call()
        except (sqlite3.OperationalError, OperationalError) as error:
            if not _is_busy(getattr(error, "orig", error)):
                raise
            deadline = deadline or time.monotonic() + busy_timeout_s
            if time.monotonic() >= deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(2 * pause, LONGEST_PAUSE_S)


# --- the store's transactions -------------------------------------------------------------------

def sync_engine(database: str) -> sqlalchemy.Engine:
    """The engine of the store's sessions on SQLite: SQLAlchemy's synchronous one, over sqlite3
    connections (store/db.py sets them up as the asyncio engine's)."""
    # A pool of its own kind: SQLAlchemy takes a URL without a file for one in memory, one
    # connection a thread, and two sessions of the loop's thread would share a connection.
    return sqlalchemy.create_engine("sqlite://", creator=lambda: _open(database), poolclass=sqlalchemy.pool.QueuePool)


class InlineSession:
    """A synchronous Session with AsyncSession's awaitable methods, as far as the store uses
    them: the units of work are written once, for this and for PostgreSQL's AsyncSession.

    Its transaction begins with the first statement, as an AsyncSession's does, so a transaction
    opened inside another of the same task still runs before the outer one has written anything
    (store/service.py); it begins with the write lock, waiting (on the loop, not in SQLite) while
    another process holds it."""

    def __init__(self, session: Session, busy_timeout_s: float) -> None:
        self.sync_session = session
        self.busy_timeout_s = busy_timeout_s
        self._begun = False

    async def _begun_session(self) -> Session:
        """The session, its transaction begun (on the first call)."""
        if not self._begun:
            # BEGIN IMMEDIATE (store/db.py). Refused, it leaves the session as it was, the rows
            # added to it included (a rollback would drop them), for the next try.
            await waiting_while_busy(self.sync_session.connection, self.busy_timeout_s)
            self._begun = True
        return self.sync_session

    @property
    def bind(self) -> Any:
        return self.sync_session.bind

    @property
    def info(self) -> dict:
        return self.sync_session.info

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return (await self._begun_session()).execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return (await self._begun_session()).scalar(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return (await self._begun_session()).scalars(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        return (await self._begun_session()).get(*args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        (await self._begun_session()).flush(*args, **kwargs)

    async def commit(self) -> None:
        """Commit; objects only added so far take the write lock first, waiting as a statement does."""
        session = self.sync_session
        if session.new or session.dirty or session.deleted:
            await self._begun_session()
        session.commit()

    def add(self, instance: Any) -> None:
        self.sync_session.add(instance)

    def add_all(self, instances: Iterable[Any]) -> None:
        self.sync_session.add_all(instances)

    def expire(self, instance: Any, *args: Any, **kwargs: Any) -> None:
        self.sync_session.expire(instance, *args, **kwargs)

    @asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[SessionTransaction]:
        with (await self._begun_session()).begin_nested() as savepoint:
            yield savepoint


# --- the asyncio engine's connections --------------------------------------------------------------


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection, busy_timeout_s: float):
        self._connection: sqlite3.Connection | None = connection
        self.busy_timeout_s = busy_timeout_s

    async def _run(self, call: Callable[..., Any], *args: Any) -> Any:
        """The call, retried while another connection holds the lock it needs."""
        return await waiting_while_busy(lambda: call(*args), self.busy_timeout_s)

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self, self._conn.cursor())

    async def commit(self) -> None:
        await self._run(self._conn.commit)

    async def rollback(self) -> None:
        await self._run(self._conn.rollback)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class InlineCursor:
    def __init__(self, connection: InlineConnection, cursor: sqlite3.Cursor):
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, operation: str, parameters: Sequence | dict = ()) -> InlineCursor:
        await self._connection._run(self._cursor.execute, operation, parameters)
        return self

    async def executemany(self, operation: str, seq_of_parameters: Iterable) -> InlineCursor:
        # A list: a retry after SQLITE_BUSY must see the parameters again.
        await self._connection._run(self._cursor.executemany, operation, list(seq_of_parameters))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value
