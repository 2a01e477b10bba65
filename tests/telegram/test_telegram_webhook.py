"""Webhook mode: our aiohttp application receives Telegram's POSTs and checks the secret."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession, web

from bot.http import TELEGRAM_SECRET_HEADER, create_app

PRIVATE_CHAT = 1001
WEBHOOK_SECRET = "s3cret-Token_for-tests"


@pytest.fixture
async def webhook(api, start_bot, http_port) -> AsyncIterator[tuple[str, object]]:
    """The bot in webhook mode behind our aiohttp application: (webhook URL, channel)."""
    port = http_port
    url = f"http://127.0.0.1:{port}/telegram/hook"
    channel = await start_bot(telegram_webhook_url=url, telegram_webhook_secret=WEBHOOK_SECRET)
    runner = web.AppRunner(create_app(telegram=channel.webhook))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield url, channel
    await runner.cleanup()


def start_update(update_id: int) -> dict:
    user = {"id": PRIVATE_CHAT, "is_bot": False, "first_name": "Intrusa", "language_code": "pt-br"}
    return {"update_id": update_id, "message": {
        "message_id": 900 + update_id, "date": 0, "text": "/start", "from": user,
        "chat": {"id": PRIVATE_CHAT, "type": "private", "first_name": "Intrusa"},
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }}


async def test_registers_the_webhook_with_its_secret(api, webhook):
    url, _ = webhook
    assert api.webhook == {"url": url, "secret_token": WEBHOOK_SECRET}
    assert not api.calls_of("getUpdates")  # no polling beside a webhook


async def test_wrong_or_missing_secret_is_refused_and_nothing_is_processed(api, webhook):
    url, channel = webhook
    async with ClientSession() as http:
        for headers in ({}, {TELEGRAM_SECRET_HEADER: "wrong"}, {TELEGRAM_SECRET_HEADER: WEBHOOK_SECRET + "x"}):
            async with http.post(url, json=start_update(1), headers=headers) as response:
                assert response.status == 403
    await channel.drain()
    assert api.sent_to(PRIVATE_CHAT) == []


async def test_malformed_bodies_get_400_and_the_server_keeps_serving(api, webhook):
    url, channel = webhook
    good = {TELEGRAM_SECRET_HEADER: WEBHOOK_SECRET}
    async with ClientSession() as http:
        for body in (b"{not json", b"[1, 2]", b'{"no_update_id": true}', b'{"update_id": "x"}',
                     b'{"update_id": 5, "message": {"chat": 3}}'):
            async with http.post(url, data=body, headers=good) as response:
                assert response.status == 400, body
        base = url.rsplit("/telegram/", 1)[0]
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok"}
    # The fake Telegram now delivers a real update with the registered secret: it is processed.
    await channel.drain()
    assert api.sent_to(PRIVATE_CHAT) == []
    replies = await api.chat(PRIVATE_CHAT, channel).says("/start")
    assert api.webhook_statuses == [200]
    assert "Olá, Maria Souza" in replies[0]["text"]
