"""Issue 15, item 3: at the menu a whole sentence is read as what it is, not as a menu word it
contains. A request is offered as a new demand with the sentence as its description (classified
when the taxonomy recognises it, PROA advice included); a question about a demand asks for its
status; a menu label or a short menu word alone still opens its item."""

from __future__ import annotations

import pytest
from dialog_support import open_demand
from test_new_demand import demands_of

# Each has a menu word ("cadastro" of "Meus dados", "consultar" of "Consultar protocolo").
REQUESTS = {
    "preciso atualizar meu cadastro no FPE": "Assunto: FPE",
    "quero fazer cadastro de um usuário no CADIN": "Assunto: CADIN",
    "preciso consultar o saldo de empenho no FPE": "Categoria: Execução da Despesa",
}


@pytest.mark.parametrize("sentence", REQUESTS)
async def test_a_request_with_a_menu_word_is_proposed_as_a_new_demand(ready, sentence):
    await ready.say(sentence)
    assert "Entendi que você precisa de" in ready.text and REQUESTS[sentence] in ready.text
    assert "Seus dados" not in ready.text and "número do protocolo" not in ready.text
    state = await ready.state()
    assert (state["flow"], state["step"], state["draft"]["free_text"]) == ("new", "propose", sentence)


async def test_the_proposed_request_is_sent_with_the_sentence_as_its_description(ready, sqlite_store):
    sentence = "preciso atualizar meu cadastro no FPE"
    await ready.say(sentence)
    await ready.press("yes")
    await ready.press("title:suggested")
    await ready.press("yes")  # the profile's órgão
    await ready.press("skip")  # the FPE module
    await ready.press("skip")  # attachments
    assert f"Descrição: {sentence}" in ready.text
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert (demand.category_key, demand.subject_key, demand.description) == (
        "sis-acesso-cadastro", "fpe", sentence)


@pytest.mark.parametrize("question", ["gostaria de consultar a situação da minha demanda",
                                      "qual o andamento do meu pedido de acesso?"])
async def test_a_question_about_a_demand_asks_which_and_shows_its_status(ready, sqlite_store, question):
    protocol = await open_demand(sqlite_store, ready)
    await ready.say(question)
    assert "número do protocolo" in ready.text
    await ready.say(protocol.split("-")[1])
    assert f"📄 {protocol}" in ready.text and "Situação: Em Andamento" in ready.text
    assert [d.protocol for d in await demands_of(sqlite_store, ready)] == [protocol]  # no new demand


async def test_an_unclassified_request_is_offered_as_a_new_demand_with_the_proa_advice(ready, sqlite_store):
    sentence = "quero um parecer da CAGE sobre o tema"
    await ready.say(sentence)
    assert "posso abrir uma nova demanda com o seu texto como descrição" in ready.text
    assert ready.labels == ["Sim, abrir a demanda", "Descartar"]
    await ready.say("1")
    assert "menciona “parecer da CAGE”" in ready.text and "Sistema PROA" in ready.text
    await ready.press("proa:go")
    await ready.press("title:suggested")
    await ready.press("yes")  # the profile's órgão
    assert "Qual é o tipo" in ready.text  # the text is the description: the classification is asked
    await ready.press("type:orientacao")
    await ready.say("contratos")
    await ready.say("parecer sobre contratos")
    await ready.press("skip")  # attachments
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert (demand.type_key, demand.description) == ("orientacao", sentence)


async def test_an_unclassified_offer_may_be_discarded(ready, sqlite_store):
    await ready.say("a impressora do meu setor não liga desde ontem")
    await ready.press("cancel")
    assert "Nada foi enviado" in ready.text and "menu:new" in ready.choice_ids
    assert await demands_of(sqlite_store, ready) == []
    assert (await ready.state())["flow"] == "menu"


@pytest.mark.parametrize("typed, shown", [("consultar", "número do protocolo"),
                                          ("Consultar protocolo", "número do protocolo"),
                                          ("cadastro", "Seus dados"), ("meus dados", "Seus dados"),
                                          ("quero ver meus dados", "Seus dados")])
async def test_a_menu_word_alone_still_opens_its_item(ready, typed, shown):
    await ready.say(typed)
    assert shown in ready.text
    assert (await ready.state())["flow"] in ("follow", "profile")
