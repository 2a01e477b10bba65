"""The same update twice is handled once: posted again to the webhook, or served again by
getUpdates to a bot restarted before it confirmed it. What the person sees and what the store
holds say so."""

from __future__ import annotations

import asyncio
import json

from aiohttp import ClientSession, web
from sqlalchemy import func, select

from bot.http import TELEGRAM_SECRET_HEADER, create_app
from store.models import InboxRow, OutboxRow

CHAT = 1001
SECRET = "s3cret-Token_for-tests"


async def inbox_rows(store) -> list[tuple[str, str]]:
    async with store.transaction() as tx:
        return [tuple(row) for row in (await tx.session.execute(
            select(InboxRow.update_key, InboxRow.status).order_by(InboxRow.id))).all()]


async def replies_sent(store) -> int:
    async with store.transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(OutboxRow)
                                       .where(OutboxRow.audience == "reply", OutboxRow.status == "sent"))


async def test_an_update_posted_twice_to_the_webhook_is_handled_once(api, start_bot, http_port, file_store):
    url = f"http://127.0.0.1:{http_port}/telegram/hook"
    channel = await start_bot(telegram_webhook_url=url, telegram_webhook_secret=SECRET)
    runner = web.AppRunner(create_app(telegram=channel.webhook))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", http_port).start()
    try:
        chat = api.chat(CHAT, channel)
        welcome = await chat.says("/start")
        async with ClientSession() as http:
            async with http.post(url, data=json.dumps(api.given[-1]), headers={
                    TELEGRAM_SECRET_HEADER: SECRET, "Content-Type": "application/json"}) as response:
                assert response.status == 200  # acknowledged: Telegram must stop sending it
        await channel.drain()
    finally:
        await runner.cleanup()
    assert welcome and len(api.sent_to(CHAT)) == len(welcome)
    assert await inbox_rows(file_store) == [(str(api.given[-1]["update_id"]), "done")]
    assert await replies_sent(file_store) == len(welcome)


async def test_an_update_served_again_after_a_restart_is_handled_once(api, start_bot, file_store):
    first = await start_bot()
    welcome = await api.chat(CHAT, first).says("/start")
    await first.stop()
    api.unconfirm(api.given[-1])  # as if the bot had died before its next getUpdates
    second = await start_bot()
    await api.taken()
    await second.drain()
    assert welcome and len(api.sent_to(CHAT)) == len(welcome)
    assert await inbox_rows(file_store) == [(str(api.given[-1]["update_id"]), "done")]


async def test_a_reply_with_files_refused_after_its_text_goes_on_after_the_text(api, bot, file_store):
    """An attendant's "Anexos": the reply (its text, then the demand's files) is refused for now
    after its text went out; the notifier takes it from the outbox and sends only the files."""
    from samples import DRAFT, PDF, PNG

    from bot.notifier import Notifier
    from store import Actor
    from store.attachments import NewAttachment

    async with file_store.transaction() as tx:
        caio = await tx.ensure_person("telegram", "3001", "Caio Prado")
        await tx.set_attendant(caio.id, True)
        ana = await tx.ensure_person("telegram", "ana", "Ana Souza")
        files = (NewAttachment("nota.pdf", PDF, "application/pdf"), NewAttachment("tela.png", PNG, "image/png"))
        protocol = (await tx.open_demand(Actor(ana.id, False), DRAFT, files)).protocol
    chat = api.chat(3001, bot, user=api.user(3001, "Caio", "Prado"))
    await chat.says(f"/demanda {protocol}")
    api.fail_next("sendDocument", status=502, description="Bad Gateway")
    heard = await chat.presses("Anexos")
    assert [m.get("text", "").split("\n")[0] for m in heard] == [f"Anexos de {protocol} (2):"]
    notifier = Notifier(file_store, {"telegram": bot.sender}, poll_interval=0.05, global_rate=0, pace_chats=False)
    stop = asyncio.Event()
    running = asyncio.create_task(notifier.run(stop))
    try:
        await api.wait_for(lambda: len(api.documents_sent_to(3001)) == 2, timeout=15)
    finally:
        stop.set()
        await running
    assert [m for m in api.sent_to(3001) if m.get("text", "").startswith(f"Anexos de {protocol}")] == heard[:1]
    assert api.documents_sent_to(3001) == [("nota.pdf", PDF), ("tela.png", PNG)]
