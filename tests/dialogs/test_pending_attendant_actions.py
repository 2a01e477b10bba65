"""Issue 15, item 1: an attendant's pending action (the text of an answer, an information request
or a solution) belongs to its demand and its step. A command, a button, a menu word or a protocol
of something else discards it, saying so, and then does what it asks; it expires after
pending.PENDING_MINUTES; plain text that follows it is still its text."""

from __future__ import annotations

import pytest
from dialog_support import Conversation, attendant, open_demand

from dialogs.pending import PENDING_MINUTES
from store import Actor, EventKind, Status
from store.outbox import list_outbox

ACTIONS = {  # command: (what the discard says, the event it would have recorded)
    "responder": ("Resposta a {protocol} descartada.", EventKind.ANSWERED),
    "solicitar": ("Pedido de informações em {protocol} descartado.", EventKind.INFO_REQUESTED),
    "solucionar": ("Solução de {protocol} descartada.", EventKind.SOLVED),
}


async def _facts(store, actor: Actor, protocol: str) -> tuple[Status, list[tuple[EventKind, str | None]], list[str]]:
    """The demand's status, its timeline (kind, text) and the kinds of the outbox rows queued for it."""
    async with store.transaction() as tx:
        view = await tx.get_demand(actor, protocol)
        events = await tx.timeline(actor, protocol)
    rows = [row.kind for row in await list_outbox(store) if row.protocol == protocol]
    return view.status, [(event.kind, event.text) for event in events], rows


async def _received(dialogs, store, ready) -> tuple[Conversation, Actor, str, str]:
    """Two demands of the requester, the first received by the attendant."""
    first = await open_demand(store, ready)
    second = await open_demand(store, ready, title="Outra demanda")
    actor = await attendant(store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente")
    await ana.say(f"/receber {first}")
    assert "recebida por" in ana.text
    return ana, actor, first, second


@pytest.mark.parametrize("command", sorted(ACTIONS))
async def test_a_pending_action_is_discarded_by_other_commands_and_oi_is_not_recorded(
        command, dialogs, sqlite_store, ready):
    ana, actor, first, second = await _received(dialogs, sqlite_store, ready)
    discarded, kind = ACTIONS[command]
    before = await _facts(sqlite_store, actor, first)

    await ana.say(f"/{command} {first}")
    assert first in ana.text and "Escreva" in ana.text  # it waits for the text
    await ana.say("/fila")
    assert ana.paragraphs[0] == discarded.format(protocol=first)
    assert second in ana.text  # and then the queue, as asked
    await ana.say(f"/demanda {second}")
    assert ana.text.startswith(f"📄 {second}")
    assert not any("descartad" in reply.text for reply in ana.replies)  # nothing left to discard
    await ana.say("oi")
    assert "registrada" not in ana.text and first not in ana.text

    status, events, rows = await _facts(sqlite_store, actor, first)
    assert (status, events, rows) == before
    assert kind not in [event_kind for event_kind, _ in events]
    assert all(text != "oi" for _, text in events)
    assert kind.value not in rows
    assert "Olá" in ana.text and (await ana.state())["flow"] != "att"  # "oi" greets, as at the menu
    second_status, second_events, _ = await _facts(sqlite_store, actor, second)
    assert [event_kind for event_kind, _ in second_events] == [EventKind.CREATED]


@pytest.mark.parametrize("command", sorted(ACTIONS))
async def test_a_pending_action_takes_the_plain_text_that_follows(command, dialogs, sqlite_store, ready):
    ana, actor, first, _ = await _received(dialogs, sqlite_store, ready)
    _, kind = ACTIONS[command]
    await ana.say(f"/{command} {first}")
    await ana.say("Segue o texto da CAGE.")
    assert ana.text.startswith("✔") and first in ana.text
    assert not any("descartad" in reply.text for reply in ana.replies)
    status, events, rows = await _facts(sqlite_store, actor, first)
    assert (kind, "Segue o texto da CAGE.") in events
    assert kind.value in rows  # pushed to the requester
    assert (await ana.state())["flow"] == "menu"


@pytest.mark.parametrize("leave", ["menu", "/start", "nova demanda", "{second}"])
async def test_a_menu_word_or_another_protocol_discards_it_too(leave, dialogs, sqlite_store, ready):
    ana, actor, first, second = await _received(dialogs, sqlite_store, ready)
    before = await _facts(sqlite_store, actor, first)
    await ana.say(f"/responder {first}")
    await ana.say(leave.format(second=second))
    assert ana.paragraphs[0] == f"Resposta a {first} descartada."
    assert len(ana.paragraphs) > 1  # and then what was asked
    await ana.say("oi")
    assert await _facts(sqlite_store, actor, first) == before


async def test_a_button_of_another_demand_discards_it(dialogs, sqlite_store, ready):
    ana, actor, first, second = await _received(dialogs, sqlite_store, ready)
    before = await _facts(sqlite_store, actor, first)
    await ana.say(f"/demanda {second}")
    await ana.say(f"/solucionar {first}")
    await ana.send(choice=f"atd:tl:{second}")  # a card's button, pressed on the older message
    assert ana.paragraphs[0] == f"Solução de {first} descartada."
    await ana.say("feito")
    assert await _facts(sqlite_store, actor, first) == before


async def test_the_same_command_again_is_not_a_discard(dialogs, sqlite_store, ready):
    ana, actor, first, _ = await _received(dialogs, sqlite_store, ready)
    await ana.say(f"/responder {first}")
    await ana.say(f"/responder {first} Resposta completa.")
    assert not any("descartad" in reply.text for reply in ana.replies)
    _, events, _ = await _facts(sqlite_store, actor, first)
    assert (EventKind.ANSWERED, "Resposta completa.") in events


async def test_an_expired_pending_action_is_not_recorded(dialogs, sqlite_store, ready, clock):
    ana, actor, first, _ = await _received(dialogs, sqlite_store, ready)
    before = await _facts(sqlite_store, actor, first)
    await ana.say(f"/responder {first}")
    clock.advance(minutes=PENDING_MINUTES + 1)
    await ana.say("Segue a resposta, atrasada.")
    assert ana.replies[0].text.startswith(f"Resposta a {first} descartada.")
    assert f"mais de {PENDING_MINUTES} minutos" in ana.replies[0].text
    assert "registrada" not in ana.text
    assert await _facts(sqlite_store, actor, first) == before


async def test_a_pending_action_within_its_time_is_recorded(dialogs, sqlite_store, ready, clock):
    ana, actor, first, _ = await _received(dialogs, sqlite_store, ready)
    await ana.say(f"/solicitar {first}")
    clock.advance(minutes=PENDING_MINUTES - 1)
    await ana.say("Envie o contrato, por favor.")
    assert not any("descartad" in reply.text for reply in ana.replies)
    status, events, _ = await _facts(sqlite_store, actor, first)
    assert (EventKind.INFO_REQUESTED, "Envie o contrato, por favor.") in events


def test_the_started_time_is_checked_where_the_state_is_read():
    from dialogs.states import AttendantState, InvalidState
    stored = {"flow": "att", "step": "text", "action": "ans", "protocol": "CAGE-00001-A0B0"}
    assert AttendantState.from_json(stored).started() is None  # saved before the time was kept: never expires
    moment = "2025-02-03T13:00:00+00:00"
    assert AttendantState.from_json({**stored, "started_at": moment}).to_json()["started_at"] == moment
    for wrong in ("yesterday", "2025-02-03T13:00:00", 5):
        with pytest.raises(InvalidState):
            AttendantState.from_json({**stored, "started_at": wrong})


async def test_the_discard_is_said_in_english_too(dialogs, sqlite_store, ready):
    first = await open_demand(sqlite_store, ready)
    await attendant(sqlite_store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente", locale="en")
    await ana.say(f"/solucionar {first}")
    await ana.say("/fila")
    assert ana.paragraphs[0] == f"Solution of {first} discarded."
