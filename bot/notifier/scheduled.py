"""The notifier's scheduled jobs: the daily digest (bot/notifier/digest.py) and the announcement
of long waits (bot/notifier/attention.py), looked at every ``interval`` seconds by the store's
clock. Each job claims what it queues in the store, so any number of notifiers may run them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from bot.config import DEFAULT_DIGEST_AT, Config
from store import Store, is_transient
from store.aging import DEFAULT_ATTENTION_AFTER_H

from .attention import queue_attention
from .digest import queue_digests

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    digest_at: time = DEFAULT_DIGEST_AT
    attention_after_h: float = DEFAULT_ATTENTION_AFTER_H
    interval: float = 60.0

    @classmethod
    def from_config(cls, config: Config, **changes) -> Schedule:
        return cls(digest_at=config.digest_at, attention_after_h=config.attention_after_h, **changes)


async def run_scheduled(store: Store, schedule: Schedule, owner: str, stop: asyncio.Event,
                        wake: Callable[[], None]) -> None:
    """Look until `stop`; `wake` the notifier when something was queued."""
    while not stop.is_set():
        for job in (lambda: queue_digests(store, schedule.digest_at, owner),
                    lambda: queue_attention(store, schedule.attention_after_h, owner)):
            try:
                if await job():
                    wake()
            except Exception as error:  # the next look tries again
                if is_transient(error):
                    log.warning("scheduled job: database unavailable (%s)", error.__class__.__name__)
                else:
                    log.exception("scheduled job failed")
        try:
            await asyncio.wait_for(stop.wait(), schedule.interval)
        except TimeoutError:
            pass
