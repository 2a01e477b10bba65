"""Who holds a claim: every process that leases inbox or outbox rows signs them with one name,
``host:pid:nonce``. A lease that runs out frees a dead process's rows in any case; a process on
the same host can tell at once that the pid is gone and free them without waiting (a restart
after a crash then picks its own unfinished work up in a moment).

A reused pid only means waiting for the lease as before: freeing a live process's claim would be
harmless for correctness too (store/inbox.py explains why), merely wasted work.

A holder keeps its leases short and renews them while it works (`keep_renewing`): a process
that dies without a trace on another host is then taken over after one short lease, and a slow
turn or send is never taken from a live process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta

from sqlalchemy import select, update

from .models import InboxRow, OutboxRow

HOST = socket.gethostname()

log = logging.getLogger(__name__)


def new_owner() -> str:
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_here(owner: str) -> bool:
    host, _, rest = owner.rpartition(":")[0].rpartition(":") if owner.count(":") >= 2 else ("", "", "")
    if host != HOST or not rest.isdigit():
        return False
    try:
        os.kill(int(rest), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, owned by someone else
        return False
    return False


async def release_dead_claims(store) -> int:
    """Free the inbox and outbox rows claimed by processes of this host that are gone; returns
    how many owners were found dead."""
    async with store.transaction() as tx:
        session = tx.session
        owners = set((await session.scalars(
            select(InboxRow.claimed_by).distinct().where(InboxRow.status == "pending",
                                                         InboxRow.claimed_by.is_not(None)))).all())
        owners |= set((await session.scalars(
            select(OutboxRow.claimed_by).distinct().where(OutboxRow.status == "sending"))).all())
        dead = [owner for owner in owners if owner and _dead_here(owner)]
        if dead:
            await session.execute(update(InboxRow).where(InboxRow.claimed_by.in_(dead), InboxRow.status == "pending")
                                  .values(claimed_by=None, claimed_until=None))
            await session.execute(update(OutboxRow).where(OutboxRow.claimed_by.in_(dead), OutboxRow.status == "sending")
                                  .values(status="pending", claimed_by=None, claimed_until=None))
    return len(dead)


async def extend_leases(store, model, owner: str, ids: Iterable[int], lease: float, *, status: str) -> None:
    """Extend the lease of `model` rows (InboxRow, OutboxRow) still held by `owner` in `status`."""
    ids = list(ids)
    if not ids:
        return
    async with store.transaction() as tx:
        await tx.session.execute(
            update(model).where(model.id.in_(ids), model.claimed_by == owner, model.status == status)
            .values(claimed_until=store.clock() + timedelta(seconds=lease)))


async def keep_renewing(renew: Callable[[], Awaitable[None]], lease: float, what: str) -> None:
    """Call `renew` every third of the lease until cancelled: two renewals may fail (the database
    blinking) before a lease runs out."""
    while True:
        await asyncio.sleep(lease / 3)
        try:
            await renew()
        except Exception as error:
            log.warning("%s: could not renew leases (%s)", what, error.__class__.__name__)
