"""How long open demands have waited: since their last CAGE action, and, for those waiting for
CAGE, in working hours (store/workdays.py). Read from the timeline, so nothing is kept up to date
beside it; the marks that say a long wait was announced to the rooms, once per wait."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, type_coerce

from . import workdays
from .announcements import claim_once
from .mappers import demand_view
from .models import AttentionMarkRow, DemandRow, EventRow, UTCDateTime
from .unit import demand_loads
from .views import DemandView, EventKind, Status

# What CAGE does on a demand; and what hands a demand back to CAGE (its wait starts again then).
CAGE_ACTIONS = (EventKind.RECEIVED, EventKind.ANSWERED, EventKind.INFO_REQUESTED, EventKind.SOLVED)
BACK_TO_CAGE = (EventKind.CREATED, EventKind.INFO_SENT, EventKind.REOPENED)
DEFAULT_ATTENTION_AFTER_H = 24.0


@dataclass(frozen=True)
class Aging:
    last_cage_action_at: datetime | None
    # When the demand began to wait for CAGE; None when it waits for the requester, or is closed.
    waiting_since: datetime | None

    def working_hours_waited(self, now: datetime) -> float:
        return workdays.working_hours_between(self.waiting_since, now) if self.waiting_since else 0.0

    def needs_attention(self, now: datetime, after_hours: float) -> bool:
        return (self.waiting_since is not None
                and workdays.after_working_hours(self.waiting_since, after_hours) <= now)


def _latest(kinds: tuple[EventKind, ...]):
    # Typed as the column, so that the value comes back aware on SQLite too.
    return type_coerce(func.max(case((EventRow.kind.in_([kind.value for kind in kinds]), EventRow.created_at))),
                       UTCDateTime)


async def aging_of(tx, demands: Iterable[DemandView]) -> dict[int, Aging]:
    """Each demand's aging by its id, in one query."""
    demands = list(demands)
    if not demands:
        return {}
    rows = (await tx.session.execute(
        select(EventRow.demand_id, _latest(CAGE_ACTIONS), _latest(BACK_TO_CAGE))
        .where(EventRow.demand_id.in_([demand.id for demand in demands]))
        .group_by(EventRow.demand_id))).all()
    latest = {demand_id: (cage, back) for demand_id, cage, back in rows}
    result = {}
    for demand in demands:
        cage, back = latest.get(demand.id, (None, None))
        waiting = None
        if demand.status == Status.EM_ANDAMENTO:
            waiting = max((moment for moment in (cage, back, demand.created_at) if moment), default=None)
        result[demand.id] = Aging(last_cage_action_at=cage, waiting_since=waiting)
    return result


async def waiting_for_cage(tx) -> list[tuple[DemandView, Aging]]:
    """Every demand waiting for CAGE, the longest wait first."""
    rows = (await tx.session.scalars(
        select(DemandRow).where(DemandRow.status == Status.EM_ANDAMENTO.name)
        .options(*demand_loads()))).unique().all()
    views = [demand_view(row) for row in rows]
    aging = await aging_of(tx, views)
    # Ties by id: notifiers claiming these in the same order never wait for each other in a circle.
    return sorted(((view, aging[view.id]) for view in views), key=lambda pair: (pair[1].waiting_since, pair[0].id))


async def announced(tx, waits: list[tuple[DemandView, Aging]]) -> set[tuple[int, datetime]]:
    """Which of these waits (demand id, waiting since) were announced already."""
    if not waits:
        return set()
    rows = await tx.session.execute(select(AttentionMarkRow.demand_id, AttentionMarkRow.waiting_since)
                                    .where(AttentionMarkRow.demand_id.in_([demand.id for demand, _ in waits])))
    return {(demand_id, since) for demand_id, since in rows.all()}


async def claim_attention(tx, demand_id: int, waiting_since: datetime, owner: str) -> bool:
    """Mark the demand's long wait as announced; False when another process did it first."""
    return await claim_once(tx, AttentionMarkRow, owner, demand_id=demand_id, waiting_since=waiting_since)
