"""Which database errors are a blink to wait out (store.is_transient) and which units of work may
simply run again (store.may_run_again), on errors real servers raise: a refused port, a server of
the test's own shutting down, serialization failures and deadlocks on the shared server (in a
database of the test's own)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from fakes.ports import free_port
from store import is_transient, may_run_again
from store.db import create_engine

pytestmark = pytest.mark.postgres


async def _error_of(engine, sql: str) -> BaseException:
    with pytest.raises(Exception) as raised:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    return raised.value


async def test_a_port_nobody_listens_on_is_a_blink_and_the_work_may_run_again():
    engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/postgres")
    try:
        refused = await _error_of(engine, "SELECT 1")
    finally:
        await engine.dispose()
    assert isinstance(refused, ConnectionRefusedError)
    assert is_transient(refused) and may_run_again(refused)


async def test_a_server_shutting_down_refuses_new_connections_with_a_blink(own_postgres):
    engine = create_engine(own_postgres.url())
    try:
        # A smart shutdown waits for the sessions it has, and refuses new ones meanwhile.
        held = await engine.connect()
        await held.execute(text("SELECT 1"))
        own_postgres.stop("smart", wait=False)
        other = create_engine(own_postgres.url())
        try:
            shutting_down = await _error_of(other, "SELECT 1")
        finally:
            await other.dispose()
        await held.close()
    finally:
        await engine.dispose()
    assert isinstance(shutting_down, DBAPIError)
    assert shutting_down.orig.sqlstate == "57P03"
    assert "shutting down" in str(shutting_down)
    assert is_transient(shutting_down) and may_run_again(shutting_down)


async def test_a_statement_cut_by_a_fast_shutdown_is_a_blink_and_may_run_again(own_postgres):
    engine = create_engine(own_postgres.url())
    try:
        sleeping = asyncio.create_task(_error_of(engine, "SELECT pg_sleep(30)"))
        await asyncio.sleep(0.3)
        await asyncio.to_thread(own_postgres.stop, "fast")
        cut = await asyncio.wait_for(sleeping, timeout=20)
    finally:
        await engine.dispose()
    _assert_a_dead_connection_met_by_a_statement(cut)


async def test_a_connection_left_dead_in_the_pool_by_a_restart_is_a_blink_and_may_run_again(own_postgres):
    engine = create_engine(own_postgres.url())
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        await asyncio.to_thread(own_postgres.restart, "fast")
        stale = await _error_of(engine, "SELECT 1")
    finally:
        await engine.dispose()
    _assert_a_dead_connection_met_by_a_statement(stale)


def _assert_a_dead_connection_met_by_a_statement(error: BaseException) -> None:
    assert isinstance(error, DBAPIError) and error.connection_invalidated
    assert error.statement is not None
    assert is_transient(error) and may_run_again(error)


@pytest.fixture
async def scratch_engine(empty_database):
    engine = create_engine(empty_database("postgres"))
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE probe (id int PRIMARY KEY, n int NOT NULL)"))
        await connection.execute(text("INSERT INTO probe VALUES (1, 0), (2, 0)"))
    yield engine
    await engine.dispose()


async def test_a_serialization_failure_is_a_blink_even_at_commit(scratch_engine):
    """Two serializable transactions each read what the other writes: the second to commit is
    rolled back by the server (40001), which said so: running it again is the documented answer."""
    first, second = await scratch_engine.connect(), await scratch_engine.connect()
    try:
        for connection in (first, second):
            await connection.execution_options(isolation_level="SERIALIZABLE")
            await connection.execute(text("SELECT sum(n) FROM probe"))
        await first.execute(text("UPDATE probe SET n = n + 1 WHERE id = 1"))
        await second.execute(text("UPDATE probe SET n = n + 1 WHERE id = 2"))
        await first.commit()
        with pytest.raises(DBAPIError) as raised:
            await second.commit()
    finally:
        await first.close()
        await second.close()
    failure = raised.value
    assert failure.orig.sqlstate == "40001"
    assert failure.statement is None  # raised by COMMIT, and yet nothing was committed
    assert is_transient(failure) and may_run_again(failure)


async def test_a_deadlock_is_a_blink(scratch_engine):
    first, second = await scratch_engine.connect(), await scratch_engine.connect()
    try:
        await first.execute(text("UPDATE probe SET n = 1 WHERE id = 1"))
        await second.execute(text("UPDATE probe SET n = 2 WHERE id = 2"))
        crossing = [asyncio.create_task(first.execute(text("UPDATE probe SET n = 1 WHERE id = 2"))),
                    asyncio.create_task(second.execute(text("UPDATE probe SET n = 2 WHERE id = 1")))]
        outcomes = await asyncio.wait_for(asyncio.gather(*crossing, return_exceptions=True), timeout=20)
    finally:
        await first.close()
        await second.close()
    deadlocks = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert len(deadlocks) == 1
    assert deadlocks[0].orig.sqlstate == "40P01"
    assert is_transient(deadlocks[0]) and may_run_again(deadlocks[0])


async def test_errors_that_are_no_blink(scratch_engine):
    duplicate = await _error_of(scratch_engine, "INSERT INTO probe VALUES (1, 0)")
    typo = await _error_of(scratch_engine, "SELEC 1")
    missing = await _error_of(scratch_engine, "SELECT * FROM no_such_table")
    for error in (duplicate, typo, missing, ValueError("a bug"), asyncio.TimeoutError()):
        assert not is_transient(error) and not may_run_again(error)
