"""Demands opened at the same time by several processes get distinct protocols, and each one its
creation event and outbox rows. Each Store below stands for a process: its own engine and pool."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import func, select
from store_support import draft

from store import Store
from store.models import DemandRow, EventRow, OutboxRow
from store.protocol import PROTOCOL_RE

PROCESSES = 4


async def test_simultaneous_creations_get_distinct_protocols(world, clock, tmp_path):
    postgres = world.store.dialect == "postgresql"
    # 200 on PostgreSQL over 40 connections (the server is shared: stay well below its limit);
    # SQLite serializes writers anyway, a smaller burst proves they wait instead of failing.
    total = 200 if postgres else 40
    url = world.store.engine.url.render_as_string(hide_password=False)
    options = {"pool_size": 10, "max_overflow": 0} if postgres else {}
    stores = [await Store.open(url, clock=clock, attachments_dir=tmp_path, migrate=False,
                               **options) for _ in range(PROCESSES)]
    start = asyncio.Event()

    async def create(index: int) -> str:
        await start.wait()
        async with stores[index % PROCESSES].transaction() as tx:
            demand = await tx.open_demand(world.ana.actor("tg"), draft(title=f"Demanda {index}"))
        return demand.protocol

    try:
        tasks = [asyncio.create_task(create(index)) for index in range(total)]
        start.set()
        protocols = await asyncio.gather(*tasks)
    finally:
        for store in stores:
            await store.close()

    assert len(set(protocols)) == total
    assert all(PROTOCOL_RE.match(protocol) for protocol in protocols)
    assert sorted(int(p.split("-")[1]) for p in protocols) == list(range(1, total + 1))
    async with world.store.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(DemandRow)) == total
        created = Counter((await connection.scalars(
            select(EventRow.demand_id).where(EventRow.kind == "created"))).all())
        assert len(created) == total and set(created.values()) == {1}
        outbox = Counter((await connection.scalars(select(OutboxRow.event_id))).all())
        # Ana's other chat and the attendants' room, for every creation event.
        assert len(outbox) == total and set(outbox.values()) == {2}


async def test_first_messages_racing_create_one_person_and_one_chat(store, clock, tmp_path):
    """Two first messages of a new user handled at once (two instances) must not fail."""
    url = store.engine.url.render_as_string(hide_password=False)
    others = [await Store.open(url, clock=clock, attachments_dir=tmp_path, migrate=False)
              for _ in range(2)]
    start = asyncio.Event()

    async def first_message(instance: Store):
        await start.wait()
        async with instance.transaction() as tx:
            person = await tx.ensure_person("telegram", "777", "Nova Pessoa")
            chat = await tx.ensure_chat("telegram", "777", "private", person_id=person.id)
            # Keep the transaction open a moment, so the other one really overlaps it.
            await asyncio.sleep(0.05)
        return person.id, chat.id

    try:
        tasks = [asyncio.create_task(first_message(instance)) for instance in others * 3]
        start.set()
        results = await asyncio.gather(*tasks)
    finally:
        for instance in others:
            await instance.close()
    assert len(set(results)) == 1
