"""Issue 15, items 2 and 3: a requester's pending action (a comment, a reopen reason, a survey
comment) belongs to its demand and its step, like the attendant's; a bare protocol number is a
protocol, never an option of the card on screen; and a text that reads as a request (a query, a
command) is never stored as content without asking — for the attendant's answer too."""

from __future__ import annotations

import pytest
from dialog_support import Conversation, as_attendant, attendant, open_demand, person_id

from dialogs.pending import PENDING_MINUTES
from store import Actor, EventKind


async def _events(store, conv: Conversation, protocol: str) -> list[tuple[EventKind, str | None]]:
    async with store.transaction() as tx:
        return [(event.kind, event.text) for event in await tx.timeline(Actor(await person_id(store, conv)), protocol)]


async def _two(store, conv: Conversation) -> tuple[str, str]:
    return await open_demand(store, conv), await open_demand(store, conv, title="Outra demanda")


async def test_a_bare_protocol_number_over_a_card_shows_that_demand_not_an_option(ready, sqlite_store):
    first, second = await _two(sqlite_store, ready)
    await ready.say(first)
    assert ready.choice_ids[1] == f"dm:com:{first}"  # option 2 of the card: "Comentar/anexar"
    await ready.say(second.split("-")[1])  # "00002"
    assert ready.replies[-1].text.startswith(f"📄 {second}") and "Escreva o comentário" not in ready.text
    await ready.say("Um texto qualquer.")  # not a comment on either demand
    assert "Comentário registrado" not in ready.text
    assert await _events(sqlite_store, ready, first) == [(EventKind.CREATED, None)]
    assert await _events(sqlite_store, ready, second) == [(EventKind.CREATED, None)]


async def test_in_comment_mode_another_demands_number_shows_it_saying_the_comment_was_dropped(ready, sqlite_store):
    first, second = await _two(sqlite_store, ready)
    await ready.send(choice=f"dm:com:{first}")
    await ready.say("00002")
    assert ready.paragraphs[0] == f"Comentário em {first} descartado."
    assert ready.replies[-1].text.startswith(f"📄 {second}")
    assert await _events(sqlite_store, ready, first) == [(EventKind.CREATED, None)]


async def test_a_query_in_comment_mode_is_asked_about_and_no_does_what_it_asked(ready, sqlite_store):
    first, second = await _two(sqlite_store, ready)
    await ready.send(choice=f"dm:com:{first}")
    await ready.say(f"linha do tempo {second}")
    assert ready.text == f"Registrar como comentário em {first}?\n“linha do tempo {second}”"
    assert ready.choice_ids == ["yes", "no"]
    await ready.say("não")
    assert ready.paragraphs[0] == f"Comentário em {first} descartado."
    assert f"Linha do tempo de {second}" in ready.text
    assert await _events(sqlite_store, ready, first) == [(EventKind.CREATED, None)]
    assert (await ready.state())["flow"] == "menu"


async def test_a_query_confirmed_as_content_is_recorded(ready, sqlite_store):
    first, second = await _two(sqlite_store, ready)
    await ready.send(choice=f"dm:com:{first}")
    await ready.say(f"status da {second}: é a mesma falha")
    assert "Registrar como comentário" in ready.text
    await ready.say("1")  # "Sim, registrar"
    assert f"Comentário registrado na demanda {first}" in ready.text
    assert (EventKind.COMMENT, f"status da {second}: é a mesma falha") in await _events(sqlite_store, ready, first)
    assert await _events(sqlite_store, ready, second) == [(EventKind.CREATED, None)]


async def test_a_new_text_at_the_question_is_the_comment(ready, sqlite_store):
    first, second = await _two(sqlite_store, ready)
    await ready.send(choice=f"dm:com:{first}")
    await ready.say(f"cancelar {second}")
    await ready.say("Segue o documento pedido.")
    assert f"Comentário registrado na demanda {first}" in ready.text
    assert (EventKind.COMMENT, "Segue o documento pedido.") in await _events(sqlite_store, ready, first)


async def _at(step: str, ready, store, protocol: str) -> str:
    """The requester at a pending step of `protocol`; the sentence its discard says."""
    if step == "comment":
        await ready.send(choice=f"dm:com:{protocol}")
        return f"Comentário em {protocol} descartado."
    await as_attendant(store, "solve", protocol, "Feito.")
    if step == "reopen":
        await ready.send(choice=f"dm:reo:{protocol}")
        return f"Reabertura de {protocol} descartada."
    await ready.send(choice=f"dm:srv:{protocol}")
    await ready.say("4")
    return f"Avaliação de {protocol} não registrada: a pesquisa continua disponível na demanda."


@pytest.mark.parametrize("step", ["comment", "reopen", "rating_comment"])
@pytest.mark.parametrize("leave", ["menu", "/fila", "Nova demanda", "{second}", "00002", "button"])
async def test_a_pending_text_is_discarded_by_anything_of_something_else(step, leave, ready, sqlite_store):
    first, second = await _two(sqlite_store, ready)
    said = await _at(step, ready, sqlite_store, first)
    before = await _events(sqlite_store, ready, first)
    if leave == "button":
        await ready.send(choice=f"dm:show:{second}")  # an older message's button
    else:
        await ready.say(leave.format(second=second))
    assert ready.paragraphs[0] == said
    assert len(ready.paragraphs) > 1  # and then what was asked
    if leave in ("{second}", "00002", "button"):
        assert ready.replies[-1].text.startswith(f"📄 {second}")
    await ready.say("Texto solto, depois.")
    assert await _events(sqlite_store, ready, first) == before
    assert await _events(sqlite_store, ready, second) == [(EventKind.CREATED, None)]


@pytest.mark.parametrize("step", ["comment", "reopen", "rating_comment"])
async def test_a_pending_text_expires(step, ready, sqlite_store, clock):
    first, _ = await _two(sqlite_store, ready)
    said = await _at(step, ready, sqlite_store, first)
    before = await _events(sqlite_store, ready, first)
    clock.advance(minutes=PENDING_MINUTES + 1)
    await ready.say("Escrevi isto bem depois.")
    assert ready.paragraphs[0] == f"{said} Passaram mais de {PENDING_MINUTES} minutos sem resposta; nada foi registrado."
    assert await _events(sqlite_store, ready, first) == before


async def test_the_requesters_discard_is_said_in_english_too(dialogs, sqlite_store):
    john = Conversation(dialogs, user="john", name="John Smith", locale="en")
    first = await open_demand(sqlite_store, john)
    await john.send(choice=f"dm:com:{first}")
    await john.say("menu")
    assert john.paragraphs[0] == f"Comment on {first} discarded."
    await john.send(choice=f"dm:com:{first}")
    await john.say(f"timeline {first}")
    assert john.text == f"Record this as a comment on {first}?\n“timeline {first}”"


async def test_an_attendants_text_that_reads_as_a_query_is_asked_about(dialogs, sqlite_store, ready):
    first, second = await _two(sqlite_store, ready)
    actor = await attendant(sqlite_store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente")
    await ana.say(f"/responder {first}")
    await ana.say(f"linha do tempo {second}")
    assert ana.text == f"Registrar como resposta a {first}?\n“linha do tempo {second}”"
    await ana.say("não")
    assert ana.paragraphs[0] == f"Resposta a {first} descartada."
    assert f"Linha do tempo de {second}" in ana.text  # and what it asked, in her private chat
    async with sqlite_store.transaction() as tx:
        assert [event.kind for event in await tx.timeline(actor, first)] == [EventKind.CREATED]
    # Yes records it as the answer.
    await ana.say(f"/solucionar {first}")
    await ana.say(f"Resolvido junto com a {second}.")
    assert "Registrar como solução" in ana.text
    await ana.press("yes")
    assert ana.text.startswith("✔") and first in ana.text
    async with sqlite_store.transaction() as tx:
        assert (EventKind.SOLVED, f"Resolvido junto com a {second}.") in [
            (event.kind, event.text) for event in await tx.timeline(actor, first)]
