"""Similar demands: before a requester sends a new demand, the open demand of theirs it may
repeat, the same request written again. Two demands are alike when they cite the same document
number, or have the same classification and close descriptions.
"""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy import select

from taxonomy.references import default_references
from taxonomy.text import fold

from . import references
from .mappers import demand_view
from .models import DemandReferenceRow, DemandRow
from .unit import UnitOfWork, demand_loads
from .views import OPEN_STATUSES, Actor, DemandDraft, DemandView

# rapidfuzz's ratio (0-100) of the folded descriptions from which two are "the same request".
CLOSE_DESCRIPTION = 80
# A requester's open demands compared, newest first; more than this open at once is rare.
MAX_CANDIDATES = 50
_OPEN = [status.name for status in OPEN_STATUSES]
_CANDIDATES = (select(DemandRow.id, DemandRow.type_key, DemandRow.category_key, DemandRow.subject_key,
                      DemandRow.description)
               .order_by(DemandRow.created_at.desc(), DemandRow.id.desc()).limit(MAX_CANDIDATES))


def same_classification(draft: DemandDraft, row) -> bool:
    return (draft.type_key, draft.category_key, draft.subject_key or None) == (
        row.type_key, row.category_key, row.subject_key)


class SimilarDemands(UnitOfWork):
    async def similar_open_demand(self, actor: Actor, draft: DemandDraft) -> DemandView | None:
        """The actor's open demand that looks like `draft`, or None: the newest citing a number the
        draft cites, else the closest description of the same classification."""
        rows = (await self.session.execute(_CANDIDATES.where(
            DemandRow.requester_id == actor.person_id, DemandRow.status.in_(_OPEN)))).all()
        if not rows:
            return None
        best = await self._citing_the_same(rows, draft) or self._closest(rows, draft)
        if best is None:
            return None
        query = select(DemandRow).where(DemandRow.id == best).options(*demand_loads())
        return demand_view((await self.session.scalars(query)).unique().one())

    async def _citing_the_same(self, rows: list, draft: DemandDraft) -> int | None:
        cited = default_references().extract(draft.title, draft.description)
        if not cited:
            return None
        query = references.citing(cited).where(DemandReferenceRow.demand_id.in_([row.id for row in rows]))
        sharing = set((await self.session.scalars(query)).all())
        return next((row.id for row in rows if row.id in sharing), None)

    @staticmethod
    def _closest(rows: list, draft: DemandDraft) -> int | None:
        description = fold(draft.description)
        scored = [(fuzz.ratio(description, fold(row.description), score_cutoff=CLOSE_DESCRIPTION), row.id)
                  for row in rows if same_classification(draft, row)]
        score, best = max(scored, default=(0, None))
        return best if score else None
