"""Who gets the database next in this process: `Gate` is a semaphore whose urgent waiters go
before the others. On SQLite one transaction runs at a time (store/service.py); under load the
turns queue for it, and a webhook's write of an update, which Telegram waits for, would queue
behind them all (benchmarks/bench_replies.py: its acknowledgement p99 went from 77 ms to 5.5 s at
500 people). Urgent transactions are short and few, so turns are not starved.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator


class Gate:
    def __init__(self, capacity: int) -> None:
        self._free = capacity
        self._urgent: deque[asyncio.Future] = deque()
        self._others: deque[asyncio.Future] = deque()

    @contextlib.asynccontextmanager
    async def held(self, urgent: bool = False) -> AsyncIterator[None]:
        await self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, urgent: bool) -> None:
        if self._free > 0 and not self._urgent and (urgent or not self._others):
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._others).append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # handed the place just as we were cancelled
                self._release()
            else:
                (self._urgent if urgent else self._others).remove(turn)
            raise

    def _release(self) -> None:
        for waiting in (self._urgent, self._others):
            while waiting:
                turn = waiting.popleft()
                if not turn.done():
                    turn.set_result(None)  # the place passes straight to it
                    return
        self._free += 1
