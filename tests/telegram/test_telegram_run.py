"""`run_telegram`, what `python -m bot telegram` calls: polling by default, webhook when configured."""

from __future__ import annotations

import asyncio
import dataclasses

from aiohttp import ClientSession

from bot.telegram import run_telegram

CHAT = 1001


async def test_long_polling_until_stopped(api, config, file_dialogs):
    stop = asyncio.Event()
    running = asyncio.create_task(run_telegram(config, file_dialogs, file_dialogs.store, stop=stop))
    await api.wait_for(lambda: api.calls_of("getUpdates"))
    await api.user_says(CHAT, "/start")
    await api.wait_for(lambda: api.sent_to(CHAT))
    stop.set()
    await asyncio.wait_for(running, 5)
    assert api.webhook is None


async def test_webhook_mode_serves_our_http_application(api, config, file_dialogs, http_port):
    port = http_port
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    webhook_config = dataclasses.replace(config, telegram_webhook_url=url, telegram_webhook_secret="abc_123",
                                         http_port=port)
    stop = asyncio.Event()
    running = asyncio.create_task(run_telegram(webhook_config, file_dialogs, file_dialogs.store, stop=stop))
    await api.wait_for(lambda: api.webhook)
    async with ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as response:
        assert response.status == 200
    await api.user_says(CHAT, "/start")  # the fake Telegram POSTs it to our server, with the secret
    await api.wait_for(lambda: api.sent_to(CHAT))
    assert api.webhook_statuses == [200]
    assert not api.calls_of("getUpdates")
    stop.set()
    await asyncio.wait_for(running, 5)
