"""`python -m bot` as deployed: every configured channel on one HTTP server, with the notifier.

The process reads only environment variables. Telegram runs in webhook mode and Teams with an app
id, both on ECAGE_HTTP_PORT; an attendant's answer written to the shared database reaches the
requester's Telegram chat through the notifier running inside the same process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
from fakes.ports import free_port
from fakes.telegram_api import TOKEN, FakeTelegramAPI
from samples import ATTENDANT_NAME, DRAFT

from store import Actor, Store

ROOT = Path(__file__).resolve().parents[2]
SECRET = "whole-service-secret"
MARIA = 4242


async def wait_until_listening(url: str, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            assert process.returncode is None, "the service exited early"
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def deployed_environment(api: FakeTelegramAPI, port: int, database_url: str, attachments: Path) -> dict:
    """What an operator sets: Telegram by webhook and Teams with an app id, on one port."""
    return {**os.environ,
            "ECAGE_DATABASE_URL": database_url, "ECAGE_ATTACHMENTS_DIR": str(attachments),
            "ECAGE_HTTP_PORT": str(port),
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.base_url,
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "MICROSOFT_APP_ID": "00000000-0000-0000-0000-000000000001",
            "MICROSOFT_APP_PASSWORD": "not-a-real-password"}


async def teams_refuses_what_the_bot_framework_did_not_sign(port: int) -> None:
    async with aiohttp.ClientSession() as http:
        activity = {"type": "message", "text": "oi", "id": "1", "channelId": "msteams",
                    "serviceUrl": "http://127.0.0.1:9/", "from": {"id": "u"},
                    "conversation": {"id": "c"}, "recipient": {"id": "b"}}
        async with http.post(f"http://127.0.0.1:{port}/api/messages", json=activity) as response:
            assert response.status == 401


async def maria_says_hello_through_the_webhook(api: FakeTelegramAPI) -> None:
    await api.user_says(MARIA, "/start")
    await api.wait_for(lambda: api.sent_to(MARIA), timeout=30)
    assert "e-CAGE" in api.sent_to(MARIA)[0]["text"]


async def another_process_opens_her_demand_and_answers_it(database_url: str, attachments: Path) -> str:
    """An attendant's answer, written to the shared database by another process."""
    store = await Store.open(database_url, attachments_dir=attachments, migrate=False)
    try:
        async with store.transaction() as tx:
            maria = await tx.person_for_account("telegram", str(MARIA))
            await tx.update_profile(maria.id, organ_key="sefaz")
            attendant = await tx.ensure_person("shell", "ana", ATTENDANT_NAME)
            await tx.set_attendant(attendant.id, True)
            demand = await tx.open_demand(Actor(maria.id), DRAFT)
        async with store.transaction() as tx:
            await tx.answer(Actor(attendant.id, True), demand.protocol, "Liquidação liberada.")
    finally:
        await store.close()
    return demand.protocol


@pytest.mark.slow
async def test_python_m_bot_serves_telegram_and_teams_on_one_port_and_pushes(tmp_path: Path) -> None:
    api = FakeTelegramAPI()
    await api.start()
    port = free_port()
    database_url, attachments = f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}", tmp_path / "files"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=deployed_environment(api, port, database_url, attachments),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await wait_until_listening(f"http://127.0.0.1:{port}/healthz", process)
        await api.wait_for(lambda: api.webhook, timeout=30)
        await teams_refuses_what_the_bot_framework_did_not_sign(port)
        await maria_says_hello_through_the_webhook(api)
        protocol = await another_process_opens_her_demand_and_answers_it(database_url, attachments)
        pushed = await api.wait_for(
            lambda: [m for m in api.sent_to(MARIA) if "Liquidação liberada." in m.get("text", "")], timeout=30)
        assert protocol in pushed[0]["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        await api.close()
    assert process.returncode == 0, stderr.decode()
