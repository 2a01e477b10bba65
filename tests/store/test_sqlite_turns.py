"""On SQLite the store queues a process's transactions first come, first served, instead of
letting them poll SQLite's busy handler: many at once all finish, in order, and a transaction
opened inside another of the same task still works as it did."""

from __future__ import annotations

import asyncio

from store_support import DRAFT

from store import Actor


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
