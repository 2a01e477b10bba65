"""Group commit: what many tasks of a process want written at about the same moment goes into one
transaction. The first caller writes; the ones that arrive while that write is under way wait,
then the next writer takes all of them at once. Alone, a call is written at once (no timer, no
added latency); under load, a transaction's fixed cost is shared (benchmarks/bench_overhead.py:
the webhook's inbox writes and the marks of sent replies).

A write that never gives the event loop back (SQLite's transactions run inline,
store/sqlite_inline.py) is never under way when another caller comes, so each caller writes
alone. Where throughput matters more than one turn of the loop, `gather_ready` has the first
caller let the tasks ready at that moment add theirs before it writes: the notifier's marks (1,000
sends of a backlog were 1,000 commits, benchmarks/bench_notifier.py). Not the webhook's inbox
writes nor a turn's replies, whose acknowledgement and next message would wait behind turns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    def __init__(self, write: Callable[[list[T]], Awaitable[Sequence[R]]], *, gather_ready: bool = False) -> None:
        """`write(items)` writes them in one transaction and returns one result per item."""
        self._write = write
        self._gather_ready = gather_ready
        self._waiting: list[tuple[T, asyncio.Future]] = []
        self._writing = asyncio.Lock()

    async def __call__(self, items: Sequence[T]) -> list[R]:
        loop = asyncio.get_running_loop()
        mine = [loop.create_future() for _ in items]
        self._waiting += zip(items, mine)
        async with self._writing:
            if self._gather_ready and mine and not mine[-1].done():
                await asyncio.sleep(0)
            if mine and not mine[-1].done():  # not written by the commit we waited for
                batch, self._waiting = self._waiting, []
                try:
                    results = await self._write([item for item, _ in batch])
                except BaseException as error:
                    # The others hear of it through their futures; this caller, by the raise.
                    for _, future in batch:
                        if any(future is own for own in mine):
                            continue
                        if isinstance(error, asyncio.CancelledError):
                            future.cancel()
                        else:
                            future.set_exception(error)
                    raise
                for (_, future), result in zip(batch, results):
                    future.set_result(result)
        return [future.result() for future in mine]
