"""End to end over HTTP: Bot Framework activities (JSON, as Teams sends them) posted to our running
aiohttp application, the real dialogs and a real SQLite store, and the bot's replies recorded by
the local fake Bot Connector. Each test reads like the chat a servant would have."""

from __future__ import annotations

import json

from fakes.connector import card_of, options, texts, visible_text
from samples import CARGO, EMAIL, PDF, PHONE, PNG, PROTOCOL, REQUESTER_NAME

from store import Actor


def transcript(connector) -> str:
    return "\n".join(f"{s.method} {s.path}\n    {visible_text(s.activity)!r}" for s in connector.sent)


async def first_access(maria) -> None:
    """The profile every servant completes once, half by buttons, half by free text."""
    await maria.adds_the_bot()
    assert f"Olá, {REQUESTER_NAME}" in maria.text
    await maria.picks("Manter")  # the name Teams gave us
    for answer in (EMAIL, PHONE, CARGO):
        await maria.says(answer)
    assert "Secretaria da Fazenda (SEFAZ)" in options(maria.replies[-1])
    await maria.says("sefaz")
    assert "Nova demanda" in options(maria.replies[-1])


async def maria_classifies_it_by_cards_and_free_text(maria) -> None:
    await maria.picks("Nova demanda")
    replies = await maria.says("Liquidação travada no FPE <urgente> *hoje*")
    assert "SEFAZ" in texts(replies)
    replies = await maria.picks("Confirmar")
    type_card = card_of(replies[-1])
    replies = await maria.picks("Suporte Sistemas", replies)
    category_card = card_of(replies[-1])
    # A few choices: a button each, no dropdown to open first.
    assert not [item for item in category_card["body"] if item["type"] == "Input.ChoiceSet"]
    assert len(category_card["actions"]) == len(options(replies[-1])) <= 6
    print("TYPE CARD", json.dumps(type_card, ensure_ascii=False, indent=1))
    print("CATEGORY CARD", json.dumps(category_card, ensure_ascii=False, indent=1))

    replies = await maria.says("erros")  # free text answers a card too
    # A long list: a searchable ChoiceSet and one submit button, page turns as buttons.
    (choice_set,) = [item for item in card_of(replies[-1])["body"] if item["type"] == "Input.ChoiceSet"]
    assert choice_set["style"] == "filtered" and choice_set["id"] == "choice"
    await maria.picks("FPE")
    await maria.says("Execução de Despesa > Liquidação")
    replies = await maria.says("A liquidação 2024NL000123 está travada no FPE desde ontem & dá erro.")
    assert "Pular" in options(replies[-1]) or "Concluir" in options(replies[-1])


async def maria_attaches_a_file_and_a_pasted_image_and_a_refused_one(maria, connector) -> None:
    connector.add_file("nota.pdf", PDF, "application/pdf")
    pasted = connector.add_file("colado", PNG, "image/png")
    replies = await maria.says("", attachments=[
        {"contentType": "application/vnd.microsoft.teams.file.download.info", "name": "nota.pdf",
         "content": {"downloadUrl": f"{connector.service_url}attachments/nota.pdf", "fileType": "pdf"}},
        {"contentType": "image/png", "contentUrl": pasted},
        {"contentType": "text/html", "content": "<div><img src='...'></div>"},
    ])
    assert "nota.pdf" in texts(replies) and "imagem-2.png" in texts(replies)
    assert [d["path"] for d in connector.downloads] == ["/attachments/nota.pdf", "/attachments/colado"]
    replies = await maria.says("", attachments=[
        {"contentType": "application/x-msdownload", "contentUrl": connector.add_file("setup.exe", b"MZ\x90\x00"),
         "name": "setup.exe"}])
    assert "setup.exe" in texts(replies) and "PDF" in texts(replies)
    assert len(connector.downloads) == 2  # refused by its name, not even downloaded


async def maria_sends_it_from_the_summary(maria) -> str:
    replies = await maria.picks("Concluir")
    summary = card_of(replies[0])
    facts = {f["title"]: f["value"] for item in summary["body"] if item["type"] == "FactSet" for f in item["facts"]}
    # What the servant typed is escaped for the card's markdown, and starts no HTML tag.
    assert facts["Título"] == "Liquidação travada no FPE <\u2060urgente> \\*hoje\\*"
    print("SUMMARY CARD", json.dumps(summary, ensure_ascii=False, indent=1))
    replies = await maria.picks("Enviar")
    return PROTOCOL.search(texts(replies)).group(0)


async def maria_asks_how_it_is_going(maria, protocol: str) -> None:
    """A status question in free text, protocol typed loosely: an Adaptive Card answers."""
    replies = await maria.says(f"qual a situação da {protocol.replace('-', ' ').lower()}?")
    status_card = next(card_of(r) for r in replies if card_of(r))
    assert "Em Andamento" in json.dumps(status_card, ensure_ascii=False)
    assert protocol in texts(replies)
    print("STATUS CARD", json.dumps(status_card, ensure_ascii=False, indent=1))


async def test_a_whole_new_demand_by_cards_and_free_text(maria, connector, store):
    await first_access(maria)
    await maria_classifies_it_by_cards_and_free_text(maria)
    await maria_attaches_a_file_and_a_pasted_image_and_a_refused_one(maria, connector)
    protocol = await maria_sends_it_from_the_summary(maria)

    async with store.transaction() as tx:
        person = await tx.person_for_account("teams", "aad-maria")
        demand = await tx.get_demand(Actor(person.id), protocol)
    assert demand.title == "Liquidação travada no FPE <urgente> *hoje*"
    assert sorted(a.filename for a in demand.attachments) == ["imagem-2.png", "nota.pdf"]

    await maria_asks_how_it_is_going(maria, protocol)
    print("TRANSCRIPT\n" + transcript(connector))


async def test_a_long_list_is_one_searchable_choice_set_of_every_entry(maria, store):
    """Serviços has 30 categories: Teams gets all of them in one filtered ChoiceSet (typing
    searches every one, not a page of eight), no page turns, and any entry picked answers."""
    await first_access(maria)
    await maria.picks("Nova demanda")
    await maria.says("Conciliar o caixa único")
    await maria.picks("Confirmar")
    replies = await maria.picks("Serviços")
    card = card_of(replies[-1])
    (choice_set,) = [item for item in card["body"] if item["type"] == "Input.ChoiceSet"]
    assert choice_set["style"] == "filtered" and len(choice_set["choices"]) == 30
    assert {"Contabilidade", "Execução da Despesa", "SIAC"} <= {c["title"] for c in choice_set["choices"]}
    assert [action["title"] for action in card["actions"]] == ["Escolher"]  # no "Mais ▶"
    assert "página" not in texts(replies[-1:])

    replies = await maria.picks("SIAC")  # the last entry, beyond the first page of eight
    assert "Qual é o serviço" in texts(replies)
    async with store.transaction() as tx:
        state = await tx.load_conversation("teams", maria.conversation_id, maria.aad_object_id)
    assert state["step"] == "subject" and state["draft"]["category_key"] == "srv-siac"


async def test_an_english_servant_reads_the_stores_refusals_in_english(maria, connector):
    """Refusals come from the store as codes; they are worded in the person's language."""
    maria.locale = "en-US"
    await maria.adds_the_bot()
    await maria.picks("Keep")
    replies = await maria.says("not an e-mail")
    assert "That e-mail does not look valid" in texts(replies)
    for answer in (EMAIL, PHONE, CARGO, "sefaz"):
        await maria.says(answer)
    await maria.picks("New demand")
    await maria.says("A settlement is stuck")
    await maria.picks("Confirm")
    await maria.picks("Services")
    await maria.says("execução da despesa")
    await maria.says("liberar liquidação")
    await maria.says("Stuck since yesterday.")
    replies = await maria.says("", attachments=[
        {"contentType": "application/x-msdownload", "contentUrl": connector.add_file("setup.exe", b"MZ\x90\x00"),
         "name": "setup.exe"}])
    assert "I don't accept files like “setup.exe”" in texts(replies)
    assert "Não" not in texts(replies) and "arquivo" not in texts(replies)
