"""Demands that have waited for CAGE longer than ECAGE_ATTENTION_AFTER_H working hours, announced
once in each attendants' room: the store's mark of each wait (demand, waiting since) is taken by
the first notifier that sees it, in the transaction that queues the announcements."""

from __future__ import annotations

from dialogs.digest import attention
from dialogs.messages import outgoing_to_json
from store import Store
from store.aging import announced, claim_attention, waiting_for_cage
from store.announcements import attendant_rooms, queue_message

ATTENTION = "attention"  # the outbox rows' audience


async def queue_attention(store: Store, after_hours: float, owner: str) -> int:
    """Announce the long waits not announced yet, all of one look in one message per room;
    returns how many demands were announced."""
    now = store.clock()
    async with store.transaction() as tx:
        rooms = await attendant_rooms(tx)
        if not rooms:  # kept for the first room bound: nobody has heard of them yet
            return 0
        overdue = [(demand, aging) for demand, aging in await waiting_for_cage(tx)
                   if aging.needs_attention(now, after_hours)]
        seen = await announced(tx, overdue)
        claimed = [(demand, aging.working_hours_waited(now)) for demand, aging in overdue
                   if (demand.id, aging.waiting_since) not in seen
                   and await claim_attention(tx, demand.id, aging.waiting_since, owner)]
        if claimed:
            for room in rooms:
                await queue_message(tx, room, ATTENTION, outgoing_to_json(attention(claimed, after_hours, room.locale)))
    return len(claimed)
