"""Leaving a draft keeps it: `menu`, a command or a protocol in the middle of a new demand says the
draft is kept (files still held), and the next "Nova demanda" offers to continue it or start over,
across turns, flows and restarts."""

from __future__ import annotations

from dialog_support import Conversation, person_id
from samples import PDF
from sqlalchemy import func, select

from dialogs import Dialogs
from store import Actor
from store.models import PendingAttachmentRow

KEPT = "Guardei o rascunho da nova demanda, com seus anexos"


async def held_count(conv) -> int:
    store = conv.dialogs.store
    owner = await person_id(store, conv)
    async with store.transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(PendingAttachmentRow)
                                       .where(PendingAttachmentRow.person_id == owner))


async def begin_with_a_file(conv) -> None:
    """Title and órgão answered, a file sent early: at the type's question."""
    await conv.press("menu:new")
    await conv.say("Liberar liquidação do empenho 123")
    await conv.attach("oficio.pdf", PDF)
    assert "Guardei oficio.pdf" in conv.text
    await conv.say("sim")
    assert "tipo" in conv.text.lower()


async def test_menu_in_the_middle_keeps_the_draft_and_nova_demanda_continues_it(ready, sqlite_store):
    await begin_with_a_file(ready)
    await ready.say("menu")
    assert ready.replies[0].text.startswith(KEPT) and "menu:new" in ready.choice_ids
    state = await ready.state()
    assert state["flow"] == "menu" and state["kept"]["title"] == "Liberar liquidação do empenho 123"
    assert await held_count(ready) == 1
    await ready.say("nova demanda")
    assert "rascunho de demanda guardado: “Liberar liquidação do empenho 123”" in ready.text
    assert "Anexos: oficio.pdf." in ready.text
    assert ready.labels == ["Continuar rascunho", "Começar de novo"]
    await ready.press("draft:resume")
    assert "tipo" in ready.text.lower() and "título" not in ready.text.lower()  # where it was left
    await ready.press("type:servicos")
    await ready.say("execução da despesa")
    await ready.press("sub:liberar-liquidacao")
    await ready.say("A liquidação está travada desde ontem.")
    assert "1. oficio.pdf" in ready.text
    await ready.press("done")
    await ready.press("send")
    assert "Demanda criada" in ready.text and "kept" not in (await ready.state())
    async with sqlite_store.transaction() as tx:
        page = await tx.list_demands(Actor(await person_id(sqlite_store, ready)), False, page=1, page_size=5)
    [demand] = page.items
    assert demand.title == "Liberar liquidação do empenho 123"
    assert [a.filename for a in demand.attachments] == ["oficio.pdf"] and await held_count(ready) == 0


async def test_the_draft_survives_another_flow_and_a_restart_then_starts_over(ready, sqlite_store, taxonomy):
    await begin_with_a_file(ready)
    await ready.send(choice="menu:open")  # an older menu button pressed: another flow
    assert ready.replies[0].text.startswith(KEPT)
    await ready.say("menu")
    restarted = Conversation(Dialogs(sqlite_store, taxonomy), user=ready.user)
    await restarted.say("nova demanda")
    assert restarted.labels == ["Continuar rascunho", "Começar de novo"]
    await restarted.say("2")
    assert "Rascunho descartado" in restarted.text and "título" in restarted.text
    assert await held_count(restarted) == 0 and "kept" not in (await restarted.state())


async def test_cancelar_discards_the_draft(ready):
    await begin_with_a_file(ready)
    await ready.say("cancelar")
    assert "Nova demanda descartada" in ready.text and KEPT not in ready.text
    assert await held_count(ready) == 0
    await ready.say("nova demanda")
    assert "título" in ready.text and "draft:resume" not in ready.choice_ids


async def test_in_english_the_choices_read_continue_draft_and_start_over(dialogs, sqlite_store):
    english = Conversation(dialogs, user="en1", name="Mary Smith", locale="en-US")
    async with sqlite_store.transaction() as tx:
        person = await tx.ensure_person(english.channel, english.user, english.name)
        await tx.update_profile(person.id, email="mary@sefaz.rs.gov.br", phone="(51) 3214-5200",
                                cargo="Analyst", organ_key="sefaz")
    await english.say("menu")
    await english.press("menu:new")
    await english.say("Unlock a payment")
    await english.say("menu")
    assert english.replies[0].text.startswith("I kept the new demand's draft")
    await english.press("menu:new")
    assert "You have a draft demand kept: “Unlock a payment”" in english.text
    assert english.labels == ["Continue draft", "Start over"]
