"""Files on a timeline event reach the private chats of the people who did not attach them as
files (sendDocument after the push's text), through the real notifier and python-telegram-bot
against the fake Bot API; a send that fails after the text never sends the text again."""

from __future__ import annotations

from notifier_support import ANA_TG, ANA_TG2, CAIO_TG, ROOM_TG, Running, build_world, fast_options
from samples import PDF, PNG

from bot.notifier import Notifier
from store.attachments import NewAttachment

PARECER = NewAttachment("parecer.pdf", PDF, "application/pdf")
PRINT = NewAttachment("tela do FPE.png", PNG, "image/png")


def texts(api, chat: int) -> list[str]:
    return [message["text"].split("\n")[0] for message in api.sent_to(chat) if "text" in message]


async def test_an_answer_with_files_reaches_the_requester_as_documents(world, api, telegram):
    protocol = await world.open()
    await world.run("answer", "caio", protocol, "Segue o parecer e a tela.", [PARECER, PRINT])
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained()

    for chat in (ANA_TG, ANA_TG2):
        answer, *documents = api.sent_to(chat)[-3:]
        assert "Segue o parecer e a tela." in answer["text"]
        assert "Anexos: parecer.pdf, tela do FPE.png" in answer["text"]  # named, and then sent
        assert [d["document"]["file_name"] for d in documents] == ["parecer.pdf", "tela do FPE.png"]
        assert api.documents_sent_to(chat) == [("parecer.pdf", PDF), ("tela do FPE.png", PNG)]
    # Caio attached them: his own chat and the room get no copies.
    assert api.documents_sent_to(CAIO_TG) == [] and api.documents_sent_to(ROOM_TG) == []


async def test_the_requesters_files_reach_the_assignee_not_the_room_nor_herself(world, api, telegram):
    protocol = await world.open()
    await world.run("receive", "caio", protocol)
    await world.run("comment", "ana", protocol, "A nota fiscal.", [PARECER])
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained()

    assert api.documents_sent_to(CAIO_TG) == [("parecer.pdf", PDF)]
    assert api.documents_sent_to(ANA_TG2) == []  # her other chat hears of her comment, without her file
    assert api.documents_sent_to(ROOM_TG) == []  # the room's card has "Anexos" for that
    assert "Comentário" in texts(api, ROOM_TG)[-1]


async def test_a_retry_after_the_text_went_out_sends_only_the_files(live_store, api, telegram):
    world = await build_world(live_store, ana_chats=(("telegram", str(ANA_TG)),))
    protocol = await world.open()
    await world.run("answer", "caio", protocol, "Segue o parecer e a tela.", [PARECER, PRINT])
    # The first file is refused for now (a gateway hiccup), after the text was confirmed.
    api.fail_next("sendDocument", status=502, description="Bad Gateway")
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained(timeout=20)

    answers = [m for m in api.sent_to(ANA_TG) if "Segue o parecer" in m.get("text", "")]
    assert len(answers) == 1  # the text once
    assert api.documents_sent_to(ANA_TG) == [("parecer.pdf", PDF), ("tela do FPE.png", PNG)]
    assert len(api.calls_of("sendDocument")) == 3  # the refused one, then each file once
