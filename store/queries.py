"""Demands: the reading side. One demand, its timeline, the lists (a requester's own, the
attendants' queue, an attendant's demands), paginated, and an attachment's content; each shows
only what the actor may see."""

from __future__ import annotations

import asyncio
import math

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from . import errors
from .mappers import demand_view, event_view
from .models import AttachmentRow, DemandRow, EventRow
from .unit import UnitOfWork, demand_loads
from .views import OPEN_STATUSES, Actor, DemandView, EventView, Page

_OPEN = [status.name for status in OPEN_STATUSES]


class DemandQueries(UnitOfWork):
    async def get_demand(self, actor: Actor, protocol: str) -> DemandView:
        me = await self._actor_row(actor)
        return demand_view(await self._demand_row(me, protocol))

    async def timeline(self, actor: Actor, protocol: str) -> list[EventView]:
        me = await self._actor_row(actor)
        demand = await self._demand_row(me, protocol, with_attachments=False)
        query = (select(EventRow).where(EventRow.demand_id == demand.id)
                 .options(joinedload(EventRow.author), selectinload(EventRow.attachments))
                 .order_by(EventRow.created_at.desc(), EventRow.id.desc()))
        if not me.is_attendant:
            query = query.where(EventRow.visibility == "public")
        return [event_view(row) for row in (await self.session.scalars(query)).all()]

    async def list_demands(self, actor: Actor, open_only: bool, page: int = 1,
                           page_size: int = 5) -> Page:
        """The actor's own demands, newest first."""
        me = await self._actor_row(actor)
        conditions = [DemandRow.requester_id == me.id]
        if open_only:
            conditions.append(DemandRow.status.in_(_OPEN))
        return await self._page(conditions, [DemandRow.created_at.desc(), DemandRow.id.desc()],
                                page, page_size)

    async def queue(self, actor: Actor, page: int = 1, page_size: int = 5) -> Page:
        """Open demands for attendants: unassigned first, then oldest first."""
        await self._attendant_row(actor, errors.ACTION_QUEUE)
        return await self._page(
            [DemandRow.status.in_(_OPEN)],
            [DemandRow.assignee_id.is_not(None), DemandRow.created_at, DemandRow.id],
            page, page_size)

    async def assigned_to(self, actor: Actor, open_only: bool = True, page: int = 1,
                          page_size: int = 5) -> Page:
        """The demands the attendant holds, oldest first."""
        me = await self._attendant_row(actor, errors.ACTION_QUEUE)
        conditions = [DemandRow.assignee_id == me.id]
        if open_only:
            conditions.append(DemandRow.status.in_(_OPEN))
        return await self._page(conditions, [DemandRow.created_at, DemandRow.id], page, page_size)

    async def _page(self, conditions: list, order: list, page: int, page_size: int) -> Page:
        page_size = max(1, min(int(page_size), 100))
        page = max(1, int(page))
        # The total rides along with the rows (a window count): one round trip per page.
        query = (select(DemandRow, func.count().over().label("total")).where(*conditions)
                 .options(*demand_loads()).order_by(*order)
                 .limit(page_size).offset((page - 1) * page_size))
        rows = (await self.session.execute(query)).unique().all()
        if rows:
            total = rows[0].total
        else:
            total = await self.session.scalar(
                select(func.count()).select_from(DemandRow).where(*conditions))
        return Page(items=tuple(demand_view(row.DemandRow) for row in rows), page=page,
                    page_size=page_size, total=total, pages=max(1, math.ceil(total / page_size)))

    async def attachment_content(self, actor: Actor, attachment_id: int) -> bytes:
        me = await self._actor_row(actor)
        query = (select(AttachmentRow.sha256)
                 .join(DemandRow, DemandRow.id == AttachmentRow.demand_id)
                 .join(EventRow, EventRow.id == AttachmentRow.event_id)
                 .where(AttachmentRow.id == attachment_id))
        if not me.is_attendant:
            query = query.where(DemandRow.requester_id == me.id, EventRow.visibility == "public")
        sha256 = await self.session.scalar(query)
        if sha256 is None:
            raise errors.AttachmentNotFound()
        return await asyncio.to_thread(self.store.files.get, sha256)
