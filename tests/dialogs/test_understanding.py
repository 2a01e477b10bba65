"""Issue 16 in the conversation: close calls at the category step and in a sentence's proposal,
English labels for English readers, and the ways people ask for their demands, a new one, help,
or say thanks and goodbye."""

from __future__ import annotations

import pytest
from dialog_support import Conversation, open_demand
from samples import PROFILE
from test_new_demand import demands_of, start_new, to_summary

from dialogs.texts import CATALOGUE

STALE = CATALOGUE["stale"][0]


async def at_the_services_categories(conv) -> None:
    await start_new(conv)
    await conv.say("sim")
    await conv.press("type:servicos")


@pytest.mark.parametrize("typed, offered", [
    ("atendimento", {"cat:srv-atend-convenios", "cat:srv-atend-dcce", "cat:srv-atend-transparencia"}),
    ("fpe", {"cat:srv-cadastro-credor", "cat:srv-cadastro-ordenador"}),
    ("cadastro", {"cat:srv-cadastro-credor", "cat:srv-cadastro-ordenador", "cat:srv-cadastro-nad"}),
])
async def test_a_close_call_at_the_category_step_offers_the_top_three(ready, typed, offered):
    await at_the_services_categories(ready)
    await ready.say(typed)
    assert "você quis dizer" in ready.text and "✔" not in said(ready)
    assert set(ready.choice_ids[:-1]) == offered and ready.choice_ids[-1] == "pg:list"
    await ready.press(sorted(offered)[0])
    assert "Qual é o serviço" in ready.text


async def test_a_close_call_in_a_sentence_offers_its_readings(ready, sqlite_store):
    sentence = "solicitação de transferência de numerário"
    await ready.say(sentence)
    assert "mais de um jeito" in ready.text
    assert ready.choice_ids == ["prop:0", "prop:1", "prop:fix", "cancel"]
    assert ready.labels[:2] == ["Serviços › Movimentação Financeira › Solicitação de transferência de numerário",
                                "Serviços › Movimentação Financeira › Solicitação de numerário"]
    await ready.press("prop:1")
    await ready.press("title:suggested")
    await ready.press("yes")  # the profile's órgão
    await ready.press("skip")  # attachments
    assert "Assunto: Solicitação de numerário" in ready.text and f"Descrição: {sentence}" in ready.text
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert (demand.category_key, demand.subject_key) == ("srv-mov-financeira", "solicitacao-numerario")


async def test_a_reading_no_longer_offered_is_stale_and_asked_again(ready):
    await ready.say("solicitação de transferência de numerário")
    await ready.send(choice="prop:7")  # an old button: the data changed since
    assert STALE in said(ready) and ready.choice_ids[0] == "prop:0"


async def test_a_clear_sentence_is_one_proposal_with_every_level(ready):
    await ready.say("o SICHE não gera o relatório de cheques")
    assert "Entendi que você precisa de" in ready.text
    assert "Categoria: Erros/Dúvidas/Solicitações" in ready.text and "Assunto: SICHE" in ready.text


def said(conv) -> str:
    """Everything the last turn said."""
    return "\n".join(conv.text_of(reply) for reply in conv.replies)


async def english_ready(dialogs) -> Conversation:
    conv = Conversation(dialogs, user="en1", locale="en")
    await conv.say("hi")
    for answer in PROFILE:
        await conv.say(answer)
    assert "menu:new" in conv.choice_ids
    return conv


async def test_english_readers_see_english_types_and_categories(dialogs):
    conv = await english_ready(dialogs)
    await conv.press("menu:new")
    await conv.say("A title")
    await conv.press("yes")
    assert conv.labels[:3] == ["Services", "Guidance", "Systems Support"]
    await conv.say("systems support")
    assert "Which category (Systems Support)?" in conv.text and "Access/Registration" in conv.labels
    await conv.say("access")
    assert "✔ Access/Registration" in said(conv)


async def test_an_english_request_is_proposed_in_english(dialogs):
    conv = await english_ready(dialogs)
    await conv.say("I cannot log in to FPE, my password expired")
    assert "Type: Systems Support" in conv.text and "Category: Access/Registration" in conv.text
    assert "Subject: FPE" in conv.text


@pytest.mark.parametrize("sentence", ["meus chamados", "quero ver meus chamados abertos", "tenho alguma demanda pendente?",
                                      "pedidos pendentes", "show my open tickets", "my requests"])
async def test_the_ways_people_ask_for_their_open_demands(ready, sqlite_store, sentence):
    protocol = await open_demand(sqlite_store, ready)
    await ready.say(sentence)
    assert protocol in ready.text and not (await ready.state()).get("draft")


@pytest.mark.parametrize("sentence", ["todos os meus chamados", "all my tickets"])
async def test_the_ways_people_ask_for_all_their_demands(ready, sqlite_store, sentence):
    protocol = await open_demand(sqlite_store, ready)
    await ready.say(sentence)
    assert protocol in ready.text


@pytest.mark.parametrize("sentence", ["quero abrir um chamado", "novo pedido", "I want to open a new ticket"])
async def test_the_ways_people_ask_for_a_new_demand(ready, sentence):
    await ready.say(sentence)
    assert "título" in ready.text


async def test_the_news_of_a_ticket_asks_which(ready, sqlite_store):
    protocol = await open_demand(sqlite_store, ready)
    await ready.say("alguma novidade do meu chamado?")
    assert "número do protocolo" in ready.text
    await ready.say(protocol.split("-")[1])
    assert f"📄 {protocol}" in ready.text


@pytest.mark.parametrize("sentence, answer", [
    ("obrigada, era isso", "Por nada!"),
    ("valeu, tchau", "Até logo!"),
    ("tchau", "Até logo!"),
    ("como funciona?", "menu:new"),
])
async def test_courtesies_and_help_questions_are_answered(ready, sentence, answer):
    await ready.say(sentence)
    assert answer in ready.text or answer in ready.choice_ids
    assert "Não entendi" not in ready.text and not (await ready.state()).get("draft")


async def test_english_courtesies(dialogs):
    conv = await english_ready(dialogs)
    await conv.say("thanks, bye")
    assert "Goodbye!" in conv.text
    await conv.say("what can you do?")
    assert "I did not understand" not in conv.text



async def english_summary(conv) -> None:
    await conv.press("menu:new")
    await conv.say("A title")
    await conv.press("yes")
    await conv.press("type:servicos")
    await conv.say("execução da despesa")
    await conv.press("sub:liberar-liquidacao")
    await conv.say("Stuck since yesterday.")
    await conv.press("skip")
    assert "Send" in conv.labels


@pytest.mark.parametrize("typed", ["enviar", "Send"])
async def test_an_english_summary_is_sent_by_enviar_or_send(dialogs, typed):
    conv = await english_ready(dialogs)
    await english_summary(conv)
    await conv.say(typed)
    assert "Demand created" in said(conv)


@pytest.mark.parametrize("typed", ["send", "Enviar"])
async def test_a_portuguese_summary_is_sent_by_send_or_enviar(ready, sqlite_store, typed):
    await to_summary(ready)
    await ready.say(typed)
    assert "Demanda criada" in said(ready) and len(await demands_of(sqlite_store, ready)) == 1


async def test_a_buttons_label_in_the_other_language_picks_it(ready):
    await to_summary(ready)
    await ready.say("discard")  # "Descartar" on a Portuguese summary
    assert (await ready.state())["flow"] == "menu"
    await start_new(ready)
    await ready.say("confirm")  # yes, as "sim" is
    assert (await ready.state())["step"] == "type"
    await ready.say("keep")  # no "Manter" shown here: it is not a choice, and no type is called that
    assert (await ready.state())["step"] == "type"


@pytest.mark.parametrize("typed", ["none", "no files", "finish", "nenhum", "pronto"])
async def test_no_files_is_understood_in_either_language(ready, typed):
    await start_new(ready)
    await ready.say("sim")
    await ready.press("type:servicos")
    await ready.say("execução da despesa")
    await ready.press("sub:liberar-liquidacao")
    await ready.say("Travada desde ontem.")
    assert (await ready.state())["step"] == "attachments"
    await ready.say(typed)
    assert "Confira a demanda antes de enviar" in ready.text


@pytest.mark.parametrize("typed", ["sair", "quit", "exit"])
async def test_giving_up_is_understood_in_either_language(ready, typed):
    await start_new(ready)
    await ready.say(typed)
    assert (await ready.state())["flow"] == "menu"


@pytest.mark.parametrize("typed", ["certo", "right", "claro", "sure"])
async def test_yes_is_understood_in_either_language(ready, typed):
    await start_new(ready)
    await ready.say(typed)  # "Órgão: SEFAZ. Confirmar?"
    assert (await ready.state())["step"] == "type"


async def test_good_morning_greets_as_bom_dia_does(ready):
    await ready.say("good morning")
    assert "menu:new" in ready.choice_ids and "Olá" in ready.text
