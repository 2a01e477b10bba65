"""Rate limits by queueing, never by dropping: a global token bucket per notifier and a minimum
interval per chat; and the retry schedule (exponential backoff with full jitter)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable

BACKOFF_BASE = 1.0
BACKOFF_CAP = 300.0


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before the next try, after ``attempts`` tries. A service's retry_after wins: it
    knows when it will take the message again."""
    if retry_after is not None:
        return max(float(retry_after), 0.0)
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempts - 1, 0))
    return random.uniform(0, ceiling)


class TokenBucket:
    """At most ``rate`` takes per second on average, bursts up to ``rate``; rate 0 = no limit.
    ``clock`` and ``sleep`` are the monotonic clock and the wait on it (a test's own, to check the
    schedule without depending on how fast the machine is)."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.rate = rate
        self.tokens = rate
        self._clock, self._sleep = clock, sleep
        self.updated = clock()
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        if self.rate <= 0:
            return
        async with self._lock:
            while True:
                now = self._clock()
                self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await self._sleep((1 - self.tokens) / self.rate)


class ChatPacer:
    """Keeps messages to one chat at least the chat's interval apart, counted from the moment the
    channel confirmed the last one: by then the service has it, so however long the next request
    takes to arrive, the service sees the two at least the interval apart. ``clock`` and
    ``sleep`` as for TokenBucket."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._last: dict[int, float] = {}
        self._clock, self._sleep = clock, sleep

    @contextlib.asynccontextmanager
    async def paced(self, chat_db_id: int, interval: float) -> AsyncIterator[None]:
        last = self._last.get(chat_db_id)
        if last is not None and interval > 0:
            delay = last + interval - self._clock()
            if delay > 0:
                await self._sleep(delay)
        try:
            yield
        finally:
            self._last[chat_db_id] = self._clock()
