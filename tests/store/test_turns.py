"""The store queues a process's transactions first come, first served: on SQLite one at a time,
instead of letting them poll SQLite's busy handler; on PostgreSQL as many as its pool holds,
instead of letting them wait at the pool. Many at once all finish, in order, and a transaction
opened inside another of the same task still works as it did. SQLite runs on the event loop's
thread, so a wait for another process's write lock must be an asyncio wait, not a blocked loop."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from store_support import DRAFT

from store import Actor, Store, may_run_again
from store.models import PersonRow


async def test_many_concurrent_openings_all_finish_with_distinct_protocols(sqlite_store):
    async with sqlite_store.transaction() as tx:
        person = await tx.ensure_person("telegram", "1", "Ana")

    async def open_one() -> str:
        async with sqlite_store.transaction() as tx:
            return (await tx.open_demand(Actor(person.id), DRAFT)).protocol

    protocols = await asyncio.wait_for(asyncio.gather(*(open_one() for _ in range(60))), timeout=60)
    assert len(set(protocols)) == 60
    assert sorted(int(p.split("-")[1]) for p in protocols) == list(range(1, 61))


async def test_a_transaction_inside_another_of_the_same_task_does_not_wait_for_itself(sqlite_store):
    async with sqlite_store.transaction() as outer:
        async with sqlite_store.transaction() as inner:
            person = await asyncio.wait_for(inner.ensure_person("telegram", "2", "Bia"), timeout=10)
        assert (await outer.person_for_account("telegram", "2")).id == person.id


async def test_transactions_take_turns_in_the_order_they_asked(database_url, tmp_path):
    postgres = not database_url.startswith("sqlite")
    store = await Store.open(database_url, attachments_dir=tmp_path, migrate=False,
                             **({"pool_size": 1, "max_overflow": 0} if postgres else {}))
    entered: list[str] = []
    first_inside = asyncio.Event()
    release_first = asyncio.Event()

    async def turn(name: str, hold: asyncio.Event | None = None) -> None:
        async with store.transaction() as tx:
            entered.append(name)
            await tx.person_for_account("telegram", name)
            if hold is not None:
                first_inside.set()
                await hold.wait()

    async def first_then_again() -> None:
        await turn("first", release_first)
        await turn("first again")

    try:
        runner = asyncio.create_task(first_then_again())
        await first_inside.wait()
        others = [asyncio.create_task(turn(name)) for name in ("second", "third")]
        await asyncio.sleep(0.05)  # both are waiting now
        release_first.set()
        await asyncio.wait_for(asyncio.gather(runner, *others), timeout=10)
    finally:
        await store.close()
    assert entered == ["first", "second", "third", "first again"]


async def _ticks_while(awaitable, most: int) -> tuple[asyncio.Task, int]:
    """Starts `awaitable` and counts how often a 10 ms ticker gets its turn before it ends, up to
    `most` ticks. A loop blocked by the awaitable could not tick until it ended; counted in
    ticks, not seconds, so a slow machine does not change the count."""
    task = asyncio.ensure_future(awaitable)
    ticks = 0
    while ticks < most and not task.done():
        await asyncio.sleep(0.01)
        ticks += 1
    return task, ticks


def _hold_write_lock(store: Store) -> sqlite3.Connection:
    """Another process's writer, as far as SQLite can tell: its own connection in BEGIN IMMEDIATE."""
    other = sqlite3.connect(store.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_a_transaction_waits_for_another_writer_without_blocking_the_loop(sqlite_store):
    other = _hold_write_lock(sqlite_store)

    async def add_person() -> int:
        async with sqlite_store.transaction() as tx:
            return (await tx.ensure_person("telegram", "3", "Caio")).id

    task, ticks = await _ticks_while(add_person(), 20)
    assert not task.done() and ticks == 20  # still waiting, and the loop went on meanwhile
    other.execute("COMMIT")
    other.close()
    assert await asyncio.wait_for(task, timeout=10) > 0


async def test_a_transaction_that_only_adds_rows_waits_for_another_writer_at_its_commit(sqlite_store):
    # Nothing runs a statement before the commit, which writes the row: the wait is there.
    other = _hold_write_lock(sqlite_store)

    async def add_person() -> None:
        async with sqlite_store.transaction() as tx:
            tx.session.add(PersonRow(name="Eva", created_at=tx.now(), updated_at=tx.now()))

    task, ticks = await _ticks_while(add_person(), 20)
    assert not task.done() and ticks == 20
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(task, timeout=10)
    async with sqlite_store.transaction() as tx:
        assert await tx.session.scalar(select(PersonRow.id).where(PersonRow.name == "Eva")) is not None


async def test_the_wait_for_another_writer_ends_with_an_error_after_the_busy_timeout(sqlite_store):
    database = sqlite_store.engine.url.database
    impatient = await Store.open(f"sqlite+aiosqlite:///{database}", migrate=False,
                                 busy_timeout_s=0.3)
    other = _hold_write_lock(sqlite_store)
    try:
        async def add_person() -> None:
            async with impatient.transaction() as tx:
                await tx.ensure_person("telegram", "4", "Dora")

        started = time.monotonic()
        task, ticks = await _ticks_while(add_person(), 1000)
        with pytest.raises(OperationalError, match="locked") as locked:
            await asyncio.wait_for(task, timeout=10)
        assert may_run_again(locked.value)  # another process's lock, to be waited out
        assert time.monotonic() - started >= 0.3  # the busy timeout; load only makes it longer
        # The loop ran while SQLite waited: a blocked one ticks once at most, after the error.
        assert ticks >= 3
    finally:
        other.execute("ROLLBACK")
        other.close()
        await impatient.close()
    async with sqlite_store.transaction() as tx:
        assert await tx.person_for_account("telegram", "4") is None


def test_only_a_statement_that_met_a_dead_connection_is_safe_to_run_again():
    dead = OSError("connection reset by peer")
    assert may_run_again(DBAPIError("SELECT 1", {}, dead, connection_invalidated=True))
    # Lost during COMMIT (no statement): the transaction may have been committed.
    assert not may_run_again(DBAPIError(None, None, dead, connection_invalidated=True))
    assert not may_run_again(DBAPIError("SELECT 1", {}, ValueError("bad value")))
    assert not may_run_again(RuntimeError("not the database"))
