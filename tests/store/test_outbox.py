"""Who hears about each event: one outbox row per (event, chat), written with the event."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import select
from store_support import draft

from store.models import EventRow, OutboxRow


async def outbox_of_last_event(store) -> dict[int, str]:
    """chat db id -> audience, for the newest event."""
    async with store.engine.connect() as connection:
        event_id = await connection.scalar(select(EventRow.id).order_by(EventRow.id.desc()).limit(1))
        rows = await connection.execute(
            select(OutboxRow.chat_id, OutboxRow.audience, OutboxRow.status, OutboxRow.attempts)
            .where(OutboxRow.event_id == event_id))
        rows = rows.all()
    assert all(row.status == "pending" and row.attempts == 0 for row in rows)
    return {row.chat_id: row.audience for row in rows}


async def test_creation_reaches_the_requesters_other_chats_and_the_room(world):
    async with world.store.transaction() as tx:
        await tx.open_demand(world.ana.actor("tg"), draft())
    # Not the Telegram chat it came from: the dialog already answered there.
    assert await outbox_of_last_event(world.store) == {
        world.ana.chats["teams"]: "requester", world.room: "attendants"}


async def test_attendant_events_reach_every_chat_of_the_requester_only(world):
    protocol = await world.open()
    for method, args in [("receive", ()), ("answer", ("Oi",)), ("request_info", ("Envie",)),
                         ("comment", ("Nota",)), ("solve", ("Feito",))]:
        await world.run(method, world.caio, protocol, *args)
        assert await outbox_of_last_event(world.store) == {
            world.ana.chats["tg"]: "requester", world.ana.chats["teams"]: "requester"}, method


async def test_requester_events_reach_the_room_and_the_assignee(world):
    protocol = await world.open()
    await world.run("receive", world.caio, protocol)
    expected = {world.ana.chats["teams"]: "requester", world.room: "attendants",
                world.caio.chats["tg"]: "attendants"}
    async with world.store.transaction() as tx:
        await tx.comment(world.ana.actor("tg"), protocol, "Mais um dado.")
    assert await outbox_of_last_event(world.store) == expected
    async with world.store.transaction() as tx:
        await tx.cancel(world.ana.actor("tg"), protocol)
    assert await outbox_of_last_event(world.store) == expected
    async with world.store.transaction() as tx:
        await tx.reopen(world.ana.actor("tg"), protocol, "Voltou a falhar.")
    assert await outbox_of_last_event(world.store) == expected


async def test_unbound_room_hears_nothing(world):
    async with world.store.transaction() as tx:
        await tx.unbind_room(world.caio.actor(), world.room)
        await tx.open_demand(world.ana.actor("tg"), draft())
    assert await outbox_of_last_event(world.store) == {world.ana.chats["teams"]: "requester"}


async def test_postgres_notifies_listeners_at_commit_only(postgres_world):
    world = postgres_world
    dsn = world.store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    listener = await asyncpg.connect(dsn)
    received: asyncio.Queue = asyncio.Queue()
    await listener.add_listener("ecage_outbox", lambda *args: received.put_nowait(args[3]))
    try:
        with pytest.raises(RuntimeError):
            async with world.store.transaction() as tx:
                await tx.open_demand(world.ana.actor("tg"), draft())
                raise RuntimeError("the turn failed after the change")
        protocol = await world.open()
        assert await asyncio.wait_for(received.get(), 5) == protocol
        assert received.empty()  # nothing from the rolled back transaction
    finally:
        await listener.close()


async def test_marking_a_sent_reply_goes_before_the_turns_waiting_for_the_database(sqlite_store):
    """A turn's next reply waits for this mark (store/outbox.py `mark_replies_sent`): it must not
    also wait behind every turn queued in the process meanwhile."""
    from store import outbox

    order: list[str] = []
    holding, release = asyncio.Event(), asyncio.Event()

    async def turn_in_progress() -> None:
        async with sqlite_store.transaction():
            holding.set()
            await release.wait()

    async def turn_waiting() -> None:
        async with sqlite_store.transaction():
            order.append("turn")

    async def mark() -> None:
        await outbox.mark_replies_sent(sqlite_store, "this-process", [])
        order.append("mark")

    current = asyncio.create_task(turn_in_progress())
    await holding.wait()
    waiting = asyncio.create_task(turn_waiting())
    await asyncio.sleep(0.05)  # the turn is queued first
    marking = asyncio.create_task(mark())
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.gather(current, waiting, marking)
    assert order == ["mark", "turn"]
