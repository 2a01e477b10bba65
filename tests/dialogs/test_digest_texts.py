"""What the rooms read from the notifier's schedule, in both languages: the digest (its parts,
long lists cut with a count) and a long wait's announcement, with its button to the card."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from dialogs.digest import LISTED, attention, digest
from store import DemandView, Status
from store.aging import Aging
from store.digest import DigestFacts

NOW = datetime(2025, 2, 4, 11, 30, tzinfo=timezone.utc)  # Tuesday 8:30 in Porto Alegre
DEMAND = DemandView(id=1, protocol="CAGE-00001-AAAA", title="Liquidação travada", organ_key="sefaz",
                    type_key="servicos", category_key="x", subject_key=None, subject_detail=None, description="d",
                    status=Status.EM_ANDAMENTO, requester_id=1, requester_name="Maria Souza", assignee_id=None,
                    assignee_name=None, created_at=NOW - timedelta(days=1), updated_at=NOW - timedelta(days=1),
                    closed_at=None, attachments=(), survey_pending=False)


def facts(waiting: int) -> DigestFacts:
    demands = [(replace(DEMAND, id=n, protocol=f"CAGE-{n:05d}-AAAA"), Aging(None, NOW - timedelta(days=1)))
               for n in range(1, waiting + 1)]
    return DigestFacts(day=date(2025, 2, 4), since=datetime(2025, 2, 3, 3, tzinfo=timezone.utc), opened=3,
                       waiting_for_cage=tuple(demands), waiting_for_information=(), solved=2,
                       survey_count=2, survey_average=4.5)


def test_the_digest_in_english_and_a_long_list_cut_with_its_count():
    text = digest(facts(LISTED + 2), NOW, "en").text
    assert text.splitlines()[:4] == ["📋 Summary of 04/02 (since 03/02)", "Opened: 3", "Solved: 2",
                                     "Satisfaction survey: average 4.5 over 2 answer(s)"]
    assert f"Waiting for CAGE: {LISTED + 2}" in text and "… and 2 more" in text
    assert text.count("• CAGE-") == LISTED and "Waiting for the requester's information: 0" in text


def test_a_long_wait_is_announced_with_a_button_to_its_card():
    message = attention([(DEMAND, 24.6)], 24, "pt-BR")
    assert message.text == "⚠️ CAGE-00001-AAAA aguarda a CAGE há 24 horas úteis: Liquidação travada (Maria Souza)."
    assert [choice.id for choice in message.choices] == ["atd:card:CAGE-00001-AAAA"]
    assert message.demand == DEMAND.protocol  # a reply to it acts on the demand


def test_long_waits_found_together_are_announced_in_one_message():
    other = replace(DEMAND, id=2, protocol="CAGE-00002-BBBB", title="Outra")
    message = attention([(DEMAND, 30), (other, 25)], 24, "en")
    assert message.text.splitlines() == [
        "⚠️ 2 demands have waited for CAGE for more than 24 working hours:",
        "• CAGE-00001-AAAA · Liquidação travada · Maria Souza · 30 working hours",
        "• CAGE-00002-BBBB · Outra · Maria Souza · 25 working hours"]
    assert [choice.id for choice in message.choices] == ["atd:card:CAGE-00001-AAAA", "atd:card:CAGE-00002-BBBB"]
    assert message.demand is None  # a reply to it names no single demand
