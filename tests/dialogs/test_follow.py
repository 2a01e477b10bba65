"""Following demands: status in many phrasings, timeline, lists, comment, cancel, reopen, survey."""

from __future__ import annotations

import json

import pytest

from dialogs import IncomingFile
from store import Actor, EventKind
from store.lifecycle import reopen_deadline
from dialog_support import Conversation, as_attendant, complete_profile, open_demand, person_id


@pytest.fixture
async def demand(ready, sqlite_store):
    return await open_demand(sqlite_store, ready)


def loose(protocol: str) -> str:
    """"CAGE-00001-A1B2" as a person may type it: "cage 00001 a1b2"."""
    return protocol.replace("-", " ").lower()


@pytest.mark.parametrize("phrase", [
    "status of {p}", "qual a situação da {p}?", "{p}", "{loose}", "Como está a {compact}", "andamento da {number}",
    "STATUS {number}", "{number}",
])
async def test_status_understood_in_many_phrasings(ready, demand, phrase):
    number = demand.split("-")[1]
    await ready.say(phrase.format(p=demand, loose=loose(demand), compact=demand.replace("-", ""), number=number))
    text = ready.text
    assert f"📄 {demand} — Erro ao reter tributo na liquidação" in text
    for expected in ("Situação: Em Andamento", "Tipo: Suporte Sistemas", "Categoria: Erros/Dúvidas/Solicitações",
                     "Assunto: FPE – Execução de Despesa > Retenção", "Aberta em: 03/02/2025 10:00",
                     "Atendente: ainda não atribuída", "Últimos eventos:", "Demanda criada"):
        assert expected in text
    assert ready.replies[-1].card["protocol"] == demand
    assert ready.choice_ids == [f"dm:tl:{demand}", f"dm:com:{demand}", f"dm:can:{demand}", "menu"]


async def test_status_shows_the_assignee_and_latest_events(ready, demand, sqlite_store, clock):
    clock.advance(minutes=5)
    await as_attendant(sqlite_store, "receive", demand)
    clock.advance(minutes=5)
    await as_attendant(sqlite_store, "request_info", demand, "Envie a nota de empenho.")
    await ready.say(f"situação da {demand}")
    assert "Situação: Aguardando Informações" in ready.text and "Atendente: Ana Atendente" in ready.text
    lines = ready.text.splitlines()
    latest = lines.index("Últimos eventos:")
    assert "Solicitação de informações (Ana Atendente): Envie a nota de empenho." in lines[latest + 1]
    assert "03/02/2025 10:10" in lines[latest + 1]


async def test_timeline_shows_every_event_newest_first(ready, demand, sqlite_store, clock):
    for n in range(5):
        clock.advance(minutes=1)
        await as_attendant(sqlite_store, "answer", demand, f"Resposta {n}")
    await ready.say(f"linha do tempo da {demand}")
    assert f"Linha do tempo de {demand}" in ready.text
    order = [ready.text.index(f"Resposta {n}") for n in reversed(range(5))]
    assert order == sorted(order) and ready.text.index("Resposta 0") < ready.text.index("Demanda criada")
    # Created, received by the first answer's author (nobody held it), then the five answers.
    assert ready.replies[0].card["kind"] == "timeline" and len(ready.replies[0].card["events"]) == 7
    # "linha do tempo" alone refers to the demand on screen
    await ready.say("menu")
    await ready.say(demand)
    await ready.say("linha do tempo")
    assert f"Linha do tempo de {demand}" in ready.text


async def test_someone_elses_protocol_reads_like_a_missing_one(ready, demand, dialogs):
    other = Conversation(dialogs, user="u2", name="Bruno")
    await complete_profile(other)
    await other.say(f"status da {demand}")
    theirs = other.text
    await other.say("status da CAGE-99999-Z9Z9")
    assert theirs.replace(demand, "X") == other.text.replace("CAGE-99999-Z9Z9", "X")
    assert "Não encontrei a demanda" in theirs
    await other.send(choice=f"dm:can:{demand}")  # a forged button is no way in either
    assert "Não encontrei a demanda" in other.text


async def test_lists_are_paginated_and_each_demand_opens(ready, sqlite_store, clock):
    protocols = []
    for n in range(7):
        clock.advance(minutes=1)
        protocols.append(await open_demand(sqlite_store, ready, title=f"Demanda {n}"))
    await as_attendant(sqlite_store, "solve", protocols[0], "Feito.")
    await ready.press("menu:open")
    assert "Minhas demandas ativas — página 1 de 2 (6 no total)" in ready.text
    assert ready.choice_ids[:5] == [f"dm:show:{p}" for p in reversed(protocols[2:])]
    await ready.press("pg:next")
    assert "página 2 de 2" in ready.text and ready.choice_ids[0] == f"dm:show:{protocols[1]}"
    await ready.say("menu")
    await ready.say("todas as demandas")
    assert "Todas as demandas — página 1 de 2 (7 no total)" in ready.text
    await ready.say("mais")
    assert f"{protocols[0]} · Demanda 0 · Maria Silva · Resolvido · 03/02/2025" in ready.text
    await ready.say("2")  # the second item of the list shown
    assert f"📄 {protocols[0]} — Demanda 0" in ready.text and "Situação: Resolvido" in ready.text
    assert f"dm:reo:{protocols[0]}" in ready.choice_ids and f"dm:srv:{protocols[0]}" in ready.choice_ids


async def test_empty_lists_say_so(ready):
    await ready.press("menu:open")
    assert "Você não tem demandas ativas" in ready.text
    await ready.press("menu:all")
    assert "Você ainda não abriu nenhuma demanda" in ready.text and "menu:new" in ready.choice_ids


async def test_comment_with_attachment_answers_a_request_for_information(ready, demand, sqlite_store):
    await as_attendant(sqlite_store, "request_info", demand, "Envie a nota.")
    await ready.say(demand)
    await ready.press(f"dm:com:{demand}")
    assert "Escreva o comentário" in ready.text
    await ready.attach("nota.pdf", b"%PDF-1.4\n%%EOF\n")
    assert "Arquivos prontos:\n1. nota.pdf" in ready.text
    await ready.say("Segue a nota de empenho.")
    assert "Comentário registrado" in ready.text and "situação: Em Andamento" in ready.text
    async with sqlite_store.transaction() as tx:
        [latest, *_] = await tx.timeline(Actor(await person_id(sqlite_store, ready)), demand)
    assert latest.kind == EventKind.INFO_SENT and latest.text == "Segue a nota de empenho."
    assert [a.filename for a in latest.attachments] == ["nota.pdf"]


async def test_files_alone_can_be_sent_as_a_comment(ready, demand):
    await ready.say(f"comentar na {demand}")
    await ready.attach("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    await ready.press("com:send")
    assert "Comentário registrado" in ready.text


async def test_thirty_files_in_one_comment_keep_the_state_small_and_the_eleventh_is_refused(ready, demand):
    await ready.say(f"comentar na {demand}")
    files = [IncomingFile(f"foto-{n:02}.png", b"\x89PNG\r\n\x1a\n" + bytes([n]) * 300_000) for n in range(30)]
    await ready.send(files=files)
    refusals = [paragraph for paragraph in ready.paragraphs if paragraph.startswith("Não guardei")]
    assert len(ready.replies) == 1  # twenty refusals and the question: one message, not twenty-one
    assert refusals == [f"Não guardei “foto-{n:02}.png”: cada demanda ou comentário leva até 10 arquivos. Envie os "
                        "demais em outro comentário depois." for n in range(10, 30)]
    state = await ready.state()
    assert len(json.dumps(state)) < 4096  # ids and names: the contents wait in the attachment store
    assert [file["filename"] for file in state["files"]] == [f"foto-{n:02}.png" for n in range(10)]
    await ready.press("com:send")
    assert "Comentário registrado" in ready.text
    async with ready.dialogs.store.transaction() as tx:
        [latest, *_] = await tx.timeline(Actor(await person_id(ready.dialogs.store, ready)), demand)
    assert [a.filename for a in latest.attachments] == [f"foto-{n:02}.png" for n in range(10)]


async def test_cancel_needs_an_explicit_yes(ready, demand):
    await ready.say(f"cancelar a {demand}")
    assert "Confirma o cancelamento" in ready.text and ready.choice_ids == ["yes", "no"]
    await ready.say("talvez")
    assert "Responda “sim” ou “não”" in ready.text
    await ready.say("não")
    assert "continua aberta" in ready.text and "Situação: Em Andamento" in ready.text
    await ready.press(f"dm:can:{demand}")
    await ready.say("sim")
    assert f"Demanda {demand} cancelada" in ready.text and f"dm:reo:{demand}" in ready.choice_ids
    await ready.say(f"cancelar {demand}")
    assert "já está Cancelado e não pode ser cancelada" in ready.text


async def test_reopen_with_a_reason(ready, demand, sqlite_store):
    await as_attendant(sqlite_store, "solve", demand, "Resolvido.")
    await ready.say(f"reabrir {loose(demand)}")
    assert "Escreva o motivo" in ready.text
    await ready.say("O erro voltou a acontecer.")
    assert f"Demanda {demand} reaberta (situação: Em Andamento)" in ready.text
    await ready.press(f"dm:tl:{demand}")
    assert "Demanda reaberta (Maria Silva): O erro voltou a acontecer." in ready.text


@pytest.mark.parametrize("how", ["typed", "pressed"])
async def test_reopen_is_refused_after_seven_days_before_the_reason(ready, demand, sqlite_store, clock, how):
    """Issue 15, item 8: the window is checked before the reason is asked; the next line is no reason."""
    await as_attendant(sqlite_store, "solve", demand, "Resolvido.")
    clock.advance(days=8)
    if how == "typed":
        await ready.say(f"reabrir {demand}")
    else:
        await ready.say(demand)
        await ready.press(f"dm:reo:{demand}")
    assert "só podia ser reaberta até" in ready.text and "Abra uma nova demanda" in ready.text
    assert "Escreva o motivo" not in ready.text
    assert "menu:new" in ready.choice_ids
    state = await ready.state()
    assert state["flow"] == "menu" and state["step"] == "menu"
    await ready.say("minhas demandas")  # a command, not a reason
    assert "Escreva o motivo" not in ready.text and "reaberta (situação" not in ready.text
    async with sqlite_store.transaction() as tx:
        actor = Actor(await person_id(sqlite_store, ready))
        view = await tx.get_demand(actor, demand)
        events = await tx.timeline(actor, demand)
    assert view.status.name == "RESOLVIDO"
    assert EventKind.REOPENED not in [event.kind for event in events]


async def test_reopen_on_the_last_day_still_asks_the_reason(ready, demand, sqlite_store, clock):
    await as_attendant(sqlite_store, "solve", demand, "Resolvido.")
    clock.advance(days=7)  # closed 03/02 10:00 local; reopenable through 10/02
    await ready.say(f"reabrir {demand}")
    assert "Escreva o motivo" in ready.text
    await ready.say("Ainda preciso.")
    assert f"Demanda {demand} reaberta" in ready.text
    async with sqlite_store.transaction() as tx:
        view = await tx.get_demand(Actor(await person_id(sqlite_store, ready)), demand)
    assert view.status.name == "EM_ANDAMENTO"


async def test_reopen_window_closing_while_the_reason_is_written_is_refused(ready, demand, sqlite_store, clock):
    await as_attendant(sqlite_store, "solve", demand, "Resolvido.")
    closing = reopen_deadline(clock.now)
    clock.advance(seconds=(closing - clock.now).total_seconds() - 600)  # ten minutes before the window closes
    await ready.say(f"reabrir {demand}")
    assert "Escreva o motivo" in ready.text
    clock.advance(minutes=20)  # the window closes while the reason is written (not long enough to expire)
    await ready.say("Ainda preciso.")
    assert "só podia ser reaberta até" in ready.text and "menu:new" in ready.choice_ids
    async with sqlite_store.transaction() as tx:
        view = await tx.get_demand(Actor(await person_id(sqlite_store, ready)), demand)
    assert view.status.name == "RESOLVIDO"


async def test_reopen_of_an_open_demand_is_refused(ready, demand):
    await ready.say(f"reabrir {demand}")
    assert "não precisa ser reaberta" in ready.text


async def test_survey_takes_a_rating_and_an_optional_comment(ready, demand, sqlite_store):
    await as_attendant(sqlite_store, "solve", demand, "Feito.")
    await ready.say(demand)
    assert "pesquisa de satisfação está disponível" in ready.text
    await ready.press(f"dm:srv:{demand}")
    assert [c.split(":")[1] for c in ready.choice_ids] == ["1", "2", "3", "4", "5"]
    await ready.say("7")
    assert "nota de 1 a 5" in ready.text
    await ready.say("5")
    assert "comentário sobre o atendimento" in ready.text
    await ready.say("Rápido e claro.")
    assert "Avaliação 5/5 registrada" in ready.text and f"dm:srv:{demand}" not in ready.choice_ids
    await ready.say(f"avaliar {demand}")
    assert "não está disponível" in ready.text


async def test_survey_comment_may_be_skipped(ready, demand, sqlite_store):
    await as_attendant(sqlite_store, "solve", demand, "Feito.")
    await ready.send(choice=f"dm:srv:{demand}")
    await ready.press("r:3")
    await ready.press("skip")
    assert "Avaliação 3/5 registrada" in ready.text


async def test_survey_before_the_solution_is_refused(ready, demand):
    await ready.say(f"avaliar {demand}")
    assert "pesquisa da demanda" in ready.text and "não está disponível" in ready.text


@pytest.mark.parametrize("start", ["com", "can", "reo", "srv", "srv2"])
@pytest.mark.parametrize("word", ["voltar", "cancelar", "menu", "ajuda"])
async def test_global_words_at_every_follow_step(ready, demand, sqlite_store, start, word):
    if start in ("reo", "srv", "srv2"):
        await as_attendant(sqlite_store, "solve", demand, "Feito.")
    await ready.send(choice=f"dm:{start[:3]}:{demand}")
    if start == "srv2":
        await ready.press("r:4")
    before, question = await ready.state(), ready.question
    await ready.say(word)
    state = await ready.state()
    if word == "ajuda":
        assert state["step"] == before["step"]
        ready.assert_helped_then_asked(question)
    elif word == "voltar":
        expected = "rating" if start == "srv2" else "menu"
        assert state["step"] == expected
        if expected == "menu":
            assert f"📄 {demand}" in ready.text  # back to the demand
    else:
        assert state["flow"] == "menu" and "menu:new" in ready.choice_ids
    async with sqlite_store.transaction() as tx:
        view = await tx.get_demand(Actor(await person_id(sqlite_store, ready)), demand)
    assert view.status.name == ("RESOLVIDO" if start in ("reo", "srv", "srv2") else "EM_ANDAMENTO")


@pytest.mark.parametrize("word", ["voltar", "cancelar", "ajuda"])
async def test_global_words_at_lookup_and_lists(ready, word):
    for entry, step in (("menu:lookup", "lookup"), ("menu:open", "list")):
        await ready.send(choice=entry)
        question = ready.question
        await ready.say(word)
        state = await ready.state()
        if word == "ajuda":
            assert state["step"] == step
            ready.assert_helped_then_asked(question)
        else:
            assert state["step"] == "menu" and "menu:new" in ready.choice_ids


async def test_lookup_asks_for_a_protocol(ready, demand):
    await ready.press("menu:lookup")
    assert "número do protocolo" in ready.text
    await ready.say("não sei")
    assert "Não reconheci um protocolo" in ready.text
    await ready.say(loose(demand))
    assert f"📄 {demand}" in ready.text


async def test_a_number_that_is_none_of_mine(ready, demand):
    await ready.say("andamento da 54321")
    assert "Não encontrei a demanda número 54321" in ready.text


async def test_english_locale(dialogs, sqlite_store):
    conv = Conversation(dialogs, user="en1", name="John", locale="en-US")
    await conv.say("hi")
    assert "Hello, John!" in conv.text
    await conv.press("keep")
    for answer in ("john@sefaz.rs.gov.br", "(51) 3214-5200", "Analyst", "SEFAZ"):
        await conv.say(answer)
    assert "your data is complete" in conv.text and "New demand" in conv.labels
    protocol = await open_demand(sqlite_store, conv)
    await conv.say(f"status of {protocol}")
    assert "Status: In progress" in conv.text and "Timeline" in conv.labels
    await conv.say("help")
    assert "At any time you can write" in conv.text


async def test_comment_on_a_closed_demand_points_to_reopen(ready, demand, sqlite_store):
    await as_attendant(sqlite_store, "solve", demand, "Feito.")
    await ready.say(f"comentar na {demand}")
    assert "não recebe comentários" in ready.text and "reabri-la" in ready.text
    assert f"dm:reo:{demand}" in ready.choice_ids


async def test_a_demand_button_works_from_any_step_even_in_a_new_chat(ready, demand, dialogs):
    await ready.press("menu:new")
    await ready.send(choice=f"dm:show:{demand}")  # e.g. from a notification
    assert f"📄 {demand}" in ready.text
    elsewhere = Conversation(dialogs, user=ready.user, name=ready.name)
    elsewhere.channel = "other-channel"
    await elsewhere.send(choice="type:servicos")
    assert "não está mais disponível" in elsewhere.text


async def test_too_long_texts_are_refused_and_asked_again(ready, demand, sqlite_store):
    await as_attendant(sqlite_store, "solve", demand, "Feito.")
    await ready.say(f"reabrir {demand}")
    await ready.say("x" * 2500)
    assert "2500 caracteres e o limite é 2000" in ready.text and "Escreva o motivo" in ready.text
    await ready.say("cancelar")
    await ready.send(choice=f"dm:srv:{demand}")
    await ready.press("r:2")
    await ready.say("y" * 2500)
    assert "limite é 2000" in ready.text and (await ready.state())["step"] == "rating_comment"
    await ready.say("Demorou.")
    assert "Avaliação 2/5 registrada" in ready.text


async def test_an_action_without_a_protocol_asks_which_demand(ready, demand):
    await ready.say("quero cancelar uma demanda")
    assert "número do protocolo" in ready.text
    await ready.say(demand.split("-")[1])
    assert "Confirma o cancelamento" in ready.text


@pytest.mark.parametrize("typed", ["status of {digits}", "{digits}", "{lower}", "qual a situação da {spaced}?"])
async def test_letters_typed_as_digits_find_the_demand(ready, sqlite_store, monkeypatch, typed):
    """Issue 15, item 11: "CAGE-00001-0102" is "CAGE-00001-O1O2" (0 for O, 1 for I at letter places)."""
    monkeypatch.setattr("store.changes.random_suffix", lambda: "O1I2")
    demand = await open_demand(sqlite_store, ready)
    assert demand.endswith("-O1I2")
    digits = demand.replace("O", "0").replace("I", "1")
    await ready.say(typed.format(digits=digits, lower=digits.lower(), spaced=digits.replace("-", " ").lower()))
    assert f"📄 {demand} — Erro ao reter tributo na liquidação" in ready.text
    assert ready.replies[-1].card["protocol"] == demand
    assert (await ready.state())["demand"] == demand
    async with sqlite_store.transaction() as tx:
        view = await tx.get_demand(Actor(await person_id(sqlite_store, ready)), digits)
    assert view.protocol == demand and view.status.name == "EM_ANDAMENTO"


async def _survey_answers(store, conv, protocol):
    async with store.transaction() as tx:
        actor = Actor(await person_id(store, conv))
        view = await tx.get_demand(actor, protocol)
        events = await tx.timeline(actor, protocol)
    return view, [event for event in events if event.kind == EventKind.SURVEY_ANSWERED]


@pytest.mark.parametrize("typed, rating", [
    ("ótimo", 5), ("otimo", 5), ("Excellent", 5), ("5 estrelas", 5), ("5 ★★★★★ Ótimo", 5), ("★★★★", 4),
    ("nota 4", 4), ("Muito bom!", 4), ("4 ★★★★ Very good", 4), ("bom", 3), ("3 stars", 3), ("regular", 2),
    ("péssimo", 1), ("1 ★ Ruim", 1), ("4/5", 4),
])
async def test_survey_takes_words_and_stars(ready, demand, sqlite_store, typed, rating):
    """Issue 15, item 8: the survey takes what its labels say, not only their digits."""
    await as_attendant(sqlite_store, "solve", demand, "Feito.")
    await ready.send(choice=f"dm:srv:{demand}")
    await ready.say(typed)
    assert "comentário sobre o atendimento" in ready.text
    await ready.press("skip")
    assert f"Avaliação {rating}/5 registrada para {demand}" in ready.text
    view, answers = await _survey_answers(sqlite_store, ready, demand)
    assert [answer.rating for answer in answers] == [rating] and not view.survey_pending


@pytest.mark.parametrize("typed", ["7", "0", "ótimo atendimento", "4 ★★ bom", "★★★★★★", "talvez"])
async def test_survey_refuses_what_is_no_rating(ready, demand, sqlite_store, typed):
    await as_attendant(sqlite_store, "solve", demand, "Feito.")
    await ready.send(choice=f"dm:srv:{demand}")
    await ready.say(typed)
    assert "nota de 1 a 5" in ready.text and (await ready.state())["step"] == "rating"
    view, answers = await _survey_answers(sqlite_store, ready, demand)
    assert answers == [] and view.survey_pending


@pytest.mark.parametrize("typed, rating", [("Excellent", 5), ("4 ★★★★ Very good", 4), ("very good", 4),
                                           ("2 stars", 2), ("poor", 1), ("★★★", 3)])
async def test_survey_in_english_takes_the_english_labels(dialogs, sqlite_store, typed, rating):
    conv = Conversation(dialogs, user="en1", name="John", locale="en-US")
    await conv.say("hi")
    await conv.press("keep")
    for answer in ("john@sefaz.rs.gov.br", "(51) 3214-5200", "Analyst", "SEFAZ"):
        await conv.say(answer)
    protocol = await open_demand(sqlite_store, conv)
    await as_attendant(sqlite_store, "solve", protocol, "Done.")
    await conv.send(choice=f"dm:srv:{protocol}")
    assert "5 ★★★★★ Excellent" in conv.labels
    await conv.say(typed)
    await conv.press("skip")
    assert f"Rating {rating}/5 recorded for {protocol}" in conv.text
    view, answers = await _survey_answers(sqlite_store, conv, protocol)
    assert [answer.rating for answer in answers] == [rating] and not view.survey_pending


@pytest.mark.parametrize("typed", [
    "/menu", "Menu.", "minhas demandas", "linha do tempo", "/fila", "{other}", "status {other}", "{loose_other}",
    "linha do tempo {demand}", "{demand}", "{number_other}",
])
async def test_survey_comment_step_does_not_swallow_commands(ready, demand, sqlite_store, typed):
    """Issue 15, item 8: what is a command or a protocol is handled as such, not saved as the comment."""
    other = await open_demand(sqlite_store, ready, title="Outra demanda sobre empenho")
    await as_attendant(sqlite_store, "solve", demand, "Feito.")
    await ready.send(choice=f"dm:srv:{demand}")
    await ready.say("ótimo")
    assert (await ready.state())["step"] == "rating_comment"
    await ready.say(typed.format(other=other, loose_other=loose(other), demand=demand, number_other=other[5:10]))
    if typed in ("status {other}", "linha do tempo {demand}"):
        # A sentence that reads as a request is asked about first (issue 15); "no" does what it asks.
        assert f"Registrar como comentário da avaliação de {demand}?" in ready.text
        assert (await ready.state())["step"] == "confirm"
        await ready.press("no")
    assert "Avaliação 5/5 registrada" not in ready.text
    state = await ready.state()
    # Any command leaves the survey comment, saying so (issue 15: "/fila" too, then refused as
    # an attendant's command); "menu" says so as well.
    assert f"Avaliação de {demand} não registrada" in ready.text
    assert state["step"] != "rating_comment"
    if typed == "/fila":
        assert "Somente atendentes" in ready.text
    if typed == "minhas demandas":
        assert state["step"] == "list" and f"{other}" in ready.text
    if typed.startswith("linha do tempo"):
        assert "Linha do tempo" in ready.text and demand in ready.text
    view, answers = await _survey_answers(sqlite_store, ready, demand)
    assert answers == [] and view.survey_pending
    if "other" in typed:
        assert f"📄 {other}" in ready.text  # the other demand is shown, as asked
    async with sqlite_store.transaction() as tx:
        events = await tx.timeline(Actor(await person_id(sqlite_store, ready)), other)
    assert [event.kind for event in events] == [EventKind.CREATED]


async def test_survey_comment_may_name_its_own_demand(ready, demand, sqlite_store):
    await as_attendant(sqlite_store, "solve", demand, "Feito.")
    await ready.send(choice=f"dm:srv:{demand}")
    await ready.say("nota 4")
    await ready.say(f"Resolveram a {demand} no mesmo dia.")
    assert f"Avaliação 4/5 registrada para {demand}" in ready.text
    view, answers = await _survey_answers(sqlite_store, ready, demand)
    assert [(a.rating, a.text) for a in answers] == [(4, f"Resolveram a {demand} no mesmo dia.")]
