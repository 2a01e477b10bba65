"""Document references of demands: the numbers a demand's texts cite (taxonomy/references.py),
written in the transaction of the event whose text cites them, and the demands citing a number
(`/buscar`), each shown only to whom may see it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from taxonomy.references import Reference, default_references

from . import db
from .models import DemandReferenceRow, DemandRow
from .queries import DemandQueries
from .views import Actor, Page

_REFERENCES = DemandReferenceRow.__table__
# Built once per dialect (as store/statements.py does): a statement built anew on every send cost
# about as much as running it (benchmarks/bench_references.py). RETURNING says which rows were
# new; asking it to keep their order made SQLAlchemy send one statement a row on SQLite.
_INSERTS = {dialect: db.insert_for(dialect, _REFERENCES).on_conflict_do_nothing()
            .returning(_REFERENCES.c.kind, _REFERENCES.c.value) for dialect in ("sqlite", "postgresql")}


async def record(session: AsyncSession, demand_id: int, event_id: int, texts: Iterable[str | None], now,
                 known: Iterable[Reference] = ()) -> tuple[Reference, ...]:
    """The references `texts` cite that the demand did not cite yet, written with `event_id`;
    returns them. A number cited twice stays one reference, first cited by its first event."""
    seen = set(known)
    new = tuple(ref for ref in default_references().extract(*texts) if ref not in seen)
    if not new:
        return ()
    # `known` may miss what an earlier change of the same transaction wrote: the unique key
    # decides, and only the rows written are new.
    rows = await session.execute(_INSERTS[session.bind.dialect.name], [
        {"demand_id": demand_id, "event_id": event_id, "kind": ref.kind, "value": ref.value, "created_at": now}
        for ref in new])
    written = {(kind, value) for kind, value in rows}
    return tuple(ref for ref in new if (ref.kind, ref.value) in written)


def citing(references: Iterable[Reference]):
    """The ids of the demands citing any of `references` (a subquery)."""
    wanted = tuple(references)
    values = sorted({ref.value for ref in wanted})
    return (select(DemandReferenceRow.demand_id)
            .where(DemandReferenceRow.value.in_(values),
                   or_(*(and_(DemandReferenceRow.kind == ref.kind, DemandReferenceRow.value == ref.value)
                         for ref in wanted))))


class ReferenceQueries(DemandQueries):
    async def demands_citing(self, actor: Actor, references: Iterable[Reference], page: int = 1,
                             page_size: int = 20) -> Page:
        """The demands citing any of `references`, newest first: every one for an attendant, the
        actor's own for anyone else (someone else's demand looks missing, as everywhere)."""
        wanted = tuple(references)
        me = await self._actor_row(actor)
        conditions = [DemandRow.id.in_(citing(wanted))] if wanted else [False]
        if not me.is_attendant:
            conditions.append(DemandRow.requester_id == me.id)
        return await self._page(conditions, [DemandRow.created_at.desc(), DemandRow.id.desc()], page, page_size)
