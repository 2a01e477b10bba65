"""Issue 15, item 10: the attendants' card shows what is true now — the actions the lifecycle
still allows, who holds the demand, its dates and its files — in the room (kept current by the
notifier) and in the reply to each action; its "Anexos" button sends the files."""

from __future__ import annotations

from attendant_support import ANA, ROOM, buttons, pushed
from samples import ATTENDANT_NAME, REQUESTER_NAME
from test_actions import attendants, maria_opens, timeline  # noqa: F401 (attendants is a fixture)

from dialogs import render
from store import Actor, EventKind
from store.lifecycle import RECEIVED_TEXT

ALL_ACTIONS = ["Receber", "Responder", "Solicitar informações", "Solucionar", "Linha do tempo", "Anexos"]
HELD_ACTIONS = ALL_ACTIONS[1:]


async def the_room_gets_the_card_of_a_demand_nobody_holds(ana_room, protocol: str) -> dict:
    card = await pushed(ana_room, protocol)
    assert buttons(card) == ALL_ACTIONS
    assert "Atendente: ainda não atribuída" in card["text"] and "Anexos: print.png" in card["text"]
    return card


async def ana_answers_from_the_card_without_receiving_first(ana_room, card: dict) -> dict:
    """The answer makes her the holder: the card that confirms it says so and offers no "Receber"."""
    await ana_room.presses("Responder", on=card)
    replies = await ana_room.says("Estamos verificando a retenção.", reply_to=card["message_id"])
    assert "Resposta de Ana Atendente registrada" in ana_room.text
    confirmed = replies[-1]
    assert "Atendente: Ana Atendente" in confirmed["text"] and "ainda não atribuída" not in confirmed["text"]
    assert buttons(confirmed) == HELD_ACTIONS
    return confirmed


async def the_rooms_card_is_edited_to_match(api, card: dict) -> None:
    def edited():
        shown = api.message(ROOM, card["message_id"])
        return shown if "Atendente: Ana Atendente" in shown.get("text", "") else None
    shown = await api.wait_for(edited)
    assert buttons(shown) == HELD_ACTIONS


async def maria_hears_it_was_received_and_answered(maria) -> None:
    await pushed(maria, "recebida por um atendente")
    await pushed(maria, "Estamos verificando a retenção.")


async def bruno_gets_the_files_from_the_card(bruno_room, card: dict) -> None:
    replies = await bruno_room.presses("Anexos", on=card)
    assert [m["document"]["file_name"] for m in replies if "document" in m] == ["print.png"]


async def test_an_answer_on_a_card_nobody_held_shows_its_attendant_everywhere(
        api, people, store, attendants, notifier):
    ana_room, bruno_room, _, _, maria, _ = people
    await ana_room.says("/vincular")
    protocol = await maria_opens(store)
    card = await the_room_gets_the_card_of_a_demand_nobody_holds(ana_room, protocol)
    confirmed = await ana_answers_from_the_card_without_receiving_first(ana_room, card)
    await the_rooms_card_is_edited_to_match(api, card)
    await maria_hears_it_was_received_and_answered(maria)
    await bruno_gets_the_files_from_the_card(bruno_room, confirmed)

    # The database: Ana holds it, and the timeline reads as the portal's (received, then answered).
    assert await timeline(store, protocol) == [
        (EventKind.CREATED, REQUESTER_NAME, None), (EventKind.RECEIVED, ATTENDANT_NAME, RECEIVED_TEXT),
        (EventKind.ANSWERED, ATTENDANT_NAME, "Estamos verificando a retenção.")]
    async with store.transaction() as tx:
        ana = await tx.person_for_account("telegram", str(ANA))
        demand = await tx.get_demand(Actor(ana.id), protocol)
    assert demand.assignee_name == ATTENDANT_NAME
    # Dates, not an age that the room's card would keep showing long after it was true.
    assert f"Aberta em: {render.when(demand.created_at)}" in confirmed["text"] and "Idade" not in confirmed["text"]


async def test_a_received_card_offers_no_receive_and_a_closed_one_only_what_can_be_seen(people, store, attendants):
    ana = people[3]
    protocol = await maria_opens(store)
    replies = await ana.says(f"/receber {protocol}")
    assert "Atendente: Ana Atendente" in replies[-1]["text"] and buttons(replies[-1]) == HELD_ACTIONS
    replies = await ana.says(f"/solicitar {protocol} Qual o número da nota?")
    # Awaiting information: asked again or answered, never received again.
    assert "Situação: Aguardando Informações" in replies[-1]["text"] and buttons(replies[-1]) == HELD_ACTIONS
    replies = await ana.says(f"/solucionar {protocol} Nota localizada, retenção liberada.")
    assert "Encerrada em: " in replies[-1]["text"] and buttons(replies[-1]) == ["Linha do tempo", "Anexos"]
    assert [kind for kind, _, _ in await timeline(store, protocol)] == [
        EventKind.CREATED, EventKind.RECEIVED, EventKind.INFO_REQUESTED, EventKind.SOLVED]
