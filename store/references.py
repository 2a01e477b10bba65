"""Document references of demands: the numbers a demand's texts cite (taxonomy/references.py),
written in the transaction of the event whose text cites them, and the demands citing a number
(`/buscar`), each shown only to whom may see it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import String, and_, bindparam, func, insert, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from taxonomy.references import Reference, default_references

from . import db, statements
from .models import DemandReferenceRow, DemandRow, EventRow
from .queries import DemandQueries
from .views import Actor, Page

_REFERENCES, _EVENTS = DemandReferenceRow.__table__, EventRow.__table__
# Built once per dialect (as store/statements.py does): a statement built anew on every send cost
# about as much as running it (benchmarks/bench_references.py). RETURNING says which rows were
# new; asking it to keep their order made SQLAlchemy send one statement a row on SQLite.
_INSERTS = {dialect: db.insert_for(dialect, _REFERENCES).on_conflict_do_nothing()
            .returning(_REFERENCES.c.kind, _REFERENCES.c.value) for dialect in ("sqlite", "postgresql")}


def pairs_table():
    """PostgreSQL: references bound as two arrays (`pairs_parameters`), as a table of (kind,
    value). One statement text whatever their number, where a list of pairs is rendered anew on
    every run."""
    return (func.unnest(bindparam("kinds", type_=ARRAY(String)), bindparam("values", type_=ARRAY(String)))
            .table_valued("kind", "value").render_derived(name="cited"))


def pairs_parameters(references: Iterable[Reference]) -> dict:
    wanted = tuple(references)
    return {"kinds": [ref.kind for ref in wanted], "values": [ref.value for ref in wanted]}


_EVENT_COLUMNS = ("demand_id", "kind", "author_id", "text", "data", "visibility", "created_at")


def _event_citing():
    """PostgreSQL: the event and the references its text cites in one statement, so a send that
    cites a number costs no round trip more than one that does not (SQLite has no INSERT in a
    WITH, and no round trip to save). Returns a row per reference written (a single one with no
    reference when none is), each with the event's id."""
    event = (insert(_EVENTS).values({column: bindparam(column) for column in _EVENT_COLUMNS})
             .returning(_EVENTS.c.id).cte("event"))
    cited = pairs_table()
    written = (db.insert_for("postgresql", _REFERENCES)
               .from_select(["demand_id", "event_id", "kind", "value", "created_at"],
                            select(bindparam("demand_id", type_=_EVENTS.c.demand_id.type), event.c.id, cited.c.kind,
                                   cited.c.value, bindparam("created_at", type_=_EVENTS.c.created_at.type))
                            .select_from(event).join(cited, true()))
               .on_conflict_do_nothing().returning(_REFERENCES.c.kind, _REFERENCES.c.value).cte("written"))
    return select(event.c.id, written.c.kind, written.c.value).select_from(event).outerjoin(written, true())


_EVENT_CITING = _event_citing()


def cited_anew(texts: Iterable[str | None], known: Iterable[Reference] = ()) -> tuple[Reference, ...]:
    """The references `texts` cite that are not in `known`. A number cited twice is one reference."""
    seen = set(known)
    return tuple(ref for ref in default_references().extract(*texts) if ref not in seen)


async def insert_event(session: AsyncSession, event: dict,
                       new: Sequence[Reference]) -> tuple[int, tuple[Reference, ...]]:
    """Insert the event (a row of `events`, as a dict) with the references `new` its text cites,
    first cited by it; returns its id and the references written (a demand already citing one,
    by an earlier change of the same transaction, keeps its first)."""
    if new and session.bind.dialect.name == "postgresql":
        rows = (await session.execute(_EVENT_CITING, {**event, **pairs_parameters(new)})).all()
        event_id, written = rows[0].id, {(row.kind, row.value) for row in rows}
    else:
        event_id = await session.scalar(statements.EVENT_INSERT, event)
        written = await _write(session, event["demand_id"], event_id, new, event["created_at"]) if new else set()
    return event_id, tuple(ref for ref in new if (ref.kind, ref.value) in written)


async def _write(session: AsyncSession, demand_id: int, event_id: int, new: Sequence[Reference], now) -> set:
    rows = await session.execute(_INSERTS[session.bind.dialect.name], [
        {"demand_id": demand_id, "event_id": event_id, "kind": ref.kind, "value": ref.value, "created_at": now}
        for ref in new])
    return {(kind, value) for kind, value in rows}


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
