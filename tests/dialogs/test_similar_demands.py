"""Issue 19, similar demands: before a new demand is sent, an open demand of the same requester
that looks like it (same classification and a close description, or the same document number)
is shown, with "Comentar nela" (the draft's text and files become a comment on it) and "Abrir
mesmo assim" (the new demand is marked as its possible duplicate on the attendants' card)."""

from __future__ import annotations

import pytest
from dialog_support import Conversation, attendant, complete_profile, open_demand, person_id
from samples import PDF
from test_kept_drafts import held_count
from test_new_demand import demands_of, to_summary

from dialogs import Dialogs, IncomingFile
from store import Actor, Store

SAME_REQUEST = {"type_key": "servicos", "category_key": "srv-execucao-despesa", "subject_key": "liberar-liquidacao",
                "subject_detail": None, "description": "A liquidação está travada desde ontem!"}


async def offered(conv, store, **older) -> str:
    """An open demand like the one `to_summary` writes, then that draft sent: the offer is shown."""
    protocol = await open_demand(store, conv, **{**SAME_REQUEST, **older})
    await to_summary(conv)
    await conv.send(files=[IncomingFile("nota.pdf", PDF)])  # at the summary: kept for the draft
    await conv.press("send")
    assert "Você já tem uma demanda aberta parecida" in conv.text and protocol in conv.text
    assert conv.labels == ["Comentar nela", "Abrir mesmo assim"]
    return protocol


async def timeline(store, conv, protocol):
    async with store.transaction() as tx:
        return await tx.timeline(Actor(await person_id(store, conv)), protocol)


@pytest.fixture(params=["same process", "after a restart"])
async def answering(request, ready, sqlite_url, clock, tmp_path, taxonomy):
    """Who answers the offer: the same conversation, or one over a new store and new dialogs on the
    same database (the process restarted while the offer waited)."""
    if request.param == "same process":
        yield lambda: ready
        return
    store = await Store.open(sqlite_url, clock=clock, attachments_dir=tmp_path / "attachments", migrate=False)
    yield lambda: Conversation(Dialogs(store, taxonomy), user=ready.user)
    await store.close()


async def test_comment_on_it_records_the_text_and_files_there_and_opens_nothing(ready, sqlite_store, answering):
    older = await offered(ready, sqlite_store)
    conv = answering()
    await conv.send(choice="sim:comment")  # pressed on the offer, maybe before the restart
    assert f"registrado como comentário em {older}" in conv.text and "nenhuma demanda nova" in conv.text
    [only] = await demands_of(sqlite_store, ready)
    assert only.protocol == older
    [comment, _created] = await timeline(sqlite_store, ready, older)
    assert comment.text == "A liquidação está travada desde ontem."
    assert [a.filename for a in comment.attachments] == ["nota.pdf"]
    assert await held_count(conv) == 0 and "draft" not in (await conv.state())


async def test_open_anyway_sends_it_marked_as_a_possible_duplicate(ready, sqlite_store, dialogs, answering):
    older = await offered(ready, sqlite_store)
    conv = answering()
    await conv.send(choice="sim:open")
    assert "Demanda criada! Protocolo: CAGE-" in conv.text
    newer, first = await demands_of(sqlite_store, ready)
    assert first.protocol == older and newer.possible_duplicate_of == older
    assert [a.filename for a in newer.attachments] == ["nota.pdf"]
    await attendant(sqlite_store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente")
    await ana.say(f"/demanda {newer.protocol}")
    assert f"⚠️ Possível duplicata de: {older}" in ana.text
    await ana.say(f"/demanda {older}")
    assert "duplicata" not in ana.text


async def test_the_same_document_number_is_similar_whatever_the_classification(ready, sqlite_store):
    older = await open_demand(sqlite_store, ready, description="Não consigo liquidar o empenho 2025NE000123.")
    await to_summary(ready)
    await ready.press("edit:desc")
    await ready.say("Liberar a liquidação do empenho 2025ne123, por favor.")
    await ready.press("send")
    assert older in ready.text and "Ela cita o mesmo documento: Empenho 2025NE000123." in ready.text


async def test_no_offer_for_a_closed_demand_nor_someone_elses(ready, sqlite_store, dialogs):
    closed = await open_demand(sqlite_store, ready, **SAME_REQUEST)
    async with sqlite_store.transaction() as tx:
        await tx.cancel(Actor(await person_id(sqlite_store, ready)), closed)
    other = Conversation(dialogs, user="u2", name="João Pereira")
    await open_demand(sqlite_store, other, **SAME_REQUEST)
    await to_summary(ready)
    await ready.press("send")
    assert "Demanda criada" in ready.text and "parecida" not in ready.text


async def test_back_returns_to_the_summary_and_other_text_asks_again(ready, sqlite_store):
    await offered(ready, sqlite_store)
    await ready.say("talvez")
    assert "Toque “Comentar nela” ou “Abrir mesmo assim”" in ready.text and "parecida" in ready.text
    await ready.say("voltar")
    assert "Confira a demanda antes de enviar" in ready.text
    assert (await ready.state())["step"] == "summary" and "similar" not in (await ready.state())


async def test_a_demand_closed_before_the_comment_is_said_and_the_draft_stays(ready, sqlite_store):
    older = await offered(ready, sqlite_store)
    async with sqlite_store.transaction() as tx:
        await tx.cancel(Actor(await person_id(sqlite_store, ready)), older)
    await ready.press("sim:comment")
    assert "Confira a demanda antes de enviar" in ready.text and "nota.pdf" in ready.text
    assert len(await timeline(sqlite_store, ready, older)) == 2  # created, cancelled: no comment
    await ready.press("send")  # closed now: no offer
    assert "Demanda criada" in ready.text


@pytest.mark.parametrize("choice", ["sim:comment", "sim:open"])
async def test_the_offer_and_the_search_on_both_databases(choice, store, taxonomy):
    """The same story on SQLite and PostgreSQL (the `store` fixture runs on each)."""
    dialogs = Dialogs(store, taxonomy)
    conv = Conversation(dialogs)
    await complete_profile(conv)
    older = await offered(conv, store, title="Empenho 2025NE000123")
    await conv.send(choice=choice)
    demands = await demands_of(store, conv)
    assert len(demands) == (1 if choice == "sim:comment" else 2)
    await attendant(store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente")
    await ana.say("/buscar 2025NE000123")
    assert "— 1 no total:" in ana.text and older in ana.text
