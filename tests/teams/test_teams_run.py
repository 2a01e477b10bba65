"""`run_teams`, what `python -m bot teams` runs: serves until told to stop."""

from __future__ import annotations

import asyncio

import aiohttp
from fakes.connector import TeamsUser, visible_text

from bot.config import Config
from bot.teams import run_teams


async def test_run_teams_serves_the_endpoint_and_health_until_stopped(file_dialogs, file_store, connector, http_port):
    config = Config(http_port=http_port)
    stop = asyncio.Event()
    running = asyncio.create_task(run_teams(config, file_dialogs, file_store, stop=stop))
    base = f"http://127.0.0.1:{config.http_port}"
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.02)
    replies = await TeamsUser(f"{base}/api/messages", connector).adds_the_bot()
    assert "Olá, Maria Souza" in "\n".join(visible_text(r) for r in replies)
    stop.set()
    await asyncio.wait_for(running, 5)
    async with aiohttp.ClientSession() as session:
        try:
            async with session.get(f"{base}/healthz"):
                raise AssertionError("still serving after stop")
        except aiohttp.ClientConnectionError:
            pass
