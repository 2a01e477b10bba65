"""Telegram's flood limits as the bot meets them: a 429 pauses only what it limits.

Telegram answers a request over a limit with 429 and ``retry_after``, without saying which limit
it was: one chat's (about 1 message a second in a private chat, 20 a minute in a group) or the
bot's (about 30 messages a second in all). python-telegram-bot's AIORateLimiter halts every
request of the bot on any 429, so one busy group stopped every other chat's replies and pushes.
`ChatLimits` tells the two apart simply:

- A 429 on a request to one chat (it names a ``chat_id``) limits that chat. The request raises
  ``RetryAfter`` at once, and so does every later request to that chat until the time is up,
  without asking Telegram. The caller hands the message back to the outbox, whose row waits
  until then (bot/notifier/senders.py turns it into ``TransientSendError``; bot/notifier/core.py
  and bot/replies.py schedule the row); the other chats go on.
- The whole bot pauses (every request waits, then goes) when the 429 came for a request tied to
  no chat (``getUpdates``, ``answerCallbackQuery``, ``getFile``: only the bot's limit can have
  refused it), or when ``GLOBAL_CHATS`` different chats are limited at the same moment. The
  notifier paces each chat itself (bot/notifier/pacing.py), so one chat over its own limit is
  rare, and several at once means the bot's limit. A request tied to no chat is tried again
  after the pause, up to ``max_retries`` times, since nobody else would send it again.

The steady pace is aiolimiter's leaky buckets, as in python-telegram-bot's limiter (30 requests a
second to chats, 20 a minute to each group); ``throttle=False`` (TELEGRAM_RATE_LIMIT=off) drops
that pace, never the 429 handling. Each process knows only its own 429s: across processes the
outbox rows' retry times carry a chat's limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

# Chats limited at the same moment that make it the bot's limit, not theirs.
GLOBAL_CHATS = 3
# Tries of a request tied to no chat through pauses of the whole bot.
MAX_RETRIES = 5
# Telegram's steady limits (python-telegram-bot's defaults).
MESSAGES_PER_SECOND = 30
GROUP_MESSAGES_PER_MINUTE = 20


def retry_after_seconds(error: RetryAfter) -> float:
    """A RetryAfter's wait in seconds (python-telegram-bot gives a number or a timedelta, and
    warns that the number will become a timedelta: either is fine here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class ChatLimits(BaseRateLimiter[int]):
    def __init__(self, *, throttle: bool = True, max_retries: int = MAX_RETRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_retries = max_retries
        self.clock = clock
        self._overall = AsyncLimiter(MESSAGES_PER_SECOND, 1) if throttle else None
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._limited: dict[str, float] = {}  # chat id -> when its limit ends (clock)
        self._paused_until = 0.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    # --- what the limits are now ------------------------------------------------------------------

    def paused_for(self) -> float:
        """Seconds until the whole bot may send again (0: not paused)."""
        return max(0.0, self._paused_until - self.clock())

    def limited_for(self, chat_id: int | str) -> float:
        """Seconds until this chat may be sent to again (0: not limited)."""
        return max(0.0, self._limited.get(str(chat_id), 0.0) - self.clock())

    # --- python-telegram-bot's hook ---------------------------------------------------------------

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat = data.get("chat_id")
        retries = rate_limit_args or self.max_retries
        attempt = 0
        while True:
            while (pause := self.paused_for()) > 0:
                await asyncio.sleep(pause)
            if chat is not None and (left := self.limited_for(chat)) > 0:
                raise RetryAfter(timedelta(seconds=math.ceil(left)))
            try:
                async with self._paced(chat):
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                if chat is not None:
                    self._limit(str(chat), seconds, endpoint)
                    raise
                self._pause(seconds, f"{endpoint} (tied to no chat)")
                attempt += 1
                if attempt > retries:
                    raise

    # --- the rules --------------------------------------------------------------------------------

    def _limit(self, chat: str, seconds: float, endpoint: str) -> None:
        now = self.clock()
        self._limited = {key: until for key, until in self._limited.items() if until > now}
        self._limited[chat] = max(self._limited.get(chat, 0.0), now + seconds)
        log.info("telegram: chat %s limited for %.1fs (%s)", chat, seconds, endpoint, extra={"chat": chat})
        if len(self._limited) >= GLOBAL_CHATS:
            self._pause(max(self._limited.values()) - now, f"{len(self._limited)} chats limited at once")

    def _pause(self, seconds: float, why: str) -> None:
        until = self.clock() + seconds
        if until > self._paused_until:
            self._paused_until = until
            log.warning("telegram: the bot's flood limit: every request waits %.1fs (%s)", seconds, why)

    @contextlib.asynccontextmanager
    async def _paced(self, chat: int | str | None):
        """The steady pace: requests to chats share the bot's bucket, and each group (a negative
        id or an @name) has its own, as in python-telegram-bot's limiter."""
        if chat is None or self._overall is None:
            yield
            return
        group = _group_key(chat)
        async with self._group_bucket(group) if group is not None else contextlib.nullcontext(), self._overall:
            yield

    def _group_bucket(self, group: int | str) -> AsyncLimiter:
        if group not in self._groups and len(self._groups) > 512:  # forget the buckets full again
            self._groups = {key: bucket for key, bucket in self._groups.items()
                            if not bucket.has_capacity(bucket.max_rate)}
        return self._groups.setdefault(group, AsyncLimiter(GROUP_MESSAGES_PER_MINUTE, 60))


def _group_key(chat: int | str) -> int | str | None:
    try:
        number = int(chat)
    except (TypeError, ValueError):
        return chat  # an @channelusername
    return number if number < 0 else None
