"""The daily digest, queued for each attendants' room at ECAGE_DIGEST_AT on working days (or at
the first look after it, when no notifier ran then): claimed per room and day in the store, so it
is queued once however many notifiers look, then sent through the outbox like any push."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from dialogs.digest import digest
from dialogs.messages import outgoing_to_json
from store import Store
from store.announcements import attendant_rooms, queue_message
from store.digest import claim_digest, digest_facts
from store.models import DigestClaimRow
from store.workdays import is_working_day, local

DIGEST = "digest"  # the outbox rows' audience


async def queue_digests(store: Store, digest_at: time, owner: str) -> int:
    """Queue today's digest for the rooms that have not had it; returns how many were queued."""
    now = store.clock()
    today = local(now)
    if not is_working_day(today.date()) or today.time() < digest_at:
        return 0
    async with store.transaction() as tx:
        done = set((await tx.session.scalars(
            select(DigestClaimRow.chat_id).where(DigestClaimRow.day == today.date()))).all())
        rooms = [room for room in await attendant_rooms(tx) if room.id not in done]
        claimed = [room for room in rooms if await claim_digest(tx, room.id, today.date(), owner)]
        if not claimed:
            return 0
        facts = await digest_facts(tx, today.date())
        for room in claimed:
            await queue_message(tx, room, DIGEST, outgoing_to_json(digest(facts, now, room.locale)))
    return len(claimed)
