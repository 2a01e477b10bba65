"""New demand, from the first "oi" to the protocol, with every detour a person may take."""

from __future__ import annotations

import pytest

from dialogs import Dialogs
from dialogs.messages import outgoing_from_json, outgoing_to_json
from store import Actor, Store
from dialog_support import Conversation, person_id
from samples import DRAFT


async def demands_of(store, conv) -> list:
    async with store.transaction() as tx:
        page = await tx.list_demands(Actor(await person_id(store, conv)), False, page=1, page_size=50)
    return list(page.items)


async def start_new(conv, title="Liberar liquidação do empenho 123"):
    await conv.press("menu:new")
    assert "título" in conv.text
    await conv.say(title)
    assert "Órgão: Secretaria da Fazenda (SEFAZ). Confirmar?" in conv.text


async def to_description(conv):
    """From the menu to the description question of a Serviços demand."""
    await start_new(conv)
    await conv.say("sim")
    await conv.press("type:servicos")
    await conv.say("execução da despesa")
    await conv.press("sub:liberar-liquidacao")
    assert "Descreva a demanda" in conv.text


async def to_summary(conv):
    await to_description(conv)
    await conv.say("A liquidação está travada desde ontem.")
    await conv.press("skip")
    assert "Confira a demanda antes de enviar" in conv.text


# --- first access ---------------------------------------------------------------------------------

async def test_first_access_asks_the_profile_and_validates_it(conv, sqlite_store):
    await conv.say("oi")
    assert "Olá, Maria Silva" in conv.text and "alguns dados" in conv.text
    assert "Atual: Maria Silva" in conv.text  # the channel's name is offered
    await conv.press("keep")
    assert "e-mail" in conv.text
    await conv.say("isto não é um e-mail")
    assert "não parece válido" in conv.text
    await conv.say("maria@sefaz.rs.gov.br")
    await conv.say("12")
    assert "telefone não parece válido" in conv.text
    await conv.say("(51) 3214-5200")
    await conv.say("Analista do Tesouro")
    assert "órgão" in conv.text and "Mais ▶" in conv.labels
    await conv.say("fazenda")
    assert "✔ Secretaria da Fazenda (SEFAZ)" in conv.text
    assert "dados estão completos" in conv.text
    async with sqlite_store.transaction() as tx:
        person = await tx.person_for_account("test", "u1")
    assert (person.email, person.cargo, person.organ_key) == ("maria@sefaz.rs.gov.br", "Analista do Tesouro", "sefaz")


async def test_profile_is_editable_later(ready):
    await ready.press("menu:profile")
    assert "E-mail: maria@sefaz.rs.gov.br" in ready.text
    await ready.press("pf:cargo")
    await ready.say("Contador")
    assert "Dados atualizados" in ready.text and "Cargo: Contador" in ready.text
    await ready.press("pf:organ")
    await ready.say("educação")
    assert "Órgão: Secretaria da Educação (SEDUC)" in ready.text


async def test_new_demand_first_asks_a_missing_profile_then_opens(conv):
    await conv.send(choice=None, text="/start")
    await conv.say("menu")
    await conv.press("menu:new")
    assert "preciso antes dos seus dados" in conv.text
    await conv.press("keep")
    for answer in ("maria@sefaz.rs.gov.br", "(51) 3214-5200", "Analista", "SEFAZ"):
        await conv.say(answer)
    assert "Qual é o título" in conv.text


# --- the whole flow ----------------------------------------------------------------------------------

async def test_new_demand_end_to_end(ready, sqlite_store):
    await to_summary(ready)
    for expected in ("Título: Liberar liquidação do empenho 123", "Órgão: Secretaria da Fazenda (SEFAZ)",
                     "Tipo: Serviços", "Categoria: Execução da Despesa", "Assunto: Liberar liquidação",
                     "Descrição: A liquidação está travada desde ontem.", "Anexos: nenhum"):
        assert expected in ready.text
    assert ready.replies[-1].card["kind"] == "draft"
    await ready.press("send")
    assert "Demanda criada! Protocolo: CAGE-" in ready.text
    [demand] = await demands_of(sqlite_store, ready)
    assert demand.protocol in ready.text
    assert (demand.type_key, demand.category_key, demand.subject_key) == (
        "servicos", "srv-execucao-despesa", "liberar-liquidacao")
    assert await ready.state() == {"flow": "menu", "step": "menu", "demand": demand.protocol,
                                   "shown": [[c.id, c.label] for c in ready.choices]}


async def test_choices_answer_to_numbers_and_labels(ready):
    await ready.say("1")  # "Nova demanda"
    await ready.say("Um título")
    await ready.say("Confirmar")
    await ready.say("3")  # Suporte Sistemas
    assert "categoria (Suporte Sistemas)" in ready.text


async def test_fuzzy_choice_takes_close_call_and_not_found(ready):
    await start_new(ready)
    await ready.say("sim")
    await ready.say("sistemas")
    await ready.say("erros")
    assert "✔ Erros/Dúvidas/Solicitações" in ready.text
    await ready.say("zzzz qqqq")  # nothing confident: says so and lists again
    assert "Não encontrei “zzzz qqqq”" in ready.text and "sub:fpe" in ready.choice_ids
    await ready.say("portal")  # a close call: both portals are offered
    assert "você quis dizer" in ready.text
    assert ready.choice_ids == ["sub:portal-transparencia", "sub:portal-bi-dw", "pg:list"]
    await ready.press("sub:portal-transparencia")
    assert "módulo no Portal da Transparência" in ready.text


async def test_close_call_offers_top_three(ready):
    await start_new(ready)
    await ready.press("no")
    await ready.say("casa")
    assert "você quis dizer" in ready.text
    offered = [c for c in ready.choice_ids if c.startswith("org:")]
    assert 1 < len(offered) <= 3 and ready.choice_ids[-1] == "pg:list"
    await ready.press("pg:list")
    assert "(página 1 de" in ready.text


async def test_long_lists_are_paginated(ready):
    await start_new(ready)
    await ready.say("sim")
    await ready.press("type:servicos")
    first_page = ready.choice_ids
    assert "(página 1 de 4)" in ready.text and "pg:next" in first_page and "pg:prev" not in first_page
    await ready.press("pg:next")
    assert "(página 2 de 4)" in ready.text and "pg:prev" in ready.choice_ids
    assert not set(first_page[:8]) & set(ready.choice_ids)
    await ready.say("mais")  # the label "Mais ▶" typed
    assert "(página 3 de 4)" in ready.text
    await ready.press("pg:prev")
    assert "(página 2 de 4)" in ready.text
    await ready.press("cat:srv-contabilidade")
    assert "Qual é o serviço" in ready.text


async def test_a_long_lists_page_carries_the_whole_list_and_any_of_it_answers(ready):
    """A channel that shows a long list in one searchable control (Teams) gets every option with
    the page, with the ids the page's buttons send; an option beyond the page answers the question,
    while a typed number still counts on the page."""
    await start_new(ready)
    await ready.say("sim")
    await ready.press("type:servicos")
    page = ready.replies[-1]
    whole = [choice.id for choice in page.listing.options]
    on_page = [c for c in ready.choice_ids if not c.startswith("pg:")]
    assert len(whole) == 30 and whole[:8] == on_page
    assert page.text.startswith(page.listing.text) and "página" not in page.listing.text
    # As the outbox keeps it, for a push or a reply sent again after a crash.
    assert outgoing_from_json(outgoing_to_json(page), content=bytes.fromhex) == page
    await ready.say("9")  # beyond the page's eight options: not a choice, taken as text
    state = await ready.state()
    assert state["step"] == "category" and not state["draft"].get("category_key")
    await ready.send(choice="cat:srv-siac")  # on page 4, picked from the whole list
    assert (await ready.state())["draft"]["category_key"] == "srv-siac"
    assert "Qual é o serviço" in ready.text


async def test_a_short_list_has_no_listing(ready):
    await start_new(ready)
    await ready.say("sim")
    assert ready.replies[-1].listing is None  # three types: one page


async def test_organ_may_be_changed_from_the_default(ready, sqlite_store):
    await start_new(ready)
    await ready.press("no")
    assert "Qual é o órgão solicitante" in ready.text
    await ready.say("PGE")
    assert "✔ Procuradoria-Geral do Estado (PGE)" in ready.text and "Qual é o tipo" in ready.text


async def test_orientacao_takes_a_free_theme(ready, sqlite_store):
    await start_new(ready)
    await ready.say("sim")
    await ready.press("type:orientacao")
    await ready.say("contratos")
    assert "tema da orientação" in ready.text
    await ready.say("aditivo de contrato")
    await ready.say("Quais requisitos para aditivar?")
    await ready.press("skip")
    assert "Assunto: aditivo de contrato" in ready.text
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert (demand.subject_key, demand.subject_detail) == (None, "aditivo de contrato")


async def test_sistemas_takes_a_system_and_an_optional_module(ready, sqlite_store):
    await start_new(ready)
    await ready.say("sim")
    await ready.press("type:sistemas")
    await ready.press("cat:sis-erros-duvidas")
    await ready.press("sub:fpe")
    assert "módulo no FPE" in ready.text and "skip" in ready.choice_ids
    await ready.say("Execução de Despesa > Retenção")
    await ready.say("O FPE recusa a retenção do ISS.")
    await ready.press("skip")
    assert "Assunto: FPE – Execução de Despesa > Retenção" in ready.text
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert (demand.subject_key, demand.subject_detail) == ("fpe", "Execução de Despesa > Retenção")


async def test_module_may_be_skipped(ready):
    await start_new(ready)
    await ready.say("sim")
    await ready.press("type:sistemas")
    await ready.press("cat:sis-manutencao-painel")
    assert ready.choice_ids[0] == "sub:cage-gerencial"
    await ready.press("sub:cage-gerencial")
    await ready.press("skip")
    assert "Descreva a demanda" in ready.text


async def test_outro_service_takes_free_text(ready, sqlite_store):
    await start_new(ready)
    await ready.say("sim")
    await ready.press("type:servicos")
    await ready.say("contratos")
    await ready.press("sub:outro")
    assert "Descreva o assunto" in ready.text
    await ready.say("Ajuste de garantia contratual")
    await ready.say("Detalhes.")
    await ready.press("skip")
    assert "Assunto: Outro: Ajuste de garantia contratual" in ready.text
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert (demand.subject_key, demand.subject_detail) == ("outro", "Ajuste de garantia contratual")


async def test_title_over_the_limit_is_refused(ready):
    await ready.press("menu:new")
    await ready.say("x" * 151)
    assert "151 caracteres e o limite é 150" in ready.text and "Qual é o título" in ready.text


async def test_a_greeting_at_the_title_is_said_back_not_taken_as_the_title(ready):
    await ready.press("menu:new")
    await ready.say("bom dia")
    assert "Sua nova demanda continua aqui" in ready.text and "Qual é o título" in ready.text
    await ready.say("Liberar liquidação do empenho 123")
    assert "Órgão" in ready.text


# --- description ---------------------------------------------------------------------------------------

async def test_a_greeting_at_the_description_is_said_back_not_filed_as_the_description(ready, sqlite_store):
    # Found by the misfiling property: "oi" here became a demand's description.
    await to_description(ready)
    await ready.say("oi")
    assert "Sua nova demanda continua aqui" in ready.text and "Descreva a demanda" in ready.text
    await ready.say("A liquidação está travada desde ontem.")
    await ready.press("skip")
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert demand.description == "A liquidação está travada desde ontem."


@pytest.mark.parametrize("typed", ["sim", "não", "2", "pular", "minhas demandas", "{p}", "{n}", "status da {p}",
                                   "qual a situação da {n}?", "reabrir {p}"])
async def test_an_answer_to_another_question_is_not_filed_as_the_description(ready, sqlite_store, typed):
    # Also found by the misfiling property ("sim" became a description); a demand asked for too.
    async with sqlite_store.transaction() as tx:
        other = await tx.open_demand(Actor(await person_id(sqlite_store, ready)), DRAFT)
    typed = typed.format(p=other.protocol, n=other.protocol.split("-")[1])
    await to_description(ready)
    await ready.say(typed)
    assert f"“{typed}” não serve como texto da demanda" in ready.text and "Descreva a demanda" in ready.text


async def test_a_description_that_cites_another_demand_is_taken(ready, sqlite_store):
    async with sqlite_store.transaction() as tx:
        other = await tx.open_demand(Actor(await person_id(sqlite_store, ready)), DRAFT)
    await to_description(ready)
    await ready.say(f"Como na {other.protocol}, o empenho 2025NE000123 não liquida.")
    assert "anexar arquivos" in ready.text


LONG = " ".join(f"palavra{n}" for n in range(400))  # about 4,000 characters


async def test_long_description_goes_on_as_the_first_comment(ready, sqlite_store):
    await to_description(ready)
    await ready.say(LONG)
    assert f"{len(LONG):,}".replace(",", ".") + " caracteres" in ready.text
    assert "Nada foi cortado" in ready.text
    await ready.press("desc:split")
    await ready.press("skip")
    assert "irão como primeiro comentário" in ready.text
    await ready.press("send")
    assert "enviado como primeiro comentário" in ready.text
    [demand] = await demands_of(sqlite_store, ready)
    async with sqlite_store.transaction() as tx:
        events = await tx.timeline(Actor(demand.requester_id), demand.protocol)
    comments = [e.text for e in reversed(events) if e.kind.value == "comment"]
    assert len(demand.description) <= 2000
    assert " ".join([demand.description] + comments) == LONG  # nothing lost


async def test_long_description_may_be_rewritten(ready):
    await to_description(ready)
    await ready.say(LONG)
    await ready.press("desc:rewrite")
    assert "Envie a descrição resumida" in ready.text
    await ready.say("Curta.")
    assert "anexar arquivos" in ready.text


async def test_proa_matter_is_warned_and_may_go_on(ready):
    await to_description(ready)
    await ready.say("Solicito parecer da CAGE sobre a prestação de contas de convênio 123/2024.")
    assert "Sistema PROA" in ready.text
    await ready.press("proa:go")
    assert "anexar arquivos" in ready.text


async def test_proa_matter_may_stop_the_demand(ready, sqlite_store):
    await to_description(ready)
    await ready.say("Trata-se de registro de despesa do processo 24/1234-5.")
    await ready.press("proa:stop")
    assert "não foi enviada" in ready.text and "menu:new" in ready.choice_ids
    assert await demands_of(sqlite_store, ready) == []


# --- attachments -----------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


async def test_several_attachments_are_sent_with_the_demand(ready, sqlite_store):
    await to_description(ready)
    await ready.say("Segue em anexo.")
    await ready.attach("nota.pdf", PDF)
    assert "Anexos:\n1. nota.pdf\n" in ready.text and "done" in ready.choice_ids
    await ready.attach("empenho.pdf", PDF)
    assert "1. nota.pdf\n2. empenho.pdf" in ready.text
    await ready.say("olá")
    assert "espero arquivos" in ready.text
    await ready.press("done")
    assert "Anexos: nota.pdf, empenho.pdf" in ready.text
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert [a.filename for a in demand.attachments] == ["nota.pdf", "empenho.pdf"]


@pytest.mark.parametrize("typed", ["enviar", "pular", "não", "sem anexos", "pronto"])
async def test_typing_that_there_are_no_more_files_goes_on_to_the_summary(ready, typed):
    await to_description(ready)
    await ready.say("Sem anexos desta vez.")
    await ready.say(typed)
    assert "Confira a demanda antes de enviar" in ready.text


async def test_a_file_sent_early_is_kept_for_the_demand(ready):
    await start_new(ready)
    await ready.attach("oficio.pdf", PDF)
    assert "Guardei oficio.pdf" in ready.text and "Confirmar?" in ready.text


async def test_a_rejected_file_is_explained_when_it_arrives(ready, sqlite_store):
    await to_description(ready)
    await ready.say("Programa.")
    await ready.attach("virus.exe", b"MZ\x90\x00" + b"\x00" * 100)
    assert "virus.exe" in ready.replies[0].text and "não pode ser anexado" in ready.replies[0].text
    assert "Quer anexar arquivos?" in ready.text  # nothing held: the question as before
    await ready.press("skip")
    await ready.press("send")
    assert "Demanda criada" in ready.text
    [demand] = await demands_of(sqlite_store, ready)
    assert demand.attachments == ()


# --- summary edits ------------------------------------------------------------------------------------

async def test_any_field_can_be_edited_from_the_summary(ready, sqlite_store):
    await to_summary(ready)
    await ready.press("edit:title")
    assert "Atual: Liberar liquidação do empenho 123" in ready.text
    await ready.say("Novo título")
    assert "Título: Novo título" in ready.text and "send" in ready.choice_ids
    await ready.press("edit:desc")
    await ready.press("keep")
    assert "Confira a demanda" in ready.text
    await ready.press("edit:organ")
    await ready.say("seduc")
    assert "Órgão: Secretaria da Educação (SEDUC)" in ready.text
    await ready.press("edit:type")  # a new type asks category and subject again
    await ready.press("type:sistemas")
    assert "categoria (Suporte Sistemas)" in ready.text
    await ready.press("cat:sis-acesso-cadastro")
    await ready.press("sub:mina")
    await ready.press("skip")
    assert "Tipo: Suporte Sistemas" in ready.text and "Assunto: MINA" in ready.text
    await ready.press("edit:category")
    await ready.press("keep")
    await ready.press("edit:subject")
    await ready.press("sub:cadin")
    await ready.press("skip")
    assert "Assunto: CADIN" in ready.text
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert (demand.title, demand.organ_key, demand.subject_key) == ("Novo título", "seduc", "cadin")


# --- voltar / cancelar at every step --------------------------------------------------------------

STEPS = ["title", "organ", "type", "category", "subject", "description", "attachments", "summary"]


async def walk_to(conv, step: str) -> None:
    await conv.press("menu:new")
    answers = [("say", "Título"), ("say", "sim"), ("press", "type:servicos"), ("press", "cat:srv-adiantamento"),
               ("press", "sub:outro"), ("say", "Assunto livre"), ("say", "Descrição."), ("press", "skip")]
    stops = {"organ": 1, "type": 2, "category": 3, "subject": 4, "description": 6, "attachments": 7, "summary": 8}
    for how, value in answers[:stops.get(step, 0)]:
        await (conv.say(value) if how == "say" else conv.press(value))
    assert (await conv.state())["step"] == step


@pytest.mark.parametrize("word", ["cancelar", "/cancelar", "CANCELAR!", "cancel"])
@pytest.mark.parametrize("step", STEPS)
async def test_cancelar_at_every_step_sends_nothing(ready, sqlite_store, step, word):
    await walk_to(ready, step)
    await ready.say(word)
    assert "Nada foi enviado" in ready.text or "Nothing was sent" in ready.text
    assert "menu:new" in ready.choice_ids
    assert await demands_of(sqlite_store, ready) == []
    assert (await ready.state())["flow"] == "menu"


@pytest.mark.parametrize("step", STEPS[1:])
async def test_voltar_goes_one_step_back_keeping_what_was_typed(ready, step):
    await walk_to(ready, step)
    await ready.say("voltar")
    state = await ready.state()
    previous = STEPS[STEPS.index(step) - 1]
    assert state["step"] == previous
    assert state["draft"]["title"] == "Título"
    # What was typed is offered again (attachments: there were none, "Pular" keeps that).
    [go_on] = [c for c in ("keep", "yes", "skip") if c in ready.choice_ids]
    await ready.press(go_on)
    assert (await ready.state())["step"] == step


async def test_voltar_at_the_title_returns_to_the_menu(ready):
    await ready.press("menu:new")
    await ready.say("Voltar")
    assert "Voltando ao menu" in ready.text and "menu:new" in ready.choice_ids


@pytest.mark.parametrize("step", STEPS)
async def test_menu_and_ajuda_at_every_step(ready, step):
    await walk_to(ready, step)
    question = ready.question
    await ready.say("/ajuda")
    assert (await ready.state())["step"] == step
    ready.assert_helped_then_asked(question)
    await ready.say("Menu")
    assert "menu:new" in ready.choice_ids and (await ready.state())["flow"] == "menu"


# --- restart in the middle ------------------------------------------------------------------------------

async def test_a_new_handler_on_the_same_database_continues_the_demand(ready, sqlite_url, clock, tmp_path, taxonomy):
    await start_new(ready)
    await ready.say("sim")
    await ready.press("type:servicos")
    # The process restarts: a new store and new dialogs over the same database.
    store = await Store.open(sqlite_url, clock=clock, attachments_dir=tmp_path / "attachments", migrate=False)
    try:
        again = Conversation(Dialogs(store, taxonomy))
        await again.say("execução da despesa")
        assert "✔ Execução da Despesa" in again.text and "Qual é o serviço" in again.text
        await again.press("sub:liberar-liquidacao")
        await again.say("Travada.")
        await again.press("skip")
        assert "Título: Liberar liquidação do empenho 123" in again.text
        await again.press("send")
        assert "Demanda criada" in again.text
    finally:
        await store.close()


async def test_a_stale_button_is_refused_with_the_question_again(ready):
    await start_new(ready)
    await ready.send(choice="type:servicos")  # not offered at this step
    assert "não está mais disponível" in ready.text and "Confirmar?" in ready.text


@pytest.mark.parametrize("stored", [
    {"flow": "gone", "step": "old", "x": 1},
    ["not", "a", "dict"],
    {"flow": "new", "step": "subject", "draft": {"type_key": "servicos"}},  # no category
    {"flow": "new", "step": "category", "draft": {"type_key": "removed-from-anexo-i", "done": []}},
    {"flow": "follow", "step": "cancel"},  # which demand?
])
async def test_an_unknown_stored_state_resets_politely(ready, sqlite_store, stored):
    async with sqlite_store.transaction() as tx:
        await tx.save_conversation("test", "chat-u1", "u1", stored)
    await ready.say("qualquer coisa")
    assert "perdi o fio" in ready.text and "menu:new" in ready.choice_ids
    assert (await ready.state())["flow"] == "menu"


# --- starting from free text ------------------------------------------------------------------------

NEED = "preciso liberar uma liquidação travada no FPE"


async def test_free_text_is_proposed_and_becomes_the_description(ready, sqlite_store):
    await ready.say(NEED)
    for expected in ("Tipo: Serviços", "Categoria: Execução da Despesa", "Assunto: Liberar liquidação",
                     "Seu texto será a descrição"):
        assert expected in ready.text
    await ready.press("yes")
    assert "Usar “Preciso liberar uma liquidação travada no FPE”" in ready.labels
    await ready.press("title:suggested")
    await ready.press("yes")  # the profile's órgão
    assert "anexar arquivos" in ready.text  # classification and description are already there
    await ready.press("skip")
    assert f"Descrição: {NEED}" in ready.text
    await ready.press("send")
    [demand] = await demands_of(sqlite_store, ready)
    assert (demand.description, demand.subject_key) == (NEED, "liberar-liquidacao")


async def test_free_text_classification_may_be_corrected(ready, sqlite_store):
    await ready.say(NEED)
    await ready.press("prop:fix")
    await ready.say("Liquidação travada")
    await ready.press("yes")
    assert "Qual é o tipo" in ready.text
    await ready.press("type:sistemas")
    await ready.press("cat:sis-erros-duvidas")
    await ready.press("sub:fpe")
    await ready.press("skip")  # module
    await ready.press("skip")  # attachments
    assert "Tipo: Suporte Sistemas" in ready.text and f"Descrição: {NEED}" in ready.text


async def test_free_text_before_the_profile_is_kept_for_after_it(conv):
    await conv.say(NEED)
    assert "alguns dados" in conv.text
    await conv.press("keep")
    for answer in ("maria@sefaz.rs.gov.br", "(51) 3214-5200", "Analista", "SEFAZ"):
        await conv.say(answer)
    assert "Entendi que você precisa de" in conv.text and "Assunto: Liberar liquidação" in conv.text


async def test_unknown_text_at_the_menu_is_not_understood(ready):
    await ready.say("xyzzy")
    assert "Não entendi" in ready.text and "menu:new" in ready.choice_ids


PROFILE_STEPS = ["name", "email", "phone", "cargo", "organ"]


@pytest.mark.parametrize("step", PROFILE_STEPS)
@pytest.mark.parametrize("word", ["voltar", "cancelar", "ajuda", "menu"])
async def test_global_words_at_every_profile_step(conv, step, word):
    await conv.say("oi")
    answers = ["1", "maria@sefaz.rs.gov.br", "(51) 3214-5200", "Analista"]
    for answer in answers[:PROFILE_STEPS.index(step)]:
        await conv.say(answer)
    assert (await conv.state())["step"] == step
    question = conv.question
    await conv.say(word)
    state = await conv.state()
    if word == "ajuda":
        assert state["step"] == step
        conv.assert_helped_then_asked(question)
    elif word == "voltar" and step != "name":
        assert state["step"] == PROFILE_STEPS[PROFILE_STEPS.index(step) - 1]
        assert "Atual:" in conv.text  # what was typed is shown again
    else:
        assert state["flow"] == "menu" and "menu:new" in conv.choice_ids


async def test_notices_at_night_are_silent_until_the_person_asks_for_sound(ready):
    await ready.press("menu:profile")
    assert "Avisos à noite (20h–8h): silenciosos" in ready.text
    await ready.say("avisos à noite com som")  # the option's label, typed
    assert "Dados atualizados" in ready.text and "Avisos à noite (20h–8h): com som" in ready.text
    await ready.press("pf:night")
    assert "Avisos à noite (20h–8h): silenciosos" in ready.text
