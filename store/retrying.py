"""Waiting out a database that blinks: one unit of work, run again while the database is away.

A PostgreSQL restart lasts a second or two; a failover, longer. `run_with_retries` runs the unit
of work again after each transient failure (store.db.is_transient) for up to `budget_s` seconds:
the first time at once (what a restart leaves behind is mostly the pool's dead connections, and
a new one works), then after pauses that double from FIRST_PAUSE_S up to LONGEST_PAUSE_S, each
taken at random between half and all of its length, so that many turns failing together do not
come back together. Just before the first pause, `before_first_wait` is called once (the person
is told to wait).

It gives up with `StoreUnavailable` when the budget is spent, or at once when the unit may have
committed (a connection lost during COMMIT, store.db.may_run_again): running it again could do
it twice. Either way nothing was replaced: whoever holds the message (a channel's inbox) tries
again later. Any other exception is no blink, and goes straight through.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from .db import is_transient, may_run_again

log = logging.getLogger(__name__)

DEFAULT_RETRY_S = 30.0
FIRST_PAUSE_S = 0.1
# Short enough that a turn goes on within two seconds of the database coming back.
LONGEST_PAUSE_S = 2.0

T = TypeVar("T")


class StoreUnavailable(Exception):
    """The database did not come back within the retry budget (or the unit's outcome is unknown):
    nothing of the unit was saved by us; the message is to be handled again later."""


async def run_with_retries(unit: Callable[[], Awaitable[T]], *, budget_s: float = DEFAULT_RETRY_S,
                           before_first_wait: Callable[[], Awaitable[None]] | None = None,
                           idempotent: bool = False) -> T:
    """`unit()`'s result, running it again while it fails transiently, for up to `budget_s`.
    `idempotent`: the unit itself refuses to be done twice (a turn taken from the inbox), so it
    may run again even after a COMMIT whose outcome is unknown."""
    started = time.monotonic()
    failures = 0
    while True:
        try:
            return await unit()
        except Exception as error:
            if not is_transient(error):
                raise
            failures += 1
            if not idempotent and not may_run_again(error):
                raise StoreUnavailable("connection lost during COMMIT: the outcome is unknown") from error
            remaining = budget_s - (time.monotonic() - started)
            if remaining <= 0:
                raise StoreUnavailable(f"the database is still unavailable after {budget_s:g} s") from error
            if failures == 1:
                log.warning("database unavailable (%s), trying again", _name(error))
                continue
            if failures == 2 and before_first_wait is not None:
                await before_first_wait()
            await asyncio.sleep(min(remaining, _pause(failures - 2)))


def _pause(waits_before: int) -> float:
    return min(LONGEST_PAUSE_S, FIRST_PAUSE_S * 2 ** waits_before) * random.uniform(0.5, 1.0)


def _name(error: BaseException) -> str:
    return f"{error.__class__.__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
