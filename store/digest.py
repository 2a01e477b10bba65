"""The attendants' daily digest: what it tells (opened since the last working day, waiting for
CAGE the longest wait first, waiting for information, solved, the survey's average) and the
claim that makes each room's digest of a day go out once, however many notifiers run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select

from . import workdays
from .announcements import claim_once
from .aging import Aging, waiting_for_cage
from .mappers import demand_view
from .models import DemandRow, DigestClaimRow, EventRow, SurveyAnswerRow
from .unit import demand_loads
from .views import DemandView, EventKind, Status


@dataclass(frozen=True)
class DigestFacts:
    day: date  # the working day the digest is sent on
    since: datetime  # the start of the previous working day (local midnight): its period
    opened: int
    waiting_for_cage: tuple[tuple[DemandView, Aging], ...]
    waiting_for_information: tuple[DemandView, ...]
    solved: int
    survey_count: int
    survey_average: float | None


def period_of(day: date) -> tuple[datetime, datetime]:
    """From the start of the previous working day to the start of `day` (so Monday's covers the
    weekend too), as local midnights."""
    return (datetime.combine(workdays.previous_working_day(day), time(0), workdays.LOCAL),
            datetime.combine(day, time(0), workdays.LOCAL))


async def digest_facts(tx, day: date) -> DigestFacts:
    since, until = period_of(day)
    session = tx.session
    opened = await session.scalar(select(func.count()).select_from(DemandRow)
                                  .where(DemandRow.created_at >= since, DemandRow.created_at < until))
    solved = await session.scalar(select(func.count(func.distinct(EventRow.demand_id)))
                                  .where(EventRow.kind == EventKind.SOLVED.value,
                                         EventRow.created_at >= since, EventRow.created_at < until))
    survey_count, survey_average = (await session.execute(
        select(func.count(), func.avg(SurveyAnswerRow.rating))
        .where(SurveyAnswerRow.created_at >= since, SurveyAnswerRow.created_at < until))).one()
    informing = (await session.scalars(
        select(DemandRow).where(DemandRow.status == Status.AGUARDANDO.name)
        .options(*demand_loads()).order_by(DemandRow.updated_at, DemandRow.id))).unique().all()
    return DigestFacts(day=day, since=since, opened=opened or 0,
                       waiting_for_cage=tuple(await waiting_for_cage(tx)),
                       waiting_for_information=tuple(demand_view(row) for row in informing),
                       solved=solved or 0, survey_count=survey_count or 0,
                       survey_average=float(survey_average) if survey_average is not None else None)


async def claim_digest(tx, chat_id: int, day: date, owner: str) -> bool:
    """Claim a room's digest of a day; False when another process queued it already."""
    return await claim_once(tx, DigestClaimRow, owner, chat_id=chat_id, day=day)
