"""Lists: a person's demands (open only / all, newest first, paginated) and the attendants'
queue and own work."""

from __future__ import annotations

import pytest
from store_support import raises_saying

from store import NotAllowed, Status


async def _open_many(world, clock, count, member=None):
    protocols = []
    for index in range(count):
        clock.advance(minutes=1)
        protocols.append(await world.open(member, title=f"Demanda {index}"))
    return protocols


async def test_my_demands_newest_first_and_paginated(world, clock):
    protocols = await _open_many(world, clock, 7)
    await world.open(world.bia)  # someone else's: never listed
    first = await world.run("list_demands", world.ana, False, page=1, page_size=5)
    second = await world.run("list_demands", world.ana, False, page=2, page_size=5)
    assert [d.protocol for d in first.items + second.items] == protocols[::-1]
    assert (first.total, first.pages, first.page, first.page_size) == (7, 2, 1, 5)
    assert (second.total, len(second.items)) == (7, 2)
    beyond = await world.run("list_demands", world.ana, False, page=3, page_size=5)
    assert (beyond.items, beyond.total, beyond.pages) == ((), 7, 2)


async def test_open_only_leaves_out_closed_demands(world, clock):
    protocols = await _open_many(world, clock, 4)
    await world.run("solve", world.caio, protocols[0], "Feito.")
    await world.run("cancel", world.ana, protocols[1])
    await world.run("request_info", world.caio, protocols[2], "Envie.")
    page = await world.run("list_demands", world.ana, True)
    assert [(d.protocol, d.status) for d in page.items] == [
        (protocols[3], Status.EM_ANDAMENTO), (protocols[2], Status.AGUARDANDO)]
    assert (await world.run("list_demands", world.ana, False)).total == 4


async def test_no_demands_is_one_empty_page(world):
    page = await world.run("list_demands", world.bia, True)
    assert (page.items, page.total, page.pages) == ((), 0, 1)


async def test_queue_unassigned_first_then_oldest(world, clock):
    old, middle, new, closed = await _open_many(world, clock, 4)
    await world.run("receive", world.caio, old)
    await world.run("solve", world.caio, closed, "Feito.")
    queue = await world.run("queue", world.dora)
    assert [d.protocol for d in queue.items] == [middle, new, old]
    assert queue.items[2].assignee_name == "Caio Prado"
    with raises_saying(NotAllowed, "Somente atendentes"):
        await world.run("queue", world.ana)


async def test_assigned_to_lists_what_the_attendant_holds(world, clock):
    first, second, third = await _open_many(world, clock, 3)
    await world.run("receive", world.caio, second)
    await world.run("receive", world.caio, first)
    await world.run("receive", world.dora, third)
    await world.run("solve", world.caio, second, "Feito.")
    mine = await world.run("assigned_to", world.caio)
    assert [d.protocol for d in mine.items] == [first]
    everything = await world.run("assigned_to", world.caio, open_only=False)
    assert [d.protocol for d in everything.items] == [first, second]
    with pytest.raises(NotAllowed):
        await world.run("assigned_to", world.ana)
