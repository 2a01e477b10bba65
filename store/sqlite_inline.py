"""SQLite connections that run on the event loop's own thread.

aiosqlite hands every call to a worker thread and wakes the event loop when it is done: about
50 µs a call, and SQLAlchemy makes four calls a statement. A whole dialog turn costs SQLite itself
under 20 µs (BEGIN, a lookup, an UPDATE, COMMIT), so the thread cost a hundred times what it
protected us from, and it was most of a turn's time (see benchmarks/bench_dialogs.py).

Here the sqlite3 calls run inline. The one wait that can be long, another process holding the
write lock, is not left to SQLite's busy handler (which would block the loop): the connection has
no busy timeout, and a statement refused with SQLITE_BUSY is retried after an ``asyncio.sleep``,
until ``busy_timeout_s`` has passed. What still blocks is disk I/O: with WAL and
``synchronous=NORMAL`` a commit only writes to the OS, and a checkpoint (every 1,000 pages)
syncs, a few milliseconds now and then.

The objects speak the subset of aiosqlite's interface that SQLAlchemy's aiosqlite dialect uses,
so they plug in through ``create_async_engine(..., async_creator=...)``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

SQLITE_BUSY = 5
FIRST_PAUSE_S = 0.001
LONGEST_PAUSE_S = 0.05


async def connect(database: str, *, busy_timeout_s: float) -> InlineConnection:
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False, timeout=0)
    return InlineConnection(connection, busy_timeout_s)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) is not None and error.sqlite_errorcode & 0xFF == SQLITE_BUSY


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection, busy_timeout_s: float):
        self._connection: sqlite3.Connection | None = connection
        self.busy_timeout_s = busy_timeout_s

    async def _run(self, call: Callable[..., Any], *args: Any) -> Any:
        """The call, retried while another connection holds the lock it needs."""
        deadline = None
        pause = FIRST_PAUSE_S
        while True:
            try:
                return call(*args)
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise
                deadline = deadline or time.monotonic() + self.busy_timeout_s
                if time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(2 * pause, LONGEST_PAUSE_S)

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
