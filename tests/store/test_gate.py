"""The store's gate: one place (SQLite's one writer), urgent waiters first, then the others in
order; a waiter that gives up leaves no hole and no extra place behind."""

from __future__ import annotations

import asyncio

import pytest

from store.gate import Gate


async def test_urgent_waiters_go_first_and_the_others_keep_their_order():
    gate, order = Gate(1), []

    async def one(name: str, urgent: bool = False) -> None:
        async with gate.held(urgent):
            order.append(name)
            await asyncio.sleep(0)

    async with gate.held():
        waiting = [asyncio.create_task(one("turn 1")), asyncio.create_task(one("turn 2")),
                   asyncio.create_task(one("webhook", urgent=True))]
        await asyncio.sleep(0)
    await asyncio.gather(*waiting)
    assert order == ["webhook", "turn 1", "turn 2"]


async def test_a_waiter_cancelled_leaves_the_place_to_the_next():
    gate, order = Gate(1), []

    async def one(name: str) -> None:
        async with gate.held():
            order.append(name)

    async with gate.held():
        cancelled, kept = asyncio.create_task(one("gone")), asyncio.create_task(one("kept"))
        await asyncio.sleep(0)
        cancelled.cancel()
        await asyncio.sleep(0)
    await kept
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert order == ["kept"]
    async with gate.held():  # and the place is back: nothing leaked
        order.append("again")
    assert order == ["kept", "again"]
