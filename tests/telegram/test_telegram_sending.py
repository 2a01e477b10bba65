"""What reaches the Bot API when the bot speaks: rate limits, refusals of extras, files, long texts."""

from __future__ import annotations

import asyncio
import time

from bot.notifier import Notifier
from bot.telegram import build_bot, send_outgoing
from bot.telegram.send import CONNECTIONS
from dialogs import Choice, Outgoing, OutgoingFile
from store import outbox

CHAT = 1001
OTHER_CHAT = 1002


async def test_429_holds_back_only_its_chat_and_its_reply_is_sent_after_retry_after(api, bot, file_store):
    api.fail_next("sendMessage", times=1, status=429, retry_after=2, chat_id=CHAT)
    started = time.monotonic()
    assert await api.chat(CHAT, bot).says("/start") == []  # refused for now: left in the outbox
    # Another chat is answered at once: the bot as a whole is not paused (bot/telegram/limits.py).
    assert await api.chat(OTHER_CHAT, bot).says("/start")
    limits = bot.bot.rate_limiter
    assert limits.paused_for() == 0 and limits.limited_for(CHAT) > 0 and limits.limited_for(OTHER_CHAT) == 0
    waiting = [entry for entry in await outbox.list_outbox(file_store) if entry.chat_id == str(CHAT)]
    assert waiting and {entry.status for entry in waiting} == {"pending"}
    assert "Flood control exceeded" in waiting[0].last_error

    # The service's notifier sends it once the chat's time is up, nothing lost.
    stop = asyncio.Event()
    delivering = asyncio.create_task(Notifier(file_store, {"telegram": bot.sender}, poll_interval=0.05).run(stop))
    try:
        await api.wait_for(lambda: len(api.sent_to(CHAT)) == len(waiting), timeout=15)
    finally:
        stop.set()
        await delivering
    attempts = [call for call in api.calls_of("sendMessage") if call.params["chat_id"] == CHAT]
    assert attempts[-1].at - started >= 2  # honoured retry_after
    assert len(attempts) == len(waiting) + 1 and attempts[0].params == attempts[1].params  # the refused one, again
    assert [m["text"] for m in api.sent_to(CHAT)] == [m["text"] for m in api.sent_to(OTHER_CHAT)]


async def test_a_server_refusing_set_my_commands_is_tolerated(api, start_bot):
    api.fail_next("setMyCommands", times=2, status=400, description="Bad Request: not here")
    bot = await start_bot()
    assert await api.chat(CHAT, bot).says("/start")


async def test_command_menu_in_portuguese_and_english(api, bot):
    default, english, groups, groups_english = api.calls_of("setMyCommands")
    assert "language_code" not in default.params and "scope" not in default.params
    assert english.params["language_code"] == "en"
    assert [c["command"] for c in default.params["commands"]] == ["menu", "ajuda", "voltar", "cancelar"]
    assert default.params["commands"][0]["description"] == "Menu principal"
    assert english.params["commands"][0] == {"command": "menu", "description": "Main menu"}
    # Attendants work from group chats: their commands are the groups' menu.
    for call in (groups, groups_english):
        assert call.params["scope"] == {"type": "all_group_chats"}
        assert [c["command"] for c in call.params["commands"]] == [
            "fila", "atribuidas", "demanda", "receber", "responder", "solicitar", "solucionar",
            "buscar", "vincular", "desvincular", "atendimento"]
    assert groups_english.params["language_code"] == "en"
    assert groups.params["commands"][0]["description"] == "Demandas abertas, sem atendente primeiro"
    # Polling mode removes any webhook before asking for updates.
    await api.wait_for(lambda: api.calls_of("getUpdates"))
    methods = [c.method for c in api.calls]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")


async def test_notifier_push_sends_long_text_in_pieces_and_files_as_documents(api, config):
    long_text = "\n".join(f"Evento {i}: CAGE-{i:05d}-A1B2 <respondido> & anotado" for i in range(150))
    outgoing = Outgoing(
        text=long_text,
        choices=(Choice("survey:CAGE-00001-A1B2", "Avaliar"),),
        files=(OutgoingFile("parecer.pdf", b"%PDF-1.4 parecer", "application/pdf"),),
    )
    async with build_bot(config) as telegram_bot:
        sent = await send_outgoing(telegram_bot, CHAT, outgoing)
    texts = api.calls_of("sendMessage")
    assert len(texts) == 2 and len(sent) == 3
    assert all(len(m["text"]) <= 4096 for m in api.sent_to(CHAT) if "text" in m)
    assert "&lt;respondido&gt; &amp; anotado" in texts[0].params["text"]
    assert "<code>CAGE-00001-A1B2</code>" in texts[0].params["text"]
    assert "reply_markup" not in texts[0].params  # the keyboard goes with the last piece
    assert texts[1].params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Avaliar"
    shown = [m["text"] for m in api.sent_to(CHAT) if "text" in m]
    assert "\n".join(shown) == long_text
    (document,) = api.calls_of("sendDocument")
    assert document.files["document"] == ("parecer.pdf", b"%PDF-1.4 parecer")


async def test_sends_beyond_the_open_connections_wait_for_one_and_none_fails(api, config):
    # bot/telegram/send.py: at most CONNECTIONS requests in flight; the others wait for a free
    # connection, longer than python-telegram-bot's own 1 s, and still go out.
    api.hold("sendMessage")
    texts = [f"mensagem {number}" for number in range(2 * CONNECTIONS)]
    async with build_bot(config) as telegram_bot:
        sending = [asyncio.create_task(telegram_bot.send_message(CHAT, text)) for text in texts]
        await api.wait_for(lambda: len(api.held) == CONNECTIONS)
        await asyncio.sleep(1.5)  # past the library's pool timeout: the waiting ones did not fail
        assert len(api.held) == CONNECTIONS and not any(task.done() for task in sending)
        api.release()
        sent = await asyncio.gather(*sending)
    assert sorted(message.text for message in sent) == sorted(texts)
