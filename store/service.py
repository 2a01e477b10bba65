"""The store's entry points: ``Store`` owns the engine and hands out units of work;
``Transaction`` is one unit of work, the only way to change a demand.

A ``Transaction`` is made of parts, one job each: people, accounts and chats (store/people.py),
the turn's context and conversation state (store/conversations.py), demand changes
(store/changes.py, under the lifecycle of store/lifecycle.py) and demand queries
(store/queries.py). Everything one transaction does commits or vanishes together.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timezone

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import sessionmaker

from . import db, recording, sqlite_inline
from .attachments import ContentStore
from .changes import DemandChanges
from .conversations import Conversations
from .gate import Gate
from .identity import Identities
from .inbox import TurnReceipts
from .queries import DemandQueries
from .references import ReferenceQueries
from .similar import SimilarDemands

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Transaction(Conversations, DemandChanges, ReferenceQueries, DemandQueries, SimilarDemands, TurnReceipts,
                  Identities):
    """One unit of work: people and chats, conversations, demand changes and queries (by the
    document numbers cited, and the requester's similar open demand), what a turn taken from the
    inbox records of itself, and verified identities."""


class Store:
    def __init__(self, engine, *, clock: Clock | None = None, attachments_dir=None,
                 busy_timeout_s: float = db.SQLITE_BUSY_TIMEOUT_S):
        self.engine = engine
        self.clock: Clock = clock or utc_now
        self.files = ContentStore(
            attachments_dir or os.environ.get("ECAGE_ATTACHMENTS_DIR", "").strip() or "attachments")
        self.busy_timeout_s = busy_timeout_s
        if engine.dialect.name == "sqlite":
            self._inline_engine = db.inline_engine(engine)
            self._inline_sessions = sessionmaker(self._inline_engine, expire_on_commit=False, autoflush=False)
        else:
            self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        # This process's transactions take turns here, first come first served: on SQLite one
        # at a time (it runs one writer, and every transaction here starts as a writer; waiting
        # connections would poll its busy handler, which leaves the lock idle between polls), on
        # PostgreSQL as many as the pool holds.
        # (Other processes on the same SQLite file still meet the busy handler.)
        # Urgent ones (an update written before it is acknowledged) go before the others (store/gate.py).
        self._turns = Gate(1 if engine.dialect.name == "sqlite" else engine.pool.size())
        self._tasks_in_turn: set[asyncio.Task] = set()
        # Commits of this process that wrote rows for a notifier (store/recording.py `notify`):
        # a notifier woken in the process needs waking only when this moved.
        self.notices = 0

    @classmethod
    async def open(cls, url: str | None = None, *, clock: Clock | None = None,
                   attachments_dir: str | os.PathLike | None = None, migrate: bool = True,
                   busy_timeout_s: float = db.SQLITE_BUSY_TIMEOUT_S, **engine_options) -> Store:
        """`busy_timeout_s`: on SQLite, how long a transaction waits for another process's write lock."""
        engine = db.create_engine(url, busy_timeout_s=busy_timeout_s, **engine_options)
        if migrate:
            try:
                await db.migrate(engine)
            except BaseException:
                await engine.dispose()
                raise
        return cls(engine, clock=clock, attachments_dir=attachments_dir, busy_timeout_s=busy_timeout_s)

    async def close(self) -> None:
        if self.dialect == "sqlite":
            self._inline_engine.dispose()
        await self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self, *, urgent: bool = False) -> AsyncIterator[Transaction]:
        if self.dialect == "sqlite":
            # SQLite runs inline (store/sqlite_inline.py): a synchronous session, committed and
            # closed without a suspension, so that the turn ends at its commit (an asyncio
            # session's close, in a task of its own, held the turn for a round or two of the
            # event loop: benchmarks/bench_replies.py, the wait for a turn at 50 people was 1.6 s
            # at p99, and a webhook's acknowledgement came rounds later than its commit).
            session = self._inline_sessions()
            inline = sqlite_inline.InlineSession(session, self.busy_timeout_s)
            try:
                async with self._turn(urgent):
                    try:
                        yield Transaction(self, inline)
                        await inline.commit()
                    except BaseException:
                        session.rollback()
                        raise
            finally:
                session.close()
            self._committed(session)
        else:
            # On PostgreSQL the turns count connections: a turn ends once its connection is back
            # in the pool, or the next one would open a connection beyond it.
            async with self._turn(urgent):
                async with self._sessions() as session, session.begin():
                    yield Transaction(self, session)
                self._committed(session)

    def _committed(self, session) -> None:
        if session.info.get(recording.NOTIFIES):
            self.notices += 1

    @asynccontextmanager
    async def _turn(self, urgent: bool) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task in self._tasks_in_turn:
            yield  # a transaction opened inside another of the same task must not wait for it
            return
        async with self._turns.held(urgent):
            self._tasks_in_turn.add(task)
            try:
                yield
            finally:
                self._tasks_in_turn.discard(task)
