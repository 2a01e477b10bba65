"""Demands: the changes. Every one reads as three moves: load what the rule needs (the actor as
the database knows them, the demand locked on PostgreSQL), apply the rule (``lifecycle``, then
the text and files), record the event with its outbox rows (``recording``).

A refusal (``StoreError``) is raised before anything changed, so the caller may catch it and go
on using the same transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy import select

from . import errors, lifecycle, recording, references, statements, validation
from .attachments import NewAttachment, check_attachments
from .mappers import demand_view
from .models import DEMAND_NUMBERS, DemandRow, EventRow, PersonRow, SurveyAnswerRow
from .protocol import format_protocol, parse_protocol, random_suffix
from .recording import Change
from .unit import UnitOfWork
from .views import Actor, DemandDraft, DemandView, EventKind, Status


def checked(kind: EventKind, text: str | None, attachments: Sequence[NewAttachment] = (), *,
            field: str = "text", required: bool = True, data: dict | None = None) -> Change:
    """The change, once its text and files pass the checks people's input must pass."""
    return Change(kind, validation.check_text(field, text, validation.MAX_TEXT, required=required),
                  tuple(check_attachments(tuple(attachments))), data)


class DemandChanges(UnitOfWork):
    async def open_demand(self, actor: Actor, draft: DemandDraft,
                          attachments: Sequence[NewAttachment] = ()) -> DemandView:
        me = (await self.session.execute(statements.PERSON_BY_ID, {"person_id": actor.person_id})).first()
        if me is None:
            raise errors.NotAllowed(errors.UNKNOWN_PERSON)
        title = validation.check_text("title", draft.title, validation.MAX_TITLE)
        description = validation.check_text("description", draft.description,
                                            validation.MAX_DESCRIPTION)
        detail = validation.check_text("subject_detail", draft.subject_detail,
                                       validation.MAX_SUBJECT_DETAIL, required=False)
        validation.check_classification(draft)
        change = Change(EventKind.CREATED, files=tuple(check_attachments(tuple(attachments))))
        now = self.now()
        if self.store.dialect == "postgresql":
            number = await self.session.scalar(select(DEMAND_NUMBERS.next_value()))
        else:
            number = await self.session.scalar(statements.SQLITE_NEXT_DEMAND_NUMBER)
        demand = DemandView(
            id=0, protocol=format_protocol(number, random_suffix()), title=title,
            organ_key=draft.organ_key, type_key=draft.type_key, category_key=draft.category_key,
            subject_key=draft.subject_key or None, subject_detail=detail, description=description,
            status=Status.EM_ANDAMENTO, requester_id=me.id, requester_name=me.name, assignee_id=None,
            assignee_name=None, created_at=now, updated_at=now, closed_at=None, attachments=(),
            survey_pending=False, possible_duplicate_of=parse_protocol(draft.possible_duplicate_of or ""))
        demand_id = await self.session.scalar(statements.DEMAND_INSERT, {
            "number": number, "status": demand.status.name,
            **{column: getattr(demand, column) for column in statements.DEMAND_INSERT_FIELDS}})
        demand = dataclasses.replace(demand, id=demand_id)
        written = await recording.write_event(self.session, self.store.files, actor, demand, change, now,
                                              references.cited_anew((title, description)))
        await recording.queue_outbox(self.session, actor, demand, written.event_id, change.kind, now)
        return dataclasses.replace(demand, attachments=written.attachments, references=written.references)

    async def receive(self, actor: Actor, protocol: str, *, reassign: bool = False) -> DemandView:
        me, demand = await self._load(actor, protocol, EventKind.RECEIVED)
        refusal = lifecycle.refusal_to_receive(
            demand.protocol, Status[demand.status], me.id, demand.assignee_id,
            demand.assignee.name if demand.assignee else None, reassign)
        if refusal:
            raise refusal
        previous = {"previous_assignee_id": demand.assignee_id} if demand.assignee_id is not None else None
        change = Change(EventKind.RECEIVED, lifecycle.RECEIVED_TEXT, data=previous)
        demand.assignee = me
        return await self._record(actor, demand, change)

    async def answer(self, actor: Actor, protocol: str, text: str,
                     attachments: Sequence[NewAttachment] = ()) -> DemandView:
        return await self._written(actor, protocol, checked(EventKind.ANSWERED, text, attachments))

    async def request_info(self, actor: Actor, protocol: str, text: str,
                           attachments: Sequence[NewAttachment] = ()) -> DemandView:
        return await self._written(actor, protocol, checked(EventKind.INFO_REQUESTED, text, attachments))

    async def solve(self, actor: Actor, protocol: str, text: str,
                    attachments: Sequence[NewAttachment] = ()) -> DemandView:
        return await self._written(actor, protocol, checked(EventKind.SOLVED, text, attachments))

    async def _written(self, actor: Actor, protocol: str, change: Change) -> DemandView:
        """An attendant's answer, request or solution. On a demand nobody holds, the attendant
        receives it first, as the portal's timeline reads ("recebida por um atendente", then the
        action): from then on the demand, its cards and the requester say who handles it."""
        me, demand = await self._load(actor, protocol, change.kind)
        if lifecycle.waits_for_attendant(Status[demand.status], demand.assignee_id):
            demand.assignee = me
            await self._record(actor, demand, Change(EventKind.RECEIVED, lifecycle.RECEIVED_TEXT))
        return await self._record(actor, demand, change)

    async def comment(self, actor: Actor, protocol: str, text: str | None,
                      attachments: Sequence[NewAttachment] = ()) -> DemandView:
        """A comment; the requester's comment while awaiting information is that information."""
        me, demand = await self._load(actor, protocol, EventKind.COMMENT)
        kind = EventKind.COMMENT
        if demand.requester_id == me.id and demand.status == Status.AGUARDANDO.name:
            kind = EventKind.INFO_SENT
        return await self._record(actor, demand, checked(kind, text, attachments, required=not attachments))

    async def cancel(self, actor: Actor, protocol: str) -> DemandView:
        _, demand = await self._load(actor, protocol, EventKind.CANCELLED)
        return await self._record(actor, demand, Change(EventKind.CANCELLED))

    async def reopen(self, actor: Actor, protocol: str, reason: str) -> DemandView:
        _, demand = await self._load(actor, protocol, EventKind.REOPENED)
        return await self._record(actor, demand, checked(EventKind.REOPENED, reason, field="reason"))

    async def answer_survey(self, actor: Actor, protocol: str, rating: int,
                            comment: str | None = None) -> DemandView:
        me, demand = await self._load(actor, protocol, EventKind.SURVEY_ANSWERED)
        refusal = lifecycle.refusal_of_survey(demand.protocol, demand.survey_pending)
        if refusal:
            raise refusal
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise errors.InvalidField("rating", errors.RATING_OUT_OF_RANGE, str(rating))
        change = checked(EventKind.SURVEY_ANSWERED, comment, field="comment", required=False,
                         data={"rating": rating})
        solution_id = await self.session.scalar(
            select(EventRow.id).where(EventRow.demand_id == demand.id,
                                      EventRow.kind == EventKind.SOLVED.value)
            .order_by(EventRow.id.desc()).limit(1))
        self.session.add(SurveyAnswerRow(demand_id=demand.id, solved_event_id=solution_id,
                                         person_id=me.id, rating=rating, comment=change.text,
                                         created_at=self.now()))
        demand.survey_pending = False
        return await self._record(actor, demand, change)

    async def _load(self, actor: Actor, protocol: str, kind: EventKind) -> tuple[PersonRow, DemandRow]:
        """The actor and the locked demand, once the lifecycle allows ``kind`` on it."""
        me = await self._actor_row(actor)
        demand = await self._demand_row(me, protocol, for_update=True)
        refusal = lifecycle.refusal(kind, lifecycle.Situation(
            protocol=demand.protocol, status=Status[demand.status], by_attendant=me.is_attendant,
            by_requester=demand.requester_id == me.id, closed_at=demand.closed_at, now=self.now()))
        if refusal:
            raise refusal
        return me, demand

    async def _record(self, actor: Actor, demand: DemandRow, change: Change) -> DemandView:
        """The change on the loaded demand: its row is written at commit, its event at once."""
        now = self.now()
        outcome = lifecycle.outcome(change.kind, now)
        if outcome is not None:
            demand.status = outcome.status.name
            demand.closed_at = outcome.closed_at
            demand.survey_pending = outcome.survey_pending
        demand.updated_at = now
        view = demand_view(demand)
        written = await recording.write_event(self.session, self.store.files, actor, demand, change, now,
                                              references.cited_anew((change.text,), view.references))
        await recording.queue_outbox(self.session, actor, demand, written.event_id, change.kind, now)
        # The row's collections do not know the attachments and references just written: a later
        # load fills them again (and a forgotten one fails loudly, as lazy loads do here).
        stale = [name for name in ("attachments", "references") if getattr(written, name)]
        if stale:
            self.session.expire(demand, stale)
        return dataclasses.replace(view, attachments=view.attachments + written.attachments,
                                   references=view.references + written.references)
