"""A change, its timeline event and its outbox rows commit together or not at all.

The failure is real: a database trigger makes the outbox insert (which comes after the event
insert) fail, as a full disk or a lost connection would.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from store_support import PDF, draft

from store import NewAttachment, Status
from store.models import AttachmentRow, CounterRow, DemandRow, EventRow, OutboxRow

SQLITE_TRIGGER = ["""
    CREATE TRIGGER outbox_unavailable BEFORE INSERT ON outbox
    BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END
"""]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS outbox_unavailable"]
POSTGRES_TRIGGER = [
    """CREATE FUNCTION outbox_unavailable() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$""",
    """CREATE TRIGGER outbox_unavailable BEFORE INSERT ON outbox
       FOR EACH ROW EXECUTE FUNCTION outbox_unavailable()""",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS outbox_unavailable ON outbox",
                 "DROP FUNCTION IF EXISTS outbox_unavailable()"]


@asynccontextmanager
async def failing_outbox(store):
    postgres = store.dialect == "postgresql"
    async with store.engine.begin() as connection:
        for statement in POSTGRES_TRIGGER if postgres else SQLITE_TRIGGER:
            await connection.execute(text(statement))
    try:
        yield
    finally:
        async with store.engine.begin() as connection:
            for statement in POSTGRES_DROP if postgres else SQLITE_DROP:
                await connection.execute(text(statement))


async def counts(store) -> dict[str, int]:
    async with store.engine.connect() as connection:
        return {
            model.__tablename__: await connection.scalar(select(func.count()).select_from(model))
            for model in (DemandRow, EventRow, OutboxRow, AttachmentRow)
        }


async def test_failed_outbox_write_undoes_the_status_change_and_the_event(world):
    protocol = await world.open()
    before = await counts(world.store)
    async with failing_outbox(world.store):
        with pytest.raises(DBAPIError, match="outbox unavailable"):
            await world.run("solve", world.caio, protocol, "Feito.", [NewAttachment("s.pdf", PDF)])
    assert await counts(world.store) == before
    demand = await world.run("get_demand", world.ana, protocol)
    assert demand.status is Status.EM_ANDAMENTO and demand.closed_at is None
    assert not demand.survey_pending and demand.attachments == ()
    # And the same change goes through once the database is healthy again.
    assert (await world.run("solve", world.caio, protocol, "Feito.")).status is Status.RESOLVIDO


async def test_failed_creation_leaves_no_demand(world):
    first = await world.open()
    before = await counts(world.store)
    async with failing_outbox(world.store):
        with pytest.raises(DBAPIError, match="outbox unavailable"):
            async with world.store.transaction() as tx:
                await tx.open_demand(world.ana.actor("tg"), draft())
    assert await counts(world.store) == before
    second = await world.open()
    if world.store.dialect == "sqlite":
        # The counter row is rolled back with the rest: no number was used.
        async with world.store.engine.connect() as connection:
            assert await connection.scalar(select(CounterRow.value)) == 2
        assert int(second.split("-")[1]) == int(first.split("-")[1]) + 1
    else:
        # A sequence is never rolled back (it locks nothing): the failed creation's number stays unused.
        assert int(second.split("-")[1]) == int(first.split("-")[1]) + 2
