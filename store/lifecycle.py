"""The lifecycle of a demand as data (DESIGN.md "Statuses"), and the pure checks over it.

``RULES`` says, for each event, who may record it, from which statuses, and the status it leads
to. The checks below take the facts a rule looks at (who acts, the status, the closing time,
the time now) and return the refusal to raise, or None: no database, so each rule can be read
and tested alone. The store's change services load those facts, ask here, and record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import errors
from .views import CLOSED_STATUSES, OPEN_STATUSES, EventKind, Status

REQUESTER, ATTENDANT, EITHER = "requester", "attendant", "either"

# A closed demand may be reopened until the end of the 7th day after it closed (guide 2.5).
REOPEN_DAYS = 7
# The reopen window is counted in whole days of Porto Alegre, as the user reads the dates.
LOCAL_TZ = ZoneInfo("America/Sao_Paulo")

# The portal's timeline text of a received demand (quick guide, item 2.3): domain data, recorded
# in the database as the event's text, whatever the language of whoever reads it later.
RECEIVED_TEXT = "Prezado(a), sua demanda foi recebida por um atendente, favor aguardar a tratativa."


@dataclass(frozen=True)
class Rule:
    by: str                      # who may do it
    allowed_from: frozenset      # statuses it may start from
    to: Status | None            # resulting status; None keeps the current one


RULES: dict[EventKind, Rule] = {
    EventKind.RECEIVED: Rule(ATTENDANT, frozenset({Status.EM_ANDAMENTO}), None),
    EventKind.ANSWERED: Rule(ATTENDANT, OPEN_STATUSES, None),
    EventKind.INFO_REQUESTED: Rule(ATTENDANT, OPEN_STATUSES, Status.AGUARDANDO),
    EventKind.INFO_SENT: Rule(REQUESTER, frozenset({Status.AGUARDANDO}), Status.EM_ANDAMENTO),
    EventKind.COMMENT: Rule(EITHER, OPEN_STATUSES, None),
    EventKind.SOLVED: Rule(ATTENDANT, OPEN_STATUSES, Status.RESOLVIDO),
    EventKind.CANCELLED: Rule(REQUESTER, OPEN_STATUSES, Status.CANCELADO),
    EventKind.REOPENED: Rule(REQUESTER, CLOSED_STATUSES, Status.EM_ANDAMENTO),
    EventKind.SURVEY_ANSWERED: Rule(REQUESTER, frozenset({Status.RESOLVIDO}), None),
}

# Requester events the attendants' rooms hear about (the rest concern the requester only).
ROOM_EVENTS = frozenset({
    EventKind.CREATED, EventKind.INFO_SENT, EventKind.COMMENT, EventKind.CANCELLED,
    EventKind.REOPENED, EventKind.SURVEY_ANSWERED,
})


@dataclass(frozen=True)
class Situation:
    """What the rules look at: a demand as loaded, who acts on it, and when."""

    protocol: str
    status: Status
    by_attendant: bool
    by_requester: bool
    closed_at: datetime | None = None
    now: datetime | None = None


def refusal(kind: EventKind, situation: Situation) -> errors.StoreError | None:
    """Why the event may not be recorded in this situation, or None when it may."""
    rule = RULES[kind]
    if rule.by == ATTENDANT and not situation.by_attendant:
        return errors.NotAllowed(errors.ATTENDANT_ONLY, kind.value)
    if rule.by == REQUESTER and not situation.by_requester:
        return errors.NotAllowed(errors.REQUESTER_ONLY, kind.value)
    status, protocol = situation.status, situation.protocol
    if status not in rule.allowed_from:
        if kind == EventKind.SURVEY_ANSWERED:
            return errors.SurveyNotAvailable(protocol, already_answered=False)
        if kind == EventKind.REOPENED:
            return errors.InvalidTransition(errors.NOT_CLOSED, kind.value, protocol, status)
        return errors.InvalidTransition(errors.WRONG_STATUS, kind.value, protocol, status,
                                        hint=_instead(status, situation.by_requester))
    if kind == EventKind.REOPENED and situation.now >= reopen_deadline(situation.closed_at):
        return errors.ReopenWindowClosed(protocol, local_date(situation.closed_at),
                                         reopen_last_day(situation.closed_at))
    return None


def _instead(status: Status, by_requester: bool) -> str | None:
    """What the person can do about a demand whose status refuses what they asked."""
    if status is Status.AGUARDANDO:
        return errors.HINT_AWAIT_INFO
    if by_requester and status in CLOSED_STATUSES:
        return errors.HINT_REOPEN
    return None


def refusal_to_receive(protocol: str, status: Status, actor_id: int, assignee_id: int | None,
                       assignee_name: str | None, reassign: bool) -> errors.StoreError | None:
    """Receiving a demand already held: one's own is refused, someone else's needs reassign."""
    if assignee_id == actor_id:
        return errors.InvalidTransition(errors.ALREADY_YOURS, EventKind.RECEIVED.value, protocol, status)
    if assignee_id is not None and not reassign:
        return errors.AlreadyAssigned(protocol, assignee_id, assignee_name)
    return None


def waits_for_attendant(status: Status, assignee_id: int | None) -> bool:
    """Whether a demand is there to be received: nobody holds it and its status allows receiving.
    An attendant who writes on it receives it first; its card offers to receive it."""
    return assignee_id is None and status in RULES[EventKind.RECEIVED].allowed_from


def refusal_of_survey(protocol: str, survey_pending: bool) -> errors.StoreError | None:
    """The survey is offered once after each solution."""
    if not survey_pending:
        return errors.SurveyNotAvailable(protocol, already_answered=True)
    return None


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def reopen_last_day(closed_at: datetime) -> date:
    return local_date(closed_at) + timedelta(days=REOPEN_DAYS)


def reopen_deadline(closed_at: datetime) -> datetime:
    """The first instant a demand closed at ``closed_at`` may no longer be reopened."""
    return datetime.combine(reopen_last_day(closed_at) + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)


@dataclass(frozen=True)
class Outcome:
    """What an event does to the demand's status fields; None for an event that keeps them."""

    status: Status
    closed_at: datetime | None
    survey_pending: bool


def outcome(kind: EventKind, now: datetime) -> Outcome | None:
    target = RULES[kind].to
    if target is None:
        return None
    return Outcome(status=target, closed_at=now if target in CLOSED_STATUSES else None,
                   survey_pending=target == Status.RESOLVIDO)
