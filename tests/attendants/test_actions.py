"""The attendants' commands, buttons and replies one by one, through the fake Bot API, with demands
opened straight through the store (the whole requester side is in test_room_flow.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from attendant_support import ANA, BRUNO, MARIA, ROOM, admin, buttons, pushed
from samples import ATTENDANT_NAME, DRAFT, PNG, PROTOCOL, REQUESTER_NAME

from store import Actor, EventKind, NewAttachment, Status


@pytest.fixture
async def attendants(config):
    for user, name in ((ANA, ATTENDANT_NAME), (BRUNO, "Bruno Atendente")):
        assert await admin(config, "grant-attendant", "--channel", "telegram", "--user-id", str(user), "--name", name) == 0


async def maria_opens(store, **changes) -> str:
    async with store.transaction() as tx:
        maria = await tx.ensure_person("telegram", str(MARIA), REQUESTER_NAME)
        await tx.ensure_chat("telegram", str(MARIA), kind="private", person_id=maria.id)
        draft = replace(DRAFT, **changes)
        screenshot = NewAttachment("print.png", PNG)
        demand = await tx.open_demand(Actor(maria.id), draft, [screenshot])
    return demand.protocol


async def timeline(store, protocol: str) -> list[tuple[EventKind, str, str | None]]:
    async with store.transaction() as tx:
        ana = await tx.person_for_account("telegram", str(ANA))
        events = await tx.timeline(Actor(ana.id), protocol)
    return [(e.kind, e.author_name, e.text) for e in reversed(events)]


async def test_only_attendants_may_act_anywhere(people, store, config, attendants):
    ana_room, bruno_room, joao_room, ana, maria, joao = people
    protocol = await maria_opens(store)
    for command in ("/fila", f"/receber {protocol}", f"/solucionar {protocol} feito", "/vincular"):
        await joao.says(command)
        assert joao.text == "Somente atendentes da CAGE podem usar este comando."
    await joao_room.says(f"/demanda {protocol}")
    assert "Somente atendentes da CAGE" in joao_room.text and protocol not in joao_room.text
    assert await timeline(store, protocol) == [(EventKind.CREATED, "Maria Souza", None)]
    # Revoked: refused from then on.
    assert await admin(config, "revoke-attendant", "--channel", "telegram", "--user-id", str(BRUNO)) == 0
    await bruno_room.says("/fila")
    assert "Somente atendentes" in bruno_room.text


async def ana_looks_it_up_and_receives_it(ana, protocol: str) -> None:
    loose = protocol.lower().replace("-", "")
    replies = await ana.says(f"/demanda {loose}")
    assert replies[-1]["text"].startswith(f"📄 {protocol}") and "Anexos: print.png" in replies[-1]["text"]
    await ana.says(f"/receber {protocol}")
    assert "recebida por Ana Atendente" in ana.text
    await ana.says("/atribuidas")
    assert "Demandas com você" in ana.text and protocol in ana.text


async def ana_answers_in_two_messages_with_a_file_between(ana, protocol: str) -> None:
    """/responder without text asks for it; a file sent meanwhile goes with the answer."""
    await ana.says(f"/responder {protocol}")
    assert "Escreva a resposta" in ana.text
    await ana.sends_document("orientacao.pdf", b"%PDF-1.4 orientacao")
    assert "orientacao.pdf" in ana.text
    await ana.says("Veja a orientação anexa.")
    assert "Resposta de Ana Atendente registrada" in ana.text


async def ana_cancels_a_request_then_makes_it_in_one_message(ana, protocol: str) -> None:
    """"cancelar" in the middle of an action records nothing."""
    await ana.says(f"/solicitar {protocol}")
    await ana.says("cancelar")
    assert "Nada foi registrado" in ana.text
    await ana.says(f"/solicitar {protocol} Qual o número da nota?")
    assert "Situação: Aguardando Informações" in ana.text


async def ana_answers_in_a_files_caption(ana, protocol: str) -> None:
    await ana.sends_document("modelo.pdf", b"%PDF-1.4 modelo", caption=f"/responder {protocol} Modelo anexo.")
    assert "Resposta de Ana Atendente registrada" in ana.text


async def an_unknown_protocol_and_a_missing_one_are_explained(ana) -> None:
    await ana.says("/responder CAGE-99999-Z9Z9 texto")
    assert "CAGE-99999-Z9Z9" in ana.text and "Resposta" not in ana.text
    await ana.says("/receber")
    assert "/receber CAGE-00000-A0B0" in ana.text


async def a_command_leaves_her_own_profile_where_it_was(ana, protocol: str) -> None:
    """The requester dialogs still work for an attendant in a private chat, and a command in the
    middle of one of them leaves it where it was."""
    replies = await ana.says("menu")
    assert "Nova demanda" in buttons(replies[-1])
    await ana.presses("Nova demanda")
    assert "Qual é o seu nome completo?" in ana.text
    await ana.says("/fila")
    assert protocol in ana.text
    await ana.says("Ana Atendente")
    assert "e-mail" in ana.text


async def test_commands_in_one_message_and_in_two(people, store, attendants):
    ana = people[3]
    protocol = await maria_opens(store)
    await ana_looks_it_up_and_receives_it(ana, protocol)
    await ana_answers_in_two_messages_with_a_file_between(ana, protocol)
    await ana_cancels_a_request_then_makes_it_in_one_message(ana, protocol)
    await ana_answers_in_a_files_caption(ana, protocol)
    await an_unknown_protocol_and_a_missing_one_are_explained(ana)

    events = await timeline(store, protocol)
    assert [kind for kind, _, _ in events] == [EventKind.CREATED, EventKind.RECEIVED, EventKind.ANSWERED,
                                               EventKind.INFO_REQUESTED, EventKind.ANSWERED]
    async with store.transaction() as tx:
        demand = await tx.get_demand(Actor((await tx.person_for_account("telegram", str(ANA))).id), protocol)
    assert sorted(a.filename for a in demand.attachments) == ["modelo.pdf", "orientacao.pdf", "print.png"]

    await a_command_leaves_her_own_profile_where_it_was(ana, protocol)


async def test_taking_over_asks_first_and_then_reassigns(people, store, attendants):
    ana_room, bruno_room, *_ = people
    protocol = await maria_opens(store)
    await ana_room.says(f"/receber {protocol}")
    await bruno_room.says(f"/receber {protocol}")
    assert "já está com Ana Atendente" in bruno_room.text
    await bruno_room.presses("Sim, assumir")
    assert "recebida por Bruno Atendente" in bruno_room.text and "Atendente: Bruno Atendente" in bruno_room.text
    await bruno_room.says("/atribuidas")
    assert protocol in bruno_room.text
    await ana_room.says("/atribuidas")
    assert "Nenhuma demanda aberta com você" in ana_room.text


async def test_replies_to_cards_and_to_pushes(api, people, store, attendants, notifier):
    ana_room, bruno_room, *_ = people
    await ana_room.says("/vincular")
    protocol = await maria_opens(store)
    push = await pushed(ana_room, protocol)  # the notifier's "Nova Demanda" in the room

    # A reply to the push that says its action: received, no question asked.
    replies = await bruno_room.says("Recebo", reply_to=push["message_id"])
    assert "recebida por Bruno Atendente" in bruno_room.text
    card = replies[-1]
    # A reply to the card that says its action, with its text.
    await bruno_room.says("Solicito o número do empenho, por favor.", reply_to=card["message_id"])
    assert "solicitou informações" in bruno_room.text
    # A reply that does not say: the bot asks; "Descartar" records nothing.
    await ana_room.says("Acho que é o mesmo caso de ontem", reply_to=card["message_id"])
    assert "O que fazer com sua mensagem" in ana_room.text
    await ana_room.presses("Descartar")
    assert "Nada foi registrado" in ana_room.text
    # Attendants talking among themselves (not to the bot) get no answer.
    assert await ana_room.says("Bruno, você vê essa?") == []

    assert [kind for kind, _, _ in await timeline(store, protocol)] == [
        EventKind.CREATED, EventKind.RECEIVED, EventKind.INFO_REQUESTED]
    await pushed(people[4], "Solicito o número do empenho")  # Maria was told

    # The pushed card itself now shows where the demand is, and its buttons still act on it;
    # unbinding stops the room pushes.
    card_now = await api.wait_for(lambda: _showing(api.message(ROOM, push["message_id"]),
                                                   "Situação: Aguardando Informações"))
    assert "Atendente: Bruno Atendente" in card_now["text"]
    await ana_room.presses("Linha do tempo", on=card_now)
    assert f"Linha do tempo de {protocol}" in ana_room.text
    await ana_room.says("/desvincular")
    assert "não é mais a sala" in ana_room.text
    async with store.transaction() as tx:
        chat = await tx.ensure_chat("telegram", str(ROOM), kind="group")
    assert not chat.is_attendant_room


async def test_the_queue_lists_unassigned_first_then_oldest(people, store, attendants):
    ana_room, *_ = people
    first = await maria_opens(store, title="Primeira")
    second = await maria_opens(store, title="Segunda")
    third = await maria_opens(store, title="Terceira")
    await ana_room.says(f"/receber {first}")
    async with store.transaction() as tx:
        maria = await tx.person_for_account("telegram", str(MARIA))
        await tx.cancel(Actor(maria.id), third)
    replies = await ana_room.says("/fila")
    listed = PROTOCOL.findall(replies[-1]["text"].split("\n", 1)[1])
    assert listed == [second, first]  # the cancelled one is not open
    assert "sem atendente" in replies[-1]["text"] and "Ana Atendente" in replies[-1]["text"]
    assert "Status" not in replies[-1]["text"] and "Em Andamento" in replies[-1]["text"]
    assert Status.CANCELADO.value not in replies[-1]["text"]


async def test_a_long_queue_is_paged(people, store, attendants):
    ana_room, *_ = people
    protocols = [await maria_opens(store, title=f"Demanda {n}") for n in range(10)]
    replies = await ana_room.says("/fila")
    assert "página 1 de 2" in replies[-1]["text"] and PROTOCOL.findall(replies[-1]["text"]) == protocols[:8]
    replies = await ana_room.presses("Mais ▶")
    assert "página 2 de 2" in replies[-1]["text"] and PROTOCOL.findall(replies[-1]["text"]) == protocols[8:]
    assert "◀ Anteriores" in buttons(replies[-1])


async def test_a_reply_to_the_question_works_even_after_leaving_it(people, store, attendants):
    ana_room, *_ = people
    protocol = await maria_opens(store)
    replies = await ana_room.says(f"/solucionar {protocol}")
    question = replies[-1]
    assert "Responda a esta mensagem" in question["text"]
    await ana_room.says("cancelar")
    await ana_room.says("Acesso liberado.", reply_to=question["message_id"])
    assert "O que fazer com sua mensagem" in ana_room.text
    await ana_room.presses("Solucionar")
    assert "solucionada por Ana Atendente" in ana_room.text
    assert (await timeline(store, protocol))[-1] == (EventKind.SOLVED, "Ana Atendente", "Acesso liberado.")


def _showing(message: dict, fragment: str) -> dict | None:
    return message if fragment in message.get("text", "") else None
