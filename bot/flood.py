"""Per-user flood limit in front of the dialogs.

A person types a few messages a minute; a script (or a stuck client) can send hundreds a second,
and each one would cost a database transaction. `FloodGuard` stands in front of the dialogs with
the same contract (bot.contract.Conversation): every (channel, user) has a token bucket of
`burst` messages refilled over `window` seconds. The message that finds the bucket empty gets
one polite answer; the following ones are dropped in silence until `window` seconds have passed.
A dropped message never reaches the dialogs, so it never touches the store. What a channel
reports having sent is no message from a person: it goes straight through.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.contract import Conversation
from dialogs import Incoming, Outgoing
from dialogs.texts import Texts

DEFAULT_BURST = 20
DEFAULT_WINDOW = 10.0
# Forgetting idle people now and then keeps memory flat however many have ever written.
_PRUNE_EVERY = 1000


@dataclass
class _Bucket:
    tokens: float
    updated: float
    muted_until: float = 0.0


class FloodGuard(Conversation):
    def __init__(self, dialogs: Conversation, *, burst: int = DEFAULT_BURST, window: float = DEFAULT_WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if burst < 1 or window <= 0:
            raise ValueError("burst must be >= 1 and window > 0")
        self.dialogs = dialogs
        self.burst = burst
        self.window = window
        self.clock = clock
        self._rate = burst / window  # tokens per second: a full bucket again after one quiet window
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._calls = 0

    async def handle(self, incoming: Incoming, *,
                     waiting: Callable[[Outgoing], Awaitable[None]] | None = None) -> list[Outgoing]:
        now = self.clock()
        self._prune(now)
        key = (incoming.channel, incoming.user_id)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=self.burst, updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if now < bucket.muted_until:
            return []
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return await self.dialogs.handle(incoming, waiting=waiting)
        bucket.muted_until = now + self.window
        return [Outgoing(text=Texts(incoming.locale)("flood.slow_down"))]

    def limited(self, channel: str, user_id: str) -> bool:
        """Whether this person's messages are being dropped right now."""
        bucket = self._buckets.get((channel, user_id))
        return bucket is not None and self.clock() < bucket.muted_until

    async def remember_sent(self, channel: str, chat_id: str, message_id: str, outgoing: Outgoing) -> None:
        await self.dialogs.remember_sent(channel, chat_id, message_id, outgoing)

    def keeps_choices(self, choice: str) -> bool:
        return self.dialogs.keeps_choices(choice)

    def _prune(self, now: float) -> None:
        self._calls += 1
        if self._calls % _PRUNE_EVERY:
            return
        full_after = self.window
        self._buckets = {key: bucket for key, bucket in self._buckets.items()
                         if now < bucket.muted_until or now - bucket.updated < full_after}
