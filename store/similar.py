"""Similar demands: before a requester sends a new demand, the open demand of theirs it may
repeat, the same request written again. Two demands are alike when they cite the same document
number, or have the same classification and close descriptions.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils
from sqlalchemy import and_, bindparam, case, literal_column, or_, select, tuple_

from taxonomy.references import Reference, default_references

from .mappers import demand_view
from .models import DemandReferenceRow, DemandRow
from .references import pairs_parameters, pairs_table
from .unit import UnitOfWork, demand_loads
from .views import OPEN_STATUSES, Actor, DemandDraft, DemandView

# rapidfuzz's ratio (0-100) of the folded descriptions from which two are "the same request".
CLOSE_DESCRIPTION = 80
# A requester's open demands compared, the newest first whatever their classification; more
# than this open at once is rare.
MAX_CANDIDATES = 50

# Built once per dialect (as store/statements.py does): the check runs on every send, and building
# these statements anew cost more than running them (benchmarks/bench_references.py). One round
# trip: the requester's newest open demands, each saying whether it cites one of the draft's
# numbers (looked up by the demand's own unique key, so a number many demands cite costs nothing
# more) and, when it has the draft's classification, its description.
_DEMANDS, _REFERENCES = DemandRow.__table__, DemandReferenceRow.__table__
# The statuses written into the statement: a list bound anew on every run is rendered anew too.
_OPEN = _DEMANDS.c.status.in_([literal_column(f"'{name}'") for name in sorted(status.name for status in OPEN_STATUSES)])
_SAME_KIND = and_(_DEMANDS.c.type_key == bindparam("type_key"), _DEMANDS.c.category_key == bindparam("category_key"),
                  _DEMANDS.c.subject_key.is_not_distinct_from(bindparam("subject_key")))


def _shares(dialect: str):
    """Whether the demand cites one of the draft's numbers. PostgreSQL takes them as two arrays,
    one probe of the unique key per number: half the time of a list of pairs, whose plan scanned
    the index by value (benchmarks/bench_references.py). SQLite has no arrays."""
    if dialect == "postgresql":
        cited = pairs_table()
        return (select(_REFERENCES.c.id).select_from(cited)
                .join(_REFERENCES, and_(_REFERENCES.c.demand_id == _DEMANDS.c.id, _REFERENCES.c.kind == cited.c.kind,
                                        _REFERENCES.c.value == cited.c.value))
                .exists())
    return (select(_REFERENCES.c.id)
            .where(_REFERENCES.c.demand_id == _DEMANDS.c.id,
                   tuple_(_REFERENCES.c.kind, _REFERENCES.c.value).in_(bindparam("cited", expanding=True)))
            .exists())


def _cited(dialect: str, cited: Sequence[Reference]) -> dict:
    if dialect == "postgresql":
        return pairs_parameters(cited)
    # No number cited: a pair no reference has, so the statement stays the same.
    return {"cited": [(ref.kind, ref.value) for ref in cited] or [("", "")]}


def _candidates(dialect: str):
    newest = (select(_DEMANDS.c.id, case((_SAME_KIND, _DEMANDS.c.description)).label("description"),
                     _shares(dialect).label("shares"))
              .where(_DEMANDS.c.requester_id == bindparam("requester_id"), _OPEN)
              .order_by(_DEMANDS.c.created_at.desc(), _DEMANDS.c.id.desc()).limit(MAX_CANDIDATES).subquery())
    # Only those that may be alike come back (a third, in the benchmark's worst case).
    return select(newest).where(or_(newest.c.shares, newest.c.description.is_not(None)))


_CANDIDATES = {dialect: _candidates(dialect) for dialect in ("sqlite", "postgresql")}


class SimilarDemands(UnitOfWork):
    async def similar_open_demand(self, actor: Actor, draft: DemandDraft) -> DemandView | None:
        """The actor's open demand that looks like `draft`, or None: the newest citing a number the
        draft cites, else the closest description of the same classification."""
        cited = default_references().extract(draft.title, draft.description)
        dialect = self.store.dialect
        rows = (await self.session.execute(_CANDIDATES[dialect], {
            "requester_id": actor.person_id, "type_key": draft.type_key, "category_key": draft.category_key,
            "subject_key": draft.subject_key or None, **_cited(dialect, cited)})).all()
        best = next((row.id for row in rows if row.shares), None) or _closest(rows, draft)
        if best is None:
            return None
        query = select(DemandRow).where(DemandRow.id == best).options(*demand_loads())
        return demand_view((await self.session.scalars(query)).unique().one())


def _closest(rows: list, draft: DemandDraft) -> int | None:
    """The open demand of the draft's classification (the rows with a description) with the
    closest description, if close enough (the newest of equals: the rows come newest first)."""
    alike = {row.id: row.description for row in rows if row.description is not None}
    # rapidfuzz folds (lower case, no punctuation) and compares in C: taxonomy.text.fold costs
    # ~80 µs a description, and every open demand of the classification is compared.
    best = process.extractOne(draft.description, alike, scorer=fuzz.ratio, processor=utils.default_process,
                              score_cutoff=CLOSE_DESCRIPTION)
    return best[2] if best else None
