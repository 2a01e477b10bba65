"""The lifecycle's pure checks, without a database: who may record what, from which status, and
the 7-day reopen window counted in Porto Alegre days."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from store import EventKind, InvalidTransition, NotAllowed, ReopenWindowClosed, Status, errors
from store.lifecycle import ATTENDANT, LOCAL_TZ, REQUESTER, RULES, Situation, outcome, refusal

PROTOCOL = "CAGE-08336-T2D3"
CLOSED_AT = datetime(2025, 2, 2, 23, 30, tzinfo=LOCAL_TZ)  # already 3 February in UTC


def situation(status=Status.EM_ANDAMENTO, *, attendant=False, requester=True, now=None):
    return Situation(PROTOCOL, status, by_attendant=attendant, by_requester=requester,
                     closed_at=CLOSED_AT, now=now or CLOSED_AT)


@pytest.mark.parametrize("kind", [kind for kind, rule in RULES.items() if rule.by == ATTENDANT])
def test_attendant_events_refuse_a_requester_with_the_action(kind):
    refused = refusal(kind, situation(next(iter(RULES[kind].allowed_from))))
    assert isinstance(refused, NotAllowed)
    assert (refused.code, refused.facts["action"]) == (errors.ATTENDANT_ONLY, kind.value)


@pytest.mark.parametrize("kind", [kind for kind, rule in RULES.items() if rule.by == REQUESTER])
def test_requester_events_refuse_anyone_else(kind):
    refused = refusal(kind, situation(next(iter(RULES[kind].allowed_from)), attendant=True, requester=False))
    assert (type(refused), refused.code) == (NotAllowed, errors.REQUESTER_ONLY)


def test_a_wrong_status_says_what_can_be_done_instead():
    closed = refusal(EventKind.CANCELLED, situation(Status.RESOLVIDO))
    assert isinstance(closed, InvalidTransition)
    assert (closed.code, closed.facts["hint"]) == (errors.WRONG_STATUS, errors.HINT_REOPEN)
    waiting = refusal(EventKind.RECEIVED, situation(Status.AGUARDANDO, attendant=True, requester=False))
    assert waiting.facts["hint"] == errors.HINT_AWAIT_INFO
    assert refusal(EventKind.REOPENED, situation(Status.EM_ANDAMENTO)).code == errors.NOT_CLOSED


def test_reopen_is_allowed_to_the_end_of_the_seventh_local_day():
    last_instant = datetime(2025, 2, 9, 23, 59, 59, tzinfo=LOCAL_TZ)
    assert refusal(EventKind.REOPENED, situation(Status.RESOLVIDO, now=last_instant)) is None
    refused = refusal(EventKind.REOPENED, situation(Status.CANCELADO, now=last_instant + timedelta(seconds=1)))
    assert isinstance(refused, ReopenWindowClosed)
    assert (refused.facts["closed_on"].isoformat(), refused.facts["last_day"].isoformat()) == (
        "2025-02-02", "2025-02-09")


def test_outcomes_follow_the_table():
    now = datetime(2025, 2, 2, tzinfo=timezone.utc)
    assert outcome(EventKind.COMMENT, now) is None
    solved = outcome(EventKind.SOLVED, now)
    assert (solved.status, solved.closed_at, solved.survey_pending) == (Status.RESOLVIDO, now, True)
    reopened = outcome(EventKind.REOPENED, now)
    assert (reopened.status, reopened.closed_at, reopened.survey_pending) == (Status.EM_ANDAMENTO, None, False)
