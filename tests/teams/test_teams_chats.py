"""Group chats and channels, the stored conversation reference, attachments' edge cases, and the
proactive push the notifier uses (TeamsSender), against the fake Bot Connector."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest
from fakes.connector import BOT_ID, BOT_NAME, TeamsUser, texts, visible_text
from samples import ATTENDANT_NAME, PDF, PLAIN_DRAFT
from teams_support import FAST_RETRY, ana_in, answered_by_an_attendant, fast_sender, stored_chat

from bot.notifier import PermanentSendError, TransientSendError
from dialogs import Outgoing
from dialogs.events import REQUESTER, render_push
from dialogs.texts import Texts
from store import Actor


@pytest.fixture
def ana(bot_url, connector) -> TeamsUser:
    return ana_in(bot_url, connector, "19:cage-channel@thread.tacv2;messageid=1")


async def test_in_a_channel_the_mention_is_stripped_and_the_chat_is_a_group(ana, connector, store):
    replies = await ana.adds_the_bot()
    assert "me mencione" in texts(replies)
    chat = await stored_chat(store, "19:cage-channel@thread.tacv2")  # the channel, not the thread
    assert chat.kind == "group" and chat.reference["serviceUrl"] == connector.service_url

    async with store.transaction() as tx:
        person = await tx.ensure_person("teams", "aad-ana", ATTENDANT_NAME)
        await tx.set_attendant(person.id, True)
    # Among attendants the bot answers only what is meant for it: "ajuda", once the
    # "<at>e-CAGE</at>" before it is taken away.
    before = len(connector.sent)
    replies = await ana.says("ajuda", mention=True)
    assert texts(replies) == Texts("pt-BR")("att.help")
    # Asked in a post's thread, answered in that thread; the chat stays the channel.
    assert [s.conversation_id for s in connector.sent[before:]] == ["19:cage-channel@thread.tacv2;messageid=1"]
    assert (await stored_chat(store, "19:cage-channel@thread.tacv2")).reference["conversation"]["id"] == \
        "19:cage-channel@thread.tacv2"


async def test_the_reference_is_refreshed_on_every_activity(maria, connector, store):
    await maria.says("oi")
    activity = maria.activity(text="menu")
    activity["serviceUrl"] = connector.service_url + "emea/"
    await maria.post(activity)
    chat = await stored_chat(store, maria.conversation_id)
    assert chat.reference["serviceUrl"].endswith("/emea/")
    assert chat.reference["user"]["id"] == "29:maria" and chat.reference["bot"]["id"] == BOT_ID


async def test_attachments_too_large_or_unreachable_are_explained(maria, connector, store):
    await maria.adds_the_bot()
    big = connector.add_file("grande.pdf", PDF + bytes(20 * 1024 * 1024))
    unsized = connector.add_file("sem-tamanho.pdf", PDF + bytes(20 * 1024 * 1024), chunked=True)
    small = connector.add_file("pequeno.pdf", PDF + bytes(300 * 1024), chunked=True)
    replies = await maria.says("", attachments=[
        {"contentType": "application/pdf", "contentUrl": big, "name": "grande.pdf"},
        {"contentType": "application/pdf", "contentUrl": unsized, "name": "sem-tamanho.pdf"},
        {"contentType": "application/pdf", "contentUrl": small, "name": "pequeno.pdf"},
        {"contentType": "application/pdf", "contentUrl": connector.service_url + "attachments/sumiu.pdf",
         "name": "sumiu.pdf"}])
    said = texts(replies)
    assert "grande.pdf" in said and "20 MB" in said
    assert "Não consegui baixar o arquivo “sumiu.pdf”" in said
    assert "sem-tamanho.pdf” tem mais de 20 MB" in said
    # The small one, read whole in pieces, reached the dialogs (who have no demand to put it in).
    assert "pequeno.pdf" not in said and "Este arquivo não foi guardado" in said


async def test_an_attendants_answer_is_pushed_to_the_recorded_conversation(maria, connector, store):
    maria_actor, protocol = await answered_by_an_attendant(maria, store, "Liberada a *liquidação*.")
    chat = await stored_chat(store, maria.conversation_id)
    async with store.transaction() as tx:
        (event, *_) = await tx.timeline(maria_actor, protocol)
        view = await tx.get_demand(maria_actor, protocol)
    (outgoing,) = render_push(event, view, REQUESTER, chat.locale)

    sender = fast_sender()
    before = len(connector.sent)
    connector.fail_next(1, status=429, retry_after="0.04")
    connector.fail_next(1, status=502)
    started = time.monotonic()
    await sender.send(chat, outgoing)
    assert time.monotonic() - started >= 0.04, "Retry-After was honoured"

    (pushed,) = connector.sent[before:]
    assert connector.refused[-2:] == [(pushed.path, 429), (pushed.path, 502)]
    assert pushed.conversation_id == maria.conversation_id and pushed.reply_to is None
    said = visible_text(pushed.activity)
    assert view.protocol in said and r"Liberada a \*liquidação\*" in said
    print("PUSHED", pushed.method, pushed.path, json.dumps(pushed.activity, ensure_ascii=False, indent=1))

    # The push's button works in the conversation like any other card button.
    replies = await maria.picks(Texts("pt-BR")("push.open"), [pushed.activity])
    assert "Respondido" in texts(replies) or "Liberada" in texts(replies)


async def test_pushes_that_cannot_succeed_raise_the_notifiers_errors(maria, connector, store):
    await maria.says("oi")
    chat = await stored_chat(store, maria.conversation_id)
    sender = fast_sender()
    connector.fail_next(FAST_RETRY.attempts, status=429)
    with pytest.raises(TransientSendError):
        await sender.send(chat, Outgoing("Novidade"))
    connector.fail_next(1, status=403)  # the bot was removed from the conversation
    with pytest.raises(PermanentSendError):
        await sender.send(chat, Outgoing("Novidade"))
    connector.fail_next(1, status=429, retry_after="120")  # later than a send waits
    with pytest.raises(TransientSendError) as raised:
        await sender.send(chat, Outgoing("Novidade"))
    assert raised.value.retry_after == 120  # the notifier schedules the next try
    assert len(connector.refused) == FAST_RETRY.attempts + 2
    with pytest.raises(PermanentSendError):
        await sender.send(dataclasses.replace(chat, reference=None), Outgoing("Novidade"))
    await sender.send(chat, Outgoing("Novidade", choices=()))
    assert connector.sent[-1].activity["text"] == "Novidade"


async def test_a_reply_to_a_demands_card_acts_on_that_demand(ana, connector, store):
    await ana.adds_the_bot()
    async with store.transaction() as tx:
        attendant = await tx.ensure_person("teams", "aad-ana", ATTENDANT_NAME)
        await tx.set_attendant(attendant.id, True)
        requester = await tx.ensure_person("teams", "aad-joao", "João Pereira")
        view = await tx.open_demand(Actor(requester.id), PLAIN_DRAFT)
    before = len(connector.sent)
    replies = await ana.says(f"/demanda {view.protocol}", mention=True)
    assert "Situação" in texts(replies)
    (card,) = connector.sent[before:]

    # Teams gives the card's activity id; a reply to it names the demand without a protocol.
    tag = f"<at>{BOT_NAME}</at>"
    replies = await ana._replies(ana.activity(
        text=f"{tag} Solucionado: retenção corrigida.", textFormat="plain", replyToId=card.activity_id,
        entities=[{"type": "mention", "text": tag, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}]))
    assert f"{view.protocol} solucionada por Ana Atendente" in texts(replies)
    async with store.transaction() as tx:
        assert (await tx.get_demand(Actor(attendant.id, True), view.protocol)).status.value == "Resolvido"


async def test_the_sender_returns_the_ids_of_what_it_pushed(maria, connector, store):
    await maria.says("oi")
    chat = await stored_chat(store, maria.conversation_id)
    before = len(connector.sent)
    ids = await fast_sender().send(chat, Outgoing("Olá"))
    assert ids == [sent.activity_id for sent in connector.sent[before:]] and len(ids) == 1


async def test_a_universal_card_action_works_like_the_same_choice_submitted(maria, connector):
    await maria.says("oi")
    status, replies = await maria.post(maria.activity(
        "invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "choose", "data": {"choice": "keep"}}}))
    assert status == 200
    assert "e-mail" in texts(replies)
