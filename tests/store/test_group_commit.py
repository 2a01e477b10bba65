"""Group commit (store/group_commit.py): what tasks of a process want written at about the same
moment goes into one write; with `gather_ready`, even when the write itself never gives the event
loop back (SQLite's transactions run inline, store/sqlite_inline.py)."""

from __future__ import annotations

import asyncio

from store.group_commit import GroupCommit


class Writes:
    """A write that never suspends, as an inline SQLite transaction: it records each batch."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    async def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(list(items))
        return [item * 10 for item in items]


async def test_callers_ready_at_the_same_moment_share_one_write():
    writes = Writes()
    commit = GroupCommit(writes, gather_ready=True)
    results = await asyncio.gather(*(commit([n]) for n in range(5)))
    assert results == [[0], [10], [20], [30], [40]]
    assert writes.batches == [[0, 1, 2, 3, 4]]


async def test_without_gather_ready_a_write_that_never_suspends_takes_each_caller_alone():
    writes = Writes()
    commit = GroupCommit(writes)
    await asyncio.gather(*(commit([n]) for n in range(3)))
    assert writes.batches == [[0], [1], [2]]


async def test_a_caller_alone_is_written_at_once_and_a_later_one_apart():
    writes = Writes()
    commit = GroupCommit(writes, gather_ready=True)
    assert await commit([7, 8]) == [70, 80]
    assert await commit([9]) == [90]
    assert writes.batches == [[7, 8], [9]]


async def test_a_failed_write_fails_every_caller_of_its_batch():
    async def refused(items):
        raise RuntimeError("database away")

    commit = GroupCommit(refused, gather_ready=True)
    outcomes = await asyncio.gather(*(commit([n]) for n in range(3)), return_exceptions=True)
    assert [type(outcome) for outcome in outcomes] == [RuntimeError] * 3
