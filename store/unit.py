"""What every part of a unit of work shares: its session, its clock, and the loads that start
each service (the actor as the database knows them, a demand the actor may see).

``store.service.Transaction`` is made of the parts in store/people.py, store/conversations.py,
store/changes.py and store/queries.py, each a subclass of ``UnitOfWork``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from . import errors
from .models import DemandRow, PersonRow
from .protocol import parse_protocol
from .views import Actor

if TYPE_CHECKING:
    from .service import Store


class UnitOfWork:
    def __init__(self, store: Store, session: AsyncSession):
        self.store = store
        self.session = session
        # The conversation states as stored, JSON-encoded, by (channel, chat_id, user_id):
        # save_conversation needs no SELECT to know whether to insert, update or do nothing, and
        # the caller may change the state it was given in place.
        self._conversations: dict[tuple[str, str, str], str | None] = {}

    def now(self) -> datetime:
        moment = self.store.clock()
        if moment.tzinfo is None:
            raise ValueError("the store clock must return aware datetimes")
        return moment.astimezone(timezone.utc)

    async def _person_row(self, person_id: int) -> PersonRow:
        row = await self.session.get(PersonRow, person_id)
        if row is None:
            raise errors.NotAllowed(errors.UNKNOWN_PERSON)
        return row

    async def _actor_row(self, actor: Actor) -> PersonRow:
        # The database, not the caller, says whether the actor is an attendant.
        return await self._person_row(actor.person_id)

    async def _attendant_row(self, actor: Actor, action: str) -> PersonRow:
        me = await self._actor_row(actor)
        if not me.is_attendant:
            raise errors.NotAllowed(errors.ATTENDANT_ONLY, action)
        return me

    async def _demand_row(self, me: PersonRow, protocol: str, *, for_update: bool = False,
                          with_attachments: bool = True) -> DemandRow:
        canonical = parse_protocol(protocol) or (protocol or "").strip().upper()
        query = select(DemandRow).where(DemandRow.protocol == canonical).options(
            *demand_loads(with_attachments))
        if not me.is_attendant:
            # Someone else's demand looks exactly like one that does not exist.
            query = query.where(DemandRow.requester_id == me.id)
        if for_update:
            query = query.with_for_update(of=DemandRow)
        demand = (await self.session.scalars(query)).unique().one_or_none()
        if demand is None:
            raise errors.DemandNotFound(canonical or protocol)
        return demand


def demand_loads(with_attachments: bool = True) -> list:
    """What a demand's view needs loaded with it (relationships never load lazily here)."""
    loads = [joinedload(DemandRow.requester), joinedload(DemandRow.assignee),
             selectinload(DemandRow.references)]
    if with_attachments:
        loads.append(selectinload(DemandRow.attachments))
    return loads
