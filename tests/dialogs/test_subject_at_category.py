"""A subject written at the category question ("FPE", "liberar liquidação"), or at the type question:
the bot takes it with its category instead of answering "not found", or asking next for what was
just said."""

from __future__ import annotations

from test_new_demand import demands_of, start_new
from test_understanding import english_ready

from dialogs.texts import CATALOGUE

MODULE_QUESTION = CATALOGUE["new.module"][0].split("{")[0]
SYSTEMS_CATEGORIES = {"cat:sis-acesso-cadastro", "cat:sis-agendamentos", "cat:sis-criticas-sugestoes",
                      "cat:sis-erros-duvidas", "cat:sis-manutencao-painel"}


async def at_the_categories(conv, type_key: str) -> None:
    await start_new(conv)
    await conv.say("sim")
    await conv.press(f"type:{type_key}")
    assert "Qual é a categoria" in conv.text


async def sent_with(conv, store, description: str):
    """The rest of the draft (a description, no files) sent: the demand it became."""
    await conv.say(description)
    await conv.press("skip")
    await conv.press("send")
    [demand] = await demands_of(store, conv)
    return demand


async def test_a_service_written_at_the_category_question_takes_its_category_and_itself(ready, sqlite_store):
    await at_the_categories(ready, "servicos")
    await ready.say("liberar liquidacao")
    assert ready.paragraphs[0] == "✔ Execução da Despesa · Liberar liquidação"
    assert "Descreva a demanda" in ready.question  # the service is not asked for again
    demand = await sent_with(ready, sqlite_store, "A liquidação está travada desde ontem.")
    assert (demand.category_key, demand.subject_key) == ("srv-execucao-despesa", "liberar-liquidacao")


async def test_a_category_named_like_a_service_still_asks_for_the_service(ready):
    # "execução da despesa" is the category's name, and a weak match of "Diligenciar despesa":
    # the service is the person's to choose, not guessed.
    await at_the_categories(ready, "servicos")
    await ready.say("execução da despesa")
    assert ready.paragraphs[0] == "✔ Execução da Despesa"
    assert "Qual é o serviço" in ready.question


async def test_a_system_and_its_category_in_one_answer_take_both(ready):
    await at_the_categories(ready, "sistemas")
    await ready.say("acesso ao FPE")
    assert ready.paragraphs[0] == "✔ Acesso/Cadastro · FPE"
    assert ready.question.startswith(MODULE_QUESTION)


async def test_a_system_alone_is_kept_while_the_categories_that_hold_it_are_offered(ready, sqlite_store):
    await at_the_categories(ready, "sistemas")
    await ready.say("fpe")
    assert ready.paragraphs[0] == "✔ FPE" and "Qual é a categoria" in ready.question
    # Manutenção Painel is only about CAGE Gerencial: not offered for the FPE.
    assert set(ready.choice_ids) == SYSTEMS_CATEGORIES - {"cat:sis-manutencao-painel"}
    assert (await ready.state())["named_subject"] == "fpe"  # kept across a restart too
    await ready.say("hmm")  # no category: answered as any answer, the system still kept
    assert "Não encontrei “hmm”" in ready.text
    assert set(ready.choice_ids) == SYSTEMS_CATEGORIES - {"cat:sis-manutencao-painel"}
    await ready.press("cat:sis-erros-duvidas")
    assert ready.paragraphs[0] == "✔ Erros/Dúvidas/Solicitações · FPE"
    assert ready.question.startswith(MODULE_QUESTION)
    await ready.press("skip")
    demand = await sent_with(ready, sqlite_store, "O FPE recusa a retenção do ISS.")
    assert (demand.category_key, demand.subject_key) == ("sis-erros-duvidas", "fpe")


async def test_a_system_kept_then_a_category_written_takes_both(ready):
    await at_the_categories(ready, "sistemas")
    await ready.say("FPE")
    await ready.say("erros")
    assert ready.paragraphs[0] == "✔ Erros/Dúvidas/Solicitações · FPE"


async def test_going_back_from_the_system_kept_offers_every_category_again(ready):
    await at_the_categories(ready, "sistemas")
    await ready.say("FPE")
    await ready.press("cat:sis-erros-duvidas")
    await ready.say("voltar")
    assert "Qual é o sistema" in ready.question and "Atual: FPE" in ready.text
    await ready.say("voltar")
    assert "Qual é a categoria" in ready.question
    assert SYSTEMS_CATEGORIES <= set(ready.choice_ids)


async def test_a_category_whose_only_service_is_written_is_named_once(ready):
    await at_the_categories(ready, "servicos")
    await ready.say("cadastro credor")
    assert ready.paragraphs[0] == "✔ Cadastro Credor FPE"
    assert "Descreva a demanda" in ready.question


async def at_the_types(conv) -> None:
    await start_new(conv)
    await conv.say("sim")
    assert "Qual é o tipo" in conv.question


async def test_a_service_written_at_the_type_question_takes_type_category_and_service(ready, sqlite_store):
    await at_the_types(ready)
    await ready.say("liberar liquidação")
    assert ready.paragraphs[:2] == ["✔ Serviços", "✔ Execução da Despesa · Liberar liquidação"]
    demand = await sent_with(ready, sqlite_store, "A liquidação está travada desde ontem.")
    assert (demand.type_key, demand.subject_key) == ("servicos", "liberar-liquidacao")


async def test_a_system_written_at_the_type_question_is_kept_for_the_category(ready):
    await at_the_types(ready)
    await ready.say("FPE")
    assert ready.paragraphs[:2] == ["✔ Suporte Sistemas", "✔ FPE"]
    assert set(ready.choice_ids) == SYSTEMS_CATEGORIES - {"cat:sis-manutencao-painel"}
    await ready.press("cat:sis-acesso-cadastro")
    assert ready.paragraphs[0] == "✔ Acesso/Cadastro · FPE"


async def test_a_type_written_alone_asks_every_category(ready):
    await at_the_types(ready)
    await ready.say("sistemas")  # like the name of no system well enough to be taken for one
    assert ready.paragraphs[0] == "✔ Suporte Sistemas" and "Qual é a categoria" in ready.question
    assert set(ready.choice_ids) == SYSTEMS_CATEGORIES


async def test_an_english_reader_reads_the_categories_taken_in_english(dialogs):
    conv = await english_ready(dialogs)
    await conv.press("menu:new")
    await conv.say("A title")
    await conv.press("yes")
    await conv.say("FPE")
    assert conv.paragraphs[:2] == ["✔ Systems Support", "✔ FPE"] and "Errors/Questions/Requests" in conv.labels
    await conv.say("errors")
    assert conv.paragraphs[0] == "✔ Errors/Questions/Requests · FPE"
